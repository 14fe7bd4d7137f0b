// unit-account.cpp: My eSIMs (core/account): the orders list codec (round trip, bad bodies) and the screen's update
// (sign in, the list, cancel with a confirmation, sign out), and its place in the store's update.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/account.hpp"
#include "core/app.hpp"
#include "core/i18n.hpp"

using namespace jupiter;
using namespace jupiter::account;
namespace aa = jupiter::account::action;
namespace ae = jupiter::account::effect;

namespace {

// What GET /api/account/orders sends (src/server/accounts.cpp), one paid and one unpaid order.
const char* kServerList = R"J({"orders":[
  {"id":"ord_new","state":"pending_payment","created_at":"2026-12-05T10:00:00Z","paid_at":null,
   "plan":{"id":"fr-1gb-7d","name":"France 1 GB","kind":"local","coverage":["FR"],"data_mb":1024,
           "validity_days":7,"validity_start":"first_connection"},"region":"",
   "price":{"amount":450,"currency":"EUR"},
   "links":{"order":"http://127.0.0.1:8080/?order=ord_new#t=abc","receipt":"http://127.0.0.1:8080/orders/ord_new/receipt?token=abc"}},
  {"id":"ord_old","state":"delivered","created_at":"2026-12-01T09:00:00Z","paid_at":"2026-12-01T09:01:00Z",
   "plan":{"id":"eu-unl","name":"Europe unlimited","kind":"regional","coverage":["DE","FR"],"data_mb":0,
           "validity_days":30,"validity_start":"installation"},"region":"europe",
   "price":{"amount":2999,"currency":"USD"},"links":null}]})J";

AccountOrder sample(std::string id, OrderState state, std::string created) {
  AccountOrder o;
  o.id = std::move(id);
  o.state = state;
  o.created_at = std::move(created);
  o.plan = {"jp-5gb-30d", "Japan 5 GB", Scope::Local, {"JP"}, 5120, 30, ValidityStart::FirstConnection};
  o.price = {1299, Currency::USD};
  o.order_link = "http://shop.example/?order=" + o.id + "#t=tok";
  o.receipt_link = "http://shop.example/orders/" + o.id + "/receipt?token=tok";
  return o;
}

bool same(const AccountOrder& a, const AccountOrder& b) {
  const OrderPlan &p = a.plan, &q = b.plan;
  return a.id == b.id && a.state == b.state && a.created_at == b.created_at && a.paid_at == b.paid_at &&
         p.id == q.id && p.name == q.name && p.kind == q.kind && a.region == b.region && p.coverage == q.coverage &&
         p.data_mb == q.data_mb && p.validity_days == q.validity_days && p.validity_start == q.validity_start &&
         a.price == b.price &&
         a.order_link == b.order_link && a.receipt_link == b.receipt_link;
}

template <class E>
const E* only_effect(const account::Update& u) {
  return u.effects.size() == 1 ? std::get_if<E>(&u.effects[0]) : nullptr;
}

// A model signed in with `list` shown.
account::Model signed_in(std::vector<AccountOrder> list) {
  account::Model m;
  m.screen = Screen::Orders;
  m.signed_in_as = "ada@example.com";
  m.list.orders = std::move(list);
  m.loaded = true;
  return m;
}

std::string read_texts(const std::string& lang) {
  std::ifstream in(std::string(JUPITER_SOURCE_DIR) + "/assets/i18n/account/" + lang + ".json", std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("the account texts are complete in every language, with a word for every order state, none left in English") {
  TextTable en;
  REQUIRE(en.add_file(read_texts("en"), "account").empty());
  for (OrderState s : {OrderState::PendingPayment, OrderState::Paid, OrderState::Provisioning, OrderState::Delivered,
                       OrderState::Failed, OrderState::Refunded, OrderState::Cancelled})
    CHECK_MESSAGE(en.find("account.state." + std::string(order_state_name(s))), order_state_name(s));
  for (Language l : kLanguages) {
    if (l == Language::En) continue;
    const std::string lang(language_code(l));
    CAPTURE(lang);
    TextTable t;
    CHECK(t.add_file(read_texts(lang), "account").empty());
    CHECK(check_translation(en, t, "account").empty());
    CHECK(t.size() == en.size());
    const std::string text = read_texts(lang);
    for (const char* key : {"account.sign_in.send", "account.sent.body", "account.order.cancel", "account.sign_out",
                            "account.state.pending_payment", "account.problem.not_cancellable"}) {
      CAPTURE(key);
      REQUIRE((t.find(key) && en.find(key)));
      CHECK(*t.find(key) != *en.find(key));  // translated, not copied
    }
  }
}

TEST_CASE("the server's orders list decodes with plans, prices, states and links") {
  const OrdersDecode d = decode_orders(kServerList);
  REQUIRE_MESSAGE(d.ok, d.error);
  REQUIRE(d.list.orders.size() == 2);
  const AccountOrder& unpaid = d.list.orders[0];
  CHECK(unpaid.state == OrderState::PendingPayment);
  CHECK(cancellable(unpaid));
  CHECK(unpaid.paid_at.empty());
  CHECK(unpaid.plan.kind == Scope::Local);
  CHECK(unpaid.plan.coverage == std::vector<std::string>{"FR"});
  CHECK(unpaid.plan.validity_start == ValidityStart::FirstConnection);
  CHECK(unpaid.region.empty());
  CHECK(unpaid.price == Money{450, Currency::EUR});
  CHECK(unpaid.order_link == "http://127.0.0.1:8080/?order=ord_new#t=abc");
  const AccountOrder& paid = d.list.orders[1];
  CHECK_FALSE(cancellable(paid));
  CHECK(paid.plan.data_mb == 0);
  CHECK(paid.region == "europe");
  CHECK(paid.paid_at == "2026-12-01T09:01:00Z");
  CHECK(paid.order_link.empty());
  CHECK(paid.receipt_link.empty());
}

TEST_CASE("encode_orders and decode_orders round-trip every field") {
  OrderList list;
  list.orders = {sample("ord_a", OrderState::PendingPayment, "2026-12-05T10:00:00Z"),
                 sample("ord_b", OrderState::Refunded, "2026-12-04T10:00:00Z")};
  list.orders[1].paid_at = "2026-12-04T10:02:00Z";
  list.orders[1].plan = {"eu-unl", "Europe unlimited", Scope::Regional, {"DE", "FR"}, 0, 15, ValidityStart::Unknown};
  list.orders[1].region = "europe";
  list.orders[1].order_link.clear();
  list.orders[1].receipt_link.clear();
  const OrdersDecode back = decode_orders(encode_orders(list));
  REQUIRE_MESSAGE(back.ok, back.error);
  REQUIRE(back.list.orders.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) CHECK(same(back.list.orders[i], list.orders[i]));
  CHECK(decode_orders(encode_orders({})).ok);
}

TEST_CASE("bad orders bodies give a clear error, never a partial list") {
  auto error_of = [](const std::string& text) {
    const OrdersDecode d = decode_orders(text);
    CHECK_FALSE(d.ok);
    CHECK(d.list.orders.empty());
    return d.error;
  };
  CHECK(error_of("") == "not JSON");
  CHECK(error_of("[1]") == "not a JSON object");
  CHECK(error_of("{\"orders\":{}}") == "orders is missing or not a list");
  CHECK(error_of("{\"orders\":[7]}") == "orders[0]: not an object");
  std::string bad_state = kServerList;
  bad_state.replace(bad_state.find("delivered"), 9, "launched");
  CHECK(error_of(bad_state) == "orders[1]: state \"launched\" is not a known value");
  std::string bad_currency = kServerList;
  bad_currency.replace(bad_currency.find("EUR"), 3, "XYZ");
  CHECK(error_of(bad_currency) == "orders[0]: price: currency \"XYZ\" is not one the store sells in");
  std::string bad_kind = kServerList;
  bad_kind.replace(bad_kind.find("regional"), 8, "galactic");
  CHECK(error_of(bad_kind) == "orders[1]: plan: kind \"galactic\" is not a known value");
  std::string script_link = kServerList;
  script_link.replace(script_link.find("http://127.0.0.1:8080/?order"), 7, "javascript:");
  CHECK(error_of(script_link) == "orders[0]: links: a link is not an http(s) address");
  std::string slash_id = kServerList;
  slash_id.replace(slash_id.find("ord_new"), 7, "../x");
  CHECK(error_of(slash_id) == "orders[0]: id has characters an order id never has");
  CHECK(error_of(std::string(kMaxOrdersBytes + 1, ' ')) == "too large");
}

SCENARIO("signing in from the store: who is signed in, the link is asked for, the same answer for any address") {
  account::Update u = account::update({}, aa::Opened{});
  CHECK(u.model.screen == Screen::Checking);
  const auto* who = only_effect<ae::Http>(u);
  REQUIRE(who);
  CHECK((who->call == Call::Who && who->method == "GET" && who->url == "/api/account"));

  u = account::update(u.model, aa::Answer{Call::Who, 401, R"({"error":{"code":"not_signed_in","message":"x"}})"});
  REQUIRE(u.model.screen == Screen::SignIn);
  CHECK(u.effects.empty());

  WHEN("the typed address is not one") {
    u = account::update(u.model, aa::EmailChanged{"ada@"});
    u = account::update(u.model, aa::SignInAsked{});
    THEN("nothing is sent and the field says why") {
      CHECK(u.effects.empty());
      CHECK(u.model.problem == Problem::InvalidEmail);
      CHECK(account::update(u.model, aa::EmailChanged{"ada@x"}).model.problem == Problem::None);
    }
  }
  WHEN("a good address is sent") {
    u = account::update(u.model, aa::EmailChanged{"  Ada@Example.COM "});
    u = account::update(u.model, aa::SignInAsked{"fr"});
    const auto* post = only_effect<ae::Http>(u);
    REQUIRE(post);
    CHECK((post->call == Call::SignIn && post->method == "POST" && post->url == "/api/account/sign-in"));
    CHECK(post->body == R"({"email":"Ada@example.com","language":"fr"})");  // the e-mail in the store's language
    CHECK(account::update(u.model, aa::SignInAsked{}).effects.empty());  // one request at a time
    THEN("202 says: check your e-mail; 429 says: later") {
      CHECK(account::update(u.model, aa::Answer{Call::SignIn, 202, "{}"}).model.screen == Screen::Sent);
      const auto limited = account::update(u.model, aa::Answer{Call::SignIn, 429, "{}"}).model;
      CHECK((limited.screen == Screen::SignIn && limited.problem == Problem::RateLimited && limited.pending == 0));
    }
  }
}

SCENARIO("My eSIMs: signed in, the list arrives newest first; an order opens its page") {
  account::Update u = account::update({}, aa::Opened{});
  u = account::update(u.model, aa::Answer{Call::Who, 200, R"({"email":"ada@example.com","session_expires_at":"x"})"});
  CHECK(u.model.screen == Screen::Orders);
  CHECK(u.model.signed_in_as == "ada@example.com");
  const auto* list = only_effect<ae::Http>(u);
  REQUIRE(list);
  CHECK((list->call == Call::Orders && list->url == "/api/account/orders"));

  OrderList reversed;  // oldest first: the model puts the newest first anyway
  reversed.orders = {sample("ord_1", OrderState::Delivered, "2026-11-01T00:00:00Z"),
                     sample("ord_2", OrderState::PendingPayment, "2026-12-01T00:00:00Z")};
  u = account::update(u.model, aa::Answer{Call::Orders, 200, encode_orders(reversed)});
  REQUIRE(u.model.list.orders.size() == 2);
  CHECK(u.model.list.orders[0].id == "ord_2");
  CHECK(u.model.loaded);

  const auto open = account::update(u.model, aa::OrderOpened{"ord_1"});
  const auto* nav = only_effect<ae::Navigate>(open);
  REQUIRE(nav);
  CHECK(nav->url == "http://shop.example/?order=ord_1#t=tok");
  CHECK(account::update(u.model, aa::OrderOpened{"ord_unknown"}).effects.empty());

  const auto garbled = account::update(u.model, aa::Answer{Call::Orders, 200, "{\"orders\":[{}]}"}).model;
  CHECK(garbled.problem == Problem::BadResponse);
  CHECK(garbled.list.orders.size() == 2);  // the last good list stays
}

SCENARIO("cancelling an unpaid order asks first, then the list refreshes; a 409 says why") {
  account::Model m = signed_in({sample("ord_unpaid", OrderState::PendingPayment, "2026-12-02T00:00:00Z"),
                                sample("ord_paid", OrderState::Paid, "2026-12-01T00:00:00Z")});
  CHECK(account::update(m, aa::CancelAsked{"ord_paid"}).model.confirming.empty());  // paid: no Cancel
  account::Update u = account::update(m, aa::CancelAsked{"ord_unpaid"});
  CHECK(u.effects.empty());
  REQUIRE(u.model.confirming == "ord_unpaid");
  CHECK(account::update(u.model, aa::CancelDropped{}).model.confirming.empty());

  u = account::update(u.model, aa::CancelConfirmed{});
  const auto* post = only_effect<ae::Http>(u);
  REQUIRE(post);
  CHECK((post->call == Call::Cancel && post->method == "POST" && post->url == "/api/account/orders/ord_unpaid/cancel"));

  WHEN("the server cancels it") {
    const auto done = account::update(u.model, aa::Answer{Call::Cancel, 200, "{}"});
    const auto* refresh = only_effect<ae::Http>(done);
    REQUIRE(refresh);
    CHECK(refresh->call == Call::Orders);
    CHECK(done.model.confirming.empty());
    CHECK(done.model.problem == Problem::None);
  }
  WHEN("it was paid meanwhile (409)") {
    const auto refused = account::update(
        u.model, aa::Answer{Call::Cancel, 409, R"({"error":{"code":"not_cancellable","message":"only ..."}})"});
    CHECK(refused.model.problem == Problem::NotCancellable);
    CHECK(only_effect<ae::Http>(refused));  // the list shows the new state
  }
  WHEN("it was already cancelled (409)") {
    const auto twice = account::update(
        u.model, aa::Answer{Call::Cancel, 409, R"({"error":{"code":"already_cancelled","message":"..."}})"});
    CHECK(twice.model.problem == Problem::AlreadyCancelled);
  }
}

SCENARIO("signing out (here or everywhere) returns to the sign-in screen with nothing of the account kept") {
  for (bool everywhere : {false, true}) {
    const account::Model m = signed_in({sample("ord_x", OrderState::Paid, "2026-12-01T00:00:00Z")});
    account::Update u = account::update(m, aa::SignOutAsked{everywhere});
    const auto* post = only_effect<ae::Http>(u);
    REQUIRE(post);
    CHECK(post->url == (everywhere ? "/api/account/sign-out-everywhere" : "/api/account/sign-out"));
    u = account::update(u.model, aa::Answer{post->call, 204, ""});
    CHECK(u.model.screen == Screen::SignIn);
    CHECK(u.model.signed_in_as.empty());
    CHECK(u.model.list.orders.empty());
    CHECK_FALSE(u.model.loaded);
  }
  const account::Model m = signed_in({});
  const auto failed = account::update(account::update(m, aa::SignOutAsked{}).model,
                                      aa::Answer{Call::SignOut, 0, ""});
  CHECK((failed.model.screen == Screen::Orders && failed.model.problem == Problem::Network));
}

TEST_CASE("the store's update carries My eSIMs actions and effects") {
  jupiter::Update u = jupiter::update(jupiter::Model{}, account::Action{aa::Opened{}});
  CHECK(u.model.account.screen == Screen::Checking);
  REQUIRE(u.effects.size() == 1);
  const auto* fx = std::get_if<account::Effect>(&u.effects[0]);
  REQUIRE(fx);
  CHECK(std::holds_alternative<ae::Http>(*fx));
  u = jupiter::update(u.model, account::Action{aa::Closed{}});
  CHECK(u.model.account.screen == Screen::Closed);
  // An answer arriving after Back to store changes nothing on screen.
  u = jupiter::update(u.model, account::Action{aa::Answer{Call::Who, 401, ""}});
  CHECK(u.model.account.screen == Screen::Closed);
}

TEST_CASE("My eSIMs is a place in the URL: ?account=orders while open, gone after Back, and Back/Forward open or close it") {
  jupiter::Model m;
  CHECK_FALSE(jupiter::route_of(m).account);
  jupiter::Update u = jupiter::update(m, account::Action{aa::Opened{}});
  const jupiter::Route open = jupiter::route_of(u.model);
  CHECK(open.account);
  CHECK(jupiter::encode_route(open) == "account=orders");
  CHECK(jupiter::is_new_place(jupiter::route_of(m), open));  // its own history entry
  u = jupiter::update(u.model, account::Action{aa::Closed{}});  // the screen's own Back button
  CHECK(jupiter::encode_route(jupiter::route_of(u.model)).empty());  // nothing left in the URL
  // The verify page's two landings both mean "open"; anything else does not.
  CHECK(jupiter::decode_route("account=orders").account);
  CHECK(jupiter::decode_route("account=sign-in&dest=JP").account);
  CHECK_FALSE(jupiter::decode_route("account=admin").account);
  // Browser Forward onto the entry opens it (with the session check), Back off it closes it.
  u = jupiter::update(u.model, jupiter::action::RouteChanged{jupiter::decode_route("account=orders")});
  CHECK(u.model.account.screen == Screen::Checking);
  REQUIRE(u.effects.size() == 1);
  CHECK(std::holds_alternative<account::Effect>(u.effects[0]));
  u = jupiter::update(u.model, jupiter::action::RouteChanged{jupiter::decode_route("")});
  CHECK(u.model.account.screen == Screen::Closed);
  CHECK(u.effects.empty());
}
