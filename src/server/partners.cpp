// partners.cpp: see partners.hpp.
//
// [SECTION] pure helpers
// [SECTION] validation
// [SECTION] storage
// [SECTION] report
#include "server/partners.hpp"

#include <algorithm>
#include <map>

#include "core/contact.hpp"
#include "server/clock.hpp"
#include "server/crypto.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A decimal number of 1..5 digits from 1 to 65535, or -1.
int parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), is_digit)) return -1;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n >= 1 && n <= 65535 ? n : -1;
}

bool valid_ipv4(const std::vector<std::string_view>& labels) {
  if (labels.size() != 4) return false;
  for (std::string_view l : labels) {
    if (l.size() > 3 || (l.size() > 1 && l[0] == '0')) return false;
    if (std::stoi(std::string(l)) > 255) return false;
  }
  return true;
}

// A lower-case DNS name (labels of [a-z0-9-], 1..63, no '-' at either end; 253 bytes at most) or an IPv4
// address (a name whose last label is all digits must be one).
bool valid_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::vector<std::string_view> labels;
  for (std::size_t start = 0;;) {
    const std::size_t dot = host.find('.', start);
    labels.push_back(host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (std::string_view l : labels) {
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
    if (!std::all_of(l.begin(), l.end(), [](char c) { return is_lower_alnum(c) || c == '-'; })) return false;
  }
  const std::string_view last = labels.back();
  if (std::all_of(last.begin(), last.end(), is_digit)) return valid_ipv4(labels);
  return true;
}

bool valid_ipv6_literal(std::string_view host) {  // "[...]"
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  const std::string_view inner = host.substr(1, host.size() - 2);
  return std::count(inner.begin(), inner.end(), ':') >= 2 &&
         std::all_of(inner.begin(), inner.end(), [](char c) { return is_hex(c) || c == ':' || c == '.'; });
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] pure helpers
// ---------------------------------------------------------------------------------------------------------
bool valid_partner_id(std::string_view id) {
  return !id.empty() && id.size() <= 32 && is_lower_alnum(id[0]) &&
         std::all_of(id.begin(), id.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

std::optional<std::string> normalize_origin(std::string_view text) {
  if (text.size() > 300) return std::nullopt;
  const std::string s = lower_ascii(text);
  std::string scheme;
  if (s.rfind("http://", 0) == 0) scheme = "http";
  else if (s.rfind("https://", 0) == 0) scheme = "https";
  else return std::nullopt;
  std::string_view rest = std::string_view(s).substr(scheme.size() + 3);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  for (char c : rest)
    if (!(is_lower_alnum(c) || c == '-' || c == '.' || c == ':' || c == '[' || c == ']')) return std::nullopt;
  std::string_view host = rest, port_text;
  bool has_port = false;
  const std::size_t close = rest.rfind(']');
  const std::size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return std::nullopt;
  if (!(host.front() == '[' ? valid_ipv6_literal(host) : valid_host_name(host))) return std::nullopt;
  std::string out = scheme + "://" + std::string(host);
  if (has_port) {
    const int port = parse_port(port_text);
    if (port < 0) return std::nullopt;
    if (!(scheme == "http" && port == 80) && !(scheme == "https" && port == 443)) out += ":" + std::to_string(port);
  }
  return out;
}

std::optional<std::string> normalize_webhook_url(std::string_view text) {
  if (text.size() > kMaxWebhookUrlBytes) return std::nullopt;
  const std::size_t authority = text.find("://");
  if (authority == std::string_view::npos) return std::nullopt;
  const std::size_t end = text.find_first_of("/?#", authority + 3);
  const auto origin = normalize_origin(text.substr(0, end));
  if (!origin) return std::nullopt;
  const std::string_view rest = end == std::string_view::npos ? std::string_view() : text.substr(end);
  for (char c : rest)
    if (c <= 0x20 || c >= 0x7f || c == '#') return std::nullopt;
  return *origin + std::string(rest);
}

std::int64_t commission_minor(std::int64_t amount_minor, int bp) {
  // amount = q * 10000 + r, so amount * bp / 10000 = q * bp + r * bp / 10000: no overflow for any int64 amount.
  const std::int64_t q = amount_minor / 10000, r = amount_minor % 10000;
  return q * bp + (r * bp + 5000) / 10000;
}

std::string csv_cell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos) cell.insert(0, "'");
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::optional<std::int64_t> parse_day(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!is_digit(t[i])) return std::nullopt;
  auto num = [&t](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  // Days from civil (H. Hinnant's algorithm).
  const int yy = m <= 2 ? y - 1 : y;
  const int era = yy / 400;
  const int yoe = yy - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] validation
// ---------------------------------------------------------------------------------------------------------
namespace {

struct Checker {
  const CatalogueFacts& facts;
  std::vector<FieldError>& errors;

  void fail(std::string field, std::string message) { errors.push_back({std::move(field), std::move(message)}); }

  // A display name: core's name rule, no markup characters.
  void name(const json& v, const std::string& field, std::string& out) {
    if (!v.is_string()) return fail(field, "must be a string");
    const std::string n = normalize_name(v.get<std::string>());
    if (const ContactCheck c = validate_name(n); !c.ok()) return fail(field, c.message);
    if (n.find_first_of("<>") != std::string::npos) return fail(field, "must not contain '<' or '>'");
    out = n;
  }

  void origins(const json& v, std::vector<std::string>& out) {
    if (!v.is_array() || v.empty() || v.size() > kMaxPartnerOrigins)
      return fail("origins", "must be a list of 1 to " + std::to_string(kMaxPartnerOrigins) + " origins");
    std::vector<std::string> list;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto o = v[i].is_string() ? normalize_origin(v[i].get<std::string>()) : std::nullopt;
      if (!o) {
        fail("origins[" + std::to_string(i) + "]", "must be an origin like https://blog.example or http://host:8083 "
                                                   "(no path, query or user name)");
        continue;
      }
      if (std::find(list.begin(), list.end(), *o) == list.end()) list.push_back(*o);
    }
    out = std::move(list);
  }

  void commission(const json& v, int& out) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 10000)
      return fail("commission_bp", "must be a whole number of basis points from 0 to 10000");
    out = v.get<int>();
  }

  void colour(const json& v, const std::string& field, std::string& out) {
    if (v.is_null()) return out.clear();
    const std::string c = v.is_string() ? lower_ascii(v.get<std::string>()) : std::string();
    if (c.size() != 7 || c[0] != '#' || !std::all_of(c.begin() + 1, c.end(), is_hex))
      return fail(field, "must be a colour like #0a7cff");
    out = c;
  }

  void theme(const json& v, PartnerTheme& out) {
    if (v.is_null()) return void(out = PartnerTheme{});
    if (!v.is_object()) return fail("theme", "must be an object with accent, background and text colours");
    for (const auto& [key, value] : v.items()) {
      if (key == "accent") colour(value, "theme.accent", out.accent);
      else if (key == "background") colour(value, "theme.background", out.background);
      else if (key == "text") colour(value, "theme.text", out.text);
      else fail("theme." + key, "unknown field");
    }
  }

  // An upper-case code of `size` letters that is in `known`; null clears.
  void code(const json& v, const char* field, std::size_t size, const std::set<std::string>& known, std::string& out) {
    if (v.is_null()) return out.clear();
    std::string c = v.is_string() ? v.get<std::string>() : std::string();
    for (char& ch : c)
      if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (c.size() != size || known.count(c) == 0)
      return fail(field, std::string("must be ") + (size == 2 ? "a destination" : "a currency") + " of the catalogue");
    out = c;
  }

  void contact(const json& v, Partner& p) {
    if (!v.is_object()) return fail("contact", "must be an object with name and email");
    for (const auto& [key, value] : v.items()) {
      if (key == "name") {
        name(value, "contact.name", p.contact_name);
      } else if (key == "email") {
        const std::string e = value.is_string() ? normalize_email(value.get<std::string>()) : std::string();
        if (const ContactCheck c = validate_email(e); !c.ok()) fail("contact.email", c.message);
        else p.contact_email = e;
      } else {
        fail("contact." + key, "unknown field");
      }
    }
  }

  void webhook(const json& v, std::string& out) {
    if (v.is_null()) return out.clear();
    const auto url = v.is_string() ? normalize_webhook_url(v.get<std::string>()) : std::nullopt;
    if (!url) return fail("webhook_url", "must be an http or https URL");
    out = *url;
  }

  // One field common to POST and PATCH; false when `key` is not one of them.
  bool field(const std::string& key, const json& v, Partner& p) {
    if (key == "name") name(v, "name", p.name);
    else if (key == "origins") origins(v, p.origins);
    else if (key == "commission_bp") commission(v, p.commission_bp);
    else if (key == "theme") theme(v, p.theme);
    else if (key == "destination") code(v, "destination", 2, facts.destinations, p.destination);
    else if (key == "currency") code(v, "currency", 3, facts.currencies, p.currency);
    else if (key == "contact") contact(v, p);
    else if (key == "webhook_url") webhook(v, p.webhook_url);
    else return false;
    return true;
  }
};

}  // namespace

PartnerCheck check_new_partner(const json& doc, const CatalogueFacts& facts) {
  PartnerCheck out;
  if (!doc.is_object()) {
    out.errors.push_back({"", "the body must be a JSON object"});
    return out;
  }
  Checker check{facts, out.errors};
  Partner& p = out.partner;
  for (const auto& [key, value] : doc.items()) {
    if (key == "id") {
      if (value.is_string() && valid_partner_id(value.get<std::string>())) p.id = value.get<std::string>();
      else check.fail("id", "must be 1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit");
    } else if (!check.field(key, value, p)) {
      check.fail(key, "unknown field");
    }
  }
  for (const char* required : {"id", "name", "origins", "commission_bp", "contact"})
    if (!doc.contains(required)) check.fail(required, "is required");
  if (doc.contains("contact") && doc["contact"].is_object()) {
    if (!doc["contact"].contains("name")) check.fail("contact.name", "is required");
    if (!doc["contact"].contains("email")) check.fail("contact.email", "is required");
  }
  return out;
}

PartnerCheck check_partner_patch(const json& doc, const CatalogueFacts& facts, const Partner& base) {
  PartnerCheck out;
  out.partner = base;
  if (!doc.is_object()) {
    out.errors.push_back({"", "the body must be a JSON object"});
    return out;
  }
  Checker check{facts, out.errors};
  for (const auto& [key, value] : doc.items()) {
    if (key == "id") {
      if (value != base.id) check.fail("id", "cannot be changed");
    } else if (key == "disabled") {
      if (!value.is_boolean()) check.fail("disabled", "must be true or false");
      else (value.get<bool>() ? out.disable : out.enable) = true;
    } else if (!check.field(key, value, out.partner)) {
      check.fail(key, "unknown field");
    }
  }
  return out;
}

json partner_json(const Partner& p) {
  json theme = json::object();
  if (!p.theme.accent.empty()) theme["accent"] = p.theme.accent;
  if (!p.theme.background.empty()) theme["background"] = p.theme.background;
  if (!p.theme.text.empty()) theme["text"] = p.theme.text;
  auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"id", p.id},
          {"name", p.name},
          {"origins", p.origins},
          {"commission_bp", p.commission_bp},
          {"theme", p.theme.empty() ? json(nullptr) : theme},
          {"destination", or_null(p.destination)},
          {"currency", or_null(p.currency)},
          {"contact", {{"name", p.contact_name}, {"email", p.contact_email}}},
          {"webhook_url", or_null(p.webhook_url)},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at},
          {"disabled", !p.enabled()},
          {"disabled_at", or_null(p.disabled_at)}};
}

std::string field_errors_body(const std::vector<FieldError>& errors) {
  json fields = json::array();
  for (const FieldError& e : errors) fields.push_back({{"field", e.field}, {"message", e.message}});
  const std::string first = errors.empty() ? std::string("invalid partner")
                                            : (errors[0].field.empty() ? "" : errors[0].field + " ") + errors[0].message;
  const json doc = {{"error", {{"code", "invalid_partner"}, {"message", first}}}, {"fields", fields}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] storage
// ---------------------------------------------------------------------------------------------------------
namespace {

constexpr const char* kPartnerColumns =
    "SELECT id, name, origins, commission_bp, coalesce(theme_accent, ''), coalesce(theme_background, ''), "
    "coalesce(theme_text, ''), coalesce(destination, ''), coalesce(currency, ''), contact_name, contact_email, "
    "coalesce(webhook_url, ''), created_at, updated_at, coalesce(disabled_at, '') FROM partners ";

Partner read_partner(const db::Row& s) {
  Partner p;
  p.id = s.text(0);
  p.name = s.text(1);
  const json origins = json::parse(s.text(2), nullptr, false);
  if (origins.is_array())
    for (const json& o : origins)
      if (o.is_string()) p.origins.push_back(o.get<std::string>());
  p.commission_bp = static_cast<int>(s.int64(3));
  p.theme = {s.text(4), s.text(5), s.text(6)};
  p.destination = s.text(7);
  p.currency = s.text(8);
  p.contact_name = s.text(9);
  p.contact_email = s.text(10);
  p.webhook_url = s.text(11);
  p.created_at = s.text(12);
  p.updated_at = s.text(13);
  p.disabled_at = s.text(14);
  return p;
}

db::Result<std::set<std::string>> text_set(db::Connection& c, const char* sql) {
  std::set<std::string> out;
  DB_TRY(c.query(sql).each([&out](const db::Row& r) { out.insert(r.text(0)); }));
  return out;
}

}  // namespace

db::Result<CatalogueFacts> catalogue_facts(db::Connection& c) {
  DB_TRY_LET(std::set<std::string> destinations, text_set(c, "SELECT code FROM destinations"));
  DB_TRY_LET(std::set<std::string> currencies,
             text_set(c, "SELECT DISTINCT p.currency FROM plan_prices p JOIN plans ON plans.id = p.plan_id "
                         "WHERE plans.retired = 0"));
  return CatalogueFacts{std::move(destinations), std::move(currencies)};
}

db::Result<std::optional<Partner>> load_partner(db::Connection& c, const std::string& id) {
  return c.query(std::string(kPartnerColumns) + "WHERE id = ?", id).one(read_partner);
}

db::Result<std::vector<Partner>> list_partners(db::Connection& c) {
  return c.query(std::string(kPartnerColumns) + "ORDER BY id").all(read_partner);
}

db::Result<bool> insert_partner(db::Connection& c, Partner p, const std::string& webhook_secret) {
  p.created_at = p.updated_at = rfc3339(now_ms());
  DB_TRY(c.exec(
      "INSERT INTO partners(id, name, origins, commission_bp, theme_accent, theme_background, theme_text, "
      "destination, currency, contact_name, contact_email, webhook_url, webhook_secret, created_at, updated_at, "
      "disabled_at) VALUES (?, ?, ?, ?, nullif(?, ''), nullif(?, ''), nullif(?, ''), nullif(?, ''), "
      "nullif(?, ''), ?, ?, nullif(?, ''), ?, ?, ?, nullif(?, '')) ON CONFLICT(id) DO NOTHING",
      p.id, p.name, json(p.origins).dump(), p.commission_bp, p.theme.accent, p.theme.background, p.theme.text,
      p.destination, p.currency, p.contact_name, p.contact_email, p.webhook_url, webhook_secret, p.created_at,
      p.updated_at, p.disabled_at));
  return c.changes() == 1;
}

db::Status update_partner(db::Connection& c, const Partner& p) {
  return c.exec(
      "UPDATE partners SET name = ?, origins = ?, commission_bp = ?, theme_accent = nullif(?, ''), "
      "theme_background = nullif(?, ''), theme_text = nullif(?, ''), destination = nullif(?, ''), "
      "currency = nullif(?, ''), contact_name = ?, contact_email = ?, webhook_url = nullif(?, ''), "
      "disabled_at = nullif(?, ''), updated_at = ? WHERE id = ?",
      p.name, json(p.origins).dump(), p.commission_bp, p.theme.accent, p.theme.background, p.theme.text,
      p.destination, p.currency, p.contact_name, p.contact_email, p.webhook_url, p.disabled_at, rfc3339(now_ms()),
      p.id);
}

db::Result<std::string> attributable_partner(db::Connection& c, const std::string& id) {
  DB_TRY_LET(const std::optional<std::string> found,
             c.query("SELECT id FROM partners WHERE id = ? AND disabled_at IS NULL", id)
                 .one([](const db::Row& r) { return r.text(0); }));
  return found.value_or(std::string());
}

std::string new_webhook_secret() { return "whsec_" + random_token(32); }

namespace {

// The demo partner made or told about `origin` (call inside a transaction); what was done.
db::Result<std::string> demo_partner_allowing(db::Connection& c, const std::string& origin) {
  DB_TRY_LET(std::optional<Partner> found, load_partner(c, "demo"));
  if (!found) {
    Partner p;
    p.id = "demo";
    p.name = "Demo Travel Blog";
    p.origins = {origin};
    p.commission_bp = 1000;
    p.contact_name = "Demo Partner";
    p.contact_email = "demo-partner@example.com";
    DB_TRY(insert_partner(c, p, new_webhook_secret()));
    return "created partner demo allowing " + origin;
  }
  const std::string disabled = found->enabled() ? "" : " (it is disabled)";
  if (std::find(found->origins.begin(), found->origins.end(), origin) != found->origins.end())
    return "partner demo already allows " + origin + disabled;
  found->origins.push_back(origin);
  DB_TRY(update_partner(c, *found));
  return "partner demo now also allows " + origin + disabled;
}

}  // namespace

db::Result<std::string> ensure_demo_partner(db::Connection& c, const std::string& origin) {
  return db::in_transaction(c, [&](db::Connection& t) { return demo_partner_allowing(t, origin); });
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] report
// ---------------------------------------------------------------------------------------------------------
namespace {

void add_to(std::map<std::string, ReportTotal>& totals, const ReportOrder& o) {
  ReportTotal& t = totals[o.currency];
  t.currency = o.currency;
  t.count += 1;
  t.revenue_minor += o.amount_minor;
  t.commission_minor += o.commission_minor;
}

std::vector<ReportTotal> values(const std::map<std::string, ReportTotal>& totals) {
  std::vector<ReportTotal> out;
  for (const auto& [currency, t] : totals) out.push_back(t);
  return out;
}

json order_rows(const std::vector<ReportOrder>& orders, bool with_commission) {
  json rows = json::array();
  for (const ReportOrder& o : orders) {
    json row = {{"id", o.id}, {"created", o.created}, {"plan", o.plan}, {"currency", o.currency},
                {"amount_minor", o.amount_minor}, {"state", o.state}};
    if (with_commission) row["commission_minor"] = o.commission_minor;
    rows.push_back(std::move(row));
  }
  return rows;
}

json total_rows(const std::vector<ReportTotal>& totals, bool refunded) {
  json rows = json::array();
  for (const ReportTotal& t : totals) {
    if (refunded) rows.push_back({{"currency", t.currency}, {"count", t.count}, {"amount_minor", t.revenue_minor}});
    else rows.push_back({{"currency", t.currency}, {"count", t.count}, {"revenue_minor", t.revenue_minor},
                         {"commission_minor", t.commission_minor}});
  }
  return rows;
}

}  // namespace

db::Result<PartnerReport> partner_report(db::Connection& c, const Partner& p, const std::string& from,
                                         const std::string& to) {
  auto q = c.query(
      "SELECT id, substr(created_at, 1, 10), plan_id, currency, amount_minor, state FROM orders "
      "WHERE partner_id = ? AND substr(created_at, 1, 10) BETWEEN ? AND ? AND paid_ms IS NOT NULL "
      "AND state IN ('paid', 'provisioning', 'delivered', 'refunded') ORDER BY created_at, rowid", p.id, from, to);
  DB_TRY_LET(std::vector<ReportOrder> rows, q.all([](const db::Row& s) {
    return ReportOrder{s.text(0), s.text(1), s.text(2), s.text(3), s.text(5), s.int64(4), 0};
  }));
  PartnerReport r;
  std::map<std::string, ReportTotal> totals, refunded;
  for (ReportOrder& o : rows) {
    if (o.state == "refunded") {
      add_to(refunded, o);
      r.refunded.push_back(std::move(o));
    } else {
      o.commission_minor = commission_minor(o.amount_minor, p.commission_bp);
      add_to(totals, o);
      r.orders.push_back(std::move(o));
    }
  }
  r.totals = values(totals);
  r.refunded_totals = values(refunded);
  return r;
}

json report_json(const Partner& p, const std::string& from, const std::string& to, const PartnerReport& r) {
  return {{"partner", {{"id", p.id}, {"name", p.name}, {"commission_bp", p.commission_bp}}},
          {"from", from},
          {"to", to},
          {"commission_rule", "per order: amount_minor * commission_bp / 10000 rounded half up, summed per currency"},
          {"totals", total_rows(r.totals, false)},
          {"orders", order_rows(r.orders, true)},
          {"refunded_totals", total_rows(r.refunded_totals, true)},
          {"refunded", order_rows(r.refunded, false)}};
}

std::string report_csv(const Partner& p, const PartnerReport& r) {
  std::string out = "partner_id,partner_name,order_id,created,plan,currency,amount_minor,commission_minor,state\r\n";
  for (const auto* list : {&r.orders, &r.refunded}) {
    for (const ReportOrder& o : *list) {
      for (const std::string& cell : {p.id, p.name, o.id, o.created, o.plan, o.currency,
                                      std::to_string(o.amount_minor), std::to_string(o.commission_minor)})
        out += csv_cell(cell) + ",";
      out += csv_cell(o.state) + "\r\n";
    }
  }
  return out;
}

}  // namespace jupiter::server
