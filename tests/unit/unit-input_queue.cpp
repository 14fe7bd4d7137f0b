// unit-input_queue.cpp: the browser input queue (platform/input_queue.hpp): clicks and keys that arrive between
// two frames are trickled into successive frames, in order, and none is lost.
#include <doctest/doctest.h>

#include <cfloat>
#include <string>
#include <vector>

#include "platform/input_queue.hpp"

using namespace jupiter::platform;
using namespace jupiter::platform::input;

namespace {

Key key(int code, bool down, bool types = false) { return Key{code, down, types, Modifiers{}}; }

// The left button's state in each frame until the queue is empty (at most 10 frames).
std::vector<bool> left_button_frames(InputQueue& q) {
  std::vector<bool> out;
  for (int i = 0; i < 10 && q.pending(); ++i) out.push_back(q.next_frame().mouse_down[0]);
  return out;
}

}  // namespace

TEST_CASE("a press and release between two frames become a press in one frame and a release in the next") {
  InputQueue q;
  q.push(MouseButton{0, true, 10, 20});
  q.push(MouseButton{0, false, 10, 20});
  CHECK(left_button_frames(q) == std::vector<bool>{true, false});
  CHECK_FALSE(q.pending());
}

TEST_CASE("a double click between two frames gives two presses, one transition per frame") {
  InputQueue q;
  for (int i = 0; i < 2; ++i) {
    q.push(MouseButton{0, true, 5, 5});
    q.push(MouseButton{0, false, 5, 5});
  }
  CHECK(left_button_frames(q) == std::vector<bool>{true, false, true, false});
}

TEST_CASE("a press is applied at its own position, after the moves before it, in the same frame") {
  InputQueue q;
  q.push(MouseMove{1, 1});
  q.push(MouseMove{50, 60});
  q.push(MouseButton{0, true, 52, 61});
  q.push(MouseMove{200, 300});  // after the press: the next frame
  const FrameInput& f = q.next_frame();
  CHECK(f.mouse_down[0]);
  CHECK(f.mouse_x == 52);
  CHECK(f.mouse_y == 61);
  REQUIRE(q.pending());
  const FrameInput& g = q.next_frame();
  CHECK(g.mouse_down[0]);  // still held
  CHECK(g.mouse_x == 200);
  CHECK_FALSE(q.pending());
}

TEST_CASE("moves alone all land in one frame, the last position wins") {
  InputQueue q;
  for (int i = 0; i < 30; ++i) q.push(MouseMove{static_cast<float>(i), 2.0f * static_cast<float>(i)});
  const FrameInput& f = q.next_frame();
  CHECK(f.mouse_x == 29);
  CHECK(f.mouse_y == 58);
  CHECK_FALSE(q.pending());
}

TEST_CASE("two buttons pressed between frames take one frame each") {
  InputQueue q;
  q.push(MouseButton{0, true, 0, 0});
  q.push(MouseButton{1, true, 0, 0});
  const FrameInput& f = q.next_frame();
  CHECK(f.mouse_down[0]);
  CHECK_FALSE(f.mouse_down[1]);
  const FrameInput& g = q.next_frame();
  CHECK(g.mouse_down[0]);
  CHECK(g.mouse_down[1]);
}

TEST_CASE("wheel steps add up within a frame and are not carried into the next") {
  InputQueue q;
  q.push(Wheel{0, 1});
  q.push(Wheel{0.5f, -3});
  const FrameInput& f = q.next_frame();
  CHECK(f.wheel_x == doctest::Approx(0.5));
  CHECK(f.wheel_y == doctest::Approx(-2));
  const FrameInput& g = q.next_frame();
  CHECK(g.wheel_x == 0);
  CHECK(g.wheel_y == 0);
}

TEST_CASE("a wheel step after a click waits for the next frame") {
  InputQueue q;
  q.push(MouseButton{0, true, 0, 0});
  q.push(Wheel{0, 2});
  CHECK(q.next_frame().wheel_y == 0);
  CHECK(q.next_frame().wheel_y == 2);
}

TEST_CASE("keys typed fast are all applied, each key down in its own frame before its release") {
  InputQueue q;
  const std::string word = "JAPAN";  // J A P A N: the second A repeats a key code
  for (char c : word) {
    q.push(key(c, true, true));
    q.push(Text{std::string(1, c)});
    q.push(key(c, false, true));
  }
  std::string typed;
  int presses = 0;
  bool was_down['Z' + 1] = {};
  for (int i = 0; i < 40 && q.pending(); ++i) {
    const FrameInput& f = q.next_frame();
    typed += f.text;
    for (int k = 'A'; k <= 'Z'; ++k) {
      if (f.keys_down[k] && !was_down[k]) ++presses;
      was_down[k] = f.keys_down[k];
    }
  }
  CHECK_FALSE(q.pending());
  CHECK(typed == word);
  CHECK(presses == 5);
}

TEST_CASE("text and editing keys keep their order across frames") {
  InputQueue q;
  q.push(key('A', true, true));
  q.push(Text{"a"});
  q.push(key(8, true));  // Backspace while A is still held: its own frame, after the "a"
  q.push(key(8, false));
  q.push(key('B', true, true));
  q.push(Text{"b"});
  const FrameInput& f1 = q.next_frame();
  CHECK(f1.text == "a");
  CHECK_FALSE(f1.keys_down[8]);
  const FrameInput& f2 = q.next_frame();
  CHECK(f2.keys_down[8]);
  CHECK(f2.text.empty());
  const FrameInput& f3 = q.next_frame();
  CHECK_FALSE(f3.keys_down[8]);
  CHECK(f3.keys_down['B']);  // B may go down with the Backspace's release; its text waits for no editing key
  CHECK(f3.text == "b");
  CHECK_FALSE(q.pending());
}

TEST_CASE("modifiers come with their key") {
  InputQueue q;
  q.push(Key{17, true, false, Modifiers{true, false, false, false}});
  q.push(Key{'A', true, false, Modifiers{true, false, false, false}});
  const FrameInput& f = q.next_frame();
  CHECK(f.mods.ctrl);
  CHECK(f.keys_down['A']);
  CHECK(f.keys_down[17]);
}

TEST_CASE("losing focus releases keys and modifiers, but not before a pending press was seen") {
  InputQueue q;
  q.push(Key{16, true, false, Modifiers{false, true, false, false}});
  q.push(FocusLost{});
  const FrameInput& f = q.next_frame();
  CHECK(f.keys_down[16]);
  CHECK(f.mods.shift);
  const FrameInput& g = q.next_frame();
  CHECK_FALSE(g.keys_down[16]);
  CHECK_FALSE(g.mods.shift);
}

TEST_CASE("out-of-range buttons and keys are ignored without blocking the queue") {
  InputQueue q;
  q.push(MouseButton{7, true, 0, 0});
  q.push(key(600, true));
  q.push(key(-1, true));
  q.push(MouseButton{0, true, 3, 4});
  const FrameInput& f = q.next_frame();
  CHECK(f.mouse_down[0]);
  CHECK_FALSE(q.pending());
}

TEST_CASE("an idle queue changes nothing and leaves the held state as it was") {
  InputQueue q;
  q.push(MouseButton{0, true, 8, 9});
  q.next_frame();
  const FrameInput& f = q.next_frame();
  CHECK(f.mouse_down[0]);
  CHECK(f.mouse_x == 8);
  CHECK(f.text.empty());
  CHECK_FALSE(q.pending());
}

TEST_CASE("leaving the canvas is a move to -FLT_MAX") {
  InputQueue q;
  q.push(MouseMove{-FLT_MAX, -FLT_MAX});
  CHECK(q.next_frame().mouse_x == -FLT_MAX);
}
