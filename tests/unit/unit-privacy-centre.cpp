// unit-privacy-centre.cpp: the privacy centre (core/privacy_centre, issue 16): the answers' codecs (round trips,
// bad bodies never abort), each step of the screen's update (sign in with next=privacy, summary, download,
// correct, restrict, cookie settings, erase with its confirmation), its place in the store's update and URL, and
// its texts in every language.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/app.hpp"
#include "core/i18n.hpp"
#include "core/privacy_centre.hpp"

using namespace jupiter;
using namespace jupiter::privacy_centre;
namespace pa = jupiter::privacy_centre::action;
namespace pe = jupiter::privacy_centre::effect;

namespace {

const char* kServerSummary =
    R"({"email":"ada@example.com","orders":2,"marketing":{"opted_in":true},"restrictions":{"marketing":false,"analytics":false}})";

template <class E>
const E* only_effect(const privacy_centre::Update& u) {
  return u.effects.size() == 1 ? std::get_if<E>(&u.effects[0]) : nullptr;
}

// A model signed in with the server's summary shown.
privacy_centre::Model signed_in() {
  privacy_centre::Model m;
  m.screen = Screen::Centre;
  m.summary = decode_summary(kServerSummary).value;
  m.loaded = true;
  return m;
}

privacy_centre::Update answer(privacy_centre::Model m, Call call, int status, std::string body) {
  m.pending = 1;
  return update(std::move(m), pa::Answer{call, status, std::move(body)});
}

std::string read_texts(const std::string& lang) {
  std::ifstream in(std::string(JUPITER_SOURCE_DIR) + "/assets/i18n/privacy/" + lang + ".json", std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("the server's privacy summary decodes, and every codec round-trips") {
  const Decoded<Summary> d = decode_summary(kServerSummary);
  REQUIRE(d.ok);
  CHECK(d.error.empty());
  CHECK(d.value.email == "ada@example.com");
  CHECK(d.value.orders == 2);
  CHECK(d.value.marketing_opted_in);
  CHECK(d.value.restrictions == Restrictions{false, false});
  Summary s{"bo@example.org", 7, false, {true, true}};
  const Decoded<Summary> back = decode_summary(encode_summary(s));
  REQUIRE(back.ok);
  CHECK(back.value.email == s.email);
  CHECK(back.value.orders == 7);
  CHECK_FALSE(back.value.marketing_opted_in);
  CHECK(back.value.restrictions == Restrictions{true, true});
  const Decoded<Restrictions> r = decode_restrictions(encode_restrictions({true, false}));
  REQUIRE(r.ok);
  CHECK(r.value == Restrictions{true, false});
  EraseResult e{2, 1, {"Invoice ord_1: amount, date, tax", "Invoice ord_2: amount, date, tax"}};
  const Decoded<EraseResult> eb = decode_erase(encode_erase(e));
  REQUIRE(eb.ok);
  CHECK(eb.value.erased == 2);
  CHECK(eb.value.queued == 1);
  CHECK(eb.value.kept == e.kept);
}

TEST_CASE("bad privacy answers give an error, never a half-read value, and never abort") {
  for (const char* body :
       {"", "null", "[]", "{", "not json", R"({"email":"a@b.c"})", R"({"email":"","orders":1,"marketing":{"opted_in":true},"restrictions":{"marketing":false,"analytics":false}})",
        R"({"email":"a@b.c","orders":-1,"marketing":{"opted_in":true},"restrictions":{"marketing":false,"analytics":false}})",
        R"({"email":"a@b.c","orders":1,"marketing":{"opted_in":"yes"},"restrictions":{"marketing":false,"analytics":false}})",
        R"({"email":"a@b.c","orders":1,"marketing":{"opted_in":true},"restrictions":{"marketing":0,"analytics":false}})",
        R"({"email":"a@b.c","orders":1,"marketing":true,"restrictions":{"marketing":false,"analytics":false}})",
        R"({"email":"a@b.c","orders":1.5,"marketing":{"opted_in":true},"restrictions":null})"}) {
    CAPTURE(body);
    const Decoded<Summary> d = decode_summary(body);
    CHECK_FALSE(d.ok);
    CHECK_FALSE(d.error.empty());
    CHECK(d.value.email.empty());
  }
  CHECK_FALSE(decode_restrictions(R"({"restrictions":{"marketing":true}})").ok);
  CHECK_FALSE(decode_erase(R"({"erased":1,"kept":[1,2]})").ok);
  CHECK_FALSE(decode_erase(R"({"erased":"1"})").ok);
  CHECK(decode_erase(R"({"erased":0})").ok);  // nothing kept, nothing queued: both optional
  CHECK_FALSE(decode_summary(std::string(kMaxAnswerBytes + 1, ' ')).ok);
  CHECK_FALSE(decode_summary(std::string(100000, '[')).ok);  // deep nesting: refused, no crash
}

TEST_CASE("not signed in: the centre asks for the e-mail and sends the sign-in link with next=privacy") {
  privacy_centre::Update u = update(privacy_centre::Model{}, pa::Opened{});
  CHECK(u.model.screen == Screen::Checking);
  const auto* who = only_effect<pe::Http>(u);
  REQUIRE(who);
  CHECK(who->url == kWhoUrl);
  u = answer(u.model, Call::Who, 401, R"({"error":{"code":"unauthorized","message":"sign in"}})");
  CHECK(u.model.screen == Screen::SignIn);
  CHECK(u.model.problem == Problem::None);  // not an error: the guest simply is not signed in
  u = update(u.model, pa::FieldChanged{Field::SignInEmail, "not an address"});
  u = update(u.model, pa::SignInAsked{});
  CHECK(u.model.problem == Problem::InvalidEmail);
  CHECK(u.effects.empty());
  u = update(u.model, pa::FieldChanged{Field::SignInEmail, " Ada@Example.COM "});
  CHECK(u.model.problem == Problem::None);
  u = update(u.model, pa::SignInAsked{"de"});
  const auto* send = only_effect<pe::Http>(u);
  REQUIRE(send);
  CHECK(send->method == "POST");
  CHECK(send->url == kSignInUrl);
  CHECK(send->body == R"({"email":"Ada@example.com","language":"de","next":"privacy"})");
  u = answer(u.model, Call::SignIn, 202, "{}");
  CHECK(u.model.screen == Screen::Sent);
  u = update(u.model, pa::Opened{});  // "Use another address": the address typed is kept
  CHECK(u.model.email == " Ada@Example.COM ");
  u = answer(u.model, Call::Who, 401, "");
  u = update(u.model, pa::SignInAsked{});
  u = answer(u.model, Call::SignIn, 429, "");
  CHECK(u.model.problem == Problem::RateLimited);
}

TEST_CASE("signed in: the summary is asked for and shown; a bad one is a problem in words") {
  privacy_centre::Update u = update(privacy_centre::Model{}, pa::Opened{});
  u = answer(u.model, Call::Who, 200, R"({"email":"ada@example.com","session_expires_at":"2026-12-07T00:00:00Z"})");
  CHECK(u.model.screen == Screen::Centre);
  const auto* get = only_effect<pe::Http>(u);
  REQUIRE(get);
  CHECK(get->url == kSummaryUrl);
  privacy_centre::Update bad = answer(u.model, Call::Summary, 200, "{}");
  CHECK(bad.model.problem == Problem::BadResponse);
  CHECK_FALSE(bad.model.loaded);
  privacy_centre::Update objected = answer(u.model, Call::Summary, 200, encode_summary({"ada@example.com", 2, false, {false, true}}));
  REQUIRE(only_effect<pe::WithdrawCookieCategory>(objected));  // objected in another browser: holds in this one
  CHECK(only_effect<pe::WithdrawCookieCategory>(objected)->category == "analytics");
  u = answer(u.model, Call::Summary, 200, kServerSummary);
  CHECK(u.model.loaded);
  CHECK(u.effects.empty());
  CHECK(u.model.summary.orders == 2);
  // A session that ended meanwhile: back to sign-in, with why, and nothing of the person kept.
  u = answer(u.model, Call::Summary, 401, "");
  CHECK(u.model.screen == Screen::SignIn);
  CHECK(u.model.problem == Problem::SignedOut);
  CHECK(u.model.summary.email.empty());
}

TEST_CASE("Download my data fetches the data and saves it as a file; a failure is said") {
  privacy_centre::Update u = update(signed_in(), pa::DownloadAsked{});
  const auto* get = only_effect<pe::Http>(u);
  REQUIRE(get);
  CHECK(get->url == kDataUrl);
  CHECK(u.model.pending == 1);
  CHECK(update(u.model, pa::DownloadAsked{}).effects.empty());  // one at a time
  const std::string data = R"({"orders":[{"id":"ord_1"},{"id":"ord_2"}]})";
  privacy_centre::Update saved = update(u.model, pa::Answer{Call::Download, 200, data});
  const auto* file = only_effect<pe::SaveFile>(saved);
  REQUIRE(file);
  CHECK(file->name == "jupiteresims-my-data.json");
  CHECK(file->type == "application/json");
  CHECK(file->body == data);
  CHECK(saved.model.outcome == Outcome::Downloaded);
  CHECK(saved.model.pending == 0);
  CHECK(update(u.model, pa::Answer{Call::Download, 200, "<html>"}).model.problem == Problem::BadResponse);
  CHECK(update(u.model, pa::Answer{Call::Download, 0, ""}).model.problem == Problem::Network);
  CHECK(update(u.model, pa::Answer{Call::Download, 429, ""}).model.problem == Problem::RateLimited);
  CHECK(update(u.model, pa::Answer{Call::Download, 403, ""}).model.problem == Problem::Forbidden);
  CHECK(update(u.model, pa::Answer{Call::Download, 410, ""}).model.problem == Problem::Gone);
  CHECK(update(u.model, pa::Answer{Call::Download, 500, ""}).model.problem == Problem::Server);
}

TEST_CASE("Correct my details sends only what was typed, checks it first, and an e-mail change waits for its link") {
  privacy_centre::Model m = signed_in();
  CHECK(update(m, pa::SaveDetailsAsked{}).model.problem == Problem::NothingToSave);
  m = update(m, pa::FieldChanged{Field::Phone, "12345"}).model;
  privacy_centre::Update u = update(m, pa::SaveDetailsAsked{});
  CHECK(u.model.problem == Problem::InvalidPhone);
  CHECK(u.effects.empty());
  m = update(m, pa::FieldChanged{Field::Phone, "+44 20 7946 0000"}).model;
  u = update(m, pa::SaveDetailsAsked{});
  const auto* post = only_effect<pe::Http>(u);
  REQUIRE(post);
  CHECK(post->url == kCustomerUrl);
  CHECK(post->body == R"({"phone":"+442079460000"})");
  u = answer(u.model, Call::SaveDetails, 200, R"({"updated_orders":2})");
  CHECK(u.model.outcome == Outcome::DetailsSaved);
  CHECK(u.model.updated_orders == 2);
  CHECK(u.model.phone.empty());
  REQUIRE(only_effect<pe::Http>(u));
  CHECK(only_effect<pe::Http>(u)->url == kSummaryUrl);  // the summary again
  privacy_centre::Update refused = answer(m, Call::SaveDetails, 400, R"({"error":{"code":"invalid_phone","message":"phone: too short"}})");
  CHECK(refused.model.problem == Problem::Rejected);
  CHECK(refused.model.detail == "phone: too short");

  m = update(signed_in(), pa::FieldChanged{Field::NewEmail, "new@example.com"}).model;
  u = update(m, pa::ChangeEmailAsked{});
  REQUIRE(only_effect<pe::Http>(u));
  CHECK(only_effect<pe::Http>(u)->body == R"({"email":"new@example.com"})");
  u = answer(u.model, Call::ChangeEmail, 202, R"({"verification_sent":true})");
  CHECK(u.model.outcome == Outcome::EmailLinkSent);
  CHECK(u.model.summary.email == "ada@example.com");  // nothing changes until the link is used
}

TEST_CASE("restricting analytics withdraws the analytics cookies; Cookie settings and the policy are effects") {
  privacy_centre::Update u = update(signed_in(), pa::RestrictToggled{true, true});
  REQUIRE(only_effect<pe::Http>(u));
  CHECK(only_effect<pe::Http>(u)->url == kRestrictUrl);
  CHECK(only_effect<pe::Http>(u)->body == R"({"marketing":true})");
  u = answer(u.model, Call::Restrict, 200, R"({"restrictions":{"marketing":true,"analytics":false}})");
  CHECK(u.effects.empty());  // marketing alone: the cookies stay as chosen
  CHECK(u.model.summary.restrictions.marketing);
  CHECK_FALSE(u.model.summary.marketing_opted_in);
  CHECK(u.model.outcome == Outcome::RestrictionsSaved);
  u = update(u.model, pa::RestrictToggled{false, true});
  CHECK(only_effect<pe::Http>(u)->body == R"({"analytics":true})");
  u = answer(u.model, Call::Restrict, 200, R"({"restrictions":{"marketing":true,"analytics":true}})");
  const auto* withdraw = only_effect<pe::WithdrawCookieCategory>(u);
  REQUIRE(withdraw);
  CHECK(withdraw->category == "analytics");
  CHECK(update(u.model, pa::CookieSettingsAsked{}).effects.size() == 1);
  const privacy_centre::Update settings = update(u.model, pa::CookieSettingsAsked{});
  CHECK(only_effect<pe::OpenCookieSettings>(settings));
  const privacy_centre::Update opened = update(u.model, pa::PolicyAsked{"en"});
  const auto* policy = only_effect<pe::OpenUrl>(opened);
  REQUIRE(policy);
  CHECK(policy->url == "/privacy");
  const privacy_centre::Update in_german = update(u.model, pa::PolicyAsked{"de"});
  REQUIRE(only_effect<pe::OpenUrl>(in_german));
  CHECK(only_effect<pe::OpenUrl>(in_german)->url == "/privacy?lang=de");
  CHECK(policy_url("") == "/privacy");
  CHECK(policy_url("d&") == "/privacy");  // never anything but two letters in the URL
  // The terms of sale (issue 15): the same link, to /terms.
  const privacy_centre::Update terms = update(u.model, pa::PolicyAsked{"fr", true});
  REQUIRE(only_effect<pe::OpenUrl>(terms));
  CHECK(only_effect<pe::OpenUrl>(terms)->url == "/terms?lang=fr");
  CHECK(terms_url("en") == "/terms");
  CHECK(terms_url("x/") == "/terms");
}

TEST_CASE("erase asks first, Keep drops it, and the result lists what was kept; the session is over") {
  privacy_centre::Update u = update(signed_in(), pa::EraseConfirmed{});
  CHECK(u.effects.empty());  // never without the dialog
  u = update(u.model, pa::EraseAsked{});
  CHECK(u.model.confirming_erase);
  CHECK_FALSE(update(u.model, pa::EraseDropped{}).model.confirming_erase);
  u = update(u.model, pa::EraseConfirmed{});
  const auto* post = only_effect<pe::Http>(u);
  REQUIRE(post);
  CHECK(post->url == kEraseUrl);
  CHECK(post->body == R"({"confirm":true})");
  u = update(u.model, pa::Answer{Call::Erase, 202, R"({"erased":2,"queued":0,"kept":["Invoice ord_1","Invoice ord_2"]})"});
  CHECK(u.model.screen == Screen::Erased);
  CHECK(u.model.erased.erased == 2);
  CHECK(u.model.erased.kept.size() == 2);
  CHECK(u.model.summary.email.empty());
  CHECK(u.model.outcome == Outcome::Erased);
  CHECK(update(u.model, pa::DownloadAsked{}).effects.empty());  // nothing more to ask for
}

TEST_CASE("the privacy centre is a place in the URL, one screen at a time with My eSIMs") {
  jupiter::Update u = jupiter::update(jupiter::Model{}, privacy_centre::Action{pa::Opened{}});
  CHECK(u.model.privacy_centre.screen == Screen::Checking);
  REQUIRE(u.effects.size() == 1);
  CHECK(std::holds_alternative<privacy_centre::Effect>(u.effects[0]));
  const jupiter::Route r = jupiter::route_of(u.model);
  CHECK(r.privacy);
  CHECK_FALSE(r.account);
  CHECK(jupiter::encode_route(r) == "account=privacy");
  CHECK(jupiter::decode_route("account=privacy") == r);  // round trip
  CHECK(jupiter::is_new_place(jupiter::Route{}, r));
  CHECK_FALSE(jupiter::decode_route("account=privacy").account);
  CHECK_FALSE(jupiter::decode_route("account=orders").privacy);
  // Opening My eSIMs closes the centre, and the other way round.
  u = jupiter::update(u.model, account::Action{account::action::Opened{}});
  CHECK(u.model.privacy_centre.screen == Screen::Closed);
  CHECK(jupiter::encode_route(jupiter::route_of(u.model)) == "account=orders");
  u = jupiter::update(u.model, privacy_centre::Action{pa::Opened{}});
  CHECK(u.model.account.screen == account::Screen::Closed);
  // Back off the entry closes it; Forward onto it opens it again.
  u = jupiter::update(u.model, jupiter::action::RouteChanged{jupiter::decode_route("")});
  CHECK(u.model.privacy_centre.screen == Screen::Closed);
  CHECK(jupiter::encode_route(jupiter::route_of(u.model)).empty());
  u = jupiter::update(u.model, jupiter::action::RouteChanged{jupiter::decode_route("account=privacy")});
  CHECK(u.model.privacy_centre.screen == Screen::Checking);
  // The header's Privacy popup closes when the centre opens from it.
  jupiter::Model with_popup;
  with_popup.privacy = jupiter::ConsentSnapshot{};
  CHECK_FALSE(jupiter::update(with_popup, privacy_centre::Action{pa::Opened{}}).model.privacy);
}

TEST_CASE("the privacy centre texts are complete in every language, translated, with the same placeholders") {
  TextTable en;
  REQUIRE(en.add_file(read_texts("en"), "privacy").empty());
  CHECK(en.size() > 50);
  for (Language l : kLanguages) {
    if (l == Language::En) continue;
    const std::string lang(language_code(l));
    CAPTURE(lang);
    TextTable t;
    CHECK(t.add_file(read_texts(lang), "privacy").empty());
    CHECK(check_translation(en, t, "privacy").empty());
    CHECK(t.size() == en.size());
    for (const char* key : {"privacy.title", "privacy.download.button", "privacy.erase.question", "privacy.problem.gone"}) {
      CAPTURE(key);
      REQUIRE((t.find(key) && en.find(key)));
      CHECK(*t.find(key) != *en.find(key));
    }
  }
}
