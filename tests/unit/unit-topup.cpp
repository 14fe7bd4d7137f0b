// unit-topup.cpp: the eSIM page's usage and top-ups (core/topup): the usage and top-up decoders (good answers and
// bad input of every kind), every step of the section's update, and the top-up bought through the checkout.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "core/app.hpp"
#include "core/policy.hpp"
#include "core/topup.hpp"
#include "fixtures.hpp"


using namespace jupiter::topup;
namespace topup = jupiter::topup;
namespace ta = jupiter::topup::action;
namespace te = jupiter::topup::effect;

namespace {

const std::string kToken = "tok_CCCCCCCCCCCCCCCCCCCCCC";
const std::string kTopUpToken = "tok_DDDDDDDDDDDDDDDDDDDDDD";
const std::string kKey = "key_AAAAAAAAAAAAAAAAAAAA";

// What GET /api/orders/:id/usage sends for a 5 GB eSIM with 1.5 GB used.
const char* kUsage = R"J({"iccid_last4":"3452","installed":true,"data_total_mb":5120,"data_used_mb":1536,
  "data_left_mb":3584,"valid_until":1767225600,"read_at":1765080000})J";

Update step(Model m, Action a) { return update(std::move(m), std::move(a)); }

// The section showing ord_1's eSIM, with its first usage answer in.
Model shown_with_usage() {
  Update u = step({}, ta::Shown{"ord_1", kToken});
  return step(u.model, ta::Answer{Call::Usage, "ord_1", 200, kUsage}).model;
}

const te::Http& only_http(const Update& u) {
  REQUIRE(u.effects.size() == 1);
  return std::get<te::Http>(u.effects[0]);
}

}  // namespace

TEST_CASE("decode_usage reads the server's usage answer") {
  const UsageDecode d = decode_usage(kUsage);
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.usage.iccid_last4 == "3452");
  CHECK(d.usage.installed);
  CHECK(d.usage.total_mb == 5120);
  CHECK(d.usage.used_mb == 1536);
  CHECK(d.usage.left_mb == 3584);
  CHECK(d.usage.valid_until == 1767225600);
  CHECK(d.usage.read_at == 1765080000);
  CHECK_FALSE(d.usage.unlimited());
  CHECK(decode_usage(encode_usage(d.usage)).usage == d.usage);

  SUBCASE("an unlimited plan has no data left, and a validity that has not started yet is null") {
    const UsageDecode u = decode_usage(R"({"iccid_last4":"0001","installed":false,"data_total_mb":0,
      "data_used_mb":0,"data_left_mb":null,"valid_until":null,"read_at":5})");
    REQUIRE_MESSAGE(u.ok, u.error);
    CHECK(u.usage.unlimited());
    CHECK_FALSE(u.usage.left_mb.has_value());
    CHECK_FALSE(u.usage.valid_until.has_value());
    CHECK(decode_usage(encode_usage(u.usage)).usage == u.usage);
  }
}

TEST_CASE("decode_usage refuses bad answers with a reason, never throwing") {
  const std::string good = kUsage;
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  const std::string bad[] = {
      "",
      "not json",
      "[1,2]",
      "null",
      R"({"iccid_last4":"3452"})",
      replaced(R"("3452")", R"("34a2")"),
      replaced(R"("3452")", R"("12345")"),
      replaced(R"("3452")", "3452"),
      replaced("true", R"("yes")"),
      replaced("1536", "-1"),
      replaced("1536", "1.5"),
      replaced("1536", R"("1536")"),
      replaced("1536", "99999999999999999999999"),
      replaced("3584", "null"),                      // a limited plan always has data left
      replaced("5120", "0"),                         // an unlimited one never
      replaced("1765080000", "0"),                   // read_at is a real time
      replaced("1767225600", "-5"),
      replaced("1767225600", "[]"),
      std::string(kMaxAnswerBytes + 1, ' '),
  };
  for (const std::string& body : bad) {
    CAPTURE(body.substr(0, 120));
    UsageDecode d;
    CHECK_NOTHROW(d = decode_usage(body));
    CHECK_FALSE(d.ok);
    CHECK_FALSE(d.error.empty());
    CHECK(d.usage == Usage{});
  }
  CHECK(decode_usage(replaced("1536", "-1")).error.find("data_used_mb") != std::string::npos);
}

TEST_CASE("times and data amounts as the page shows them") {
  CHECK(utc_text(0) == "1970-01-01 00:00 UTC");
  CHECK(utc_text(1765080000) == "2025-12-07 04:00 UTC");
  CHECK(utc_text(951782400) == "2000-02-29 00:00 UTC");
  CHECK(utc_text(1767225599) == "2025-12-31 23:59 UTC");
  CHECK(utc_text(-5) == "1970-01-01 00:00 UTC");
  CHECK_NOTHROW(utc_text(kMaxUnixSeconds));
  using jupiter::Language;
  CHECK(data_text(0, Language::En) == "0 MB");
  CHECK(data_text(512, Language::En) == "512 MB");
  CHECK(data_text(1024, Language::En) == "1 GB");
  CHECK(data_text(1536, Language::En) == "1.5 GB");
  CHECK(data_text(5120, Language::En) == "5 GB");
  CHECK(data_text(1536, Language::Fr) == "1,5 Go");
  CHECK(data_text(512, Language::Fr) == "512 Mo");
  CHECK(data_text(1536, Language::De) == "1,5 GB");
  CHECK(data_text(-1, Language::En) == "0 MB");
}

TEST_CASE("decode_plans reads the compatible plans and refuses anything else") {
  const PlansDecode d = decode_plans(R"({"plans":["jp-1gb-topup","jp-5gb-topup"]})");
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(d.plans == std::vector<std::string>{"jp-1gb-topup", "jp-5gb-topup"});
  CHECK(decode_plans(R"({"plans":[]})").ok);

  std::string many = R"({"plans":[)";
  for (std::size_t i = 0; i <= kMaxPlans; ++i) many += (i ? ",\"p" : "\"p") + std::to_string(i) + "\"";
  many += "]}";
  const std::string bad[] = {"", "{", R"(["a"])", R"({})", R"({"plans":null})", R"({"plans":"jp"})",
                             R"({"plans":[1]})", R"({"plans":[""]})", R"({"plans":["a b"]})",
                             R"({"plans":["../x"]})", R"({"plans":["a","a"]})", many};
  for (const std::string& body : bad) {
    CAPTURE(body.substr(0, 80));
    PlansDecode p;
    CHECK_NOTHROW(p = decode_plans(body));
    CHECK_FALSE(p.ok);
    CHECK(p.plans.empty());
  }
}

TEST_CASE("a shown eSIM asks for its usage once, with its own token") {
  const Update u = step({}, ta::Shown{"ord_1", kToken});
  const te::Http& h = only_http(u);
  CHECK(h.call == Call::Usage);
  CHECK(h.url == "/api/orders/ord_1/usage");
  CHECK(h.token == kToken);
  CHECK(h.order_id == "ord_1");
  CHECK(u.model.usage_pending);

  SUBCASE("shown again: nothing more is asked") { CHECK(step(u.model, ta::Shown{"ord_1", kToken}).effects.empty()); }
  SUBCASE("another eSIM: the section starts over for it") {
    const Model m = shown_with_usage();
    const Update other = step(m, ta::Shown{"ord_2", kToken});
    CHECK(only_http(other).url == "/api/orders/ord_2/usage");
    CHECK_FALSE(other.model.usage.has_value());
  }
  SUBCASE("ids and tokens that cannot be ours are ignored") {
    CHECK(step({}, ta::Shown{"ord/1", kToken}).effects.empty());
    CHECK(step({}, ta::Shown{"ord_1", "short"}).effects.empty());
    CHECK(step({}, ta::Shown{"", kToken}).model.order_id.empty());
  }
}

TEST_CASE("usage answers: shown, kept across a failed refresh, or said in words") {
  Model m = shown_with_usage();
  REQUIRE(m.usage);
  CHECK(m.usage->used_mb == 1536);
  CHECK_FALSE(m.usage_pending);
  CHECK(m.usage_problem == Problem::None);

  SUBCASE("Refresh asks again; a second Refresh while it is on its way does not") {
    const Update r = step(m, ta::RefreshAsked{});
    CHECK(only_http(r).url == "/api/orders/ord_1/usage");
    CHECK(step(r.model, ta::RefreshAsked{}).effects.empty());
    std::string more = kUsage;
    more.replace(more.find("1536"), 4, "2048").replace(more.find("3584"), 4, "3072");
    const Model after = step(r.model, ta::Answer{Call::Usage, "ord_1", 200, more}).model;
    CHECK(after.usage->used_mb == 2048);
    CHECK(after.usage->left_mb == 3072);
  }
  SUBCASE("a refresh the decoder refuses keeps the last usage") {
    const Model r = step(step(m, ta::RefreshAsked{}).model, ta::Answer{Call::Usage, "ord_1", 200, "{oops"}).model;
    CHECK(r.usage_problem == Problem::BadResponse);
    CHECK(r.usage->used_mb == 1536);
  }
  SUBCASE("the partner is away: 502 with its Retry-After") {
    const Model r = step(step(m, ta::RefreshAsked{}).model,
                         ta::Answer{Call::Usage, "ord_1", 502, R"({"error":{"code":"partner_unavailable"}})", 30})
                        .model;
    CHECK(r.usage_problem == Problem::PartnerUnavailable);
    CHECK(r.retry_after_s == 30);
    CHECK(r.usage);  // the last reading stays, with its time
  }
  SUBCASE("not a delivered eSIM, or an order that is gone: nothing to show") {
    const Model a = step(m, ta::Answer{Call::Usage, "ord_1", 409, R"({"error":{"code":"not_delivered"}})"}).model;
    CHECK(a.usage_problem == Problem::NotDelivered);
    CHECK_FALSE(a.usage);
    const Model b = step(m, ta::Answer{Call::Usage, "ord_1", 404, ""}).model;
    CHECK(b.usage_problem == Problem::NotFound);
    CHECK_FALSE(b.usage);
  }
  SUBCASE("no answer, or a server error") {
    CHECK(step(m, ta::Answer{Call::Usage, "ord_1", 0, ""}).model.usage_problem == Problem::Network);
    CHECK(step(m, ta::Answer{Call::Usage, "ord_1", 500, ""}).model.usage_problem == Problem::Server);
    CHECK(step(m, ta::Answer{Call::Usage, "ord_1", 502, ""}).model.usage_problem == Problem::Server);
  }
  SUBCASE("an answer about another eSIM is dropped") {
    const Model r = step(m, ta::Answer{Call::Usage, "ord_2", 409, R"({"error":{"code":"not_delivered"}})"}).model;
    CHECK(r.usage_problem == Problem::None);
    CHECK(r.usage);
  }
  SUBCASE("Hidden forgets the eSIM, its token and its usage") {
    const Model h = step(m, ta::Hidden{}).model;
    CHECK(h.order_id.empty());
    CHECK(h.token.empty());
    CHECK_FALSE(h.usage);
    CHECK(step(h, ta::RefreshAsked{}).effects.empty());
    CHECK(step(h, ta::TopUpAsked{}).effects.empty());
  }
}

TEST_CASE("Top up lists the compatible plans; Buy on one of them hands it to the checkout") {
  Model m = shown_with_usage();
  const Update asked = step(m, ta::TopUpAsked{});
  CHECK(asked.model.choosing);
  const te::Http& h = only_http(asked);
  CHECK(h.call == Call::Plans);
  CHECK(h.url == "/api/orders/ord_1/topups");
  CHECK(h.token == kToken);
  m = step(asked.model, ta::Answer{Call::Plans, "ord_1", 200, R"({"plans":["jp-1gb-topup","jp-5gb-topup"]})"}).model;
  CHECK(m.plans_loaded);
  CHECK(m.plans.size() == 2);

  SUBCASE("a listed plan becomes a purchase for this eSIM, and the list closes") {
    const Update u = step(m, ta::PlanChosen{"jp-5gb-topup"});
    REQUIRE(u.purchase);
    CHECK(u.purchase->order_id == "ord_1");
    CHECK(u.purchase->token == kToken);
    CHECK(u.purchase->plan_id == "jp-5gb-topup");
    CHECK_FALSE(u.model.choosing);
  }
  SUBCASE("a plan that was not listed buys nothing") {
    CHECK_FALSE(step(m, ta::PlanChosen{"us-10gb"}).purchase);
  }
  SUBCASE("after Not now, nothing is bought") {
    const Model closed = step(m, ta::TopUpClosed{}).model;
    CHECK_FALSE(closed.choosing);
    CHECK_FALSE(step(closed, ta::PlanChosen{"jp-5gb-topup"}).purchase);
  }
  SUBCASE("the server's refusals are said in words and list nothing") {
    const Model a = step(m, ta::Answer{Call::Plans, "ord_1", 409, R"({"error":{"code":"esim_not_active"}})"}).model;
    CHECK(a.plans_problem == Problem::NotActive);
    CHECK(a.plans.empty());
    CHECK_FALSE(step(a, ta::PlanChosen{"jp-5gb-topup"}).purchase);
    const Model b = step(m, ta::Answer{Call::Plans, "ord_1", 409, R"({"error":{"code":"plan_has_no_topup"}})"}).model;
    CHECK(b.plans_problem == Problem::NoTopUp);
    const Model c = step(m, ta::Answer{Call::Plans, "ord_1", 200, R"({"plans":"jp"})"}).model;
    CHECK(c.plans_problem == Problem::BadResponse);
  }
}

// ---------------------------------------------------------------------------------------------------------
// In the store: the order page's delivered eSIM, and the top-up bought through the checkout
// ---------------------------------------------------------------------------------------------------------
namespace {

namespace co = jupiter::checkout;

jupiter::Model apply_app(jupiter::Model m, jupiter::Action a, std::vector<jupiter::Effect>* fx = nullptr) {
  jupiter::Update u = jupiter::update(std::move(m), std::move(a));
  if (fx) *fx = std::move(u.effects);
  return std::move(u.model);
}

std::string order_json(const std::string& id, const std::string& state, const std::string& extra) {
  return R"J({"id":")J" + id + R"J(","state":")J" + state + R"J(","created_at":"2026-11-26T10:00:00Z",
    "plan":{"id":"jp-5gb","name":"Japan 5 GB","kind":"local","coverage":["JP"],"data_mb":5120,"validity_days":30,
            "validity_start":"first_connection"},
    "price":{"amount":1299,"currency":"USD"},"customer":{"email":"ada@example.com","name":"Ada","phone":""},
    "marketing":false,"payment":{"status":"succeeded","decline_reason":null,"method":"card","brand":"visa",
    "last4":"4242","transaction":"pi_1"},"delivery":{"status":"ready","attempts":1},"support":null,"history":[])J" +
         extra + "}";
}

const char* kEsim = R"J(,"esim":{"iccid":"8901234567890123452","smdp":"smdp.example.com","matching_id":"MATCH-1",
  "activation_code":"LPA:1$smdp.example.com$MATCH-1"})J";

// The store with a confirmed catalogue, showing ord_1's delivered eSIM on its order page.
jupiter::Model store_showing_esim(std::vector<jupiter::Effect>* fx) {
  using fixtures::catalogue_json;
  using fixtures::plan_json;
  jupiter::Model m = apply_app({}, jupiter::action::Start{});
  const std::string plans = plan_json("jp-5gb", R"("JP")", R"(,"features":["topup"])") + "," +
                            plan_json("jp-1gb-topup", R"("JP")", R"(,"features":["topup"])", R"({"mb":1024})", 7);
  m = apply_app(m, jupiter::action::CatalogueResponse{200, catalogue_json(plans), "\"e1\"", "", 1000.0});
  REQUIRE(jupiter::buying_allowed(m));
  m = apply_app(m, co::Action{co::action::Resume{"", "ord_1", "", "t=" + kToken}});
  return apply_app(m, co::Action{co::action::Response{co::RequestKind::LoadOrder, m.checkout.seq, 200,
                                                      order_json("ord_1", "delivered", kEsim), 0, ""}},
                   fx);
}

const te::Http* topup_http(const std::vector<jupiter::Effect>& fx) {
  for (const jupiter::Effect& e : fx)
    if (auto* t = std::get_if<topup::Effect>(&e)) return std::get_if<te::Http>(t);
  return nullptr;
}

const co::effect::Http* checkout_http(const std::vector<jupiter::Effect>& fx) {
  for (const jupiter::Effect& e : fx)
    if (auto* c = std::get_if<co::Effect>(&e))
      if (auto* h = std::get_if<co::effect::Http>(c)) return h;
  return nullptr;
}

std::string header(const co::effect::Http& h, const std::string& name) {
  for (const auto& kv : h.headers)
    if (kv.first == name) return kv.second;
  return {};
}

}  // namespace

TEST_CASE("the order page's delivered eSIM gets its usage section; leaving the page forgets it") {
  std::vector<jupiter::Effect> fx;
  jupiter::Model m = store_showing_esim(&fx);
  CHECK(m.topup.order_id == "ord_1");
  const te::Http* h = topup_http(fx);
  REQUIRE(h);
  CHECK(h->url == "/api/orders/ord_1/usage");
  m = apply_app(m, co::Action{co::action::Close{}});
  CHECK(m.topup.order_id.empty());
  CHECK(m.topup.token.empty());

  SUBCASE("a delivered top-up order has no usage section of its own") {
    jupiter::Model t = apply_app({}, co::Action{co::action::Resume{"", "ord_t", "", "t=" + kToken}});
    t = apply_app(t, co::Action{co::action::Response{co::RequestKind::LoadOrder, t.checkout.seq, 200,
                                                     order_json("ord_t", "delivered", R"(,"topup_of":"ord_1")"), 0, ""}});
    REQUIRE(t.checkout.order);
    CHECK(t.topup.order_id.empty());
  }
}

SCENARIO("a traveller tops up the eSIM they have, through the checkout, without contact details") {
  GIVEN("the eSIM's page with its compatible top-ups listed") {
    jupiter::Model m = store_showing_esim(nullptr);
    m = apply_app(m, topup::Action{ta::TopUpAsked{}});
    m = apply_app(m, topup::Action{ta::Answer{Call::Plans, "ord_1", 200, R"({"plans":["jp-1gb-topup"]})"}});
    WHEN("Buy on the plan") {
      m = apply_app(m, topup::Action{ta::PlanChosen{"jp-1gb-topup"}});
      THEN("the checkout reviews it as a top-up of ord_1; Continue skips the contact details") {
        CHECK(m.checkout.step == co::Step::Review);
        CHECK(m.checkout.plan_id == "jp-1gb-topup");
        CHECK(m.checkout.topup_of == "ord_1");
        CHECK(m.checkout.topup_token == kToken);
        m = apply_app(m, co::Action{co::action::Next{}});
        CHECK(m.checkout.step == co::Step::Confirmations);
        m = apply_app(m, co::Action{co::action::Back{}});
        CHECK(m.checkout.step == co::Step::Review);
      }
      THEN("Pay posts to the eSIM's top-ups with its token and a key, and pays the new order with its own token") {
        m = apply_app(m, co::Action{co::action::Next{}});
        m = apply_app(m, co::Action{co::action::Toggled{co::Box::Adult, true}});
        m = apply_app(m, co::Action{co::action::Toggled{co::Box::Terms, true}});
        m = apply_app(m, co::Action{co::action::Next{}});
        REQUIRE(m.checkout.step == co::Step::Payment);
        std::vector<jupiter::Effect> fx;
        m = apply_app(m, co::Action{co::action::Pay{kKey}}, &fx);
        const co::effect::Http* post = checkout_http(fx);
        REQUIRE(post);
        CHECK(post->method == "POST");
        CHECK(post->url == "/api/orders/ord_1/topups");
        CHECK(header(*post, "Idempotency-Key") == kKey);
        CHECK(header(*post, "Authorization") == "Bearer " + kToken);
        const auto body = nlohmann::json::parse(post->body);
        CHECK(body.size() == 4);
        CHECK(body.at("plan") == "jp-1gb-topup");
        CHECK(body.at("currency") == "USD");
        CHECK(body.at("terms_version") == std::string(jupiter::kTermsVersion));
        CHECK(body.at("locale") == "en");
        const std::string created = R"({"order":)" + order_json("ord_t", "pending_payment", R"(,"topup_of":"ord_1")") +
                                    R"(,"token":")" + kTopUpToken + R"("})";
        m = apply_app(m, co::Action{co::action::Response{co::RequestKind::CreateOrder, m.checkout.seq, 201, created, 0, ""}},
                      &fx);
        const co::effect::Http* pay = checkout_http(fx);
        REQUIRE(pay);
        CHECK(pay->url == "/api/orders/ord_t/payment");
        CHECK(header(*pay, "Authorization") == "Bearer " + kTopUpToken);
        const auto record = co::decode_session(co::encode_session(m.checkout));
        REQUIRE(record);  // the processor's return finds the top-up, and whose eSIM it tops up
        CHECK(record->topup_of == "ord_1");
        CHECK(record->topup_token == kToken);
        CHECK(record->order_id == "ord_t");
      }
    }
  }
}

TEST_CASE("from a paid top-up, Back to your eSIM shows the eSIM's own page, whose usage is read again") {
  co::Model c;
  c.step = co::Step::Order;
  c.order_id = "ord_t";
  c.token = kTopUpToken;
  c.topup_of = "ord_1";
  c.topup_token = kToken;
  const co::Update u = co::update(c, co::action::BackToEsim{});
  CHECK(u.model.order_id == "ord_1");
  CHECK(u.model.token == kToken);
  CHECK_FALSE(u.model.topup());
  bool loads = false;
  for (const co::Effect& e : u.effects)
    if (auto* h = std::get_if<co::effect::Http>(&e)) loads = h->url == "/api/orders/ord_1";
  CHECK(loads);
  SUBCASE("an ordinary order page has nowhere to go back to") {
    c.topup_of.clear();
    c.topup_token.clear();
    CHECK(co::update(c, co::action::BackToEsim{}).model.order_id == "ord_t");
  }
  SUBCASE("a session record with half a top-up is not ours") {
    c.topup_token.clear();
    CHECK_FALSE(co::decode_session(co::encode_session(c)));
  }
}
