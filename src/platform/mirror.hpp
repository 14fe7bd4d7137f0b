// mirror.hpp: the DOM side of the accessible mirror (ui/a11y.hpp): elements in <main id="a11y-mirror"> beside
// the canvas, written by web/boot.js's jupiterMirror from the calls below (Emscripten). upsert/rect/scroll/order/
// live only append to the frame's packed buffer; flush() hands it to the page in one JS call (one crossing a frame).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace jupiter::platform::mirror {

struct Events {
  std::function<void(std::uint32_t act)> activate;  // a click (Enter, Space, a screen reader) on an element
  std::function<void(std::uint32_t act)> focus;     // DOM focus moved to an element (0: out of the mirror)
  std::function<void()> escape;                     // Escape pressed in the mirror
};
void init(Events events);
// False until the page's mirror container exists (the module can start before the page is parsed).
bool ready();

// flags: 1 enabled, 2 checked, 4 selected/checked known, 8 expanded.
void upsert(std::uint32_t key, std::uint32_t act, const std::string& role, const std::string& name,
            const std::string& value, int level, int flags, const std::string& field);
// An element's rectangle, CSS pixels.
void rect(std::uint32_t key, float x, float y, float w, float h);
// The page's vertical scroll: elements are placed at y + scroll, the mirror is moved up by it.
void scroll(float y);
// The frame's elements in drawing order; the others are removed.
void order(const std::vector<std::uint32_t>& keys);
// Moves DOM focus to the element of `act` (ImGui's keyboard navigation moved). Not while input events still wait
// for frames: keys typed meanwhile must keep going to the canvas, after the ones queued (a key that reached a mirror
// element would act before them). Returns false then; the caller asks again after a later frame.
bool focus(std::uint32_t act);
// The live regions' texts (role=status polite, role=alert).
void live(const std::string& status, const std::string& alert);
// Sends what the calls above collected since the last flush, in their order; nothing when there is nothing.
void flush();

}  // namespace jupiter::platform::mirror
