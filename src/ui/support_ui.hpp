// support_ui.hpp: "Help with this eSIM" on the eSIM page (issue 15): the order's support thread (who, when, text,
// the device details a message carried), a text field, "Attach device details" with the exact details that would
// be sent shown under it, Send and Refresh; outcomes and problems as status / alert texts (the mirror's live
// regions). It reads core/support.hpp's model and emits its actions; it performs nothing.
//
//   ui::SupportFrame frame(model, out, fields, device);  // main.cpp, around the checkout window's drawing
//   const ui::SupportSectionLast help(order);             // delivery_ui.cpp: drawn after every path of the section
// The field is a real <input> kept over its frame (platform/text_input.hpp), its changes coming back with tag
// kSupportFieldTag.
#pragma once
#include <vector>

#include "core/app.hpp"
#include "core/delivery.hpp"
#include "core/order.hpp"
#include "core/text_field.hpp"

namespace jupiter::ui {

constexpr int kSupportFieldTag = 960;

// Where the section reads the model, emits its actions and lists its text field, for the frame this object lives
// in; the device is the one the delivery section detected (its details are what "Attach" sends).
class SupportFrame {
 public:
  SupportFrame(const Model& m, std::vector<Action>& out, std::vector<TextField>& fields, const delivery::Device& device);
  ~SupportFrame();
  SupportFrame(const SupportFrame&) = delete;
  SupportFrame& operator=(const SupportFrame&) = delete;
};

// Draws the section for `order` when it goes out of scope (after whatever the delivery section drew), while a
// SupportFrame is active; nothing otherwise.
class SupportSectionLast {
 public:
  explicit SupportSectionLast(const Order& order) : order_(order) {}
  ~SupportSectionLast();
  SupportSectionLast(const SupportSectionLast&) = delete;
  SupportSectionLast& operator=(const SupportSectionLast&) = delete;

 private:
  const Order& order_;
};

}  // namespace jupiter::ui
