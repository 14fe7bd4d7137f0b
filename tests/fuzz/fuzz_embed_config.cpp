// fuzz_embed_config.cpp: libFuzzer target for the partner embed config and attribute decoder (core/embed). An
// accepted document gives settings whose texts are short and printable (or kUnusable), a valid partner id or none,
// upper-cased destination and currency; written back as a config object they decode to the same settings; and the
// announcements made from them are JSON objects that read back the same texts. Hex colours and partner ids are fed
// the raw bytes too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "core/embed.hpp"
#include "core/json_lite.hpp"

namespace jl = jupiter::json_lite;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool printable_upper(const std::optional<std::string>& s, std::size_t max_len, bool upper) {
  if (!s) return true;
  if (*s == jupiter::kUnusable) return true;
  if (s->empty() || s->size() > max_len) return false;
  for (char c : *s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || (upper && c >= 'a' && c <= 'z')) return false;
  return true;
}

void member(jl::StringOut& o, const char* name, const std::optional<std::string>& v) {
  if (!v) return;
  o.put(o.text.size() > 1 ? ',' : ' ');
  jl::write_string(o, name);
  o.put(':');
  jl::write_string(o, *v);
}

// The settings as a config document again.
std::string encode(const jupiter::EmbedSettings& s) {
  jl::StringOut o;
  o.put('{');
  member(o, "partner", s.partner.empty() ? std::nullopt : std::optional<std::string>(s.partner));
  member(o, "destination", s.destination);
  member(o, "plan", s.plan);
  member(o, "lang", s.lang);
  member(o, "currency", s.currency);
  if (s.theme) member(o, "theme", std::string(*s.theme == jupiter::Theme::Dark ? "dark" : "light"));
  if (s.accent) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "#%06x", static_cast<unsigned>(*s.accent));
    o.write(o.text.size() > 1 ? "," : " ");
    o.write("\"theme\":{\"accent\":\"");
    o.write(hex);
    o.write("\"}");
  }
  o.put('}');
  return o.text;
}

void check_detail(const std::string& detail, const char* key, std::string_view expected) {
  check(jl::check_object(detail, detail.size()) == jl::Status::Ok);
  check(jl::Value::document(detail).find(key).text() == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)jupiter::parse_hex_colour(text);
  (void)jupiter::valid_partner_id(text);
  const jupiter::EmbedDecode d = jupiter::decode_embed(text);
  check(d.ok == d.error.empty());
  if (!d.ok) return 0;
  const jupiter::EmbedSettings& s = d.settings;
  check(s.partner.empty() || jupiter::valid_partner_id(s.partner));
  check(printable_upper(s.destination, 8, true) && printable_upper(s.currency, 8, true));
  check(printable_upper(s.plan, 64, false) && printable_upper(s.lang, 16, false));
  check(!(s.theme && s.accent));
  if (s.accent) check(*s.accent <= 0xffffffu);

  const jupiter::EmbedDecode again = jupiter::decode_embed(encode(s));
  check(again.ok && again.settings == s);
  const std::string plan = s.plan.value_or("p"), dest = s.destination.value_or("JP");
  check_detail(jupiter::plan_selected_detail(plan, dest), "destination", dest);
  check_detail(jupiter::checkout_started_detail(plan, jupiter::Money{}), "plan", plan);
  check_detail(jupiter::error_detail(s.lang.value_or("e")), "code", s.lang.value_or("e"));
  return 0;
}
