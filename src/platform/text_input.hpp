// text_input.hpp: real <input> elements kept over ImGui text fields: the checkout's e-mail, name and phone, and
// the store's search fields (ui::InputTextWithHint).
//
// Canvas text fields cannot take phone keyboards, IMEs, the browser's e-mail autofill or a paste menu; a real
// element can. The UI draws each field's frame and label, and lists where the field is; after the frame, the
// platform keeps one <input> per field exactly over that rectangle (visible, styled like the ImGui fields), and
// mirrors every change of its value (typing, IME composition end, autofill, paste) back as a callback.
//
// Implemented features (text_input_web.cpp, Emscripten):
//  [X] type / inputmode / autocomplete / enterkeyhint per kind (email, name, tel, search), aria-label,
//      a <textarea> for TextKind::Multiline (Enter: a new line), aria-invalid, placeholder; 16 px text (iOS
//      does not zoom). Tab order: the accessible mirror (ui/a11y.hpp) places each element among the other widgets
//      in drawing order.
//  [X] Value from the model while the element is not focused; from the element while it is (the user is typing).
//  [X] No writes while an IME composition is open; the composed text arrives with the input event after it.
//  [X] Wheel events over an element go to the canvas, so the page scrolls the same with the pointer on a field.
//  [X] Elements not listed in a frame are hidden (and lose focus).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/text_field.hpp"

namespace jupiter::platform {

// Where changes go: (tag, new value). Called from browser events; the callee queues an action and asks a frame.
void text_fields_init(std::function<void(int tag, std::string value)> changed);

// After each rendered frame: the fields of that frame (an empty list hides them all).
void text_fields_sync(const std::vector<TextField>& fields);

}  // namespace jupiter::platform
