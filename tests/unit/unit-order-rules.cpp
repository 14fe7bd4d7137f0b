// unit-order-rules.cpp: the backend's pure order rules (src/core/order_rules.hpp).
#include <doctest/doctest.h>

#include <string>

#include "core/order_rules.hpp"

using namespace jupiter;
using S = OrderState;

namespace {
const std::string kGood =
    R"({"plan":"jp-5gb-30d","currency":"USD","email":" Ada@Example.COM ","name":" Ada  Lovelace ",)"
    R"("phone":"+49 151 1234 5678","adult":true,"terms_version":")" + std::string(kTermsVersion) +
    R"(","marketing":false,"language":"en"})";

std::string with(const std::string& field, const std::string& value) {
  std::string body = kGood;
  const std::size_t at = body.find("\"" + field + "\":");
  REQUIRE(at != std::string::npos);
  const std::size_t start = at + field.size() + 3;
  std::size_t end = start;
  if (body[start] == '"') end = body.find('"', start + 1) + 1;
  else end = body.find_first_of(",}", start);
  return body.substr(0, start) + value + body.substr(end);
}
}  // namespace

SCENARIO("an order moves only along the allowed transitions") {
  GIVEN("a new order waiting for payment") {
    THEN("it can be paid, cancelled or fail, but not skip ahead") {
      CHECK(transition_allowed(S::PendingPayment, S::Paid));
      CHECK(transition_allowed(S::PendingPayment, S::Cancelled));
      CHECK_FALSE(transition_allowed(S::PendingPayment, S::Delivered));
      CHECK_FALSE(transition_allowed(S::PendingPayment, S::Refunded));
      CHECK_FALSE(transition_allowed(S::PendingPayment, S::PendingPayment));
    }
  }
  GIVEN("a paid order") {
    THEN("provisioning or a refund follow") {
      CHECK(transition_allowed(S::Paid, S::Provisioning));
      CHECK(transition_allowed(S::Paid, S::Refunded));
      CHECK_FALSE(transition_allowed(S::Paid, S::Paid));
      CHECK_FALSE(transition_allowed(S::Paid, S::PendingPayment));
    }
  }
  GIVEN("an order being provisioned") {
    THEN("it is delivered, fails, or is refunded when the deadline passes") {
      CHECK(transition_allowed(S::Provisioning, S::Delivered));
      CHECK(transition_allowed(S::Provisioning, S::Failed));
      CHECK(transition_allowed(S::Provisioning, S::Refunded));
    }
  }
  GIVEN("a final state") {
    THEN("nothing leaves refunded or cancelled") {
      for (S to : {S::PendingPayment, S::Paid, S::Provisioning, S::Delivered, S::Failed, S::Refunded, S::Cancelled}) {
        CHECK_FALSE(transition_allowed(S::Refunded, to));
        CHECK_FALSE(transition_allowed(S::Cancelled, to));
      }
    }
  }
}

TEST_CASE("idempotency keys are 16..64 characters of base64url") {
  CHECK(valid_idempotency_key("0123456789abcdef"));
  CHECK(valid_idempotency_key(std::string(64, 'A')));
  CHECK(valid_idempotency_key("key_with-dash_and_underscore"));
  CHECK_FALSE(valid_idempotency_key("short"));
  CHECK_FALSE(valid_idempotency_key(std::string(65, 'a')));
  CHECK_FALSE(valid_idempotency_key("0123456789abcdef!"));
  CHECK_FALSE(valid_idempotency_key("0123456789 abcdef"));
}

TEST_CASE("an order request is decoded, normalized and validated") {
  const OrderRequestCheck ok = check_order_request(kGood);
  REQUIRE(ok.ok());
  CHECK(ok.request.plan == "jp-5gb-30d");
  CHECK(ok.request.currency == Currency::USD);
  CHECK(ok.request.email == "Ada@example.com");
  CHECK(ok.request.name == "Ada Lovelace");
  CHECK(ok.request.phone == "+4915112345678");
  SUBCASE("a price or amount in the body changes nothing") {
    std::string tampered = kGood;
    tampered.insert(1, R"("price":{"amount":1,"currency":"USD"},"amount":1,)");
    const OrderRequestCheck t = check_order_request(tampered);
    REQUIRE(t.ok());
    CHECK(canonical_order_request(t.request) == canonical_order_request(ok.request));
  }
  SUBCASE("each problem has its code and status") {
    auto code = [](const std::string& body) { return check_order_request(body).code; };
    CHECK(code("not json") == "invalid_json");
    CHECK(code("[1,2]") == "invalid_json");
    CHECK(code(with("adult", "\"yes\"")) == "invalid_json");
    CHECK(code(with("plan", "\"\"")) == "unknown_plan");
    CHECK(code(with("currency", "\"JPY\"")) == "unknown_currency");
    CHECK(check_order_request(with("currency", "\"JPY\"")).status == 422);
    CHECK(code(with("email", "\"ada@localhost\"")) == "invalid_email");
    CHECK(check_order_request(with("email", "\"ada@localhost\"")).status == 400);
    CHECK(code(with("name", "\"  \"")) == "invalid_name");
    CHECK(code(with("phone", "\"12345\"")) == "invalid_phone");
    CHECK(code(with("adult", "false")) == "adult_required");
    CHECK(code(with("terms_version", "\"0.9\"")) == "terms_required");
    CHECK(code(with("language", "\"xx\"")) == "invalid_language");
  }
  SUBCASE("an empty phone is fine: it is optional") {
    const OrderRequestCheck c = check_order_request(with("phone", "\"\""));
    REQUIRE(c.ok());
    CHECK(c.request.phone.empty());
  }
  SUBCASE("different customer details give a different canonical request") {
    const OrderRequestCheck other = check_order_request(with("name", "\"Grace Hopper\""));
    REQUIRE(other.ok());
    CHECK(canonical_order_request(other.request) != canonical_order_request(ok.request));
  }
}

TEST_CASE("resending the delivery e-mail is limited to one a minute and five a day") {
  CHECK(decide_resend({}, 1000).allowed);
  const ResendDecision soon = decide_resend({1000}, 1030);
  CHECK_FALSE(soon.allowed);
  CHECK(soon.retry_after == 30);
  CHECK(decide_resend({1000}, 1060).allowed);
  const std::vector<std::int64_t> five = {1000, 2000, 3000, 4000, 5000};
  const ResendDecision sixth = decide_resend(five, 6000);
  CHECK_FALSE(sixth.allowed);
  CHECK(sixth.retry_after == 1000 + 24 * 3600 - 6000);
  CHECK(decide_resend(five, 1000 + 24 * 3600).allowed);
}

TEST_CASE("rate limits and retry delays") {
  CHECK(rate_limit_wait({}, 100, 2, 60) == 0);
  CHECK(rate_limit_wait({90}, 100, 2, 60) == 0);
  CHECK(rate_limit_wait({50, 90}, 100, 2, 60) == 10);
  CHECK(rate_limit_wait({10, 50, 90}, 100, 2, 60) == 10);  // 10 is already outside the window
  CHECK(retry_delay_ms(1) == 1000);
  CHECK(retry_delay_ms(2) == 2000);
  CHECK(retry_delay_ms(4) == 8000);
  CHECK(retry_delay_ms(30) == 60000);
}

TEST_CASE("Luhn and ICCID checks") {
  CHECK(luhn_valid("4242424242424242"));
  CHECK(luhn_valid("4000000000000002"));
  CHECK_FALSE(luhn_valid("4242424242424241"));
  CHECK_FALSE(luhn_valid(""));
  CHECK_FALSE(luhn_valid("42a2"));
  CHECK(valid_iccid("8988247000001234567"));   // 19 digits
  CHECK(valid_iccid("89882470000012345670"));  // 20 digits
  CHECK_FALSE(valid_iccid("8988247000001234568"));
  CHECK_FALSE(valid_iccid("898824700000123456"));  // 18 digits
  CHECK_FALSE(valid_iccid("1288247000001234567"));
}
