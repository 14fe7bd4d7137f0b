// consent_module.cpp: the consent WebAssembly module: the core's consent model behind a small C ABI for
// web/consent.js. No Emscripten runtime JS: the module is standalone (it imports nothing the page must know
// about), the config is embedded (the banner texts are files of their own, one per language), and strings cross
// the boundary as UTF-8 in memory.
//
// Calling convention: JS asks jc_input(n) for n bytes, writes UTF-8 there, calls a function; a function that
// returns text returns a pointer and jc_output_size() says how many bytes. The input and output buffers stay
// valid until the next call. Several inputs are written as lines of one buffer ('\n' never occurs in them:
// JSON records escape control characters, the other fields are checked by the core).
//
//   jc_init()                          decodes the embedded config once; 1 when usable, 0 otherwise
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
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/consent.hpp"
#include "core/json_lite.hpp"

extern "C" const unsigned char jupiter_consent_config[];
extern "C" const unsigned int jupiter_consent_config_size;

namespace {

using namespace jupiter::consent;

ConfigDecode g_decoded;  // the embedded config, decoded once by jc_init
bool g_decode_tried = false;
std::string g_in;
std::string g_out;

std::string_view embedded(const unsigned char* data, unsigned int size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The input's lines; missing lines are empty.
std::vector<std::string_view> input_lines(std::size_t count) {
  std::vector<std::string_view> lines;
  std::string_view rest = g_in;
  while (lines.size() < count) {
    const auto nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  return lines;
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
  for (std::size_t i = 0; i < e.services.size(); ++i) {
    if (i) out += ',';
    jupiter::json_lite::append_string(out, e.services[i]);
  }
  append_bool(out, "],\"valid\":", e.validity.valid);
  return out + "}";
}

// "id=1 id=0" -> overrides. Malformed pairs are ignored (decide() ignores unknown ids as well).
std::map<std::string, bool> parse_overrides(std::string_view text) {
  std::map<std::string, bool> out;
  while (!text.empty()) {
    const auto sp = text.find(' ');
    const std::string_view pair = text.substr(0, sp);
    text = sp == std::string_view::npos ? std::string_view() : text.substr(sp + 1);
    if (pair.size() > 2 && pair[pair.size() - 2] == '=')
      out[std::string(pair.substr(0, pair.size() - 2))] = pair.back() == '1';
  }
  return out;
}

}  // namespace

extern "C" {

__attribute__((export_name("jc_input"))) char* jc_input(unsigned int size) {
  g_in.assign(size, '\0');
  return g_in.data();
}

__attribute__((export_name("jc_output_size"))) unsigned int jc_output_size() {
  return static_cast<unsigned int>(g_out.size());
}

__attribute__((export_name("jc_init"))) int jc_init() {
  if (!std::exchange(g_decode_tried, true))
    g_decoded = decode_config(embedded(jupiter_consent_config, jupiter_consent_config_size));
  return g_decoded.ok ? 1 : 0;
}

__attribute__((export_name("jc_config"))) const char* jc_config() {
  return output(std::string(embedded(jupiter_consent_config, jupiter_consent_config_size)));
}

__attribute__((export_name("jc_state"))) const char* jc_state(int gpc, double now_ms) {
  const RecordDecode decoded = decode_record(g_in);
  return output(state_json(decoded, effective(g_decoded.config, decoded, gpc != 0, static_cast<std::int64_t>(now_ms))));
}

__attribute__((export_name("jc_decide"))) const char* jc_decide(int action, int categories, int gpc, double now_ms) {
  const auto lines = input_lines(6);
  const RecordDecode previous = decode_record(lines[0]);
  Choices choices;
  for (Category c : kCategories) choices.categories.set(c, (categories >> static_cast<int>(c)) & 1);
  choices.services = parse_overrides(lines[5]);
  const Decision d = decide(g_decoded.config, previous.record ? &*previous.record : nullptr,
                            static_cast<Action>(action), choices, static_cast<std::int64_t>(now_ms), lines[1], lines[2],
                            gpc != 0);
  if (!d.ok()) return output({});
  const Receipt receipt = build_receipt(d.record, lines[3], lines[4]);
  if (!receipt.ok()) return output({});
  return output(encode_record(d.record) + "\n" + receipt.json);
}

__attribute__((export_name("jc_remove"))) const char* jc_remove(int kind, int gpc, double now_ms) {
  const auto first_nl = g_in.find('\n');
  const RecordDecode decoded = decode_record(std::string_view(g_in).substr(0, first_nl));
  std::vector<std::string> present;
  for (std::size_t at = first_nl; at != std::string::npos && at < g_in.size();) {
    const auto next = g_in.find('\n', at + 1);
    present.push_back(g_in.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1));
    at = next;
  }
  const Effective e = effective(g_decoded.config, decoded, gpc != 0, static_cast<std::int64_t>(now_ms));
  std::string out;
  for (const auto& name : names_to_remove(g_decoded.config, e, present, kind ? StoreKind::Storage : StoreKind::Cookie)) {
    out += name;
    out += '\n';
  }
  return output(std::move(out));
}

}  // extern "C"
