// a11y.hpp: the accessible mirror of the canvas UI. Each rendered frame, the widget records (ui/widgets.hpp) are
// written to real DOM elements beside the canvas (platform/mirror.hpp), only what changed, keyed by widget.
//
// The mirror is the way in for the keyboard and screen readers: DOM focus on a mirror element moves ImGui's
// navigation focus there and a focus ring is drawn on the canvas; a click on it (Enter, Space, a screen reader's
// "click") activates the widget by its ImGui id, never by faking a pointer. The wrappers ask `activated(id)`.
// An activation whose widget is not drawn in the next frame (the mirror was out of step) does nothing, and the
// whole mirror is written again.
#pragma once
#include <imgui.h>

struct ImGuiWindow;

#include <vector>

namespace jupiter::ui {
struct TestItem;
}

namespace jupiter::ui::a11y {

// From the mirror (browser events, between frames).
void request_activate(ImGuiID act);
void dom_focus(ImGuiID act);  // DOM focus is on the mirror element of `act` (0: elsewhere)
void request_escape();

// Wrappers, while drawing: true once when the mirror activated this widget.
bool activated(ImGuiID id);
// True once when Escape was pressed in the mirror (an open combo closes).
bool escape();
// Moves ImGui's and the DOM's focus to `id` once it is drawn (a combo closed by Escape or by a choice made with the
// keyboard gets its focus back).
void request_focus(ImGuiID id);
// True when the keyboard's focus is on a widget of `window`: the DOM focus on its mirror element, or ImGui's
// visible navigation focus (false after a mouse click, which hides it).
bool focus_in(const ImGuiWindow* window);
// Every recorded interactive widget: draws the focus ring when it holds focus, takes a pending focus request.
void item_drawn(ImGuiID act, ImVec2 min, ImVec2 max);

// After a rendered frame: writes the changes to the DOM. Returns true when another frame is needed.
bool sync(const std::vector<TestItem>& items);

}  // namespace jupiter::ui::a11y
