// unit-support.cpp: an order's support thread in the core (core/support, issue 15): the message rules the server
// shares (trim, 1..4000 characters, device fields), the device details from the user agent, the thread's codec
// (round trips, bad bodies never abort), each step of the section's update, and its texts in every language.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/delivery.hpp"
#include "core/i18n.hpp"
#include "core/support.hpp"

using namespace jupiter;
using namespace jupiter::support;
namespace sa = jupiter::support::action;
namespace se = jupiter::support::effect;

namespace {

const char* kThread =
    R"({"messages":[{"id":"msg_a","author":"customer","body":"No signal","created_at":"2026-12-07T03:00:00.000Z",)"
    R"("device":{"model":"iPhone","os":"iOS 17.4"}},{"id":"msg_b","author":"support","body":"Turn on roaming.",)"
    R"("created_at":"2026-12-07T03:05:00.000Z","device":null}]})";

const se::Http* only_http(const support::Update& u) {
  return u.effects.size() == 1 ? std::get_if<se::Http>(&u.effects[0]) : nullptr;
}

// A model showing order ord_1's loaded thread.
support::Model loaded() {
  support::Update u = update(support::Model{}, sa::Shown{"ord_1", "tok"});
  return update(std::move(u.model), sa::Answer{Call::Load, 200, kThread, 0, "ord_1"}).model;
}

std::string read_texts(const std::string& lang) {
  std::ifstream in(std::string(JUPITER_SOURCE_DIR) + "/assets/i18n/support/" + lang + ".json", std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("support messages are trimmed and count characters, not bytes") {
  CHECK(trim("  hi there \n\t") == "hi there");
  CHECK(trim("\xC2\xA0\xE3\x80\x80 x \xE3\x80\x80\xC2\xA0") == "x");
  CHECK(trim(" \n ").empty());
  CHECK(check_body("") == BodyProblem::Empty);
  CHECK(check_body("a") == BodyProblem::None);
  CHECK(check_body(std::string(4000, 'a')) == BodyProblem::None);
  CHECK(check_body(std::string(4001, 'a')) == BodyProblem::TooLong);
  std::string snow;
  for (int i = 0; i < 4000; ++i) snow += "\xE2\x9D\x84";
  CHECK(check_body(snow) == BodyProblem::None);
  CHECK(check_body(snow + "\xE2\x9D\x84") == BodyProblem::TooLong);
  CHECK(check_body("a\xFF") == BodyProblem::InvalidUtf8);
  CHECK(check_body("\xC0\xAF") == BodyProblem::InvalidUtf8);          // overlong '/'
  CHECK(check_body("\xED\xA0\x80") == BodyProblem::InvalidUtf8);      // a surrogate
  CHECK(check_body("\xF4\x90\x80\x80") == BodyProblem::InvalidUtf8);  // past U+10FFFF
  CHECK(check_body("\xE2\x9D") == BodyProblem::InvalidUtf8);          // cut short
  CHECK(utf8_length("h\xC3\xA9llo \xF0\x9F\x93\xB6") == 7u);
}

TEST_CASE("device details are short printable text, model required") {
  CHECK(valid_device({"iPhone", "iOS 17.4"}));
  CHECK(valid_device({"Desktop", ""}));
  CHECK_FALSE(valid_device({"", "iOS"}));
  CHECK(valid_device({std::string(64, 'm'), std::string(64, 'o')}));
  CHECK_FALSE(valid_device({std::string(65, 'm'), ""}));
  CHECK_FALSE(valid_device({"iPhone\n", ""}));
  CHECK_FALSE(valid_device({"iPhone", "iOS\x7F"}));
  CHECK_FALSE(valid_device({"iPhone", "\xC2\x85"}));  // C1 NEXT LINE
  CHECK_FALSE(valid_device({"iPhone\xFF", ""}));
}

TEST_CASE("the attached details come from the user agent the delivery section reads") {
  const char* iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                       "Version/17.4 Mobile/15E148 Safari/604.1";
  const Device d = device_of(delivery::detect_device(iphone, 5));
  CHECK(d == Device{"iPhone", "iOS 17.4"});
  CHECK(device_label(d) == "iPhone, iOS 17.4");
  const Device desktop = device_of(delivery::detect_device("Mozilla/5.0 (X11; Linux x86_64) Chrome/120", 0));
  CHECK(device_label(desktop) == "Desktop");
  const Device android =
      device_of(delivery::detect_device("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36", 5));
  CHECK(device_label(android) == "Android phone, Android 14");
  CHECK(valid_device(device_of(delivery::Device{delivery::Platform::Ipad, 0, 0})));
}

TEST_CASE("the thread decodes, round-trips, and bad answers are refused without aborting") {
  const auto d = decode_thread(kThread);
  REQUIRE(d.ok);
  REQUIRE(d.value.size() == 2);
  CHECK(d.value[0].author == Author::Customer);
  CHECK(d.value[0].device == Device{"iPhone", "iOS 17.4"});
  CHECK(d.value[1].author == Author::Support);
  CHECK_FALSE(d.value[1].device.has_value());
  const auto again = decode_thread(encode_thread(d.value));
  REQUIRE(again.ok);
  CHECK(again.value == d.value);
  const auto one = decode_message(message_json(d.value[0]));
  REQUIRE(one.ok);
  CHECK(one.value == d.value[0]);

  for (const char* bad : {"", "null", "[]", "{", R"({"messages":{}})", R"({"messages":[1]})",
                          R"({"messages":[{"id":"m","author":"robot","body":"x","created_at":"t"}]})",
                          R"({"messages":[{"id":"m","author":"support","body":"","created_at":"t"}]})",
                          R"({"messages":[{"id":"m","author":"support","body":"x","created_at":"t","device":{"model":""}}]})",
                          R"({"messages":[{"id":"m","author":"support","body":"x","created_at":"t","device":"iPhone"}]})",
                          "{\"messages\":[{\"id\":\"m\",\"author\":\"support\",\"body\":\"x\\u0000\",\"created_at\":7}]}"}) {
    CAPTURE(bad);
    const auto r = decode_thread(bad);
    CHECK_FALSE(r.ok);
    CHECK_FALSE(r.error.empty());
    CHECK(r.value.empty());
  }
  CHECK_FALSE(decode_message(R"({"id":"m","author":"customer","body":")" + std::string(4001, 'x') +
                             R"(","created_at":"t"})").ok);
  CHECK(request_body("hi", std::nullopt) == R"({"body":"hi"})");
  CHECK(request_body("hi", Device{"iPhone", "iOS 17.4"}) == R"({"body":"hi","device":{"model":"iPhone","os":"iOS 17.4"}})");
}

TEST_CASE("the section loads its order's thread once, and again on Refresh") {
  support::Update u = update(support::Model{}, sa::Shown{"ord_1", "tok"});
  const se::Http* h = only_http(u);
  REQUIRE(h);
  CHECK(h->method == "GET");
  CHECK(h->url == "/api/orders/ord_1/messages");
  CHECK(h->token == "tok");
  CHECK(h->call == Call::Load);
  CHECK(update(u.model, sa::Shown{"ord_1", "tok"}).effects.empty());  // the same order again: nothing
  CHECK(update(u.model, sa::RefreshAsked{}).effects.empty());          // a request is on its way

  support::Model m = loaded();
  CHECK(m.loaded);
  CHECK(m.messages.size() == 2);
  CHECK(m.outcome == Outcome::None);  // the first load is not announced
  u = update(m, sa::RefreshAsked{});
  REQUIRE(only_http(u));
  u = update(u.model, sa::Answer{Call::Load, 200, kThread, 0, "ord_1"});
  CHECK(u.model.outcome == Outcome::Refreshed);
  CHECK(u.model.outcome_seq == m.outcome_seq + 1);
  // Another order's page: its own thread.
  u = update(m, sa::Shown{"ord_2", "tok2"});
  CHECK(u.model.messages.empty());
  REQUIRE(only_http(u));
  CHECK(only_http(u)->url == "/api/orders/ord_2/messages");
  CHECK(only_http(u)->order_id == "ord_2");
  // The first order's answer arriving late is dropped: the page shows ord_2 now.
  const support::Model late = update(u.model, sa::Answer{Call::Load, 200, kThread, 0, "ord_1"}).model;
  CHECK(late.messages.empty());
  CHECK(late.pending == 1);
}

TEST_CASE("Send posts the trimmed text, with the shown device details only when the box is ticked") {
  support::Model m = loaded();
  m = update(m, sa::DraftChanged{"  It still does not work  "}).model;
  support::Update u = update(m, sa::SendAsked{Device{"iPhone", "iOS 17.4"}});
  REQUIRE(only_http(u));
  CHECK(only_http(u)->method == "POST");
  CHECK(only_http(u)->body == R"({"body":"It still does not work"})");

  m = update(m, sa::AttachToggled{true}).model;
  u = update(m, sa::SendAsked{Device{"iPhone", "iOS 17.4"}});
  REQUIRE(only_http(u));
  CHECK(only_http(u)->body == R"({"body":"It still does not work","device":{"model":"iPhone","os":"iOS 17.4"}})");
  CHECK(update(u.model, sa::SendAsked{Device{"iPhone", ""}}).effects.empty());  // one send at a time

  const std::string created = R"({"id":"msg_c","author":"customer","body":"It still does not work",)"
                              R"("created_at":"2026-12-07T03:10:00.000Z","device":{"model":"iPhone","os":"iOS 17.4"}})";
  u = update(u.model, sa::Answer{Call::Send, 201, created, 0, "ord_1"});
  CHECK(u.model.messages.size() == 3);
  CHECK(u.model.messages.back().id == "msg_c");
  CHECK(u.model.draft.empty());
  CHECK_FALSE(u.model.attach_device);  // the next message attaches nothing unless asked again
  CHECK(u.model.outcome == Outcome::Sent);
  CHECK(u.model.pending == 0);
}

TEST_CASE("Send checks the text first, and every refusal is a problem the section names") {
  support::Model m = loaded();
  m = update(m, sa::DraftChanged{" \n "}).model;
  support::Update u = update(m, sa::SendAsked{});
  CHECK(u.effects.empty());
  CHECK(u.model.problem == Problem::Empty);
  m = update(m, sa::DraftChanged{std::string(4001, 'x')}).model;
  u = update(m, sa::SendAsked{});
  CHECK(u.effects.empty());
  CHECK(u.model.problem == Problem::TooLong);

  m = update(m, sa::DraftChanged{"hello"}).model;
  const auto refused = [&](int status, const std::string& body, std::int64_t retry = 0) {
    support::Update sent = update(m, sa::SendAsked{});
    REQUIRE(only_http(sent));
    return update(sent.model, sa::Answer{Call::Send, status, body, retry, "ord_1"}).model;
  };
  support::Model r = refused(429, R"({"error":{"code":"rate_limited","message":"x"}})", 1800);
  CHECK(r.problem == Problem::RateLimited);
  CHECK(r.retry_after_s == 1800);
  CHECK(r.draft == "hello");  // nothing typed is lost
  CHECK(refused(0, "").problem == Problem::Network);
  CHECK(refused(404, "").problem == Problem::NotFound);
  CHECK(refused(500, "").problem == Problem::Server);
  CHECK(refused(400, R"({"error":{"code":"empty_message","message":"x"}})").problem == Problem::Empty);
  CHECK(refused(400, R"({"error":{"code":"message_too_long","message":"x"}})").problem == Problem::TooLong);
  CHECK(refused(413, "").problem == Problem::TooLong);
  CHECK(refused(400, R"({"error":{"code":"invalid_device","message":"x"}})").problem == Problem::Rejected);
  CHECK(refused(201, "junk").problem == Problem::BadResponse);
  // The next request clears the problem.
  support::Update retry = update(r, sa::SendAsked{});
  CHECK(retry.model.problem == Problem::None);
}

TEST_CASE("the support texts are complete in every language, translated, with the same placeholders") {
  TextTable en;
  REQUIRE(en.add_file(read_texts("en"), "support").empty());
  CHECK(en.size() >= 20);
  for (Language l : kLanguages) {
    if (l == Language::En) continue;
    const std::string lang(language_code(l));
    CAPTURE(lang);
    TextTable t;
    CHECK(t.add_file(read_texts(lang), "support").empty());
    CHECK(check_translation(en, t, "support").empty());
    CHECK(t.size() == en.size());
    for (const char* key : {"support.title", "support.send", "support.attach", "support.refresh"}) {
      CAPTURE(key);
      REQUIRE((t.find(key) && en.find(key)));
      CHECK(*t.find(key) != *en.find(key));
    }
  }
}
