// order_rules.cpp: see order_rules.hpp.
#include "core/order_rules.hpp"

#include <algorithm>

#include "core/consent.hpp"
#include "core/contact.hpp"
#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"

namespace jupiter {

namespace {

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool all_of(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }

bool is_partner_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

OrderRequestCheck fail(int status, std::string code, std::string message) {
  OrderRequestCheck c;
  c.status = status;
  c.code = std::move(code);
  c.message = std::move(message);
  return c;
}

// A string field: absent or null gives "", another type is an error.
bool read_string(JsonReader& doc, const char* name, std::string& out) {
  const JsonValue v = doc.field(name, false);
  if (!v) return true;
  if (!v.is(JsonType::String)) return false;
  out = v.text();
  return true;
}

bool read_bool(JsonReader& doc, const char* name, bool& out) {
  const JsonValue v = doc.field(name, false);
  if (!v) return true;
  if (!v.is(JsonType::Bool)) return false;
  out = v.boolean();
  return true;
}

}  // namespace

bool transition_allowed(OrderState from, OrderState to) {
  using S = OrderState;
  switch (from) {
    case S::PendingPayment: return to == S::Paid || to == S::Cancelled || to == S::Failed;
    case S::Paid: return to == S::Provisioning || to == S::Refunded;
    case S::Provisioning: return to == S::Delivered || to == S::Failed || to == S::Refunded;
    case S::Delivered: return to == S::Refunded;
    case S::Failed: return to == S::Refunded;
    case S::Refunded:
    case S::Cancelled:
    case S::Unknown: return false;
  }
  return false;
}

namespace {

// "en, es, fr or de": the store's languages, for error messages.
std::string language_list() {
  std::string out;
  for (std::size_t i = 0; i < std::size(kLanguages); ++i)
    out += (i == 0 ? "" : i + 1 == std::size(kLanguages) ? " or " : ", ") + std::string(language_code(kLanguages[i]));
  return out;
}

}  // namespace

bool valid_idempotency_key(std::string_view key) {
  return key.size() >= 16 && key.size() <= 64 && all_of(key, is_token_char);
}

OrderRequestCheck check_order_request(std::string_view body) {
  const JsonObjectParse parsed = parse_json_object(body, kMaxOrderRequestBytes);
  if (parsed.status != JsonObjectParse::Status::Ok)
    return fail(400, "invalid_json", "the body must be one JSON object of at most 16 KB");
  JsonReader doc(parsed.doc);
  OrderRequest r;
  std::string currency, email, name, phone;
  if (!read_string(doc, "plan", r.plan) || !read_string(doc, "currency", currency) ||
      !read_string(doc, "email", email) || !read_string(doc, "name", name) || !read_string(doc, "phone", phone) ||
      !read_string(doc, "terms_version", r.terms_version) || !read_string(doc, "language", r.language) ||
      !read_string(doc, "consent_id", r.consent_id) || !read_string(doc, "partner", r.partner) ||
      !read_bool(doc, "adult", r.adult) || !read_bool(doc, "marketing", r.marketing))
    return fail(400, "invalid_json", "a field has the wrong type (text fields are strings, adult and marketing booleans)");
  if (r.plan.empty() || r.plan.size() > 64) return fail(422, "unknown_plan", "no such plan");
  const auto cur = parse_currency(currency);
  if (!cur) return fail(422, "unknown_currency", "the currency must be USD, EUR or GBP");
  r.currency = *cur;
  r.email = normalize_email(email);
  if (const ContactCheck c = validate_email(r.email); !c.ok()) return fail(400, "invalid_email", c.message);
  r.name = normalize_name(name);
  if (const ContactCheck c = validate_name(r.name); !c.ok()) return fail(400, "invalid_name", c.message);
  r.phone = normalize_phone(phone);
  if (const ContactCheck c = validate_phone(r.phone); !r.phone.empty() && !c.ok())
    return fail(400, "invalid_phone", c.message);
  if (!r.adult) return fail(400, "adult_required", "the buyer must confirm being 18 or older");
  if (r.terms_version != kTermsVersion)  // the terms of sale in force (issue 15), not the policy's version
    return fail(400, "terms_required", "the Terms of Sale v" + std::string(kTermsVersion) +
                                           " and the Privacy Policy v" + std::string(kPolicyVersion) + " must be accepted");
  if (!language_from_code(r.language)) return fail(400, "invalid_language", "the language must be " + language_list());
  if (!r.consent_id.empty() && !consent::valid_consent_id(r.consent_id))
    return fail(400, "invalid_consent_id", "the consent id must be 8..64 characters of [A-Za-z0-9_-]");
  if (r.partner.size() > 64 || !all_of(r.partner, is_partner_char))
    return fail(400, "invalid_partner", "the partner must be 1..64 characters of [a-z0-9-]");
  OrderRequestCheck ok;
  ok.request = std::move(r);
  return ok;
}

std::string canonical_order_request(const OrderRequest& r) {
  JsonWriter w;  // keys in ascending order (json_writer.hpp): this text is compared with stored ones
  w.begin_object()
      .field("adult", r.adult)
      .field("consent_id", r.consent_id)
      .field("currency", currency_code(r.currency))
      .field("email", r.email)
      .field("language", r.language)
      .field("marketing", r.marketing)
      .field("name", r.name)
      .field("partner", r.partner)
      .field("phone", r.phone)
      .field("plan", r.plan)
      .field("terms", r.terms_version)
      .end_object();
  return w.take();
}

ResendDecision decide_resend(const std::vector<std::int64_t>& previous, std::int64_t now) {
  std::int64_t latest = INT64_MIN;
  for (std::int64_t t : previous) latest = std::max(latest, t);
  if (latest != INT64_MIN && now - latest < kResendGapSeconds) return {false, kResendGapSeconds - (now - latest)};
  const std::int64_t wait = rate_limit_wait(previous, now, kResendPerDay, 24 * 3600);
  if (wait > 0) return {false, wait};
  return {true, 0};
}

std::int64_t retry_delay_ms(int attempt) {
  if (attempt <= 1) return 1000;
  if (attempt >= 7) return 60000;
  return std::min<std::int64_t>(60000, 1000LL << (attempt - 1));
}

std::int64_t rate_limit_wait(const std::vector<std::int64_t>& recent, std::int64_t now, std::size_t limit,
                             std::int64_t window) {
  std::vector<std::int64_t> inside;
  for (std::int64_t t : recent)
    if (t > now - window && t <= now) inside.push_back(t);
  if (inside.size() < limit) return 0;
  std::sort(inside.begin(), inside.end());
  // The oldest event that must leave the window before one more fits.
  const std::int64_t leaves = inside[inside.size() - limit] + window;
  return std::max<std::int64_t>(1, leaves - now);
}

bool luhn_valid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool valid_iccid(std::string_view iccid) {
  return (iccid.size() == 19 || iccid.size() == 20) && iccid.rfind("89", 0) == 0 && luhn_valid(iccid);
}

}  // namespace jupiter
