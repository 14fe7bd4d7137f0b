// embed.cpp: the embed config decoder, partner ids, colours and announcement details (see embed.hpp).
#include "core/embed.hpp"

#include "core/json_lite.hpp"

namespace jupiter {
namespace {

using json_lite::Value;
using Type = json_lite::Value::Type;

bool printable(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// A string attribute: nullopt when absent, null or ""; kUnusable (and a problem) when it is not a short,
// printable string.
std::optional<std::string> text(Value doc, const char* name, std::size_t max_len, std::vector<std::string>& problems) {
  const Value v = doc.find(name);
  if (v.is(Type::Missing) || v.is(Type::Null)) return std::nullopt;
  if (!v.is(Type::String)) {
    problems.push_back(std::string(name) + " is not a string");
    return std::string(kUnusable);
  }
  std::string s = v.text();
  if (s.empty()) return std::nullopt;
  if (s.size() > max_len || !printable(s)) {
    problems.push_back(std::string(name) + " is too long or not printable");
    return std::string(kUnusable);
  }
  return s;
}

// "dark" / "light", or the partner's colours {"accent":"#rrggbb",...} (from the embed meta).
void read_theme(Value doc, EmbedSettings& s, std::vector<std::string>& problems) {
  const Value t = doc.find("theme");
  if (t.is(Type::Missing) || t.is(Type::Null)) return;
  if (t.is(Type::String)) {
    if (t.equals("dark")) s.theme = Theme::Dark;
    else if (t.equals("light")) s.theme = Theme::Light;
    else if (!t.equals("")) problems.push_back("theme is neither dark nor light");
    return;
  }
  if (!t.is(Type::Object)) return problems.push_back("theme is not a word or an object");
  const Value accent = t.find("accent");
  if (accent.is(Type::Missing) || accent.is(Type::Null)) return;
  if (accent.is(Type::String)) s.accent = parse_hex_colour(accent.text());
  if (!s.accent) problems.push_back("theme.accent is not a #rrggbb colour");
}

}  // namespace

EmbedDecode decode_embed(std::string_view text_in) {
  EmbedDecode out;
  switch (json_lite::check_object(text_in, kMaxEmbedBytes)) {
    case json_lite::Status::Ok: break;
    case json_lite::Status::TooLarge: out.error = "embed config: too large"; return out;
    case json_lite::Status::NotJson: out.error = "embed config: not JSON (or nested too deep)"; return out;
    case json_lite::Status::NotObject: out.error = "embed config: not a JSON object"; return out;
  }
  const Value doc = Value::document(text_in);
  auto& problems = out.problems;
  EmbedSettings& s = out.settings;
  if (auto partner = text(doc, "partner", 32, problems)) {
    if (valid_partner_id(*partner)) s.partner = *partner;
    else if (*partner != kUnusable) problems.push_back("partner is not a partner id");
  }
  s.destination = text(doc, "destination", 8, problems);
  if (s.destination) s.destination = upper(*s.destination);
  s.plan = text(doc, "plan", 64, problems);
  s.lang = text(doc, "lang", 16, problems);
  s.currency = text(doc, "currency", 8, problems);
  if (s.currency) s.currency = upper(*s.currency);
  read_theme(doc, s, problems);
  out.ok = true;
  return out;
}

bool valid_partner_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && c == '-')) return false;
  }
  return true;
}

std::optional<std::uint32_t> parse_hex_colour(std::string_view t) {
  if (t.size() != 7 || t[0] != '#') return std::nullopt;
  std::uint32_t v = 0;
  for (char c : t.substr(1)) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return std::nullopt;
    v = v * 16u + static_cast<std::uint32_t>(d);
  }
  return v;
}

// ---- announcements: tiny fixed-shape objects, written without a JSON library ----------------------------------
namespace {
void field(json_lite::StringOut& o, const char* name, std::string_view value) {
  o.put(o.text.empty() ? '{' : ',');
  json_lite::write_string(o, name);
  o.put(':');
  json_lite::write_string(o, value);
}

void amount(json_lite::StringOut& o, Money m) {
  field(o, "currency", currency_code(m.currency));
  o.write(",\"amount_minor\":");
  json_lite::write_int(o, m.minor);
}

std::string close(json_lite::StringOut& o) {
  o.put('}');
  return std::move(o.text);
}
}  // namespace

std::string plan_selected_detail(std::string_view plan, std::string_view destination) {
  json_lite::StringOut o;
  field(o, "plan", plan);
  field(o, "destination", destination);
  return close(o);
}

std::string checkout_started_detail(std::string_view plan, Money m) {
  json_lite::StringOut o;
  field(o, "plan", plan);
  amount(o, m);
  return close(o);
}

std::string order_paid_detail(std::string_view order, std::string_view plan, Money m) {
  json_lite::StringOut o;
  field(o, "order", order);
  field(o, "plan", plan);
  amount(o, m);
  return close(o);
}

std::string error_detail(std::string_view code) {
  json_lite::StringOut o;
  field(o, "code", code);
  return close(o);
}

}  // namespace jupiter
