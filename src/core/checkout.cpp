// checkout.cpp: the checkout state machine (see checkout.hpp).
//
// [SECTION] names, validation, links
// [SECTION] session record
// [SECTION] requests and responses
// [SECTION] update
#include "core/checkout.hpp"

#include <array>

#include "core/consent.hpp"
#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/overloaded.hpp"

namespace jupiter::checkout {
namespace {


constexpr std::array<std::pair<Step, const char*>, 6> kSteps{{
    {Step::None, "none"}, {Step::Review, "review"}, {Step::Details, "details"},
    {Step::Confirmations, "confirmations"}, {Step::Payment, "payment"}, {Step::Order, "order"},
}};
constexpr std::array<std::pair<Return, const char*>, 4> kReturns{{
    {Return::None, ""}, {Return::Success, "success"}, {Return::Declined, "declined"}, {Return::Cancelled, "cancelled"},
}};
bool known_language(std::string_view lang) { return language_from_code(lang).has_value(); }

Return parse_return(std::string_view s) {
  for (const auto& [r, name] : kReturns)
    if (s == name) return r;
  return Return::None;
}

std::string_view return_name(Return r) {
  for (const auto& [value, name] : kReturns)
    if (r == value) return name;
  return "";
}

// Order ids go into URL paths: only [A-Za-z0-9_-], at most 64 characters.
bool valid_order_id(std::string_view id) { return is_base64url(id, 1, 64); }

// "t=<token>" (possibly among other fragment parameters) -> the token, or "".
std::string token_from_fragment(std::string_view fragment) {
  while (!fragment.empty()) {
    const auto amp = fragment.find('&');
    const std::string_view part = fragment.substr(0, amp);
    if (part.rfind("t=", 0) == 0) return std::string(part.substr(2));
    if (amp == std::string_view::npos) break;
    fragment.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] names, validation, links
// ---------------------------------------------------------------------------------------------------------
std::string_view step_name(Step s) {
  for (const auto& [value, name] : kSteps)
    if (s == value) return name;
  return "none";
}

std::optional<Step> parse_step(std::string_view s) {
  for (const auto& [value, name] : kSteps)
    if (s == name) return value;
  return std::nullopt;
}

bool operator==(const Details& a, const Details& b) {
  return a.email == b.email && a.email_confirm == b.email_confirm && a.name == b.name && a.phone == b.phone &&
         a.adult == b.adult && a.terms == b.terms && a.marketing == b.marketing;
}

bool FieldErrors::details_ok() const {
  return email == ContactProblem::None && !email_mismatch && name == ContactProblem::None &&
         phone == ContactProblem::None;
}

FieldErrors validate(const Details& d) {
  FieldErrors e;
  e.email = validate_email(normalize_email(d.email)).problem;
  e.email_mismatch = e.email == ContactProblem::None && !same_email(d.email, d.email_confirm);
  e.name = validate_name(normalize_name(d.name)).problem;
  const std::string phone = normalize_phone(d.phone);
  if (!phone.empty()) e.phone = validate_phone(phone).problem;
  e.adult_missing = !d.adult;
  e.terms_missing = !d.terms;
  return e;
}

bool valid_idempotency_key(std::string_view key) { return is_base64url(key, 16, 64); }

int poll_delay_ms(int polls) {
  int ms = kFirstPollMs;
  for (int i = 0; i < polls && ms < kMaxPollMs; ++i) ms = ms * 3 / 2;
  return ms < kMaxPollMs ? ms : kMaxPollMs;
}

std::string order_link(std::string_view id, std::string_view token) {
  return "/?order=" + std::string(id) + "#t=" + std::string(token);
}

std::string receipt_link(std::string_view id, std::string_view token) {
  return "/orders/" + std::string(id) + "/receipt?token=" + std::string(token);
}

// A top-up's body (core/topup.hpp): no contact details, the eSIM's order has them.
std::string topup_body(const Model& m) {
  const FieldErrors e = validate(m.details);
  if (!e.confirmations_ok() || m.plan_id.empty()) return {};
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object()
      .field("currency", currency_code(m.currency))
      .field("locale", known_language(m.language) ? m.language : std::string("en"))
      .field("plan", m.plan_id)
      .field("terms_version", kTermsVersion)
      .end_object();
  return w.take();
}

std::string order_body(const Model& m) {
  if (m.topup()) return topup_body(m);
  const FieldErrors e = validate(m.details);
  if (!e.details_ok() || !e.confirmations_ok() || m.plan_id.empty()) return {};
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object().field("adult", true);
  if (!m.consent_id.empty()) w.field("consent_id", m.consent_id);
  if (!m.consent_key.empty()) w.field("consent_key", m.consent_key);
  w.field("currency", currency_code(m.currency))
      .field("email", normalize_email(m.details.email))
      .field("language", known_language(m.language) ? m.language : std::string("en"))
      .field("marketing", m.details.marketing)
      .field("name", normalize_name(m.details.name));
  if (!m.partner.empty()) w.field("partner", m.partner);
  w.field("phone", normalize_phone(m.details.phone))
      .field("plan", m.plan_id)
      .field("terms_version", kTermsVersion)  // the terms of sale accepted (core/policy.hpp)
      .end_object();
  return w.take();
}

namespace {

// The consent id and key of a consent record's text (web/consent.js's); both "" unless both are well-formed.
void take_consent(Model& m, std::string_view record) {
  m.consent_id.clear();
  m.consent_key.clear();
  const JsonObjectParse p = parse_json_object(record, consent::kMaxRecordBytes);
  if (p.status != JsonObjectParse::Status::Ok) return;
  JsonReader r(p.doc);
  const auto text = [&r](const char* k) {
    const JsonValue v = r.field(k, false);
    return v.is(JsonType::String) ? v.text() : std::string();
  };
  const std::string id = text("consent_id"), key = text("consent_key");
  if (!consent::valid_consent_id(id) || !consent::valid_consent_key(key)) return;
  m.consent_id = id;
  m.consent_key = key;
}

}  // namespace

bool should_poll(const Model& m) {
  if (m.step != Step::Order || !m.order) return false;
  const Order& o = *m.order;
  switch (o.state) {
    case OrderState::PendingPayment:  // back from the processor (or its window open), the verdict not yet in
      return ((m.returned != Return::None && m.returned != Return::Cancelled) || m.popup == Popup::Opened) &&
             (o.payment.status == PaymentStatus::None || o.payment.status == PaymentStatus::Open);
    case OrderState::Paid:
    case OrderState::Provisioning: return true;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] session record
// ---------------------------------------------------------------------------------------------------------
std::string encode_session(const Model& m) {
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object()
      .field("adult", m.details.adult)
      .field("currency", currency_code(m.currency))
      .field("email", m.details.email)
      .field("email_confirm", m.details.email_confirm)
      .field("key", m.key)
      .field("language", m.language)
      .field("marketing", m.details.marketing)
      .field("name", m.details.name)
      .field("order", m.order_id)
      .field("phone", m.details.phone)
      .field("plan", m.plan_id)
      .field("returned", return_name(m.returned))
      .field("sent", m.sent_body)
      .field("step", step_name(m.step))
      .field("terms", m.details.terms)
      .field("token", m.token)
      .field("topup_of", m.topup_of)
      .field("topup_token", m.topup_token)
      .field("v", 1)
      .end_object();
  return w.take();
}

namespace {
bool read_bool(JsonReader& r, const char* name) { return r.boolean(name, false); }
}  // namespace

std::optional<Model> decode_session(std::string_view record) {
  const JsonObjectParse doc = parse_json_object(record, kMaxSessionBytes);
  if (doc.status != JsonObjectParse::Status::Ok) return std::nullopt;
  JsonReader r(doc.doc, "session");
  if (r.integer("v", 1, 1) != 1 || !r.ok()) return std::nullopt;
  Model m;
  const auto step = parse_step(r.string("step", true, 16));
  m.plan_id = r.string("plan", false, 64);
  const auto currency = parse_currency(r.string("currency", true, 3));
  m.language = r.string("language", false, 8);
  m.details.email = r.string("email", false, 512);
  m.details.email_confirm = r.string("email_confirm", false, 512);
  m.details.name = r.string("name", false, 512);
  m.details.phone = r.string("phone", false, 64);
  m.details.adult = read_bool(r, "adult");
  m.details.terms = read_bool(r, "terms");
  m.details.marketing = read_bool(r, "marketing");
  m.key = r.string("key", false, 64);
  m.sent_body = r.string("sent", false, 4096);
  m.order_id = r.string("order", false, 64);
  m.token = r.string("token", false, kMaxOrderToken);
  m.returned = parse_return(r.string("returned", false, 16));
  m.topup_of = r.string("topup_of", false, 64);
  m.topup_token = r.string("topup_token", false, kMaxOrderToken);
  if (m.topup_of.empty() != m.topup_token.empty()) return std::nullopt;
  if (m.topup() && (!valid_order_id(m.topup_of) || !is_base64url(m.topup_token, 16, kMaxOrderToken)))
    return std::nullopt;
  if (!r.ok() || !step || !currency) return std::nullopt;
  if (!m.key.empty() && !valid_idempotency_key(m.key)) return std::nullopt;
  if (!m.order_id.empty() && !valid_order_id(m.order_id)) return std::nullopt;
  if (!m.token.empty() && !is_base64url(m.token, 16, kMaxOrderToken)) return std::nullopt;
  if (*step != Step::Order && m.plan_id.empty()) return std::nullopt;  // a flow needs its plan
  if (!known_language(m.language)) m.language = "en";
  m.step = *step;
  m.currency = *currency;
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] requests and responses
// ---------------------------------------------------------------------------------------------------------
namespace {

using Effects = std::vector<Effect>;

void save(const Model& m, Effects& fx) { fx.push_back(effect::SaveSession{encode_session(m)}); }

void clear_problem(Model& m) {
  m.problem = Problem::None;
  m.http_status = 0;
  m.retry_after_s = 0;
  m.api_code.clear();
  m.detail.clear();
}

void send(Model& m, Effects& fx, RequestKind kind, Busy busy, std::string method, std::string url,
          std::string body) {
  m.seq += 1;
  m.busy = busy;
  clear_problem(m);
  effect::Http h{kind, m.seq, std::move(method), std::move(url), {}, std::move(body)};
  if (kind == RequestKind::CreateOrder) h.headers.emplace_back("Idempotency-Key", m.key);
  if (kind == RequestKind::CreateOrder && m.topup()) h.headers.emplace_back("Authorization", "Bearer " + m.topup_token);
  if (kind != RequestKind::CreateOrder) h.headers.emplace_back("Authorization", "Bearer " + m.token);
  if (h.method == "POST") h.headers.emplace_back("Content-Type", "application/json");
  fx.push_back(std::move(h));
}

void create_order(Model& m, Effects& fx) {
  const std::string url = m.topup() ? "/api/orders/" + m.topup_of + "/topups" : "/api/orders";
  send(m, fx, RequestKind::CreateOrder, Busy::CreatingOrder, "POST", url, m.sent_body);
}

// Embedded, the processor returns to /embed-return.html (a page that says to close the window) instead of the store.
void start_payment(Model& m, Effects& fx) {
  m.popup = Popup::None;
  send(m, fx, RequestKind::StartPayment, Busy::StartingPayment, "POST", "/api/orders/" + m.order_id + "/payment",
       m.embedded ? R"({"return":"embed"})" : "{}");
}

void load_order(Model& m, Effects& fx) {
  send(m, fx, RequestKind::LoadOrder, Busy::LoadingOrder, "GET", "/api/orders/" + m.order_id, "");
}

void resend(Model& m, Effects& fx) {
  send(m, fx, RequestKind::Resend, Busy::Resending, "POST", "/api/orders/" + m.order_id + "/resend", "{}");
}

void on_resend(Model& m, const action::Response& r) {
  m.resend = r.status == 202 || r.status == 200 ? Resend::Sent : r.status == 429 ? Resend::RateLimited : Resend::Failed;
  m.retry_after_s = r.status == 429 ? r.retry_after_s : 0;
}

// ---- "Your data": the privacy policy's rights over this order's data (server: privacy_rights.hpp) ----------
void data_request(Model& m, DataRequest request, Effects& fx) {
  if (m.step != Step::Order || m.busy != Busy::Idle || !m.order) return;
  const std::string base = "/api/orders/" + m.order_id;
  switch (request) {
    case DataRequest::Download:
      m.data = DataOutcome::None;
      return send(m, fx, RequestKind::ExportData, Busy::Privacy, "GET", base + "/data", "");
    case DataRequest::StopMarketing:
      m.data = DataOutcome::None;
      return send(m, fx, RequestKind::StopMarketing, Busy::Privacy, "POST", base + "/customer", R"({"marketing":false})");
    case DataRequest::AskErase:
      m.confirming_erase = true;
      m.data = DataOutcome::None;
      return;
    case DataRequest::CancelErase:
      m.confirming_erase = false;
      return;
    case DataRequest::ConfirmErase:
      if (!m.confirming_erase) return;  // erasure needs the second, explicit step
      m.confirming_erase = false;
      m.data = DataOutcome::None;
      return send(m, fx, RequestKind::Erase, Busy::Privacy, "POST", base + "/erase", "{}");
  }
}

void on_data_response(Model& m, const action::Response& r, Effects& fx) {
  const bool ok = r.status >= 200 && r.status < 300;
  if (!ok) {
    m.data = r.status == 409 ? DataOutcome::Refused : DataOutcome::Failed;
    return;
  }
  if (r.kind == RequestKind::ExportData) {
    m.data = DataOutcome::Downloaded;
    fx.push_back(effect::SaveFile{"jupiteresims-" + m.order_id + ".json", "application/json", r.body});
    return;
  }
  OrderDecode d = decode_order(r.body);
  if (!d.ok || d.order.id != m.order_id) {
    m.data = DataOutcome::Failed;
    m.detail = d.ok ? "the answer is about another order" : d.error;
    return;
  }
  m.order = std::move(d.order);
  m.data = r.kind == RequestKind::Erase ? DataOutcome::Erased : DataOutcome::MarketingStopped;
}

void schedule_poll(Model& m, Effects& fx) {
  m.poll_timer += 1;
  fx.push_back(effect::StartTimer{poll_delay_ms(m.polls), m.poll_timer});
  m.polls += 1;
}

// The order page for the order in m (id and token known): show it and ask the server for its state.
void show_order(Model& m, Effects& fx) {
  m.step = Step::Order;
  m.polls = 0;
  save(m, fx);
  // In a frame the address stays the partner's embed URL: the store's own "/" refuses to be framed on reload.
  if (!m.embedded) fx.push_back(effect::ReplaceUrl{order_link(m.order_id, m.token)});
  load_order(m, fx);
}

bool is_details_code(std::string_view code) {
  return code == "invalid_email" || code == "invalid_phone" || code == "invalid_name";
}

// A non-2xx answer, or none at all.
void failed(Model& m, const action::Response& r) {
  const ApiError e = decode_api_error(r.body);
  m.http_status = r.status;
  m.api_code = e.code;
  m.detail = r.status == 0 ? r.network_error : (e.message.empty() ? "HTTP " + std::to_string(r.status) : e.message);
  if (r.status == 0) m.problem = Problem::Network;
  else if (r.status == 404) m.problem = Problem::NotFound;
  else if (r.status == 429) {
    m.problem = Problem::RateLimited;
    m.retry_after_s = r.retry_after_s;
  } else if (r.status == 422) m.problem = Problem::UnknownPlan;
  else if (r.status == 409 && e.code == "idempotency_key_reused") {
    m.problem = Problem::KeyReused;
    m.key.clear();  // the next Pay sends a fresh one
  } else if (r.status == 400) m.problem = Problem::Rejected;
  else m.problem = Problem::Server;
  // A field the server refused is fixed on its own step.
  if (m.problem == Problem::Rejected && is_details_code(e.code)) m.step = Step::Details;
  if (m.problem == Problem::Rejected && (e.code == "adult_required" || e.code == "terms_required"))
    m.step = Step::Confirmations;
}


void on_created(Model& m, const action::Response& r, Effects& fx) {
  CreatedOrderDecode d = decode_created_order(r.body);
  if (!d.ok || !valid_order_id(d.order.id)) {
    m.problem = Problem::BadResponse;
    m.detail = d.ok ? "order id is not URL-safe" : d.error;
    return;
  }
  m.order_id = d.order.id;
  m.token = std::move(d.token);
  m.order = std::move(d.order);
  save(m, fx);
  if (m.order->state == OrderState::PendingPayment) return start_payment(m, fx);
  show_order(m, fx);  // a replayed key whose order was paid already
}

void on_payment_session(Model& m, const action::Response& r, Effects& fx) {
  if (r.status == 409) return show_order(m, fx);  // not payable any more: show what it is
  PaymentSessionDecode d = decode_payment_session(r.body);
  if (!d.ok) {
    m.problem = Problem::BadResponse;
    m.detail = d.error;
    return;
  }
  m.returned = Return::None;
  if (m.embedded) {  // the frame stays; the processor opens in a window of its own (PaymentWindow says if it did)
    m.payment_url = std::move(d.checkout_url);
    m.step = Step::Order;
    save(m, fx);
    fx.push_back(effect::OpenPayment{m.payment_url});
    return;
  }
  m.busy = Busy::Redirecting;  // stays busy until the page unloads: no second click can start anything
  m.step = Step::Payment;
  save(m, fx);
  fx.push_back(effect::Navigate{std::move(d.checkout_url)});
}

void on_order(Model& m, const action::Response& r, Effects& fx) {
  OrderDecode d = decode_order(r.body);
  if (!d.ok || d.order.id != m.order_id) {
    m.problem = Problem::BadResponse;
    m.detail = d.ok ? "the server sent another order" : d.error;
    return;
  }
  const bool changed = !m.order || m.order->state != d.order.state || m.order->payment.status != d.order.payment.status;
  if (changed) m.polls = 0;
  m.order = std::move(d.order);
  if (should_poll(m)) schedule_poll(m, fx);
}

void on_response(Model& m, const action::Response& r, Effects& fx) {
  if (r.seq != m.seq || m.busy == Busy::Idle || m.busy == Busy::Redirecting) return;  // stale or unexpected
  m.busy = Busy::Idle;
  if (r.kind == RequestKind::Resend) return on_resend(m, r);  // its outcome shows beside the button
  if (r.kind == RequestKind::ExportData || r.kind == RequestKind::StopMarketing || r.kind == RequestKind::Erase)
    return on_data_response(m, r, fx);  // so does this one, in "Your data"
  const bool ok = r.status >= 200 && r.status < 300;
  if (!ok && !(r.kind == RequestKind::StartPayment && r.status == 409)) {
    failed(m, r);
    // A poll that failed on the way (network, 5xx) is tried again later; a 404 is final.
    if (r.kind == RequestKind::LoadOrder && m.problem != Problem::NotFound && m.order && should_poll(m))
      schedule_poll(m, fx);
    return;
  }
  switch (r.kind) {
    case RequestKind::CreateOrder: return on_created(m, r, fx);
    case RequestKind::StartPayment: return on_payment_session(m, r, fx);
    case RequestKind::LoadOrder: return on_order(m, r, fx);
    case RequestKind::Resend:
    case RequestKind::ExportData:
    case RequestKind::StopMarketing:
    case RequestKind::Erase: return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] update
// ---------------------------------------------------------------------------------------------------------
void on_next(Model& m, Effects& fx) {
  m.errors = validate(m.details);
  switch (m.step) {
    case Step::Review: m.step = m.topup() ? Step::Confirmations : Step::Details; break;
    case Step::Details:
      m.show_errors = !m.errors.details_ok();
      if (!m.show_errors) m.step = Step::Confirmations;
      break;
    case Step::Confirmations:
      m.show_errors = !m.errors.confirmations_ok();
      if (!m.show_errors) m.step = Step::Payment;
      break;
    default: return;
  }
  m.cancelled_note = false;
  save(m, fx);
}

// A fresh checkout that keeps what belongs to the page's life: connectivity, the request sequence (responses to
// requests still in flight stay stale), and the visit's embed mode and partner.
Model fresh_from(const Model& m) {
  Model fresh;
  fresh.offline = m.offline;
  fresh.seq = m.seq;
  fresh.embedded = m.embedded;
  fresh.partner = m.partner;
  return fresh;
}

void close(Model& m, Effects& fx) {
  if (m.step == Step::Order && !m.embedded) fx.push_back(effect::ReplaceUrl{"/"});
  Model fresh = fresh_from(m);
  fresh.details = m.details;  // typed details stay for another plan in this page's life (not stored)
  m = std::move(fresh);
  fx.push_back(effect::ClearSession{});
}

// From a top-up: the eSIM's own page (its order and token), where the usage shows what the top-up added.
void back_to_esim(Model& m, Effects& fx) {
  if (!m.topup() || (m.busy != Busy::Idle && m.busy != Busy::LoadingOrder)) return;
  Model esim = fresh_from(m);
  esim.order_id = m.topup_of;
  esim.token = m.topup_token;
  m = std::move(esim);
  show_order(m, fx);
}

void on_back(Model& m, Effects& fx) {
  if (m.busy != Busy::Idle && m.busy != Busy::LoadingOrder) return;
  switch (m.step) {
    case Step::Details: m.step = Step::Review; break;
    case Step::Confirmations: m.step = m.topup() ? Step::Review : Step::Details; break;
    case Step::Payment: m.step = Step::Confirmations; break;
    case Step::Review:
      if (m.topup()) return back_to_esim(m, fx);
      return close(m, fx);
    case Step::Order: return close(m, fx);
    case Step::None: return;
  }
  m.show_errors = false;
  save(m, fx);
}

void on_pay(Model& m, const action::Pay& p, Effects& fx) {
  take_consent(m, p.consent_record);
  if (m.busy != Busy::Idle) return;  // a second click while the first is on its way
  if (m.step != Step::Payment && m.step != Step::Order) return;
  if (m.offline) {
    m.problem = Problem::Offline;
    return;
  }
  if (m.step == Step::Order) {  // Try again / Pay on the order page
    if (m.order && m.order->state == OrderState::PendingPayment && !m.token.empty()) start_payment(m, fx);
    return;
  }
  m.errors = validate(m.details);
  const bool details_ok = m.topup() || m.errors.details_ok();  // a top-up asks for no details
  if (!details_ok || !m.errors.confirmations_ok()) {
    m.show_errors = true;
    m.step = details_ok ? Step::Confirmations : Step::Details;
    return save(m, fx);
  }
  std::string body = order_body(m);
  if (!m.order_id.empty() && !m.token.empty() && body == m.sent_body) {  // this order exists already
    if (!m.order || m.order->state == OrderState::PendingPayment) return start_payment(m, fx);  // 409 if not
    return show_order(m, fx);
  }
  if (m.key.empty() || body != m.sent_body) {
    if (!valid_idempotency_key(p.fresh_key)) {
      m.problem = Problem::Server;
      m.detail = "no usable idempotency key";
      return;
    }
    m.key = p.fresh_key;
    m.sent_body = std::move(body);
    m.order.reset();
    m.order_id.clear();
    m.token.clear();
  }
  save(m, fx);  // the key is kept before the request leaves: a reload re-sends the same key
  create_order(m, fx);
}

void on_resume(Model& m, const action::Resume& a, Effects& fx) {
  std::optional<Model> stored = decode_session(a.stored);
  if (a.order_param.empty()) {
    if (!stored) return;
    stored->offline = m.offline;
    stored->seq = m.seq;
    stored->embedded = m.embedded;
    stored->partner = m.partner;
    m = std::move(*stored);
    if (m.step == Step::Order && !m.order_id.empty() && !m.token.empty()) return show_order(m, fx);
    if (m.step == Step::Order) return close(m, fx);
    return;
  }
  Model base = stored && stored->order_id == a.order_param ? std::move(*stored) : Model{};
  base.offline = m.offline;
  base.seq = m.seq;
  base.embedded = m.embedded;
  base.partner = m.partner;
  m = std::move(base);
  m.order_id = a.order_param;
  const std::string token = token_from_fragment(a.fragment);
  if (!token.empty()) m.token = token;
  m.returned = parse_return(a.checkout_param);
  if (!valid_order_id(m.order_id) || !is_base64url(m.token, 16, kMaxOrderToken)) {
    m.step = Step::Order;
    m.problem = valid_order_id(m.order_id) ? Problem::IncompleteLink : Problem::NotFound;
    return;
  }
  if (m.returned == Return::Cancelled && !m.plan_id.empty()) {  // closed the processor's page: back to review
    m.step = Step::Review;
    m.cancelled_note = true;
    save(m, fx);
    fx.push_back(effect::ReplaceUrl{"/"});
    return;
  }
  show_order(m, fx);
}

// Embedded: the processor's window opened (poll the order as after a return) or was blocked (the order page offers
// "Open the payment page", a real click).
void on_payment_window(Model& m, const action::PaymentWindow& w, Effects& fx) {
  if (!m.embedded || m.step != Step::Order || m.payment_url.empty()) return;
  m.popup = w.opened ? Popup::Opened : Popup::Blocked;
  if (!w.opened || m.busy != Busy::Idle) return;
  m.polls = 0;
  load_order(m, fx);
}

// The order page shows a delivered eSIM (its copy, install-link and resend actions apply).
bool delivered(const Model& m) { return m.step == Step::Order && m.order && m.order->state == OrderState::Delivered; }

// Opens the review step for a plan; keeps the details already typed (none for an unknown plan or currency).
void on_open(Model& m, action::Open& o, Effects& fx) {
  if (o.plan_id.empty() || o.currency == Currency::Unknown) return;
  Model fresh = fresh_from(m);
  fresh.details = m.details;
  fresh.step = Step::Review;
  fresh.plan_id = std::move(o.plan_id);
  fresh.currency = o.currency;
  fresh.language = known_language(o.language) ? o.language : "en";
  m = std::move(fresh);
  save(m, fx);
}

// "Buy" on a top-up of a delivered eSIM: its review step, remembering whose eSIM it tops up.
void on_open_topup(Model& m, action::OpenTopUp& o, Effects& fx) {
  if (!valid_order_id(o.order_id) || !is_base64url(o.token, 16, kMaxOrderToken)) return;
  action::Open open{std::move(o.plan_id), o.currency, std::move(o.language)};
  on_open(m, open, fx);
  if (m.step != Step::Review) return;
  m.topup_of = std::move(o.order_id);
  m.topup_token = std::move(o.token);
  save(m, fx);  // the record names the eSIM: the processor's return lands back in this top-up
}

// A text field or a box of the details form changed (while the checkout is open); errors shown are re-checked.
void on_details_changed(Model& m, Effects& fx) {
  if (m.show_errors) m.errors = validate(m.details);
  save(m, fx);
}

void on_field(Model& m, action::FieldChanged& f, Effects& fx) {
  if (!m.open()) return;
  std::string* target[] = {&m.details.email, &m.details.email_confirm, &m.details.name, &m.details.phone};
  *target[static_cast<int>(f.field)] = std::move(f.value);
  on_details_changed(m, fx);
}

void on_toggled(Model& m, action::Toggled t, Effects& fx) {
  if (!m.open()) return;
  bool* target[] = {&m.details.adult, &m.details.terms, &m.details.marketing};
  *target[static_cast<int>(t.box)] = t.on;
  on_details_changed(m, fx);
}

void on_reload(Model& m, Effects& fx) {
  if (m.step != Step::Order || m.busy != Busy::Idle || m.order_id.empty() || m.token.empty()) return;
  m.polls = 0;
  load_order(m, fx);
}

void on_resend(Model& m, Effects& fx) {
  if (!delivered(m) || m.busy != Busy::Idle) return;
  m.resend = Resend::None;
  resend(m, fx);
}

void on_poll_due(Model& m, action::PollDue p, Effects& fx) {
  if (p.timer != m.poll_timer || m.busy != Busy::Idle || !should_poll(m)) return;
  load_order(m, fx);
}

void on_connectivity(Model& m, action::Connectivity c) {
  m.offline = !c.online;
  if (c.online && m.problem == Problem::Offline) clear_problem(m);
}

// Embedded, an order still waiting for payment: the processor's page again (a real click, never blocked).
void on_open_payment_again(const Model& m, Effects& fx) {
  if (!m.embedded || m.payment_url.empty() || m.busy != Busy::Idle || !m.order ||
      m.order->state != OrderState::PendingPayment)
    return;
  fx.push_back(effect::OpenPayment{m.payment_url});
}

// Copy and open-link apply to a delivered order only; the copy's outcome comes back as action::Copied.
void on_copy(Model& m, action::Copy& c, Effects& fx) {
  if (!delivered(m) || c.field.empty()) return;
  m.copied.clear();
  fx.push_back(effect::CopyText{std::move(c.field), std::move(c.text)});
}

void on_copied(Model& m, action::Copied& c) {
  m.copied = std::move(c.field);
  m.copy_ok = c.ok;
}

void on_open_link(const Model& m, action::OpenLink& l, Effects& fx) {
  if (delivered(m) && !l.url.empty()) fx.push_back(effect::OpenUrl{std::move(l.url)});
}

}  // namespace

Update update(Model m, Action a) {
  Effects fx;
  std::visit(overloaded{
                 [&](action::Open& o) { on_open(m, o, fx); },
                 [&](action::Resume& r) { on_resume(m, r, fx); },
                 [&](action::Next) { on_next(m, fx); },
                 [&](action::Back) { on_back(m, fx); },
                 [&](action::Close) { close(m, fx); },
                 [&](action::FieldChanged& f) { on_field(m, f, fx); },
                 [&](action::Toggled t) { on_toggled(m, t, fx); },
                 [&](action::Pay& p) { on_pay(m, p, fx); },
                 [&](action::Reload) { on_reload(m, fx); },
                 [&](action::ResendEmail) { on_resend(m, fx); },
                 [&](action::Data& d) { data_request(m, d.request, fx); },
                 [&](action::PollDue p) { on_poll_due(m, p, fx); },
                 [&](action::Connectivity c) { on_connectivity(m, c); },
                 [&](action::Response& r) { on_response(m, r, fx); },
                 [&](action::PaymentWindow w) { on_payment_window(m, w, fx); },
                 [&](action::OpenPaymentAgain) { on_open_payment_again(m, fx); },
                 [&](action::Copy& c) { on_copy(m, c, fx); },
                 [&](action::Copied& c) { on_copied(m, c); },
                 [&](action::OpenLink& l) { on_open_link(m, l, fx); },
                 [&](action::OpenTopUp& o) { on_open_topup(m, o, fx); },
                 [&](action::BackToEsim) { back_to_esim(m, fx); },
             },
             a);
  return {std::move(m), std::move(fx)};
}

}  // namespace jupiter::checkout
