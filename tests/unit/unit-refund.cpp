// unit-refund.cpp: the owner's refund (core/refund.hpp): the rule and its window, the eligibility codec on good and
// hostile input, and the refund section's update (ask once per order, confirm, answers and refusals).
#include <doctest/doctest.h>

#include "core/order_rules.hpp"
#include "core/refund.hpp"

using namespace jupiter;
namespace rf = jupiter::refund;
namespace ra = jupiter::refund::action;

namespace {

constexpr std::int64_t kPaid = 1'765'000'000;  // 2025-12-06T05:46:40Z

rf::Facts delivered() { return rf::Facts{OrderState::Delivered, false, false, kPaid}; }

rf::Update checked(const std::string& body, int status = 200) {
  rf::Update u = rf::update(rf::Model{}, ra::Check{"ord_1", "tok", Money{1299, Currency::EUR}});
  return rf::update(std::move(u.model), ra::Answer{rf::Call::Check, status, body});
}

const std::string kEligible = R"({"eligible":true,"reason":"eligible","deadline":1766209600,"window_days":14})";

}  // namespace

TEST_CASE("refund rule: a delivered eSIM never installed is refundable until 14 days after its payment") {
  CHECK(rf::deadline(kPaid) == kPaid + 14 * 86400);
  CHECK(rf::deadline(0) == 0);
  CHECK(rf::decide(delivered(), kPaid) == rf::Reason::Eligible);
  CHECK(rf::decide(delivered(), kPaid + 14 * 86400 - 1) == rf::Reason::Eligible);
  CHECK(rf::decide(delivered(), kPaid + 14 * 86400) == rf::Reason::WindowClosed);
  rf::Facts f = delivered();
  f.installed = true;
  CHECK(rf::decide(f, kPaid) == rf::Reason::Installed);
  f.topup = true;
  CHECK(rf::decide(f, kPaid) == rf::Reason::Topup);
  f.state = OrderState::Refunded;
  CHECK(rf::decide(f, kPaid) == rf::Reason::Refunded);  // the first answer: a refunded top-up says "refunded"
  for (OrderState s : {OrderState::PendingPayment, OrderState::Paid, OrderState::Provisioning, OrderState::Failed,
                       OrderState::Cancelled}) {
    CAPTURE(order_state_name(s));
    CHECK(rf::decide(rf::Facts{s, false, false, kPaid}, kPaid) == rf::Reason::NotDelivered);
  }
  CHECK(rf::decide(rf::Facts{OrderState::Delivered, false, false, 0}, kPaid) == rf::Reason::NotDelivered);
}

TEST_CASE("refund rule: the state machine lets a delivered order end refunded, and nothing leave refunded") {
  CHECK(transition_allowed(OrderState::Delivered, OrderState::Refunded));
  CHECK_FALSE(transition_allowed(OrderState::Refunded, OrderState::Delivered));
  CHECK_FALSE(transition_allowed(OrderState::Refunded, OrderState::Refunded));
}

TEST_CASE("refund codec: the server's answer round-trips; reason names are one list") {
  for (rf::Reason r : {rf::Reason::Eligible, rf::Reason::NotDelivered, rf::Reason::Installed, rf::Reason::WindowClosed,
                       rf::Reason::Refunded, rf::Reason::Topup}) {
    CAPTURE(rf::reason_name(r));
    CHECK(rf::parse_reason(rf::reason_name(r)) == r);
    const rf::Eligibility e{r == rf::Reason::Eligible, r, r == rf::Reason::NotDelivered ? 0 : kPaid, 14,
                            r == rf::Reason::Eligible ? 2 : 0};
    const rf::EligibilityDecode d = rf::decode_eligibility(rf::encode_eligibility(e));
    REQUIRE_MESSAGE(d.ok, d.error);
    CHECK(d.value.reason == r);
    CHECK(d.value.eligible == e.eligible);
    CHECK(d.value.deadline == e.deadline);
    CHECK(d.value.topups == e.topups);
  }
  // An answer from before top-ups were counted has none.
  CHECK(rf::decode_eligibility(R"({"eligible":true,"reason":"eligible","deadline":1,"window_days":14})").value.topups == 0);
  CHECK_FALSE(rf::parse_reason("").has_value());
  CHECK(rf::encode_eligibility({false, rf::Reason::NotDelivered, 0, 14}).find(R"("deadline":null)") != std::string::npos);
}

TEST_CASE("refund codec: hostile or inconsistent answers are errors, never a throw or a half value") {
  for (const char* bad : {"", "null", "[]", "{", R"({"eligible":true})", R"({"eligible":"yes","reason":"eligible","window_days":14})",
                          R"({"eligible":true,"reason":"maybe","window_days":14})",
                          R"({"eligible":true,"reason":"installed","window_days":14})",
                          R"({"eligible":false,"reason":"eligible","window_days":14})",
                          R"({"eligible":true,"reason":"eligible","deadline":-5,"window_days":14})",
                          R"({"eligible":true,"reason":"eligible","deadline":"soon","window_days":14})",
                          R"({"eligible":true,"reason":"eligible","window_days":0})",
                          R"({"eligible":true,"reason":"eligible","window_days":1e400})",
                          R"({"eligible":true,"reason":"eligible","window_days":14,"topups":-1})",
                          R"({"eligible":true,"reason":"eligible","window_days":14,"topups":"2"})"}) {
    CAPTURE(bad);
    const rf::EligibilityDecode d = rf::decode_eligibility(bad);
    CHECK_FALSE(d.ok);
    CHECK_FALSE(d.error.empty());
    CHECK(d.value.reason == rf::Reason::Unknown);
  }
  CHECK_FALSE(rf::decode_eligibility(std::string(rf::kMaxAnswerBytes + 1, ' ')).ok);
}

TEST_CASE("refund dates are the UTC calendar day") {
  CHECK(rf::date_text(0) == "");
  CHECK(rf::date_text(86400) == "1970-01-02");
  CHECK(rf::date_text(1'709'164'800) == "2024-02-29");
  CHECK(rf::date_text(kPaid + 14 * 86400) == "2025-12-20");
}

SCENARIO("the refund section asks once, confirms inline and reloads the order once refunded") {
  GIVEN("the page shows a delivered order") {
    rf::Update u = rf::update(rf::Model{}, ra::Check{"ord_1", "tok", Money{1299, Currency::EUR}});
    REQUIRE(u.effects.size() == 1);
    const auto* get = std::get_if<rf::effect::Http>(&u.effects[0]);
    REQUIRE(get);
    CHECK(get->method == "GET");
    CHECK(get->url == "/api/orders/ord_1/refund");
    CHECK(get->token == "tok");
    CHECK(rf::update(u.model, ra::Check{"ord_1", "tok", {}}).effects.empty());  // asked once per order
    CHECK_FALSE(rf::offer(u.model));
    u = rf::update(std::move(u.model), ra::Answer{rf::Call::Check, 200, kEligible});
    REQUIRE(rf::offer(u.model));
    CHECK(u.model.eligibility->deadline == 1766209600);

    WHEN("the owner asks and confirms") {
      CHECK(rf::update(u.model, ra::Confirmed{}).effects.empty());  // no POST without the confirmation shown
      u = rf::update(std::move(u.model), ra::Asked{});
      CHECK(u.model.confirming);
      u = rf::update(std::move(u.model), ra::Confirmed{});
      REQUIRE(u.effects.size() == 1);
      const auto* post = std::get_if<rf::effect::Http>(&u.effects[0]);
      REQUIRE(post);
      CHECK(post->method == "POST");
      CHECK(post->url == "/api/orders/ord_1/refund");
      CHECK(rf::update(u.model, ra::Confirmed{}).effects.empty());  // a double click sends one request
      THEN("a 200 says refunded and reloads the order") {
        u = rf::update(std::move(u.model), ra::Answer{rf::Call::Refund, 200, R"({"order":{}})"});
        CHECK(u.model.refunded);
        CHECK_FALSE(rf::offer(u.model));
        REQUIRE(u.effects.size() == 1);
        CHECK(std::holds_alternative<rf::effect::ReloadOrder>(u.effects[0]));
      }
      THEN("a 409 already_installed says so and takes the offer away, without reloading") {
        u = rf::update(std::move(u.model), ra::Answer{rf::Call::Refund, 409, R"({"error":{"code":"already_installed","message":"x"}})"});
        CHECK(u.model.problem == rf::Problem::AlreadyInstalled);
        CHECK_FALSE(rf::offer(u.model));
        CHECK(u.effects.empty());
      }
      THEN("a 502 keeps the offer: nothing changed, it may be tried again") {
        u = rf::update(std::move(u.model), ra::Answer{rf::Call::Refund, 502, R"({"error":{"code":"partner_unavailable","message":"x"}})"});
        CHECK(u.model.problem == rf::Problem::PartnerUnavailable);
        CHECK(rf::offer(u.model));
      }
      THEN("no answer at all is a network problem, the offer stays") {
        u = rf::update(std::move(u.model), ra::Answer{rf::Call::Refund, 0, ""});
        CHECK(u.model.problem == rf::Problem::Network);
        CHECK(rf::offer(u.model));
      }
    }
    WHEN("the owner keeps the eSIM") {
      u = rf::update(std::move(u.model), ra::Asked{});
      u = rf::update(std::move(u.model), ra::Dropped{});
      CHECK_FALSE(u.model.confirming);
      CHECK(rf::update(u.model, ra::Confirmed{}).effects.empty());
    }
  }
}

TEST_CASE("refund section: a junk or failed eligibility answer offers nothing") {
  CHECK(checked("<html>").model.problem == rf::Problem::BadResponse);
  CHECK_FALSE(rf::offer(checked("<html>").model));
  CHECK(checked("", 404).model.problem == rf::Problem::NotFound);
  CHECK(checked("", 500).model.problem == rf::Problem::Server);
  CHECK_FALSE(rf::offer(checked(R"({"eligible":false,"reason":"installed","deadline":1766209600,"window_days":14})").model));
  CHECK(rf::update(rf::Model{}, ra::Asked{}).model.confirming == false);
}
