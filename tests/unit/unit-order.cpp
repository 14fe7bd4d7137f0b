// unit-order.cpp: the ORDER codec of the orders API: valid orders, every nested part, and hostile bodies.
#include <doctest/doctest.h>

#include <string>

#include "core/order.hpp"
#include "core/order_codec.hpp"

using namespace jupiter;

namespace {

std::string order_json(const std::string& state = "paid", const std::string& payment = "", const std::string& extra = "") {
  const std::string pay = payment.empty() ? R"J({"status":"succeeded","decline_reason":null,"method":"card",
      "brand":"visa","last4":"4242","transaction":"pi_123"})J"
                                          : payment;
  return R"J({"id":"ord_abc","state":")J" + state + R"J(","created_at":"2026-11-26T10:00:00Z",
    "updated_at":"2026-11-26T10:01:00Z",
    "plan":{"id":"jp-5gb","name":"Japan 5 GB","kind":"local","coverage":["JP"],"data_mb":5120,
            "validity_days":30,"validity_start":"first_connection"},
    "price":{"amount":1299,"currency":"USD"},
    "customer":{"email":"ada@example.com","name":"Ada Lovelace","phone":""},
    "marketing":false,
    "payment":)J" + pay + R"J(,
    "delivery":{"status":"waiting","attempts":0,"message":null},
    "esim":null,"support":null)J" + extra + R"J(,
    "history":[{"at":"2026-11-26T10:00:30Z","from":"pending_payment","to":"paid","reason":"payment succeeded (pi_123)"}]})J";
}

const char* kEsim = R"J("esim":{"iccid":"8901234567890123452","smdp":"smdp.example.com","matching_id":"MATCH-1",
  "confirmation_code":null,"confirmation_required":false,"activation_code":"LPA:1$smdp.example.com$MATCH-1"})J";

}  // namespace

TEST_CASE("a paid order decodes with its plan, price, masked payment and history") {
  const OrderDecode d = decode_order(order_json());
  REQUIRE_MESSAGE(d.ok, d.error);
  const Order& o = d.order;
  CHECK(o.id == "ord_abc");
  CHECK(o.state == OrderState::Paid);
  CHECK(o.created_at == "2026-11-26T10:00:00Z");
  CHECK(o.plan.id == "jp-5gb");
  CHECK(o.plan.kind == Scope::Local);
  CHECK(o.plan.coverage == std::vector<std::string>{"JP"});
  CHECK(o.plan.data_mb == 5120);
  CHECK(o.plan.validity_days == 30);
  CHECK(o.plan.validity_start == ValidityStart::FirstConnection);
  CHECK(o.price == Money{1299, Currency::USD});
  CHECK(o.customer.email == "ada@example.com");
  CHECK(o.customer.phone.empty());
  CHECK(o.payment.status == PaymentStatus::Succeeded);
  CHECK(o.payment.brand == "visa");
  CHECK(o.payment.last4 == "4242");
  CHECK(o.payment.decline_reason.empty());
  CHECK(o.delivery.status == DeliveryStatus::Waiting);
  CHECK_FALSE(o.esim.has_value());
  CHECK_FALSE(o.support.has_value());
  REQUIRE(o.history.size() == 1);
  CHECK(o.history[0].to == "paid");
}

TEST_CASE("a declined payment keeps its reason") {
  const OrderDecode d = decode_order(order_json("pending_payment", R"J({"status":"declined",
      "decline_reason":"card_declined","method":"card","brand":"visa","last4":"0002","transaction":null})J"));
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.order.state == OrderState::PendingPayment);
  CHECK(d.order.payment.status == PaymentStatus::Declined);
  CHECK(d.order.payment.decline_reason == "card_declined");
  CHECK(d.order.payment.transaction.empty());
}

TEST_CASE("a delivered order carries its eSIM profile; a flagged one its support reference") {
  SUBCASE("delivered") {
    std::string body = order_json("delivered");
    body.replace(body.find(R"J("esim":null)J"), 11, kEsim);
    const OrderDecode d = decode_order(body);
    REQUIRE_MESSAGE(d.ok, d.error);
    REQUIRE(d.order.esim.has_value());
    CHECK(d.order.esim->iccid == "8901234567890123452");
    CHECK(d.order.esim->activation_code == "LPA:1$smdp.example.com$MATCH-1");
    CHECK(d.order.esim->confirmation_code.empty());
  }
  SUBCASE("flagged for support") {
    std::string body = order_json("failed");
    body.replace(body.find(R"J("support":null)J"), 14,
                 R"J("support":{"reference":"ord_abc","reason":"activation code failed validation: empty matching id"})J");
    const OrderDecode d = decode_order(body);
    REQUIRE_MESSAGE(d.ok, d.error);
    REQUIRE(d.order.support.has_value());
    CHECK(d.order.support->reference == "ord_abc");
    CHECK(d.order.state == OrderState::Failed);
  }
}

TEST_CASE("an installed eSIM whose activation details expired decodes with only its ICCID and installation date") {
  SUBCASE("installed, details still there") {
    std::string body = order_json("delivered");
    std::string esim = kEsim;
    esim.insert(esim.size() - 1, R"J(,"installed_at":"2026-11-27T09:00:00Z")J");
    body.replace(body.find(R"J("esim":null)J"), 11, esim);
    const OrderDecode d = decode_order(body);
    REQUIRE_MESSAGE(d.ok, d.error);
    REQUIRE(d.order.esim.has_value());
    CHECK(d.order.esim->installed_at == "2026-11-27T09:00:00Z");
    CHECK_FALSE(d.order.esim->details_expired);
    CHECK(d.order.esim->activation_code == "LPA:1$smdp.example.com$MATCH-1");
  }
  SUBCASE("expired: no activation code, matching id or SM-DP+ address") {
    std::string body = order_json("delivered");
    body.replace(body.find(R"J("esim":null)J"), 11,
                 R"J("esim":{"iccid":"8901234567890123452","installed_at":"2026-11-27T09:00:00Z","details_expired":true})J");
    const OrderDecode d = decode_order(body);
    REQUIRE_MESSAGE(d.ok, d.error);
    REQUIRE(d.order.esim.has_value());
    CHECK(d.order.esim->details_expired);
    CHECK(d.order.esim->iccid == "8901234567890123452");
    CHECK(d.order.esim->installed_at == "2026-11-27T09:00:00Z");
    CHECK(d.order.esim->activation_code.empty());
    CHECK(d.order.esim->matching_id.empty());
  }
  SUBCASE("the details may be missing only when they expired") {
    std::string body = order_json("delivered");
    body.replace(body.find(R"J("esim":null)J"), 11,
                 R"J("esim":{"iccid":"8901234567890123452","installed_at":"2026-11-27T09:00:00Z"})J");
    CHECK_FALSE(decode_order(body).ok);
    std::string no_date = order_json("delivered");
    no_date.replace(no_date.find(R"J("esim":null)J"), 11,
                    R"J("esim":{"iccid":"8901234567890123452","details_expired":true})J");
    CHECK_FALSE(decode_order(no_date).ok);
  }
  SUBCASE("support's list of payment follow-ups is accepted next to the reference") {
    std::string body = order_json("delivered");
    body.replace(body.find(R"J("support":null)J"), 14,
                 R"J("support":{"reference":"ord_abc","reason":null,"payments":[{"kind":"refund","status":"done"}]})J");
    const OrderDecode d = decode_order(body);
    REQUIRE_MESSAGE(d.ok, d.error);
    REQUIRE(d.order.support.has_value());
    CHECK(d.order.support->reason.empty());
  }
}

TEST_CASE("every order state name round-trips, and unknown words are refused") {
  for (int i = 1; i <= static_cast<int>(OrderState::Cancelled); ++i) {
    const auto s = static_cast<OrderState>(i);
    CHECK(parse_order_state(order_state_name(s)) == s);
  }
  CHECK_FALSE(parse_order_state("PAID").has_value());
  CHECK_FALSE(parse_payment_status("").has_value());
  const OrderDecode d = decode_order(order_json("teleported"));
  CHECK_FALSE(d.ok);
  CHECK(d.error == "order: state \"teleported\" is not a known value");
}

TEST_CASE("bad bodies come back as errors that name the problem") {
  CHECK(decode_order("").error == "not JSON");
  CHECK(decode_order("<html>").error == "not JSON");
  CHECK(decode_order("[1,2]").error == "not a JSON object");
  CHECK(decode_order(std::string(kMaxOrderBytes + 1, ' ')).error == "too large");
  CHECK(decode_order("{}").error == "order: missing id");

  std::string body = order_json();
  SUBCASE("a price that is not an integer") {
    body.replace(body.find("1299"), 4, "12.99");
    CHECK(decode_order(body).error == "order: price: amount is not an integer");
  }
  SUBCASE("a currency the store does not sell in") {
    body.replace(body.find("\"USD\""), 5, "\"XXX\"");
    CHECK(decode_order(body).error == "order: price: currency \"XXX\" is not one the store sells in");
  }
  SUBCASE("a last4 that could be more than masked digits") {
    body.replace(body.find("\"4242\""), 6, "\"4242424242424242\"");
    CHECK_FALSE(decode_order(body).ok);
    body = order_json();
    body.replace(body.find("\"4242\""), 6, "\"42a2\"");
    CHECK(decode_order(body).error == "order: payment: last4 is not 4 digits");
  }
  SUBCASE("a plan that is not an object") {
    const auto at = body.find("\"plan\":{");
    body.replace(at, 8, "\"plan\":7,\"x\":{");
    CHECK(decode_order(body).error == "order: plan is not an object");
  }
  SUBCASE("a history that is too long") {
    std::string hist = "[";
    for (std::size_t i = 0; i <= kMaxOrderHistory; ++i)
      hist += std::string(i ? "," : "") + R"J({"at":"2026-11-26T10:00:30Z","to":"paid"})J";
    hist += "]";
    body.replace(body.find("\"history\":[") + 10, std::string::npos, hist + "}");
    CHECK_FALSE(decode_order(body).ok);
  }
}

TEST_CASE("a created order comes with a base64url token") {
  const std::string body = R"J({"order":)J" + order_json("pending_payment") + R"J(,"token":"abcDEF012_-abcDEF012_-"})J";
  const CreatedOrderDecode d = decode_created_order(body);
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.order.id == "ord_abc");
  CHECK(d.token == "abcDEF012_-abcDEF012_-");

  CHECK(decode_created_order(R"J({"order":)J" + order_json() + R"J(,"token":"short"})J").error ==
        "token is not base64url");
  CHECK(decode_created_order(R"J({"order":)J" + order_json() + R"J(,"token":"has space in it 1234"})J").error ==
        "token is not base64url");
  CHECK(decode_created_order(R"J({"token":"abcDEF012_-abcDEF012_-"})J").error == "missing order");
}

TEST_CASE("a payment session must send the buyer to an http(s) page") {
  const PaymentSessionDecode ok =
      decode_payment_session(R"J({"checkout_url":"http://127.0.0.1:9100/pay/cs_1","session":"cs_1"})J");
  REQUIRE(ok.ok);
  CHECK(ok.checkout_url == "http://127.0.0.1:9100/pay/cs_1");
  CHECK(ok.session == "cs_1");
  CHECK(decode_payment_session(R"J({"checkout_url":"javascript:alert(1)"})J").error ==
        "checkout_url is not an http(s) address");
  CHECK(decode_payment_session(R"J({"session":"cs_1"})J").error == "missing checkout_url");
}

TEST_CASE("API errors are read from their envelope, anything else is empty") {
  const ApiError e = decode_api_error(R"J({"error":{"code":"invalid_email","message":"That is not an e-mail."}})J");
  CHECK(e.code == "invalid_email");
  CHECK(e.message == "That is not an e-mail.");
  CHECK(decode_api_error("Bad Gateway").code.empty());
  CHECK(decode_api_error(R"J({"error":"flat"})J").code.empty());
  CHECK(decode_api_error(R"J({"error":{"code":7}})J").code.empty());
}

TEST_CASE("base64url tokens are checked by alphabet and length") {
  CHECK(is_base64url("AZaz09-_", 8, 8));
  CHECK_FALSE(is_base64url("AZaz09-", 8, 8));
  CHECK_FALSE(is_base64url("AZaz09+/", 8, 8));
  CHECK(is_base64url("", 0, 8));
}

TEST_CASE("a NUL byte after the object does not hide trailing bytes (found by tests/fuzz/fuzz_order)") {
  // nlohmann's lexer ends the input at a NUL byte, so these once decoded as if the rest were not there.
  using namespace std::string_literals;
  CHECK(decode_order(order_json() + "\0"s).error == "not JSON");
  CHECK(decode_order(order_json() + "\0 ,\"id\":\"ord_other\"}"s).error == "not JSON");
  CHECK(decode_payment_session("{\"checkout_url\":\"http://127.0.0.1:9100/pay/cs_1\"}\0\0\0"s).error == "not JSON");
  CHECK(decode_api_error("{\"error\":{\"code\":\"x\"}}\0junk"s).code.empty());
  CHECK(decode_order(order_json()).ok);  // the same order without the NUL still decodes
}

TEST_CASE("an order's plan and price: encoder and decoder side by side, one shape for the order and the account") {
  const OrderPlan plan{"eu-unl", "Europe unlimited", Scope::Regional, {"DE", "FR"}, 0, 15, ValidityStart::Installation};
  const Money price{2999, Currency::EUR};
  CHECK(price_json(price) == R"({"amount":2999,"currency":"EUR"})");
  CHECK(order_plan_json(plan) == R"({"coverage":["DE","FR"],"data_mb":0,"id":"eu-unl","kind":"regional",)"
                                 R"("name":"Europe unlimited","validity_days":15,"validity_start":"installation"})");
  JsonWriter w;
  w.begin_object().key("plan");
  write_order_plan(w, plan);
  w.key("price");
  write_price(w, price);
  const std::string text = w.end_object().take();
  const JsonObjectParse doc = parse_json_object(text, 4096);
  REQUIRE(doc.status == JsonObjectParse::Status::Ok);
  JsonReader r(doc.doc);
  OrderPlan plan_back;
  Money price_back;
  read_order_plan(r, r.object("plan", true), plan_back);
  read_price(r, r.object("price", true), price_back);
  REQUIRE_MESSAGE(r.ok(), r.error());
  CHECK((plan_back.id == plan.id && plan_back.name == plan.name && plan_back.kind == plan.kind &&
         plan_back.coverage == plan.coverage && plan_back.data_mb == plan.data_mb &&
         plan_back.validity_days == plan.validity_days && plan_back.validity_start == plan.validity_start));
  CHECK(price_back == price);

  const std::string bad_text = R"({"price":{"amount":-1,"currency":"EUR"}})";
  const JsonObjectParse bad = parse_json_object(bad_text, 4096);
  JsonReader rb(bad.doc);
  read_price(rb, rb.object("price", true), price_back);
  CHECK_FALSE(rb.ok());
  CHECK(rb.error().rfind("price: ", 0) == 0);
}

TEST_CASE("topup_of round-trips through topup_of_json and decode_order; null or absent is an ordinary order") {
  const auto with = [](const std::string& parent) {
    return order_json("paid", "", R"J(,"topup_of":)J" + topup_of_json(parent));
  };
  const OrderDecode topup = decode_order(with("ord_parent123"));
  REQUIRE_MESSAGE(topup.ok, topup.error);
  CHECK(topup.order.topup_of == "ord_parent123");
  CHECK(topup_of_json("") == "null");
  CHECK(topup_of_json("ord_parent123") == R"("ord_parent123")");
  const OrderDecode plain = decode_order(with(""));
  REQUIRE_MESSAGE(plain.ok, plain.error);
  CHECK(plain.order.topup_of.empty());
  const OrderDecode absent = decode_order(order_json());
  REQUIRE(absent.ok);
  CHECK(absent.order.topup_of.empty());
  const OrderDecode wrong = decode_order(order_json("paid", "", R"J(,"topup_of":42)J"));
  CHECK_FALSE(wrong.ok);
  CHECK(wrong.error.find("topup_of") != std::string::npos);
}
