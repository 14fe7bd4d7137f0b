// input_queue.hpp: browser input events queued as they arrive and trickled into frames, so that no click or key
// is lost (Dear ImGui 1.86 reads input as a state per frame; later ImGui versions queue and trickle the same way).
//
// Invariants of what one frame takes from the queue (InputQueue::next_frame):
//  - Events are applied in arrival order; the first event that may not join this frame ends the frame's share,
//    and it and everything after it wait for the next frame (nothing is reordered, nothing is dropped).
//  - At most one mouse button transition per frame (any button), and at most one transition per key per frame:
//    a down and an up that arrived between two frames become a press in frame N and a release in frame N+1.
//  - A press or release carries its position; the pointer is moved there in the same frame, before the press.
//    A move that arrives after a button transition waits for the next frame (the press is not dragged away).
//  - Wheel deltas add up within a frame, but not across a button transition.
//  - Text waits for the next frame when a key that types no text (Backspace, arrows, Enter) went down in this
//    frame, and a key down waits when text was typed in this frame: ImGui 1.86 applies a frame's text before its
//    keys, so the order of typing and editing keys is kept by putting them in different frames.
//  - Losing focus releases every key and modifier, in a later frame than any key transition before it.
// Pure value (no browser, no ImGui): the web backend (imgui_impl_web.cpp) pushes and copies a frame into ImGuiIO.
#pragma once
#include <array>
#include <cstddef>
#include <deque>
#include <string>
#include <variant>

namespace jupiter::platform {

inline constexpr int kMouseButtons = 5;  // ImGui's buttons: 0 left, 1 right, 2 middle, 3 and 4 extra
inline constexpr int kKeys = 512;        // key codes (the DOM's keyCode) 0..511; others are ignored

struct Modifiers {
  bool ctrl = false, shift = false, alt = false, super = false;
  bool operator==(const Modifiers& o) const {
    return ctrl == o.ctrl && shift == o.shift && alt == o.alt && super == o.super;
  }
};

namespace input {
// The pointer moved to (x, y), CSS pixels relative to the canvas; -FLT_MAX for "left the canvas".
struct MouseMove { float x = 0, y = 0; };
// A button (0..kMouseButtons-1) went down or up with the pointer at (x, y).
struct MouseButton { int button = 0; bool down = false; float x = 0, y = 0; };
// Wheel steps (ImGui units: about 5 lines each), positive y scrolls up.
struct Wheel { float dx = 0, dy = 0; };
// A key (0..kKeys-1) went down or up; `types` when the key also typed text (a Text event follows it).
struct Key { int code = 0; bool down = false; bool types = false; Modifiers mods; };
// Typed text, UTF-8 (one or more characters).
struct Text { std::string utf8; };
// The canvas lost focus: all keys and modifiers are up.
struct FocusLost {};
}  // namespace input

using InputEvent =
    std::variant<input::MouseMove, input::MouseButton, input::Wheel, input::Key, input::Text, input::FocusLost>;

// The input state of one frame, what ImGui 1.86 reads from ImGuiIO.
struct FrameInput {
  float mouse_x = -1, mouse_y = -1;
  std::array<bool, kMouseButtons> mouse_down{};
  std::array<bool, kKeys> keys_down{};
  Modifiers mods;
  float wheel_x = 0, wheel_y = 0;  // this frame's wheel only (0 when none)
  std::string text;                // this frame's typed text only
};

class InputQueue {
 public:
  // Queues an event (out-of-range buttons and key codes are ignored when applied).
  void push(InputEvent e);
  // Applies the events that belong to the next frame (see the invariants above) and returns its input.
  // The pointer, buttons, keys and modifiers persist from frame to frame; wheel and text do not.
  const FrameInput& next_frame();
  // True when events wait for a later frame: the caller should draw another frame.
  bool pending() const { return !events_.empty(); }
  std::size_t size() const { return events_.size(); }

 private:
  std::deque<InputEvent> events_;
  FrameInput state_;
};

}  // namespace jupiter::platform
