// text_input_web.cpp: the browser implementation of text_input.hpp (Emscripten, EM_JS).
#include <emscripten.h>

#include <string>
#include <utility>

#include "platform/text_input.hpp"

namespace {
std::function<void(int, std::string)> g_changed;
bool g_any_shown = false;  // skips the per-frame JS call while no field has been shown
}  // namespace

// clang-format off
EM_JS(void, jupiter_js_text_begin, (void), {
  Module.jupiterFieldFrame = (Module.jupiterFieldFrame || 0) + 1;
  Module.jupiterFields = Module.jupiterFields || {};
});

EM_JS(void, jupiter_js_text_place, (int tag, int kind, const char* name, const char* label, const char* value,
                                    const char* placeholder, double x, double y, double w, double h, int invalid), {
  const fields = Module.jupiterFields;
  let el = fields[tag];
  if (!el) {
    // [type, inputmode, autocomplete, enterkeyhint] per TextKind: Text, Email, Name, Tel, Search, Multiline.
    const kinds = [["text", "text", "on", "next"], ["email", "email", "email", "next"], ["text", "text", "name", "next"],
                   ["tel", "tel", "tel", "done"], ["search", "search", "off", "search"], ["", "text", "off", "enter"]];
    const k = kinds[kind] || kinds[0];
    el = document.createElement(kind == 5 ? "textarea" : "input");
    if (kind != 5) el.type = k[0];
    el.inputMode = k[1];
    el.autocomplete = k[2];
    el.enterKeyHint = k[3];
    el.name = UTF8ToString(name);
    el.id = "jupiter-field-" + el.name;
    el.className = "jupiter-field";
    el.spellcheck = false;
    if (kind == 1 || kind == 3) el.setAttribute("autocapitalize", "off");
    let composing = false;
    const send = () => {
      if (composing) return;
      const n = lengthBytesUTF8(el.value) + 1, p = _malloc(n);
      stringToUTF8(el.value, p, n);
      try { _jupiter_text_changed(tag, p); } finally { _free(p); }
    };
    el.addEventListener("compositionstart", () => { composing = true; });
    el.addEventListener("compositionend", () => { composing = false; send(); });
    el.addEventListener("input", send);
    el.addEventListener("change", send);
    el.addEventListener("wheel", (e) => {
      const canvas = document.getElementById("canvas");
      if (canvas) canvas.dispatchEvent(new WheelEvent("wheel", e));
      e.preventDefault();
    }, { passive: false });
    el.jupiterComposing = () => composing;
    document.body.appendChild(el);
    fields[tag] = el;
  }
  if (!el.isConnected) document.body.appendChild(el);  // the mirror took it out with a widget that went away
  el.jupiterFrame = Module.jupiterFieldFrame;
  const ph = UTF8ToString(placeholder);
  if (el.placeholder !== ph) el.placeholder = ph;
  el.setAttribute("aria-label", UTF8ToString(label));
  if (invalid) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
  const v = UTF8ToString(value);
  // While focused, the element is the truth (the model follows it through input events).
  if (document.activeElement !== el && !el.jupiterComposing() && el.value !== v) el.value = v;
  const s = el.style;
  s.left = x + "px"; s.top = y + "px"; s.width = w + "px"; s.height = h + "px";
  el.hidden = false;
});

EM_JS(void, jupiter_js_text_end, (void), {
  const fields = Module.jupiterFields;
  for (const tag in fields) {
    const el = fields[tag];
    if (el.jupiterFrame === Module.jupiterFieldFrame || el.hidden) continue;
    if (document.activeElement === el) el.blur();
    el.hidden = true;
  }
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_text_changed(int tag, const char* value) {
  if (g_changed) g_changed(tag, value);
}

namespace jupiter::platform {

void text_fields_init(std::function<void(int tag, std::string value)> changed) { g_changed = std::move(changed); }

void text_fields_sync(const std::vector<TextField>& fields) {
  if (fields.empty() && !g_any_shown) return;
  jupiter_js_text_begin();
  for (const TextField& f : fields) {
    jupiter_js_text_place(f.tag, static_cast<int>(f.kind), f.name.c_str(), f.label.c_str(), f.value.c_str(),
                          f.placeholder.c_str(), f.x, f.y, f.w, f.h, f.invalid ? 1 : 0);
  }
  jupiter_js_text_end();
  g_any_shown = !fields.empty();
}

}  // namespace jupiter::platform
