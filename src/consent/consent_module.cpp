// consent_module.cpp: the consent WebAssembly module: the core's consent model behind a small C ABI for
// web/consent.js. No Emscripten runtime JS: the module is standalone (it imports nothing the page must know
// about), the config is embedded (the banner texts are files of their own, one per language), and strings cross
// the boundary as UTF-8 in memory.
//
// Calling convention: JS asks jc_input(n) for n bytes, writes UTF-8 there, calls a function; a function that
// returns text returns a pointer and jc_output_size() says how many bytes. The input and output buffers stay
// valid until the next call. The input holds at most kInputCapacity bytes: for more, jc_input returns 0, writes
// nothing, and the call sees an empty input (no record: no consent), which is how an over-long stored record is
// treated anyway.
//
// Memory: no malloc. The little the encoders allocate (std::string) comes from a bump arena above the heap base,
// reset at the start of every exported call (each call's allocations die with it, but its output, which JS reads
// before the next call). The arena grows the wasm memory when it needs to; a call allocates a small multiple of
// its input, which is bounded. Several inputs are written as lines of one buffer ('\n' never occurs in them:
// JSON records escape control characters, the other fields are checked by the core).
//
//   jc_init()                          1: the config is compiled in (a constant table, core/consent_config.hpp)
//   jc_config()                        the embedded config (JSON) for drawing the banner
//   jc_state(gpc, now_ms)              input: a stored record (may be empty or garbage)
//                                      -> {"valid","reason","record_error","categories","services",
//                                          "gpc_applied","gpc_overrode","expires_ms","consent_mode"}
//   jc_decide(action, cats, gpc, now)  input lines: previous record, fresh consent id, language, banner hash,
//                                      ui version, service overrides ("id=1 id=0")
//                                      -> "<record JSON>\n<receipt JSON>", or "" when refused
//   jc_remove(kind, gpc, now)          input lines: the stored record, then names present (cookies if kind is 0,
//                                      storage keys if 1) -> the names to delete, one per line
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/consent.hpp"
#include "core/consent_config.hpp"
#include "core/json_lite.hpp"

extern "C" const unsigned char jupiter_consent_config[];
extern "C" const unsigned int jupiter_consent_config_size;
extern "C" unsigned char __heap_base;  // the linker's: the first byte after data and stack

// ---- the arena behind operator new ------------------------------------------------------------------------
namespace {
std::size_t g_arena_used = 0;
constexpr std::size_t kPage = 65536;

// Starts a call: everything allocated before is free again.
void new_call() { g_arena_used = 0; }
}  // namespace

void* operator new(std::size_t n) {
  const std::size_t start = reinterpret_cast<std::size_t>(&__heap_base) + g_arena_used;
  const std::size_t end = start + ((n + 15) & ~std::size_t{15});
  const std::size_t have = __builtin_wasm_memory_size(0) * kPage;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + kPage - 1) / kPage) < 0) __builtin_trap();
  g_arena_used = end - reinterpret_cast<std::size_t>(&__heap_base);
  return reinterpret_cast<void*>(start);
}
void operator delete(void*) noexcept {}
void operator delete(void*, std::size_t) noexcept {}

namespace {

using namespace jupiter::consent;

const Config& config() { return embedded_config(); }

constexpr std::size_t kInputCapacity = 64u * 1024u;
char g_input[kInputCapacity];
std::string_view g_in;
std::string g_out;

std::string_view embedded(const unsigned char* data, unsigned int size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits the first line off `rest` (all of it when there is no newline).
std::string_view next_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

const char* output(std::string text) {
  g_out = std::move(text);
  return g_out.c_str();
}

// Appends `key` (already JSON, with its quotes and colon) and a boolean.
void append_bool(std::string& out, const char* key, bool b) {
  out += key;
  out += b ? "true" : "false";
}

// Appends `key` and a string value (the names of the core's enums need no escaping).
void append_name(std::string& out, const char* key, std::string_view name) {
  out += key;
  out += '"';
  out += name;
  out += '"';
}

std::string state_json(const RecordDecode& decoded, const Effective& e) {
  std::string out = "{\"categories\":{";
  for (Category c : kCategories) {
    if (c != Category::Necessary) out += ',';
    jupiter::json_lite::append_string(out, category_name(c));
    append_bool(out, ":", e.granted(c));
  }
  out += "},\"consent_mode\":";
  out += consent_mode_json(consent_mode_state(e));
  out += ",\"expires_ms\":";
  jupiter::json_lite::append_int(out, e.validity.expires_ms);
  append_bool(out, ",\"gpc_applied\":", e.gpc_applied);
  append_bool(out, ",\"gpc_overrode\":", e.gpc_overrode);
  append_name(out, ",\"reason\":", reason_name(e.validity.reason));
  append_name(out, ",\"record_error\":", record_error_name(decoded.error));
  out += ",\"services\":[";
  for (std::size_t i = 0; i < config().services.size(); ++i) {
    if (!e.services[i]) continue;
    if (out.back() != '[') out += ',';
    jupiter::json_lite::append_string(out, config().services[i].id);
  }
  append_bool(out, "],\"valid\":", e.validity.valid);
  return out + "}";
}

// "id=1 id=0" -> the service toggles. Malformed pairs are ignored (so are unknown ids).
void parse_overrides(std::string_view text, Choices& choices) {
  while (!text.empty()) {
    const auto sp = text.find(' ');
    const std::string_view pair = text.substr(0, sp);
    text = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
    if (pair.size() > 2 && pair[pair.size() - 2] == '=')
      choices.set_service(config(), pair.substr(0, pair.size() - 2), pair.back() == '1');
  }
}

}  // namespace

extern "C" {

__attribute__((export_name("jc_input"))) char* jc_input(unsigned int size) {
  const bool fits = size <= kInputCapacity;
  g_in = std::string_view(g_input, fits ? size : 0);
  return fits ? g_input : nullptr;
}

__attribute__((export_name("jc_output_size"))) unsigned int jc_output_size() {
  return static_cast<unsigned int>(g_out.size());
}

__attribute__((export_name("jc_init"))) int jc_init() { return 1; }

__attribute__((export_name("jc_config"))) const char* jc_config() {
  new_call();
  return output(std::string(embedded(jupiter_consent_config, jupiter_consent_config_size)));
}

__attribute__((export_name("jc_state"))) const char* jc_state(int gpc, double now_ms) {
  new_call();
  const RecordDecode decoded = decode_record(config(), g_in);
  return output(state_json(decoded, effective(config(), decoded, gpc != 0, static_cast<std::int64_t>(now_ms))));
}

__attribute__((export_name("jc_decide"))) const char* jc_decide(int action, int categories, int gpc, double now_ms) {
  new_call();
  std::string_view rest = g_in;
  const RecordDecode previous = decode_record(config(), next_line(rest));
  const std::string_view consent_id = next_line(rest);
  const std::string_view language = next_line(rest);
  const std::string_view banner_hash = next_line(rest);
  const std::string_view ui_version = next_line(rest);
  Choices choices;
  for (Category c : kCategories) choices.categories.set(c, (categories >> static_cast<int>(c)) & 1);
  parse_overrides(next_line(rest), choices);
  const Decision d = decide(config(), previous.get(), static_cast<Action>(action), choices,
                            static_cast<std::int64_t>(now_ms), consent_id, language, gpc != 0);
  if (!d.ok()) return output({});
  const Receipt receipt = build_receipt(config(), d.record, banner_hash, ui_version);
  if (!receipt.ok()) return output({});
  return output(encode_record(config(), d.record) + "\n" + receipt.json);
}

__attribute__((export_name("jc_remove"))) const char* jc_remove(int kind, int gpc, double now_ms) {
  new_call();
  std::string_view rest = g_in;
  const RecordDecode decoded = decode_record(config(), next_line(rest));
  const Effective e = effective(config(), decoded, gpc != 0, static_cast<std::int64_t>(now_ms));
  std::string out;
  while (!rest.empty()) {
    const std::string_view name = next_line(rest);
    if (!should_remove(config(), e, name, kind ? StoreKind::Storage : StoreKind::Cookie)) continue;
    out += name;
    out += '\n';
  }
  return output(std::move(out));
}

}  // extern "C"
