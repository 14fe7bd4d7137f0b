// input_queue.cpp: see input_queue.hpp. One frame's share of the queue, event by event, in arrival order.
#include "platform/input_queue.hpp"

#include <bitset>
#include <type_traits>
#include <utility>

namespace jupiter::platform {
namespace {

// What the frame being filled has taken so far.
struct Taken {
  bool button_changed = false;
  bool wheeled = false;
  bool text = false;
  bool editing_key_down = false;  // a key that types nothing went down
  bool any_key_changed = false;
  std::bitset<kKeys> key_changed;
};

bool take(const input::MouseMove& e, FrameInput& s, Taken& t) {
  if (t.button_changed) return false;
  s.mouse_x = e.x;
  s.mouse_y = e.y;
  return true;
}

bool take(const input::MouseButton& e, FrameInput& s, Taken& t) {
  if (e.button < 0 || e.button >= kMouseButtons) return true;  // ignored
  if (t.button_changed) return false;
  s.mouse_x = e.x;
  s.mouse_y = e.y;
  if (s.mouse_down[e.button] == e.down) return true;  // no transition (a lost down or up): position only
  s.mouse_down[e.button] = e.down;
  t.button_changed = true;
  return true;
}

bool take(const input::Wheel& e, FrameInput& s, Taken& t) {
  if (t.button_changed) return false;
  s.wheel_x += e.dx;
  s.wheel_y += e.dy;
  t.wheeled = true;
  return true;
}

bool take(const input::Key& e, FrameInput& s, Taken& t) {
  if (e.code < 0 || e.code >= kKeys) return true;  // ignored
  if (t.key_changed.test(e.code)) return false;
  if (e.down && t.text) return false;
  s.mods = e.mods;
  if (s.keys_down[e.code] == e.down) return true;  // a repeat: modifiers only
  s.keys_down[e.code] = e.down;
  t.key_changed.set(e.code);
  t.any_key_changed = true;
  if (e.down && !e.types) t.editing_key_down = true;
  return true;
}

bool take(const input::Text& e, FrameInput& s, Taken& t) {
  if (t.editing_key_down) return false;
  s.text += e.utf8;
  t.text = true;
  return true;
}

bool take(const input::FocusLost&, FrameInput& s, Taken& t) {
  if (t.any_key_changed) return false;
  s.keys_down.fill(false);
  s.mods = Modifiers{};
  return true;
}

}  // namespace

void InputQueue::push(InputEvent e) { events_.push_back(std::move(e)); }

const FrameInput& InputQueue::next_frame() {
  state_.wheel_x = state_.wheel_y = 0;
  state_.text.clear();
  Taken taken;
  while (!events_.empty()) {
    const bool joined = std::visit([&](const auto& e) { return take(e, state_, taken); }, events_.front());
    if (!joined) break;
    events_.pop_front();
  }
  return state_;
}

}  // namespace jupiter::platform
