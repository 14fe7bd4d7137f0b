// privacy_centre.cpp: the privacy centre's codecs and pure update (see privacy_centre.hpp).
//
// [SECTION] codecs: summary, restrictions, erase result (decode and encode side by side)
// [SECTION] answers: what each server answer does to the model
// [SECTION] requests the person asks for
// [SECTION] update
#include "core/privacy_centre.hpp"

#include <algorithm>

#include "core/contact.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/order.hpp"
#include "core/overloaded.hpp"

namespace jupiter::privacy_centre {

namespace {


constexpr std::int64_t kMaxCount = 1000000;
constexpr std::size_t kMaxEmail = 320;
constexpr std::size_t kMaxKept = 50;
constexpr std::size_t kMaxKeptBytes = 500;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] codecs: summary, restrictions, erase result (decode and encode side by side)
// ---------------------------------------------------------------------------------------------------------
bool read_bool(JsonReader& r, const char* name) { return r.boolean(name, true); }

void read_restrictions(JsonReader& outer, JsonValue obj, Restrictions& out) {
  if (!obj) return;  // a required object's absence is already a problem of `outer`
  JsonReader r(obj, "restrictions");
  out.marketing = read_bool(r, "marketing");
  out.analytics = read_bool(r, "analytics");
  if (!r.ok()) outer.fail(r.error());
}

// Keys in ascending order (json_writer.hpp).
void write_restrictions(JsonWriter& w, const Restrictions& r) {
  w.key("restrictions").begin_object().field("analytics", r.analytics).field("marketing", r.marketing).end_object();
}

// {"name": value}
std::string one_field(std::string_view name, std::string_view value) {
  JsonWriter w;
  return w.begin_object().field(name, value).end_object().take();
}

}  // namespace

Decoded<Summary> decode_summary(std::string_view text) {
  auto out = decode_object<Decoded<Summary>>(text, kMaxAnswerBytes, [](JsonReader& r, JsonValue, auto& o) {
    Summary& s = o.value;
    s.email = r.string("email", true, kMaxEmail);
    s.orders = r.integer("orders", 0, kMaxCount);
    if (const JsonValue m = r.object("marketing", true)) {
      JsonReader mr(m, "marketing");
      s.marketing_opted_in = read_bool(mr, "opted_in");
      if (!mr.ok()) r.fail(mr.error());
    }
    read_restrictions(r, r.object("restrictions", true), s.restrictions);
  });
  if (!out.ok) out.value = {};
  return out;
}

std::string encode_summary(const Summary& s) {
  JsonWriter w;
  w.begin_object().field("email", s.email).key("marketing").begin_object();
  w.field("opted_in", s.marketing_opted_in).end_object().field("orders", s.orders);
  write_restrictions(w, s.restrictions);
  return w.end_object().take();
}

Decoded<Restrictions> decode_restrictions(std::string_view text) {
  auto out = decode_object<Decoded<Restrictions>>(text, kMaxAnswerBytes, [](JsonReader& r, JsonValue, auto& o) {
    read_restrictions(r, r.object("restrictions", true), o.value);
  });
  if (!out.ok) out.value = {};
  return out;
}

std::string encode_restrictions(const Restrictions& r) {
  JsonWriter w;
  w.begin_object();
  write_restrictions(w, r);
  return w.end_object().take();
}

Decoded<EraseResult> decode_erase(std::string_view text) {
  auto out = decode_object<Decoded<EraseResult>>(text, kMaxAnswerBytes, [](JsonReader& r, JsonValue, auto& o) {
    o.value.erased = r.integer("erased", 0, kMaxCount);
    o.value.queued = r.integer("queued", 0, kMaxCount, 0);
    o.value.kept = r.strings("kept", false, kMaxKept, kMaxKeptBytes);
  });
  if (!out.ok) out.value = {};
  return out;
}

std::string document_url(std::string_view page, std::string_view language) {
  const bool two_letters = language.size() == 2 && std::all_of(language.begin(), language.end(), [](char c) {
    return c >= 'a' && c <= 'z';
  });
  if (!two_letters || language == "en") return std::string(page);
  return std::string(page) + "?lang=" + std::string(language);
}

std::string encode_erase(const EraseResult& e) {
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object().field("erased", e.erased).key("kept").begin_array();
  for (const std::string& k : e.kept) w.string(k);
  return w.end_array().field("queued", e.queued).end_object().take();
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] answers: what each server answer does to the model
// ---------------------------------------------------------------------------------------------------------
void send(Model& m, std::vector<Effect>& fx, Call call, const char* method, const char* url, std::string body = {}) {
  ++m.pending;
  fx.push_back(effect::Http{call, method, url, std::move(body)});
}

void done(Model& m, Outcome o) {
  m.outcome = o;
  ++m.outcome_seq;
}

// Not signed in (a 401 anywhere): the sign-in screen, nothing of the person kept.
void signed_out(Model& m, bool was_in) {
  m.screen = Screen::SignIn;
  m.summary = {};
  m.loaded = false;
  m.confirming_erase = false;
  m.name.clear(), m.phone.clear(), m.new_email.clear();
  if (was_in) m.problem = Problem::SignedOut;
}

// The problem an error answer means (401 is handled before: it signs out).
Problem failure(const action::Answer& a, std::string& detail) {
  switch (a.status) {
    case 0: return Problem::Network;
    case 400: detail = decode_api_error(a.body).message; return Problem::Rejected;
    case 403: return Problem::Forbidden;
    case 410: return Problem::Gone;
    case 429: return Problem::RateLimited;
    default: return a.status >= 200 && a.status < 300 ? Problem::BadResponse : Problem::Server;
  }
}

void fail(Model& m, const action::Answer& a) { m.problem = failure(a, m.detail); }

void on_who(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status == 401) return signed_out(m, false);
  if (a.status != 200) return fail(m, a);
  m.screen = Screen::Centre;
  send(m, fx, Call::Summary, "GET", kSummaryUrl);
}

// An analytics objection made elsewhere (another browser) holds in this one too: its cookies are withdrawn (the
// consent manager does nothing when they are not granted).
void on_summary(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status != 200) return fail(m, a);
  Decoded<Summary> d = decode_summary(a.body);
  if (!d.ok) {
    m.problem = Problem::BadResponse;
    return;
  }
  if (d.value.restrictions.analytics) fx.push_back(effect::WithdrawCookieCategory{"analytics"});
  m.summary = std::move(d.value);
  m.loaded = true;
}

void on_download(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status != 200) return fail(m, a);
  if (parse_json_object(a.body, std::size_t{64} << 20).status != JsonObjectParse::Status::Ok) {
    m.problem = Problem::BadResponse;
    return;
  }
  fx.push_back(effect::SaveFile{kDataFileName, "application/json", a.body});
  done(m, Outcome::Downloaded);
}

void on_save_details(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status != 200) return fail(m, a);
  const JsonObjectParse doc = parse_json_object(a.body, kMaxAnswerBytes);
  JsonReader r(doc.doc);
  m.updated_orders = doc.status == JsonObjectParse::Status::Ok ? r.integer("updated_orders", 0, kMaxCount, 0) : 0;
  m.name.clear(), m.phone.clear();
  done(m, Outcome::DetailsSaved);
  send(m, fx, Call::Summary, "GET", kSummaryUrl);
}

void on_change_email(Model& m, const action::Answer& a) {
  if (a.status == 400) return (void)(m.problem = Problem::InvalidEmail);
  if (a.status != 202) return fail(m, a);
  m.new_email.clear();
  done(m, Outcome::EmailLinkSent);
}

void on_restrict(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status != 200) return fail(m, a);
  Decoded<Restrictions> d = decode_restrictions(a.body);
  if (!d.ok) {
    m.problem = Problem::BadResponse;
    return;
  }
  if (d.value.analytics && !m.summary.restrictions.analytics)
    fx.push_back(effect::WithdrawCookieCategory{"analytics"});  // object to analytics: its cookies go too
  if (d.value.marketing) m.summary.marketing_opted_in = false;
  m.summary.restrictions = d.value;
  done(m, Outcome::RestrictionsSaved);
}

void on_erase(Model& m, const action::Answer& a) {
  m.confirming_erase = false;
  if (a.status != 202 && a.status != 200) return fail(m, a);
  Decoded<EraseResult> d = decode_erase(a.body);
  if (!d.ok) {
    m.problem = Problem::BadResponse;
    return;
  }
  m.erased = std::move(d.value);
  m.screen = Screen::Erased;  // the session has ended with the data
  m.summary = {};
  m.loaded = false;
  done(m, Outcome::Erased);
}

void on_sign_in(Model& m, const action::Answer& a) {
  if (a.status == 202) m.screen = Screen::Sent;
  else if (a.status == 400) m.problem = Problem::InvalidEmail;
  else fail(m, a);
}

void on_answer(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  m.pending = std::max(0, m.pending - 1);
  if (m.screen == Screen::Closed) return;  // back in the store meanwhile
  if (a.status == 401 && a.call != Call::SignIn) return signed_out(m, a.call != Call::Who);
  switch (a.call) {
    case Call::Who: return on_who(m, a, fx);
    case Call::Summary: return on_summary(m, a, fx);
    case Call::SignIn: return on_sign_in(m, a);
    case Call::Download: return on_download(m, a, fx);
    case Call::SaveDetails: return on_save_details(m, a, fx);
    case Call::ChangeEmail: return on_change_email(m, a);
    case Call::Restrict: return on_restrict(m, a, fx);
    case Call::Erase: return on_erase(m, a);
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] requests the person asks for
// ---------------------------------------------------------------------------------------------------------
// A request from the centre: only when signed in and nothing else is on its way; clears the last problem.
bool may_send(Model& m) {
  if (m.screen != Screen::Centre || m.pending > 0) return false;
  m.problem = Problem::None;
  m.detail.clear();
  m.outcome = Outcome::None;
  return true;
}

void ask_sign_in(Model& m, const action::SignInAsked& a, std::vector<Effect>& fx) {
  if (m.pending > 0 || m.screen != Screen::SignIn) return;
  const std::string email = normalize_email(m.email);
  if (!validate_email(email).ok()) {
    m.problem = Problem::InvalidEmail;
    return;
  }
  m.problem = Problem::None;
  JsonWriter body;
  body.begin_object().field("email", email).field("language", a.language).field("next", kQueryValue).end_object();
  send(m, fx, Call::SignIn, "POST", kSignInUrl, body.take());
}

void save_details(Model& m, std::vector<Effect>& fx) {
  const std::string name = normalize_name(m.name), phone = normalize_phone(m.phone);
  if (name.empty() && phone.empty()) return (void)(m.problem = Problem::NothingToSave);
  if (!name.empty() && !validate_name(name).ok()) return (void)(m.problem = Problem::InvalidName);
  if (!phone.empty() && !validate_phone(phone).ok()) return (void)(m.problem = Problem::InvalidPhone);
  JsonWriter body;
  body.begin_object();
  if (!name.empty()) body.field("name", name);
  if (!phone.empty()) body.field("phone", phone);
  send(m, fx, Call::SaveDetails, "POST", kCustomerUrl, body.end_object().take());
}

void change_email(Model& m, std::vector<Effect>& fx) {
  const std::string email = normalize_email(m.new_email);
  if (!validate_email(email).ok()) return (void)(m.problem = Problem::InvalidEmail);
  send(m, fx, Call::ChangeEmail, "POST", kCustomerUrl, one_field("email", email));
}

void restrict(Model& m, const action::RestrictToggled& t, std::vector<Effect>& fx) {
  JsonWriter body;
  body.begin_object().field(t.marketing ? "marketing" : "analytics", t.on).end_object();
  send(m, fx, Call::Restrict, "POST", kRestrictUrl, body.take());
}

void field_changed(Model& m, action::FieldChanged& f) {
  std::string* target[] = {&m.email, &m.name, &m.phone, &m.new_email};
  const auto i = static_cast<std::size_t>(f.field);
  if (i >= 4) return;
  *target[i] = std::move(f.text);
  if (m.problem == Problem::InvalidEmail || m.problem == Problem::InvalidPhone || m.problem == Problem::InvalidName ||
      m.problem == Problem::NothingToSave)
    m.problem = Problem::None;
}

// A fresh visit on `screen`: nothing of a previous one shown but the typed sign-in address and the requests still
// on their way.
void restart(Model& m, Screen screen) {
  Model fresh;
  fresh.screen = screen;
  fresh.email = std::move(m.email);
  fresh.pending = m.pending;
  m = std::move(fresh);
}

void open(Model& m, std::vector<Effect>& fx) {
  restart(m, Screen::Checking);
  send(m, fx, Call::Who, "GET", kWhoUrl);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] update
// ---------------------------------------------------------------------------------------------------------
Update update(Model m, Action a) {
  std::vector<Effect> fx;
  std::visit(overloaded{
                 [&](action::Opened) { open(m, fx); },
                 [&](action::Closed) { restart(m, Screen::Closed); },
                 [&](action::FieldChanged& f) { field_changed(m, f); },
                 [&](const action::SignInAsked& s) { ask_sign_in(m, s, fx); },
                 [&](action::DownloadAsked) {
                   if (may_send(m)) send(m, fx, Call::Download, "GET", kDataUrl);
                 },
                 [&](action::SaveDetailsAsked) {
                   if (may_send(m)) save_details(m, fx);
                 },
                 [&](action::ChangeEmailAsked) {
                   if (may_send(m)) change_email(m, fx);
                 },
                 [&](action::RestrictToggled& t) {
                   if (may_send(m)) restrict(m, t, fx);
                 },
                 [&](action::CookieSettingsAsked) { fx.push_back(effect::OpenCookieSettings{}); },
                 [&](action::PolicyAsked& p) {
                   fx.push_back(effect::OpenUrl{p.terms ? terms_url(p.language) : policy_url(p.language)});
                 },
                 [&](action::EraseAsked) {
                   if (m.screen == Screen::Centre) m.confirming_erase = true, m.problem = Problem::None;
                 },
                 [&](action::EraseConfirmed) {
                   if (m.confirming_erase && may_send(m)) send(m, fx, Call::Erase, "POST", kEraseUrl, "{\"confirm\":true}");
                 },
                 [&](action::EraseDropped) { m.confirming_erase = false; },
                 [&](action::Answer& r) { on_answer(m, r, fx); },
             },
             a);
  return {std::move(m), std::move(fx)};
}

}  // namespace jupiter::privacy_centre
