// embed.cpp: the embed config decoder, partner ids, colours and announcement details (see embed.hpp).
#include "core/embed.hpp"

#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"

namespace jupiter {
namespace {

using json = nlohmann::json;

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
std::optional<std::string> text(const json& doc, const char* name, std::size_t max_len,
                                std::vector<std::string>& problems) {
  const auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    problems.push_back(std::string(name) + " is not a string");
    return std::string(kUnusable);
  }
  const std::string& s = it->get_ref<const std::string&>();
  if (s.empty()) return std::nullopt;
  if (s.size() > max_len || !printable(s)) {
    problems.push_back(std::string(name) + " is too long or not printable");
    return std::string(kUnusable);
  }
  return s;
}

// "dark" / "light", or the partner's colours {"accent":"#rrggbb",...} (from the embed meta).
void read_theme(const json& doc, EmbedSettings& s, std::vector<std::string>& problems) {
  const auto it = doc.find("theme");
  if (it == doc.end() || it->is_null()) return;
  if (it->is_string()) {
    const std::string& t = it->get_ref<const std::string&>();
    if (t == "dark") s.theme = Theme::Dark;
    else if (t == "light") s.theme = Theme::Light;
    else if (!t.empty()) problems.push_back("theme is neither dark nor light");
    return;
  }
  if (!it->is_object()) return problems.push_back("theme is not a word or an object");
  const auto accent = it->find("accent");
  if (accent == it->end() || accent->is_null()) return;
  if (accent->is_string()) s.accent = parse_hex_colour(accent->get_ref<const std::string&>());
  if (!s.accent) problems.push_back("theme.accent is not a #rrggbb colour");
}

}  // namespace

EmbedDecode decode_embed(std::string_view text_in) {
  EmbedDecode out;
  const JsonObjectParse parsed = parse_json_object(text_in, kMaxEmbedBytes);
  switch (parsed.status) {
    case JsonObjectParse::Status::Ok: break;
    case JsonObjectParse::Status::TooLarge: out.error = "embed config: too large"; return out;
    case JsonObjectParse::Status::NotJson: out.error = "embed config: not JSON"; return out;
    case JsonObjectParse::Status::NotObject: out.error = "embed config: not a JSON object"; return out;
  }
  const json& doc = parsed.doc;
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

// ---- announcements ------------------------------------------------------------------------------------------
namespace {
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

std::string plan_selected_detail(std::string_view plan, std::string_view destination) {
  return dump({{"plan", plan}, {"destination", destination}});
}

std::string checkout_started_detail(std::string_view plan, Money amount) {
  return dump({{"plan", plan}, {"currency", currency_code(amount.currency)}, {"amount_minor", amount.minor}});
}

std::string order_paid_detail(std::string_view order, std::string_view plan, Money amount) {
  return dump({{"order", order},
               {"plan", plan},
               {"currency", currency_code(amount.currency)},
               {"amount_minor", amount.minor}});
}

std::string error_detail(std::string_view code) { return dump({{"code", code}}); }

}  // namespace jupiter
