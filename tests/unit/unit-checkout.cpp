// unit-checkout.cpp: the checkout state machine, step by step, with the server's answers played back as actions.
#include <doctest/doctest.h>

#include <string>

#include "core/app.hpp"
#include "core/checkout.hpp"
#include "fixtures.hpp"

using namespace jupiter::checkout;  // Model, Action, Effect below are the checkout's; the app's are qualified
using jupiter::ContactProblem;
using jupiter::Currency;
using jupiter::OrderState;
using jupiter::PaymentStatus;

namespace {

const std::string kKey = "key_AAAAAAAAAAAAAAAAAAAA";
const std::string kKey2 = "key_BBBBBBBBBBBBBBBBBBBB";
const std::string kToken = "tok_CCCCCCCCCCCCCCCCCCCCCC";

Model apply(Model m, Action a, std::vector<Effect>* fx = nullptr) {
  Update u = update(std::move(m), std::move(a));
  if (fx) *fx = std::move(u.effects);
  return std::move(u.model);
}

template <class E>
const E* find_effect(const std::vector<Effect>& fx) {
  for (const auto& e : fx)
    if (auto p = std::get_if<E>(&e)) return p;
  return nullptr;
}

template <class E>
int count_effects(const std::vector<Effect>& fx) {
  int n = 0;
  for (const auto& e : fx) n += std::holds_alternative<E>(e) ? 1 : 0;
  return n;
}

std::string header(const effect::Http& h, const std::string& name) {
  for (const auto& [k, v] : h.headers)
    if (k == name) return v;
  return {};
}

std::string order_json(const std::string& state, const std::string& payment_status,
                       const std::string& decline = "null") {
  return R"J({"id":"ord_1","state":")J" + state + R"J(","created_at":"2026-11-26T10:00:00Z",
    "plan":{"id":"jp-5gb","name":"Japan 5 GB","kind":"local","coverage":["JP"],"data_mb":5120,"validity_days":30,
            "validity_start":"first_connection"},
    "price":{"amount":1299,"currency":"USD"},"customer":{"email":"ada@example.com","name":"Ada","phone":""},
    "marketing":false,"payment":{"status":")J" + payment_status + R"J(","decline_reason":)J" + decline + R"J(,
    "method":null,"brand":null,"last4":null,"transaction":null},"delivery":{"status":"waiting","attempts":0},
    "esim":null,"support":null,"history":[]})J";
}

std::string created_json(const std::string& state = "pending_payment") {
  return R"J({"order":)J" + order_json(state, "none") + R"J(,"token":")J" + kToken + R"J("})J";
}

const char* kSession = R"J({"checkout_url":"http://127.0.0.1:9100/pay/cs_1","session":"cs_1"})J";

Model with_details(Model m) {
  m = apply(m, action::FieldChanged{Field::Email, " Ada@Example.COM "});
  m = apply(m, action::FieldChanged{Field::EmailConfirm, "Ada@example.com"});  // the domain's case does not count
  m = apply(m, action::FieldChanged{Field::Name, "Ada  Lovelace"});
  m = apply(m, action::FieldChanged{Field::Phone, "+49 151 1234-5678"});
  return m;
}

// A buyer on the payment step with valid details and both confirmations ticked.
Model at_payment() {
  Model m = apply({}, action::Open{"jp-5gb", Currency::USD, "en"});
  m = apply(m, action::Next{});
  m = with_details(m);
  m = apply(m, action::Next{});
  m = apply(m, action::Toggled{Box::Adult, true});
  m = apply(m, action::Toggled{Box::Terms, true});
  m = apply(m, action::Next{});
  return m;
}

action::Response response(const Model& m, RequestKind kind, int status, std::string body) {
  return action::Response{kind, m.seq, status, std::move(body), 0, ""};
}

}  // namespace

SCENARIO("the buyer walks through review, details and confirmations") {
  GIVEN("a plan chosen with Buy") {
    std::vector<Effect> fx;
    Model m = apply({}, action::Open{"jp-5gb", Currency::EUR, "fr"}, &fx);
    THEN("the review step shows and the session is saved") {
      CHECK(m.step == Step::Review);
      CHECK(m.plan_id == "jp-5gb");
      CHECK(m.currency == Currency::EUR);
      REQUIRE(find_effect<effect::SaveSession>(fx));
      CHECK(count_effects<effect::Http>(fx) == 0);
    }
    WHEN("the buyer continues to the details and types an invalid e-mail") {
      m = apply(m, action::Next{});
      REQUIRE(m.step == Step::Details);
      m = apply(m, action::FieldChanged{Field::Email, "ada@example"});
      m = apply(m, action::FieldChanged{Field::EmailConfirm, "ada@example"});
      m = apply(m, action::FieldChanged{Field::Name, "Ada"});
      m = apply(m, action::Next{}, &fx);
      THEN("the step stays, the error is shown inline and nothing is sent") {
        CHECK(m.step == Step::Details);
        CHECK(m.show_errors);
        CHECK(m.errors.email == ContactProblem::BadDomain);
        CHECK(count_effects<effect::Http>(fx) == 0);
      }
      AND_WHEN("the address is fixed but the confirmation differs") {
        m = apply(m, action::FieldChanged{Field::Email, "ada@example.com"});
        m = apply(m, action::Next{});
        THEN("the mismatch is reported") {
          CHECK(m.step == Step::Details);
          CHECK(m.errors.email == ContactProblem::None);
          CHECK(m.errors.email_mismatch);
        }
      }
    }
    WHEN("the details are valid (the phone in a typed form)") {
      m = apply(m, action::Next{});
      m = with_details(m);
      m = apply(m, action::Next{});
      THEN("the confirmations follow, nothing ticked, marketing included") {
        CHECK(m.step == Step::Confirmations);
        CHECK_FALSE(m.details.adult);
        CHECK_FALSE(m.details.terms);
        CHECK_FALSE(m.details.marketing);
      }
      AND_WHEN("the buyer continues without ticking anything") {
        m = apply(m, action::Next{});
        THEN("age and terms are required; marketing is not") {
          CHECK(m.step == Step::Confirmations);
          CHECK(m.errors.adult_missing);
          CHECK(m.errors.terms_missing);
        }
      }
      AND_WHEN("age and terms are ticked") {
        m = apply(m, action::Toggled{Box::Adult, true});
        m = apply(m, action::Toggled{Box::Terms, true});
        m = apply(m, action::Next{});
        THEN("the payment step is reached") { CHECK(m.step == Step::Payment); }
        AND_WHEN("the buyer goes back twice") {
          m = apply(m, action::Back{});
          m = apply(m, action::Back{});
          THEN("the details step shows what was typed") {
            CHECK(m.step == Step::Details);
            CHECK(m.details.name == "Ada  Lovelace");
          }
        }
      }
    }
  }
}

SCENARIO("the order carries the page's consent id only together with its key") {
  const std::string id = "0b6f1c2e-9a1d-4c55-8f0e-3a2b1c0d9e8f", key = "7c1e8a52-41d3-4f0a-9b6e-5d2c3b4a1f00";
  const auto pay_with = [](const std::string& record) {
    std::vector<Effect> fx;
    apply(at_payment(), action::Pay{kKey, record}, &fx);
    const auto* h = find_effect<effect::Http>(fx);
    REQUIRE(h);
    return h->body;
  };
  GIVEN("a consent record with an id and a key") {
    const std::string body = pay_with(R"({"consent_id":")" + id + R"(","consent_key":")" + key + R"(","x":1})");
    THEN("both go in the order body") {
      CHECK(body.find(R"("consent_id":")" + id + '"') != std::string::npos);
      CHECK(body.find(R"("consent_key":")" + key + '"') != std::string::npos);
    }
  }
  GIVEN("no record, a record without a key, a malformed key or a record that is not JSON") {
    for (const std::string& record : {std::string(), R"({"consent_id":")" + id + R"("})",
                                     R"({"consent_id":")" + id + R"(","consent_key":"short"})",
                                     R"({"consent_id":")" + id + R"(","consent_key":"has a space in it, see"})",
                                     std::string("{\"consent_id\":"), std::string("[1,2]")}) {
      const std::string body = pay_with(record);
      CAPTURE(record);
      THEN("the body names no consent id and no key") {
        CHECK(body.find("consent_id") == std::string::npos);
        CHECK(body.find("consent_key") == std::string::npos);
      }
    }
  }
}

SCENARIO("paying creates one order and one payment, whatever the clicks") {
  GIVEN("a buyer on the payment step") {
    Model m = at_payment();
    REQUIRE(m.step == Step::Payment);
    std::vector<Effect> fx;
    WHEN("Pay is pressed") {
      m = apply(m, action::Pay{kKey}, &fx);
      const auto* h = find_effect<effect::Http>(fx);
      THEN("the order is requested with the key, normalized details, and no price") {
        REQUIRE(h);
        CHECK(h->method == "POST");
        CHECK(h->url == "/api/orders");
        CHECK(header(*h, "Idempotency-Key") == kKey);
        CHECK(h->body.find(R"("email":"Ada@example.com")") != std::string::npos);
        CHECK(h->body.find(R"("name":"Ada Lovelace")") != std::string::npos);
        CHECK(h->body.find(R"("phone":"+4915112345678")") != std::string::npos);
        // the terms of sale in force (core/policy.hpp), not the privacy policy's version (issue 15)
        CHECK(h->body.find(R"("terms_version":")" + std::string(jupiter::kTermsVersion) + "\"") != std::string::npos);
        CHECK(h->body.find(R"("marketing":false)") != std::string::npos);
        CHECK(h->body.find("price") == std::string::npos);
        CHECK(h->body.find("amount") == std::string::npos);
        CHECK(m.busy == Busy::CreatingOrder);
      }
      THEN("the key is saved before the request leaves") {
        REQUIRE(fx.size() == 2);
        const auto* saved = std::get_if<effect::SaveSession>(&fx[0]);
        REQUIRE(saved);
        CHECK(saved->record.find(kKey) != std::string::npos);
        CHECK(std::holds_alternative<effect::Http>(fx[1]));
      }
      AND_WHEN("Pay is pressed again before the answer") {
        m = apply(m, action::Pay{kKey2}, &fx);
        THEN("nothing else is sent") {
          CHECK(fx.empty());
          CHECK(m.key == kKey);
        }
      }
      AND_WHEN("the order is created") {
        m = apply(m, response(m, RequestKind::CreateOrder, 201, created_json()), &fx);
        const auto* pay = find_effect<effect::Http>(fx);
        THEN("the payment session is asked for with the order's token") {
          REQUIRE(pay);
          CHECK(pay->url == "/api/orders/ord_1/payment");
          CHECK(header(*pay, "Authorization") == "Bearer " + kToken);
          CHECK(m.order_id == "ord_1");
          CHECK(m.busy == Busy::StartingPayment);
        }
        AND_WHEN("the processor's session comes back") {
          m = apply(m, response(m, RequestKind::StartPayment, 200, kSession), &fx);
          THEN("the browser is sent to the processor's page and stays busy") {
            const auto* nav = find_effect<effect::Navigate>(fx);
            REQUIRE(nav);
            CHECK(nav->url == "http://127.0.0.1:9100/pay/cs_1");
            CHECK(m.busy == Busy::Redirecting);
            m = apply(m, action::Pay{kKey2}, &fx);
            CHECK(fx.empty());
          }
        }
        AND_WHEN("the session answer is a bad body") {
          m = apply(m, response(m, RequestKind::StartPayment, 200, R"({"checkout_url":"javascript:x"})"), &fx);
          THEN("no navigation happens and the problem is shown") {
            CHECK(count_effects<effect::Navigate>(fx) == 0);
            CHECK(m.problem == Problem::BadResponse);
            CHECK(m.busy == Busy::Idle);
          }
        }
      }
      AND_WHEN("the answer is lost and Pay is pressed again with the same details") {
        m = apply(m, action::Response{RequestKind::CreateOrder, m.seq, 0, "", 0, "Failed to fetch"});
        REQUIRE(m.problem == Problem::Network);
        m = apply(m, action::Pay{kKey2}, &fx);
        THEN("the same key is sent again, so the server can only return the same order") {
          const auto* again = find_effect<effect::Http>(fx);
          REQUIRE(again);
          CHECK(header(*again, "Idempotency-Key") == kKey);
        }
      }
      AND_WHEN("the answer is lost and the buyer changes the e-mail") {
        m = apply(m, action::Response{RequestKind::CreateOrder, m.seq, 0, "", 0, "Failed to fetch"});
        m = apply(m, action::FieldChanged{Field::Email, "grace@example.com"});
        m = apply(m, action::FieldChanged{Field::EmailConfirm, "grace@example.com"});
        m = apply(m, action::Pay{kKey2}, &fx);
        THEN("a different body goes with a fresh key") {
          const auto* again = find_effect<effect::Http>(fx);
          REQUIRE(again);
          CHECK(header(*again, "Idempotency-Key") == kKey2);
        }
      }
    }
    WHEN("the store is offline") {
      m = apply(m, action::Connectivity{false});
      m = apply(m, action::Pay{kKey}, &fx);
      THEN("buying is refused before any request") {
        CHECK(count_effects<effect::Http>(fx) == 0);
        CHECK(m.problem == Problem::Offline);
      }
    }
    WHEN("the idempotency key offered is not usable") {
      m = apply(m, action::Pay{"short"}, &fx);
      THEN("no order is requested") { CHECK(count_effects<effect::Http>(fx) == 0); }
    }
  }
}

SCENARIO("the server refuses an order") {
  GIVEN("an order request on its way") {
    Model m = apply(at_payment(), action::Pay{kKey});
    std::vector<Effect> fx;
    WHEN("too many orders came from this address") {
      action::Response r = response(m, RequestKind::CreateOrder, 429,
                                    R"({"error":{"code":"rate_limited","message":"Slow down."}})");
      r.retry_after_s = 30;
      m = apply(m, r);
      THEN("the wait is shown") {
        CHECK(m.problem == Problem::RateLimited);
        CHECK(m.retry_after_s == 30);
        CHECK(m.busy == Busy::Idle);
      }
    }
    WHEN("the key was used with another body") {
      m = apply(m, response(m, RequestKind::CreateOrder, 409,
                            R"({"error":{"code":"idempotency_key_reused","message":"x"}})"));
      REQUIRE(m.problem == Problem::KeyReused);
      m = apply(m, action::Pay{kKey2}, &fx);
      THEN("the next Pay sends a fresh key") {
        const auto* h = find_effect<effect::Http>(fx);
        REQUIRE(h);
        CHECK(header(*h, "Idempotency-Key") == kKey2);
      }
    }
    WHEN("the server finds the e-mail invalid") {
      m = apply(m, response(m, RequestKind::CreateOrder, 400,
                            R"({"error":{"code":"invalid_email","message":"bad"}})"));
      THEN("the buyer is taken back to the details with the server's reason") {
        CHECK(m.step == Step::Details);
        CHECK(m.problem == Problem::Rejected);
        CHECK(m.api_code == "invalid_email");
      }
    }
    WHEN("the plan is no longer sold") {
      m = apply(m, response(m, RequestKind::CreateOrder, 422, R"({"error":{"code":"unknown_plan","message":"x"}})"));
      THEN("it says so") { CHECK(m.problem == Problem::UnknownPlan); }
    }
    WHEN("an answer to an older request arrives") {
      m = apply(m, action::Response{RequestKind::CreateOrder, m.seq + 7, 201, created_json(), 0, ""}, &fx);
      THEN("it is ignored") {
        CHECK(fx.empty());
        CHECK(m.busy == Busy::CreatingOrder);
        CHECK(m.order_id.empty());
      }
    }
    WHEN("the answer is not an order") {
      m = apply(m, response(m, RequestKind::CreateOrder, 201, "<html>oops</html>"), &fx);
      THEN("nothing more happens and it is reported") {
        CHECK(m.problem == Problem::BadResponse);
        CHECK(count_effects<effect::Http>(fx) == 0);
      }
    }
  }
}

SCENARIO("a reload in the middle of checkout resumes where the buyer was") {
  GIVEN("a buyer on the confirmations step with the session record saved") {
    Model m = apply({}, action::Open{"jp-5gb", Currency::GBP, "de"});
    m = apply(m, action::Next{});
    m = with_details(m);
    std::vector<Effect> fx;
    m = apply(m, action::Next{}, &fx);
    const auto* saved = find_effect<effect::SaveSession>(fx);
    REQUIRE(saved);
    WHEN("the page reloads") {
      Model fresh = apply({}, action::Resume{saved->record, "", "", ""}, &fx);
      THEN("the same step, plan, currency and details are back, with nothing sent") {
        CHECK(fresh.step == Step::Confirmations);
        CHECK(fresh.plan_id == "jp-5gb");
        CHECK(fresh.currency == Currency::GBP);
        CHECK(fresh.language == "de");
        CHECK(fresh.details == m.details);
        CHECK(count_effects<effect::Http>(fx) == 0);
      }
    }
    WHEN("the stored record is damaged") {
      std::string broken = saved->record;
      broken.resize(broken.size() / 2);
      Model fresh = apply({}, action::Resume{broken, "", "", ""}, &fx);
      THEN("the store starts without a checkout") { CHECK(fresh.step == Step::None); }
    }
  }
  GIVEN("a reload while the order request was on its way") {
    std::vector<Effect> fx;
    Model m = apply(at_payment(), action::Pay{kKey}, &fx);
    const std::string record = find_effect<effect::SaveSession>(fx)->record;
    Model fresh = apply({}, action::Resume{record, "", "", ""});
    WHEN("Pay is pressed again") {
      fresh = apply(fresh, action::Pay{kKey2}, &fx);
      THEN("the stored key goes again") {
        const auto* h = find_effect<effect::Http>(fx);
        REQUIRE(h);
        CHECK(header(*h, "Idempotency-Key") == kKey);
        CHECK(h->body == m.sent_body);
      }
    }
  }
}

SCENARIO("coming back from the processor's page") {
  GIVEN("a buyer who was sent to the processor") {
    Model m = apply(at_payment(), action::Pay{kKey});
    m = apply(m, response(m, RequestKind::CreateOrder, 201, created_json()));
    std::vector<Effect> fx;
    m = apply(m, response(m, RequestKind::StartPayment, 200, kSession), &fx);
    const std::string record = find_effect<effect::SaveSession>(fx)->record;

    WHEN("the processor reports success") {
      Model back = apply({}, action::Resume{record, "ord_1", "success", ""}, &fx);
      const auto* get = find_effect<effect::Http>(fx);
      THEN("the order page asks for the order with the stored token and shows the secret link in the address bar") {
        CHECK(back.step == Step::Order);
        REQUIRE(get);
        CHECK(get->method == "GET");
        CHECK(get->url == "/api/orders/ord_1");
        CHECK(header(*get, "Authorization") == "Bearer " + kToken);
        const auto* url = find_effect<effect::ReplaceUrl>(fx);
        REQUIRE(url);
        CHECK(url->url == "/?order=ord_1#t=" + kToken);
      }
      AND_WHEN("the webhook has not arrived yet") {
        back = apply(back, response(back, RequestKind::LoadOrder, 200, order_json("pending_payment", "open")), &fx);
        const auto* timer = find_effect<effect::StartTimer>(fx);
        THEN("it polls again after a second, then backs off") {
          REQUIRE(timer);
          CHECK(timer->ms == 1000);
          back = apply(back, action::PollDue{timer->timer}, &fx);
          REQUIRE(find_effect<effect::Http>(fx));
          back = apply(back, response(back, RequestKind::LoadOrder, 200, order_json("pending_payment", "open")), &fx);
          REQUIRE(find_effect<effect::StartTimer>(fx));
          CHECK(find_effect<effect::StartTimer>(fx)->ms == 1500);
        }
        AND_WHEN("an old timer fires") {
          back = apply(back, action::PollDue{timer->timer + 5}, &fx);
          THEN("nothing is sent") { CHECK(fx.empty()); }
        }
      }
      AND_WHEN("the order is paid, then provisioned, then delivered") {
        back = apply(back, response(back, RequestKind::LoadOrder, 200, order_json("paid", "succeeded")), &fx);
        THEN("polling goes on until delivery, then stops") {
          CHECK(back.order->state == OrderState::Paid);
          const auto* t1 = find_effect<effect::StartTimer>(fx);
          REQUIRE(t1);
          back = apply(back, action::PollDue{t1->timer});
          back = apply(back, response(back, RequestKind::LoadOrder, 200, order_json("provisioning", "succeeded")), &fx);
          const auto* t2 = find_effect<effect::StartTimer>(fx);
          REQUIRE(t2);
          CHECK(t2->ms == 1000);  // a new state starts the backoff again
          back = apply(back, action::PollDue{t2->timer});
          back = apply(back, response(back, RequestKind::LoadOrder, 200, order_json("delivered", "succeeded")), &fx);
          CHECK(back.order->state == OrderState::Delivered);
          CHECK(count_effects<effect::StartTimer>(fx) == 0);
        }
      }
      AND_WHEN("the eSIM was delivered and the buyer asks for the e-mail again, twice quickly") {
        back = apply(back, response(back, RequestKind::LoadOrder, 200, order_json("delivered", "succeeded")));
        back = apply(back, action::ResendEmail{}, &fx);
        const auto* h = find_effect<effect::Http>(fx);
        REQUIRE(h);
        CHECK(h->url == "/api/orders/ord_1/resend");
        CHECK(header(*h, "Authorization") == "Bearer " + kToken);
        back = apply(back, action::ResendEmail{}, &fx);
        CHECK(fx.empty());
        THEN("a rate limit is reported with its wait, a 202 as sent") {
          action::Response limited = response(back, RequestKind::Resend, 429, "");
          limited.retry_after_s = 60;
          Model after = apply(back, limited);
          CHECK(after.resend == Resend::RateLimited);
          CHECK(after.retry_after_s == 60);
          CHECK(after.problem == Problem::None);
          after = apply(back, response(back, RequestKind::Resend, 202, R"({"sent":true})"));
          CHECK(after.resend == Resend::Sent);
        }
      }
      AND_WHEN("the server does not know the order (or the token is wrong)") {
        back = apply(back, response(back, RequestKind::LoadOrder, 404, R"({"error":{"code":"not_found"}})"), &fx);
        THEN("it says so and stops asking") {
          CHECK(back.problem == Problem::NotFound);
          CHECK(count_effects<effect::StartTimer>(fx) == 0);
        }
      }
    }
    WHEN("the card was declined") {
      Model back = apply({}, action::Resume{record, "ord_1", "declined", ""});
      back = apply(back, response(back, RequestKind::LoadOrder, 200,
                                  order_json("pending_payment", "declined", R"("card_declined")")), &fx);
      THEN("the reason shows and polling stops") {
        REQUIRE(back.order);
        CHECK(back.order->payment.decline_reason == "card_declined");
        CHECK(count_effects<effect::StartTimer>(fx) == 0);
      }
      AND_WHEN("the buyer tries again") {
        back = apply(back, action::Pay{kKey2}, &fx);
        THEN("a new payment is requested for the same order") {
          const auto* h = find_effect<effect::Http>(fx);
          REQUIRE(h);
          CHECK(h->url == "/api/orders/ord_1/payment");
          CHECK(back.busy == Busy::StartingPayment);
        }
      }
    }
    WHEN("the buyer cancelled on the processor's page") {
      Model back = apply({}, action::Resume{record, "ord_1", "cancelled", ""}, &fx);
      THEN("the review step shows again, nothing is sent") {
        CHECK(back.step == Step::Review);
        CHECK(back.cancelled_note);
        CHECK(count_effects<effect::Http>(fx) == 0);
      }
      AND_WHEN("the buyer pays again with the same details") {
        back = apply(back, action::Next{});
        back = apply(back, action::Next{});
        back = apply(back, action::Next{});
        REQUIRE(back.step == Step::Payment);
        back = apply(back, action::Pay{kKey2}, &fx);
        THEN("the same order gets the payment: no second order") {
          REQUIRE(back.order_id == "ord_1");
          const auto* h = find_effect<effect::Http>(fx);
          REQUIRE(h);
          CHECK(h->url == "/api/orders/ord_1/payment");
        }
      }
    }
  }
}

SCENARIO("an order link opens the order page") {
  std::vector<Effect> fx;
  GIVEN("a link with its token in the fragment, in a new tab") {
    Model m = apply({}, action::Resume{"", "ord_1", "", "t=" + kToken}, &fx);
    THEN("the order is asked for with that token") {
      CHECK(m.step == Step::Order);
      const auto* h = find_effect<effect::Http>(fx);
      REQUIRE(h);
      CHECK(header(*h, "Authorization") == "Bearer " + kToken);
    }
  }
  GIVEN("a link without a token") {
    Model m = apply({}, action::Resume{"", "ord_1", "", ""}, &fx);
    THEN("it says the link is incomplete and sends nothing") {
      CHECK(m.problem == Problem::IncompleteLink);
      CHECK(count_effects<effect::Http>(fx) == 0);
    }
  }
  GIVEN("an order id that could break out of the URL path") {
    Model m = apply({}, action::Resume{"", "../admin", "", "t=" + kToken}, &fx);
    THEN("nothing is sent") {
      CHECK(m.problem == Problem::NotFound);
      CHECK(count_effects<effect::Http>(fx) == 0);
    }
  }
}

TEST_CASE("session records that are not ours are refused, never thrown on") {
  CHECK_FALSE(decode_session("").has_value());
  CHECK_FALSE(decode_session("null").has_value());
  CHECK_FALSE(decode_session(R"({"v":2,"step":"review","plan":"x","currency":"USD"})").has_value());
  CHECK_FALSE(decode_session(R"({"v":1,"step":"flying","plan":"x","currency":"USD"})").has_value());
  CHECK_FALSE(decode_session(R"({"v":1,"step":"review","plan":"x","currency":"USD","token":"a b"})").has_value());
  CHECK_FALSE(decode_session(R"({"v":1,"step":"review","plan":"x","currency":"USD","adult":"yes"})").has_value());
  CHECK_FALSE(decode_session(std::string(kMaxSessionBytes + 1, ' ')).has_value());
  const auto ok = decode_session(R"({"v":1,"step":"details","plan":"jp-5gb","currency":"USD","language":"xx"})");
  REQUIRE(ok.has_value());
  CHECK(ok->step == Step::Details);
  CHECK(ok->language == "en");
}

TEST_CASE("polls back off by half each time, up to ten seconds") {
  CHECK(poll_delay_ms(0) == 1000);
  CHECK(poll_delay_ms(1) == 1500);
  CHECK(poll_delay_ms(2) == 2250);
  CHECK(poll_delay_ms(6) == 10000);
  CHECK(poll_delay_ms(1000) == 10000);
}

TEST_CASE("links keep the token out of what the server logs for the page") {
  CHECK(order_link("ord_1", "abc") == "/?order=ord_1#t=abc");
  CHECK(receipt_link("ord_1", "abc") == "/orders/ord_1/receipt?token=abc");
}

SCENARIO("the store hands Buy to the checkout, and refuses it while offline") {
  GIVEN("a store whose catalogue the server confirmed") {
    const std::string body = fixtures::catalogue_json(fixtures::plan_json("jp-5gb", R"("JP")"));
    jupiter::Model app = jupiter::update({}, jupiter::action::Start{}).model;
    app = jupiter::update(std::move(app), jupiter::action::CatalogueResponse{200, body, "", "", 0}).model;
    REQUIRE(jupiter::buying_allowed(app));
    WHEN("Buy is pressed on a plan") {
      jupiter::Update u = jupiter::update(app, jupiter::action::BuyPlan{"jp-5gb"});
      THEN("the checkout opens on the review step in the store's currency, and its session record is saved") {
        CHECK(u.model.checkout.step == Step::Review);
        CHECK(u.model.checkout.currency == Currency::USD);
        bool saved = false;
        for (const auto& e : u.effects)
          if (auto c = std::get_if<Effect>(&e)) saved = saved || std::holds_alternative<effect::SaveSession>(*c);
        CHECK(saved);
      }
    }
    WHEN("Buy is pressed on a plan that does not exist") {
      jupiter::Update u = jupiter::update(app, jupiter::action::BuyPlan{"nope"});
      THEN("nothing opens") { CHECK(u.model.checkout.step == Step::None); }
    }
    WHEN("the browser went offline") {
      app = jupiter::update(std::move(app), jupiter::action::ConnectivityChanged{false}).model;
      jupiter::Update u = jupiter::update(app, jupiter::action::BuyPlan{"jp-5gb"});
      THEN("Buy does not open the checkout") { CHECK(u.model.checkout.step == Step::None); }
    }
    WHEN("the browser goes offline on the payment step") {
      jupiter::Model m = jupiter::update(app, jupiter::action::BuyPlan{"jp-5gb"}).model;
      m.checkout = at_payment();
      m = jupiter::update(std::move(m), jupiter::action::ConnectivityChanged{false}).model;
      jupiter::Update u = jupiter::update(std::move(m), Action{action::Pay{kKey}});
      THEN("Pay is refused with nothing sent") {
        CHECK(u.model.checkout.problem == Problem::Offline);
        for (const auto& e : u.effects)
          if (auto c = std::get_if<Effect>(&e)) CHECK_FALSE(std::holds_alternative<effect::Http>(*c));
      }
    }
  }
}

SCENARIO("the customer uses their data rights on the order page") {
  std::vector<Effect> fx;
  GIVEN("a delivered order opened from its link") {
    Model m = apply({}, action::Resume{"", "ord_1", "", "t=" + kToken});
    m = apply(m, response(m, RequestKind::LoadOrder, 200, order_json("delivered", "succeeded")));
    REQUIRE(m.order);
    WHEN("they download a copy of their data") {
      m = apply(m, action::Data{DataRequest::Download}, &fx);
      const auto* h = find_effect<effect::Http>(fx);
      REQUIRE(h);
      CHECK(h->method == "GET");
      CHECK(h->url == "/api/orders/ord_1/data");
      CHECK(header(*h, "Authorization") == "Bearer " + kToken);
      CHECK(count_effects<effect::Http>(fx) == 1);
      m = apply(m, action::Data{DataRequest::Download}, &fx);
      CHECK(fx.empty());  // one request at a time
      THEN("the answer is saved as a file, exactly as the server sent it") {
        m = apply(m, response(m, RequestKind::ExportData, 200, R"({"format":"x"})"), &fx);
        const auto* f = find_effect<effect::SaveFile>(fx);
        REQUIRE(f);
        CHECK(f->name == "jupiteresims-ord_1.json");
        CHECK(f->body == R"({"format":"x"})");
        CHECK(m.data == DataOutcome::Downloaded);
      }
      THEN("a failure is said, and nothing is saved") {
        m = apply(m, response(m, RequestKind::ExportData, 500, ""), &fx);
        CHECK(m.data == DataOutcome::Failed);
        CHECK(count_effects<effect::SaveFile>(fx) == 0);
      }
    }
    WHEN("they ask to delete their personal data") {
      m = apply(m, action::Data{DataRequest::AskErase}, &fx);
      THEN("nothing is sent before they confirm") {
        CHECK(m.confirming_erase);
        CHECK(fx.empty());
      }
      AND_WHEN("they change their mind") {
        m = apply(m, action::Data{DataRequest::CancelErase}, &fx);
        CHECK_FALSE(m.confirming_erase);
        CHECK(fx.empty());
        THEN("a stray confirmation does nothing") {
          m = apply(m, action::Data{DataRequest::ConfirmErase}, &fx);
          CHECK(fx.empty());
        }
      }
      AND_WHEN("they confirm") {
        m = apply(m, action::Data{DataRequest::ConfirmErase}, &fx);
        const auto* h = find_effect<effect::Http>(fx);
        REQUIRE(h);
        CHECK(h->method == "POST");
        CHECK(h->url == "/api/orders/ord_1/erase");
        THEN("the erased order replaces the shown one") {
          std::string erased = order_json("delivered", "succeeded");
          erased.replace(erased.find("ada@example.com"), 15, "");
          m = apply(m, response(m, RequestKind::Erase, 200, erased));
          CHECK(m.data == DataOutcome::Erased);
          CHECK(m.order->customer.email.empty());
        }
        THEN("a refusal (order in progress) is told apart from a failure") {
          m = apply(m, response(m, RequestKind::Erase, 409, R"({"error":{"code":"order_in_progress"}})"));
          CHECK(m.data == DataOutcome::Refused);
          CHECK(m.order->customer.email == "ada@example.com");
        }
        THEN("an answer about another order is refused") {
          std::string other = order_json("delivered", "succeeded");
          other.replace(other.find("ord_1"), 5, "ord_2");
          m = apply(m, response(m, RequestKind::Erase, 200, other));
          CHECK(m.data == DataOutcome::Failed);
          CHECK(m.order->id == "ord_1");
        }
      }
    }
    WHEN("they stop marketing messages") {
      m = apply(m, action::Data{DataRequest::StopMarketing}, &fx);
      const auto* h = find_effect<effect::Http>(fx);
      REQUIRE(h);
      CHECK(h->url == "/api/orders/ord_1/customer");
      CHECK(h->body == R"({"marketing":false})");
      m = apply(m, response(m, RequestKind::StopMarketing, 200, order_json("delivered", "succeeded")));
      THEN("it is confirmed") { CHECK(m.data == DataOutcome::MarketingStopped); }
    }
  }
  GIVEN("no order page") {
    Model m;
    m = apply(m, action::Data{DataRequest::Download}, &fx);
    THEN("nothing happens") { CHECK(fx.empty()); }
  }
}

SCENARIO("copying a manual detail and opening an install link are effects, with the outcome in the model") {
  std::vector<Effect> fx;
  GIVEN("an order page whose eSIM is not delivered yet") {
    Model m = apply({}, action::Resume{"", "ord_1", "", "t=" + kToken});
    m = apply(m, response(m, RequestKind::LoadOrder, 200, order_json("paid", "succeeded")));
    THEN("Copy and the install link do nothing") {
      apply(m, action::Copy{"code", "LPA:1$x$y"}, &fx);
      CHECK(fx.empty());
      apply(m, action::OpenLink{"https://esimsetup.apple.com/x"}, &fx);
      CHECK(fx.empty());
    }
  }
  GIVEN("a delivered order") {
    Model m = apply({}, action::Resume{"", "ord_1", "", "t=" + kToken});
    m = apply(m, response(m, RequestKind::LoadOrder, 200, order_json("delivered", "succeeded")));
    REQUIRE(m.order);
    WHEN("the buyer copies the activation code") {
      m = apply(m, action::Copied{"smdp", true});  // an earlier copy's feedback
      m = apply(m, action::Copy{"code", "LPA:1$x$y"}, &fx);
      const auto* c = find_effect<effect::CopyText>(fx);
      REQUIRE(c);
      CHECK(c->field == "code");
      CHECK(c->text == "LPA:1$x$y");
      CHECK(m.copied.empty());  // the earlier feedback is gone while this copy runs
      THEN("the outcome names the field, success or failure") {
        CHECK(apply(m, action::Copied{"code", true}).copied == "code");
        const Model failed = apply(m, action::Copied{"code", false});
        CHECK(failed.copied == "code");
        CHECK_FALSE(failed.copy_ok);
      }
    }
    WHEN("the buyer taps the one-tap install link") {
      apply(m, action::OpenLink{"https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=x"}, &fx);
      const auto* o = find_effect<effect::OpenUrl>(fx);
      REQUIRE(o);
      CHECK(o->url == "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=x");
      CHECK(count_effects<effect::OpenUrl>(fx) == 1);
    }
    WHEN("a copy names no field") {
      apply(m, action::Copy{"", "x"}, &fx);
      THEN("nothing is copied") { CHECK(fx.empty()); }
    }
  }
}
