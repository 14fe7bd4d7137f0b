// delivery_ui.hpp: the eSIM delivery section of the order page (issue 5): QR code, one-tap install link where the
// phone supports it, manual details with Copy buttons, what travellers need to know, install guides, re-delivery.
//
// The decisions (is the code valid, which link, which guide) are core/delivery's make_view(); this file only draws
// them. The QR is drawn with a whole number of device pixels per module, aligned to the device-pixel grid, dark on
// light with a 4-module quiet zone, so that it scans at any devicePixelRatio.
#pragma once
#include <imgui.h>

#include <optional>
#include <string>

#include "core/checkout.hpp"
#include "core/delivery.hpp"
#include "core/order.hpp"
#include "core/qr.hpp"

namespace jupiter::ui {

struct DeliveryEnv {
  delivery::Device device;
  float pixel_ratio = 1.0f;       // devicePixelRatio the frame is drawn at
  std::string order_page_url;     // this order's page, secret included (desktop "open on your phone" QR)
  bool resend_busy = false;       // a resend request is in flight
  std::string resend_message;     // the outcome of the last resend, already in the user's language ("" = none)
  std::string copied;             // the manual detail whose copy last finished: "code", "smdp", ... ("" = none)
  bool copy_ok = false;
};

// Widget state that is not part of the order: cached QR matrices, the Android-link setting.
struct DeliveryScratch {
  bool android_link = false;
  std::string qr_payload, order_qr_payload;
  std::optional<qr::Matrix> qr, order_qr;
  std::string qr_error;            // when the payload could not be encoded (should not happen for a valid code)
};

// Draws the delivery section for a delivered order. Returns what the user asked for this frame (resend, copy a
// detail, open an install link), as an action: the UI performs no side effect itself.
std::optional<checkout::Action> draw_esim_delivery(const Order& order, const DeliveryEnv& env, DeliveryScratch& scratch);

// Draws `m` at the cursor: `fit` device pixels per module, the quiet zone included, snapped to whole device pixels.
// Recorded for the test API as role "qr" with `payload` as its value and `label` as its name.
void draw_qr(const char* label, const std::string& payload, const qr::Matrix& m, const qr::Fit& fit,
             float pixel_ratio);

}  // namespace jupiter::ui
