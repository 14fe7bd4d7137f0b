// text_field.hpp: a text field the UI asks for, as a value: where a real <input> goes and what it holds.
//
// The UI lists the fields of each frame (ui/checkout_ui, ui/account_ui, ui/widgets); the platform keeps one real
// element per listed field over that rectangle (platform/text_input.hpp). The list is data handed from the view to
// the platform, like an effect, so the UI needs no platform header to describe it.
#pragma once
#include <cstdint>
#include <string>

namespace jupiter {

// Multiline: a <textarea> (Enter starts a new line; Tab leaves it), its frame several lines high (ui/widgets).
enum class TextKind : std::uint8_t { Text = 0, Email, Name, Tel, Search, Multiline };

// One field of one frame, in CSS pixels relative to the viewport (x, y, w, h >= 0 for a visible field).
struct TextField {
  int tag = 0;           // the caller's field number, passed back with changes
  TextKind kind = TextKind::Text;
  std::string name;      // the element's name and id suffix ("email", "email-confirm"): stable for autofill
  std::string label;     // accessible name (the visible label's text)
  std::string value;     // the model's value
  float x = 0, y = 0, w = 0, h = 0;
  bool invalid = false;  // the field shows an error: aria-invalid and a red border
  std::string placeholder;
};

}  // namespace jupiter
