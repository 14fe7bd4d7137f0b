// unit-embed.cpp: the store inside a partner's page (issue 12): the embed config decoder, the actions each
// attribute gives, the announcements for the host (and that no personal data is in them), the partner in the
// order body, and the checkout's payment window.
#include <doctest/doctest.h>

#include <string>

#include "core/app.hpp"
#include "core/embed.hpp"
#include "fixtures.hpp"

using namespace jupiter;

namespace {

const std::string kBody = fixtures::catalogue_json(fixtures::plan_json("jp-5gb", R"("JP")") + "," +
                                                   fixtures::plan_json("at-5gb", R"("AT")"));
const std::string kToken = "tok_CCCCCCCCCCCCCCCCCCCCCC";
const std::string kKey = "key_AAAAAAAAAAAAAAAAAAAA";
const char* kSession = R"J({"checkout_url":"http://127.0.0.1:9100/pay/cs_1","session":"cs_1"})J";

Model apply(Model m, Action a, std::vector<Effect>* fx = nullptr) {
  Update u = update(std::move(m), std::move(a));
  if (fx) *fx = std::move(u.effects);
  return std::move(u.model);
}

// Applies the action and adds its effects to `all`.
Model step(Model m, Action a, std::vector<Effect>& all) {
  std::vector<Effect> fx;
  m = apply(std::move(m), std::move(a), &fx);
  for (auto& e : fx) all.push_back(std::move(e));
  return m;
}

// Applies the action: `fx` gets its effects, `all` keeps them too.
Model run(Model m, Action a, std::vector<Effect>& fx, std::vector<Effect>& all) {
  m = apply(std::move(m), std::move(a), &fx);
  for (const auto& e : fx) all.push_back(e);
  return m;
}

std::vector<effect::Announce> announcements(const std::vector<Effect>& fx) {
  std::vector<effect::Announce> out;
  for (const auto& e : fx)
    if (auto a = std::get_if<effect::Announce>(&e)) out.push_back(*a);
  return out;
}

std::vector<effect::Announce> named(const std::vector<Effect>& fx, const std::string& name) {
  std::vector<effect::Announce> out;
  for (const auto& a : announcements(fx))
    if (a.name == name) out.push_back(a);
  return out;
}

template <class E>
const E* find_checkout_effect(const std::vector<Effect>& fx) {
  for (const auto& e : fx)
    if (auto c = std::get_if<checkout::Effect>(&e))
      if (auto p = std::get_if<E>(c)) return p;
  return nullptr;
}

template <class E>
int count_checkout_effects(const std::vector<Effect>& fx) {
  int n = 0;
  for (const auto& e : fx)
    if (auto c = std::get_if<checkout::Effect>(&e)) n += std::holds_alternative<E>(*c) ? 1 : 0;
  return n;
}

template <class E>
int count_effects(const std::vector<Effect>& fx) {
  int n = 0;
  for (const auto& e : fx) n += std::holds_alternative<E>(e) ? 1 : 0;
  return n;
}

EmbedSettings settings(const std::string& json) {
  EmbedDecode d = decode_embed(json);
  REQUIRE(d.ok);
  return d.settings;
}

Model loaded(std::vector<Effect>* fx = nullptr) {
  Model m = apply({}, action::Start{});
  return apply(m, action::CatalogueResponse{200, kBody, "", ""}, fx);
}

Model embedded(const std::string& json, std::vector<Effect>* fx = nullptr) {
  return apply(loaded(), action::Embedded{settings(json)}, fx);
}

std::string order_json(const std::string& state, const std::string& payment_status) {
  return R"J({"id":"ord_1","state":")J" + state + R"J(","created_at":"2026-11-26T10:00:00Z",
    "plan":{"id":"jp-5gb","name":"Japan 5 GB","kind":"local","coverage":["JP"],"data_mb":5120,"validity_days":30,
            "validity_start":"first_connection"},
    "price":{"amount":1199,"currency":"EUR"},"customer":{"email":"ada@example.com","name":"Ada Lovelace",
    "phone":"+4915112345678"},"marketing":false,"payment":{"status":")J" + payment_status + R"J(",
    "decline_reason":null,"method":null,"brand":null,"last4":null,"transaction":null},
    "delivery":{"status":"waiting","attempts":0},"esim":null,"support":null,"history":[]})J";
}

checkout::action::Response response(const Model& m, checkout::RequestKind kind, int status, std::string body) {
  return checkout::action::Response{kind, m.checkout.seq, status, std::move(body), 0, ""};
}

// An embedded store on the payment step of jp-5gb in EUR, with the buyer's details filled in.
Model at_payment(std::vector<Effect>& all, const std::string& config = R"({"partner":"demo","currency":"EUR"})") {
  Model m = step(loaded(), action::Embedded{settings(config)}, all);
  m = step(m, action::BuyPlan{"jp-5gb"}, all);
  m = step(m, checkout::action::Next{}, all);
  m = step(m, checkout::action::FieldChanged{checkout::Field::Email, "ada@example.com"}, all);
  m = step(m, checkout::action::FieldChanged{checkout::Field::EmailConfirm, "ada@example.com"}, all);
  m = step(m, checkout::action::FieldChanged{checkout::Field::Name, "Ada Lovelace"}, all);
  m = step(m, checkout::action::FieldChanged{checkout::Field::Phone, "+49 151 12345678"}, all);
  m = step(m, checkout::action::Next{}, all);
  m = step(m, checkout::action::Toggled{checkout::Box::Adult, true}, all);
  m = step(m, checkout::action::Toggled{checkout::Box::Terms, true}, all);
  return step(m, checkout::action::Next{}, all);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// the embed config
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("a partner's config decodes into its settings") {
  const EmbedDecode d = decode_embed(
      R"({"partner":"demo","name":"Demo Travel Blog","parent":"http://127.0.0.1:8083","destination":"jp",
          "plan":"jp-5gb","lang":"fr","currency":"eur","theme":{"accent":"#0A7cff","text":"#111111"},"test":"1"})");
  REQUIRE(d.ok);
  CHECK(d.problems.empty());
  CHECK(d.settings.partner == "demo");
  CHECK(d.settings.destination == std::optional<std::string>("JP"));
  CHECK(d.settings.plan == std::optional<std::string>("jp-5gb"));
  CHECK(d.settings.lang == std::optional<std::string>("fr"));
  CHECK(d.settings.currency == std::optional<std::string>("EUR"));
  CHECK_FALSE(d.settings.theme);
  CHECK(d.settings.accent == std::optional<std::uint32_t>(0x0a7cff));

  const EmbedSettings dark = settings(R"({"theme":"dark","destination":"","plan":null})");
  CHECK(dark.theme == std::optional<Theme>(Theme::Dark));
  CHECK_FALSE(dark.destination);  // "" and null are "not set", as the bridge sends a removed attribute
  CHECK_FALSE(dark.plan);
  CHECK(settings(R"({"theme":"light"})").theme == std::optional<Theme>(Theme::Light));
}

TEST_CASE("a config that is not one JSON object is refused as a whole, without throwing") {
  for (const char* bad : {"", "not json", "null", "[]", "\"demo\"", "42", "{\"partner\":", "{\"a\":1}}"}) {
    CAPTURE(bad);
    const EmbedDecode d = decode_embed(bad);
    CHECK_FALSE(d.ok);
    CHECK_FALSE(d.error.empty());
  }
  const EmbedDecode huge = decode_embed(R"({"plan":")" + std::string(kMaxEmbedBytes, 'a') + R"("})");
  CHECK_FALSE(huge.ok);
  CHECK(huge.error.find("too large") != std::string::npos);
  std::string deep;  // deep nesting within the size limit: refused, not a stack overflow
  for (int i = 0; i < 2000; ++i) deep += "[";
  for (int i = 0; i < 2000; ++i) deep += "]";
  CHECK_FALSE(decode_embed(R"({"theme":)" + deep + "}").ok);
  CHECK_FALSE(decode_embed("{\"plan\":\"\xff\xfe\"}").ok);  // not UTF-8
}

TEST_CASE("hostile values become unusable, never partner data or a crash") {
  const EmbedDecode d = decode_embed(
      R"({"partner":"Demo<script>","destination":42,"plan":"jp\u0000x","lang":["fr"],"currency":{"x":1},
          "theme":"<img src=x onerror=alert(1)>"})");
  REQUIRE(d.ok);
  CHECK(d.settings.partner.empty());
  CHECK(d.settings.destination == std::optional<std::string>(kUnusable));
  CHECK(d.settings.plan == std::optional<std::string>(kUnusable));
  CHECK(d.settings.lang == std::optional<std::string>(kUnusable));
  CHECK(d.settings.currency == std::optional<std::string>(kUnusable));
  CHECK_FALSE(d.settings.theme);
  CHECK(d.problems.size() == 6);
  const EmbedDecode longer = decode_embed(R"({"plan":")" + std::string(65, 'p') + R"(","partner":")" +
                                          std::string(33, 'a') + R"("})");
  CHECK(longer.settings.plan == std::optional<std::string>(kUnusable));
  CHECK(longer.settings.partner.empty());
  for (const char* colour : {"red", "#12345", "#12345g", "0a7cff", "#0a7cff00", "rgb(1,2,3)"}) {
    CAPTURE(colour);
    CHECK_FALSE(parse_hex_colour(colour));
    CHECK_FALSE(settings(std::string(R"({"theme":{"accent":")") + colour + R"("}})").accent);
  }
}

TEST_CASE("partner ids are [a-z0-9][a-z0-9-]{0,31}") {
  for (const char* ok : {"demo", "a", "travel-blog-42", "0", "abcdefghijklmnopqrstuvwxyz012345"}) CHECK(valid_partner_id(ok));
  for (const char* bad : {"", "-demo", "Demo", "demo_1", "demo blog", "abcdefghijklmnopqrstuvwxyz0123456", "démo",
                          "demo/../x", "demo\n"})
    CHECK_FALSE(valid_partner_id(bad));
}

// ---------------------------------------------------------------------------------------------------------
// attributes -> actions
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("each attribute changes the store for this visit, nothing is stored") {
  std::vector<Effect> fx;
  Model m = embedded(R"({"partner":"demo","destination":"JP","lang":"fr","currency":"EUR","theme":"dark"})", &fx);
  CHECK(m.embed.on);
  CHECK(m.partner == "demo");
  REQUIRE(m.destination);
  CHECK(to_string(*m.destination) == "JP");
  CHECK(m.plans.size() == 1);
  CHECK(m.language == Language::Fr);
  CHECK(m.currency == Currency::EUR);
  CHECK(m.embed.theme == Theme::Dark);
  CHECK(m.embed.notice == EmbedNotice::None);
  CHECK(count_effects<effect::Store>(fx) == 0);  // the partner's language and currency are not the traveller's

  SUBCASE("a plan opens its details") {
    m = embedded(R"({"plan":"at-5gb"})");
    CHECK(m.open_plan == "at-5gb");
  }
  SUBCASE("a change of language keeps the place the traveller went to") {
    m = apply(m, action::DestinationChosen{CountryCode{'A', 'T'}});
    m = apply(m, action::EmbedAttributes{settings(R"({"destination":"JP","lang":"de","currency":"EUR","theme":"dark"})")}, &fx);
    CHECK(m.language == Language::De);
    CHECK(to_string(*m.destination) == "AT");
    CHECK(count_effects<effect::Store>(fx) == 0);
  }
  SUBCASE("a change of destination shows it; removing the theme goes back to light") {
    m = apply(m, action::EmbedAttributes{settings(R"({"destination":"AT","lang":"fr","currency":"EUR"})")});
    CHECK(to_string(*m.destination) == "AT");
    CHECK(m.embed.theme == Theme::Light);
  }
  SUBCASE("the stored preferences read later do not override the partner's choice") {
    m = apply(m, action::PreferencesLoaded{Language::Es, Currency::GBP});
    CHECK(m.language == Language::Fr);
    CHECK(m.currency == Currency::EUR);
  }
  SUBCASE("attributes change nothing on the store's own page, nor the partner") {
    Model own = apply(loaded(), action::EmbedAttributes{settings(R"({"destination":"JP","currency":"GBP"})")});
    CHECK_FALSE(own.destination);
    CHECK(own.currency == Currency::USD);
    m = apply(m, action::EmbedAttributes{settings(R"({"partner":"other","lang":"fr","currency":"EUR"})")});
    CHECK(m.partner == "demo");
  }
}

TEST_CASE("a destination or plan given before the catalogue arrives is applied once it is there") {
  Model m = apply({}, action::Start{});
  m = apply(m, action::Embedded{settings(R"({"plan":"jp-5gb","destination":"JP"})")});
  CHECK(m.embed.place_waiting);
  m = apply(m, action::CatalogueResponse{200, kBody, "", ""});
  CHECK(to_string(*m.destination) == "JP");
  CHECK(m.open_plan == "jp-5gb");
  CHECK(m.embed.notice == EmbedNotice::None);

  Model bad = apply(apply({}, action::Start{}), action::Embedded{settings(R"({"destination":"ZZ"})")});
  bad = apply(bad, action::CatalogueResponse{200, kBody, "", ""});
  CHECK_FALSE(bad.destination);
  CHECK(bad.embed.notice == EmbedNotice::BadAttribute);
}

TEST_CASE("a bad value opens the store's home with a notice, never a crash") {
  for (const char* config : {R"({"destination":"XX"})", R"({"destination":"Japan"})", R"({"plan":"no-such-plan"})",
                             R"({"currency":"XYZ"})", R"({"currency":"usd "})", R"({"destination":42})",
                             R"({"destination":"JP","plan":"nope"})"}) {
    CAPTURE(config);
    std::vector<Effect> fx;
    const Model m = embedded(config, &fx);
    CHECK(m.embed.notice == EmbedNotice::BadAttribute);
    CHECK_FALSE(m.destination);
    CHECK(m.open_plan.empty());
    CHECK(m.currency == Currency::USD);
  }
  // A bad currency in a later change, the place unchanged: home with the notice too.
  Model later = embedded(R"({"destination":"JP"})");
  later = apply(later, action::EmbedAttributes{settings(R"({"destination":"JP","currency":"nope"})")});
  CHECK(later.embed.notice == EmbedNotice::BadAttribute);
  CHECK_FALSE(later.destination);
  // Before the catalogue too.
  Model early = apply(apply({}, action::Start{}), action::Embedded{settings(R"({"destination":"JP","currency":"XYZ"})")});
  early = apply(early, action::CatalogueResponse{200, kBody, "", ""});
  CHECK(early.embed.notice == EmbedNotice::BadAttribute);
  CHECK_FALSE(early.destination);
  // A good change afterwards clears the notice.
  Model m = embedded(R"({"currency":"XYZ"})");
  m = apply(m, action::EmbedAttributes{settings(R"({"currency":"GBP"})")});
  CHECK(m.embed.notice == EmbedNotice::None);
  CHECK(m.currency == Currency::GBP);
  // An unknown language is only logged: the store keeps its own.
  std::vector<Effect> fx;
  m = embedded(R"({"lang":"tlh"})", &fx);
  CHECK(m.embed.notice == EmbedNotice::None);
  CHECK(m.language == Language::En);
  CHECK(count_effects<effect::Log>(fx) == 1);
}

TEST_CASE("the partner's accent is kept across attribute changes") {
  Model m = embedded(R"({"partner":"demo","theme":{"accent":"#0a7cff"}})");
  CHECK(m.embed.accent == std::optional<std::uint32_t>(0x0a7cff));
  m = apply(m, action::EmbedAttributes{settings(R"({"theme":"dark"})")});
  CHECK(m.embed.accent == std::optional<std::uint32_t>(0x0a7cff));
  CHECK(m.embed.theme == Theme::Dark);
}

// ---------------------------------------------------------------------------------------------------------
// attribution
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("?partner= on the store's own page attributes the visit when it is a partner id") {
  std::vector<Effect> fx;
  action::Start s;
  s.partner = "demo";
  CHECK(apply({}, s).partner == "demo");
  s.partner = "Demo\"><script>";
  const Model bad = apply({}, s, &fx);
  CHECK(bad.partner.empty());
  REQUIRE(count_effects<effect::Log>(fx) == 1);
  for (const auto& e : fx)
    if (auto l = std::get_if<effect::Log>(&e)) CHECK(l->message.find("script") == std::string::npos);
}

TEST_CASE("the order body carries the partner only when there is one") {
  checkout::Model c;
  c.plan_id = "jp-5gb";
  c.details = {"ada@example.com", "ada@example.com", "Ada Lovelace", "", true, true, false};
  const std::string direct = checkout::order_body(c);
  REQUIRE_FALSE(direct.empty());
  CHECK(direct.find("partner") == std::string::npos);
  c.partner = "demo";
  CHECK(checkout::order_body(c).find(R"("partner":"demo")") != std::string::npos);

  std::vector<Effect> all;
  Model m = at_payment(all);
  std::vector<Effect> fx;
  m = apply(m, checkout::action::Pay{kKey}, &fx);
  const auto* create = find_checkout_effect<checkout::effect::Http>(fx);
  REQUIRE(create);
  CHECK(create->url == "/api/orders");
  CHECK(create->body.find(R"("partner":"demo")") != std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------
// announcements
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("ready is announced once, on the first frame that shows the catalogue") {
  std::vector<Effect> fx;
  Model m = apply(embedded(R"({"partner":"demo"})"), action::CatalogueShown{}, &fx);
  REQUIRE(named(fx, kReady).size() == 1);
  CHECK(named(fx, kReady)[0].detail == "{}");
  apply(m, action::CatalogueShown{}, &fx);
  CHECK(announcements(fx).empty());
}

TEST_CASE("opening a plan's details announces plan-selected with the plan and destination") {
  std::vector<Effect> fx;
  Model m = apply(embedded(R"({"destination":"JP"})"), action::PlanOpened{"jp-5gb"}, &fx);
  auto a = named(fx, kPlanSelected);
  REQUIRE(a.size() == 1);
  CHECK(a[0].detail == R"({"plan":"jp-5gb","destination":"JP"})");
  apply(m, action::PlanOpened{"jp-5gb"}, &fx);  // the same plan again: nothing new
  CHECK(named(fx, kPlanSelected).empty());
  apply(m, action::PlanOpened{"no-such-plan"}, &fx);
  CHECK(announcements(fx).empty());
  embedded(R"({"plan":"at-5gb"})", &fx);  // the partner's plan attribute opens the details too
  REQUIRE(named(fx, kPlanSelected).size() == 1);
  CHECK(named(fx, kPlanSelected)[0].detail == R"({"plan":"at-5gb","destination":""})");
}

TEST_CASE("a catalogue that cannot be loaded announces an error code, no message") {
  std::vector<Effect> fx;
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{0, "", "", "connection refused at 10.0.0.1"}, &fx);
  auto a = named(fx, kError);
  REQUIRE(a.size() == 1);
  CHECK(a[0].detail == R"({"code":"catalogue_network"})");
  apply(m, action::RetryCatalogue{}, &fx);
  CHECK(announcements(fx).empty());
  apply(apply({}, action::Start{}), action::CatalogueResponse{503, "", "", ""}, &fx);
  CHECK(named(fx, kError)[0].detail == R"({"code":"catalogue_http"})");
  apply(apply({}, action::Start{}), action::CatalogueResponse{200, "<html>", "", ""}, &fx);
  CHECK(named(fx, kError)[0].detail == R"({"code":"catalogue_invalid"})");
}

SCENARIO("an embedded purchase: checkout-started, the payment window, order-paid once, no personal data") {
  std::vector<Effect> all;
  Model m = at_payment(all);
  auto started = named(all, kCheckoutStarted);
  REQUIRE(started.size() == 1);
  CHECK(started[0].detail == R"({"plan":"jp-5gb","currency":"EUR","amount_minor":1199})");

  std::vector<Effect> fx;
  m = step(m, checkout::action::Pay{kKey}, all);
  m = run(m, response(m, checkout::RequestKind::CreateOrder, 201,
                      R"({"order":)" + order_json("pending_payment", "none") + R"(,"token":")" + kToken + R"("})"),
             fx, all);
  const auto* pay = find_checkout_effect<checkout::effect::Http>(fx);
  REQUIRE(pay);
  CHECK(pay->url == "/api/orders/ord_1/payment");
  CHECK(pay->body == R"({"return":"embed"})");

  GIVEN("the payment window opens") {
    m = run(m, response(m, checkout::RequestKind::StartPayment, 200, kSession), fx, all);
    const auto* open = find_checkout_effect<checkout::effect::OpenPayment>(fx);
    REQUIRE(open);
    CHECK(open->url == "http://127.0.0.1:9100/pay/cs_1");
    CHECK(count_checkout_effects<checkout::effect::Navigate>(fx) == 0);
    CHECK(count_checkout_effects<checkout::effect::ReplaceUrl>(fx) == 0);  // the frame keeps its embed URL
    m = run(m, checkout::action::PaymentWindow{true}, fx, all);
    CHECK(m.checkout.popup == checkout::Popup::Opened);
    CHECK(m.checkout.step == checkout::Step::Order);
    const auto* poll = find_checkout_effect<checkout::effect::Http>(fx);
    REQUIRE(poll);
    CHECK(poll->url == "/api/orders/ord_1");

    WHEN("the order is still waiting, then paid, then delivered") {
      m = run(m, response(m, checkout::RequestKind::LoadOrder, 200, order_json("pending_payment", "open")), fx, all);
      CHECK(checkout::should_poll(m.checkout));
      CHECK(find_checkout_effect<checkout::effect::StartTimer>(fx));
      CHECK(named(fx, kOrderPaid).empty());
      m = step(m, checkout::action::PollDue{m.checkout.poll_timer}, all);
      m = run(m, response(m, checkout::RequestKind::LoadOrder, 200, order_json("paid", "succeeded")), fx, all);
      auto paid = named(fx, kOrderPaid);
      REQUIRE(paid.size() == 1);
      CHECK(paid[0].detail == R"({"order":"ord_1","plan":"jp-5gb","currency":"EUR","amount_minor":1199})");
      m = step(m, checkout::action::PollDue{m.checkout.poll_timer}, all);
      m = step(m, response(m, checkout::RequestKind::LoadOrder, 200, order_json("delivered", "succeeded")), all);
      THEN("order-paid was announced once and no announcement carries the buyer's e-mail, name or phone") {
        CHECK(named(all, kOrderPaid).size() == 1);
        const auto every = announcements(all);
        CHECK(every.size() >= 2);
        for (const auto& a : every) {
          CAPTURE(a.detail);
          for (const char* personal : {"ada", "Ada", "Lovelace", "example.com", "@", "4915112345678", "151"})
            CHECK(a.detail.find(personal) == std::string::npos);
          CHECK(a.detail.find(kToken) == std::string::npos);
        }
      }
    }
    WHEN("the card is declined") {
      m = run(m, response(m, checkout::RequestKind::LoadOrder, 200, order_json("pending_payment", "declined")), fx, all);
      auto err = named(fx, kError);
      REQUIRE(err.size() == 1);
      CHECK(err[0].detail == R"({"code":"payment_declined"})");
      CHECK_FALSE(checkout::should_poll(m.checkout));
      AND_WHEN("the buyer tries again") {
        m = apply(m, checkout::action::Pay{kKey}, &fx);
        const auto* again = find_checkout_effect<checkout::effect::Http>(fx);
        REQUIRE(again);
        CHECK(again->body == R"({"return":"embed"})");
        CHECK(m.checkout.popup == checkout::Popup::None);
      }
    }
  }
  GIVEN("the browser blocks the payment window") {
    m = run(m, response(m, checkout::RequestKind::StartPayment, 200, kSession), fx, all);
    m = apply(m, checkout::action::PaymentWindow{false}, &fx);
    THEN("the order page offers to open it with a click, and nothing polls meanwhile") {
      CHECK(m.checkout.popup == checkout::Popup::Blocked);
      CHECK(m.checkout.step == checkout::Step::Order);
      CHECK(count_checkout_effects<checkout::effect::Http>(fx) == 0);
      CHECK_FALSE(checkout::should_poll(m.checkout));
    }
    AND_WHEN("the buyer clicks Open the payment page") {
      m = apply(m, checkout::action::OpenPaymentAgain{}, &fx);
      const auto* open = find_checkout_effect<checkout::effect::OpenPayment>(fx);
      REQUIRE(open);
      CHECK(open->url == "http://127.0.0.1:9100/pay/cs_1");
      m = apply(m, checkout::action::PaymentWindow{true}, &fx);
      CHECK(m.checkout.popup == checkout::Popup::Opened);
      CHECK(find_checkout_effect<checkout::effect::Http>(fx));
    }
  }
}

TEST_CASE("on the store's own page Pay still navigates, with the usual body and no partner") {
  checkout::Model c;
  c.step = checkout::Step::Payment;
  c.plan_id = "jp-5gb";
  c.details = {"ada@example.com", "ada@example.com", "Ada Lovelace", "", true, true, false};
  checkout::Update u = checkout::update(c, checkout::action::Pay{kKey});
  c = u.model;
  u = checkout::update(c, checkout::action::Response{checkout::RequestKind::CreateOrder, c.seq, 201,
                                                     R"({"order":)" + order_json("pending_payment", "none") +
                                                         R"(,"token":")" + kToken + R"("})",
                                                     0, ""});
  c = u.model;
  const auto* pay = std::get_if<checkout::effect::Http>(&u.effects.back());
  REQUIRE(pay);
  CHECK(pay->body == "{}");
  u = checkout::update(c, checkout::action::Response{checkout::RequestKind::StartPayment, c.seq, 200, kSession, 0, ""});
  bool navigated = false;
  for (const auto& e : u.effects) {
    navigated = navigated || std::holds_alternative<checkout::effect::Navigate>(e);
    CHECK_FALSE(std::holds_alternative<checkout::effect::OpenPayment>(e));
  }
  CHECK(navigated);
  CHECK(u.model.busy == checkout::Busy::Redirecting);
  // A payment window result or a second-window click means nothing outside a frame.
  const checkout::Update w = checkout::update(u.model, checkout::action::OpenPaymentAgain{});
  CHECK(w.effects.empty());
}

TEST_CASE("a fresh checkout keeps the visit's embed mode and partner") {
  std::vector<Effect> all;
  Model m = at_payment(all);
  m = apply(m, checkout::action::Close{});
  CHECK(m.checkout.embedded);
  CHECK(m.checkout.partner == "demo");
  const std::string record = checkout::encode_session(m.checkout);
  CHECK(record.find("demo") == std::string::npos);  // the session record does not keep the partner
}
