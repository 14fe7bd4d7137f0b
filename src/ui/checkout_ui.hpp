// checkout_ui.hpp: the checkout's Dear ImGui screens (issue 4): review, details, confirmations, payment, and the
// order page (result after paying, or a returning secret link). They read a const model and emit actions.
//
// Text fields are drawn as frames with labels; the real <input> elements that take the typing are placed over
// them by the platform (platform/text_input.hpp) from the list this fills in each frame.
#pragma once
#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

#include "core/app.hpp"
#include "core/text_field.hpp"
#include "ui/delivery_ui.hpp"

namespace jupiter::ui {

// What the screens need from the outside: fonts and browser services, injected by the app.
struct CheckoutEnv {
  ImFont* heading = nullptr;
  std::function<const std::string&(Money)> format_money;
  std::function<std::string()> new_key;                        // a fresh random idempotency key
  std::function<void(const std::string& url)> open_in_new_tab;  // the printable receipt
  std::string page_base;   // "http://127.0.0.1:8080/": the secret order link is shown as a full address
  delivery::Device device;  // for the eSIM delivery section
  float pixel_ratio = 1.0f;
  std::string policy_text;  // the Privacy Policy v1.0, shown in full one click from the confirmations
};

// Widget state that is not part of the model.
struct CheckoutScratch {
  bool policy_open = false;
  DeliveryScratch delivery;
};

// Draws the checkout window (call instead of the store's screens while model.checkout.open()). Returns the
// window's content height in CSS px, padding included.
float draw_checkout(const Model& model, const CheckoutEnv& env, CheckoutScratch& scratch, std::vector<Action>& out,
                   std::vector<TextField>& fields);

}  // namespace jupiter::ui
