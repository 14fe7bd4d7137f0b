// consent_module.cpp: the consent WebAssembly module: the core's consent model behind a small C ABI for
// web/consent.js. No Emscripten runtime JS: the module is standalone (it imports nothing the page must know
// about), the config is compiled in (core/consent_config.hpp; what the banner shows, words included, comes in a
// file per language built from the same config), and strings cross the boundary as UTF-8 in memory.
//
// Calling convention: JS asks jc_input(n) for n bytes, writes UTF-8 there, calls a function; a function that
// returns text returns a pointer and jc_output_size() says how many bytes. The input and output stay valid until
// the next call. Several inputs are written as lines of one buffer ('\n' never occurs in them: JSON records escape
// control characters, the other fields are checked by the core).
//
// Memory: nothing is allocated. The input holds at most kInputCapacity bytes: for more, jc_input returns 0,
// and the call sees an empty input (no record: no consent, as for any unreadable record). The output is a fixed
// buffer larger than any output an input that fits can produce; if it ever overflowed, the call would return
// "" (an error the JS handles), never a trap.
//
//   jc_names()                         -> "necessary preferences analytics marketing\naccept_all ... withdraw":
//                                      the category and action names in enum order, from 1 (consent.js's numbering)
//   jc_state(gpc, now_ms)              input: a stored record (may be empty or garbage)
//                                      -> {"valid","reason","record_error","categories","services",
//                                          "gpc_applied","gpc_overrode","expires_ms","consent_mode"}
//   jc_decide(action, cats, gpc, now)  input lines: previous record, fresh consent id, language, banner hash,
//                                      ui version, service overrides ("id=1 id=0"), fresh consent key (kept
//                                      in the record when the previous one has none)
//                                      -> "<record JSON>\n<receipt JSON>", or "" when refused
//   jc_remove(kind, gpc, now)          input lines: the stored record, then names present (cookies if kind is 0,
//                                      storage keys if 1) -> the names to delete, one per line
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/consent.hpp"
#include "core/consent_config.hpp"
#include "core/json_lite.hpp"

namespace {

using namespace jupiter::consent;
using jupiter::json_lite::Out;

constexpr std::size_t kInputCapacity = 64u * 1024u;
// The largest output: jc_remove's names, at most the input; a decision with 128 services is about 20 KB.
constexpr std::size_t kOutputCapacity = kInputCapacity + 32u * 1024u;

char g_input[kInputCapacity];
std::string_view g_in;

// The output of the current call.
class Output final : public Out {
 public:
  void write(std::string_view s) override {
    if (s.size() > sizeof data_ - size_) {
      overflow_ = true;
      return;
    }
    for (char c : s) data_[size_++] = c;
  }
  void start() { size_ = 0, overflow_ = false; }
  // The call's result: what was written, or "" if it did not fit.
  const char* finish() {
    if (overflow_) size_ = 0;
    return data_;
  }
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }

 private:
  char data_[kOutputCapacity];
  std::size_t size_ = 0;
  bool overflow_ = false;
};
Output g_out;
const char* g_result = nullptr;
std::size_t g_result_size = 0;

const Config& config() { return embedded_config(); }

const char* result(const char* data, std::size_t size) {
  g_result = data;
  g_result_size = size;
  return data;
}
const char* result_of_output() {
  const char* data = g_out.finish();
  return result(data, g_out.size());
}

// A time from JS (Date.now()): -1, which every check refuses, when it is not a finite time in range (NaN too).
std::int64_t time_arg(double ms) {
  return ms >= 0 && ms <= static_cast<double>(kMaxTimeMs) ? static_cast<std::int64_t>(ms) : -1;
}

// Splits the first line off `rest` (all of it when there is no newline).
std::string_view next_line(std::string_view& rest) {
  const auto nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

// `,"key":` (the first member without the comma).
void key(const char* name) {
  if (g_out.size() > 1) g_out.put(',');
  jupiter::json_lite::write_string(g_out, name);
  g_out.put(':');
}
void member(const char* name, bool b) { key(name), g_out.write(b ? "true" : "false"); }
void member(const char* name, std::string_view s) { key(name), jupiter::json_lite::write_string(g_out, s); }

void write_state(const RecordDecode& decoded, const Effective& e) {
  g_out.put('{');
  key("categories");
  for (Category c : kCategories) {
    g_out.put(c == Category::Necessary ? '{' : ',');
    jupiter::json_lite::write_string(g_out, category_name(c));
    g_out.write(e.granted(c) ? ":true" : ":false");
  }
  g_out.put('}');
  key("consent_mode");
  write_consent_mode(g_out, consent_mode_state(e));
  key("expires_ms");
  jupiter::json_lite::write_int(g_out, e.validity.expires_ms);
  member("gpc_applied", e.gpc_applied);
  member("gpc_overrode", e.gpc_overrode);
  member("reason", reason_name(e.validity.reason));
  member("record_error", record_error_name(decoded.error));
  key("services");
  char sep = '[';
  for (std::size_t i = 0; i < config().services.size(); ++i) {
    if (!e.services[i]) continue;
    g_out.put(sep);
    sep = ',';
    jupiter::json_lite::write_string(g_out, config().services[i].id);
  }
  if (sep == '[') g_out.put('[');
  g_out.put(']');
  member("valid", e.validity.valid);
  g_out.put('}');
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
  return static_cast<unsigned int>(g_result_size);
}

// The core's numbering, so consent.js copies none of it: category i's bit in jc_decide's mask is 1 << i and
// action i's code is i, for i = 1.. (0 is Unknown in both enums).
__attribute__((export_name("jc_names"))) const char* jc_names() {
  g_out.start();
  for (int c = 1; !category_name(static_cast<Category>(c)).empty(); ++c) {
    if (c > 1) g_out.put(' ');
    g_out.write(category_name(static_cast<Category>(c)));
  }
  g_out.put('\n');
  for (int a = 1; !action_name(static_cast<Action>(a)).empty(); ++a) {
    if (a > 1) g_out.put(' ');
    g_out.write(action_name(static_cast<Action>(a)));
  }
  return result_of_output();
}

__attribute__((export_name("jc_state"))) const char* jc_state(int gpc, double now_ms) {
  g_out.start();
  const RecordDecode decoded = decode_record(config(), g_in);
  write_state(decoded, effective(config(), decoded, gpc != 0, time_arg(now_ms)));
  return result_of_output();
}

__attribute__((export_name("jc_decide"))) const char* jc_decide(int action, int categories, int gpc, double now_ms) {
  g_out.start();
  std::string_view rest = g_in;
  const RecordDecode previous = decode_record(config(), next_line(rest));
  const std::string_view consent_id = next_line(rest);
  const std::string_view language = next_line(rest);
  const std::string_view banner_hash = next_line(rest);
  const std::string_view ui_version = next_line(rest);
  Choices choices;
  for (Category c : kCategories) choices.categories.set(c, (categories >> static_cast<int>(c)) & 1);
  parse_overrides(next_line(rest), choices);
  const std::string_view fresh_key = next_line(rest);
  Decision d = decide(config(), previous.get(), static_cast<Action>(action), choices,
                            time_arg(now_ms), consent_id, language, gpc != 0);
  if (d.ok() && d.record.consent_key.empty() && valid_consent_key(fresh_key))
    d.record.consent_key = fresh_key;  // the first decision's key (a malformed one is left out, never stored)
  if (d.ok()) {
    write_record(g_out, config(), d.record);
    g_out.put('\n');
    if (write_receipt(g_out, config(), d.record, banner_hash, ui_version) != ReceiptError::None) g_out.clear();
  }
  return result_of_output();
}

__attribute__((export_name("jc_remove"))) const char* jc_remove(int kind, int gpc, double now_ms) {
  g_out.start();
  std::string_view rest = g_in;
  const RecordDecode decoded = decode_record(config(), next_line(rest));
  const Effective e = effective(config(), decoded, gpc != 0, time_arg(now_ms));
  while (!rest.empty()) {
    const std::string_view name = next_line(rest);
    if (!should_remove(config(), e, name, kind ? StoreKind::Storage : StoreKind::Cookie)) continue;
    g_out.write(name);
    g_out.put('\n');
  }
  return result_of_output();
}

}  // extern "C"
