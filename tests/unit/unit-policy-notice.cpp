// unit-policy-notice.cpp: the policy-change notice (core/policy_notice, issue 16): /api/policy's answer decodes and
// bad ones never abort; a first visit records the current version quietly; a returning visitor with an older one
// asks for the policy and then sees the notice once; OK records the current version; garbage is unknown.
#include <doctest/doctest.h>

#include <string>

#include "core/app.hpp"
#include "core/policy.hpp"
#include "core/policy_notice.hpp"

using namespace jupiter;
namespace pn = jupiter::policy_notice;
using pn::State;
namespace na = pn::action;
namespace ne = pn::effect;

namespace {

const char* kAnswer =
    R"({"version":"1.0","effective_date":"March 1, 2026","changes_since":"0.9",)"
    R"("changes":["Analytics is off until you allow it","Orders are kept 7 years"],"translations":["de"],"url":"/privacy"})";

template <class E>
const E* only_effect(const pn::Update& u) {
  return u.effects.size() == 1 ? std::get_if<E>(&u.effects[0]) : nullptr;
}

pn::Update returning(std::string seen) { return pn::update(pn::Model{}, na::Checked{std::move(seen)}, "1.0"); }

}  // namespace

TEST_CASE("the policy answer decodes: version, date and what changed") {
  const pn::PolicyInfo p = pn::decode_policy(kAnswer);
  REQUIRE(p.ok);
  CHECK(p.version == "1.0");
  CHECK(p.effective == "March 1, 2026");
  REQUIRE(p.changes.size() == 2);
  CHECK(p.changes[1] == "Orders are kept 7 years");
  const pn::PolicyInfo none = pn::decode_policy(R"({"version":"1.0","effective_date":"March 1, 2026","changes":[]})");
  CHECK(none.ok);
  CHECK(none.changes.empty());
}

TEST_CASE("bad policy answers give ok == false with nothing half read, and never abort") {
  for (const char* bad : {"", "junk", "<html>", "[]", "null", "42", "{", R"({"version":1})",
                          R"({"version":"1.0"})", R"({"version":"x.y","effective_date":"March 1, 2026"})",
                          R"({"version":"1.0","effective_date":"","changes":[]})",
                          R"({"version":"1.0","effective_date":"March 1, 2026","changes":"all"})",
                          R"({"version":"1.0","effective_date":"March 1, 2026","changes":[1,2]})",
                          "{\"version\":\"1.0\",\"effective_date\":\"\xff\xfe\"}"}) {
    CAPTURE(bad);
    const pn::PolicyInfo p = pn::decode_policy(bad);
    CHECK_FALSE(p.ok);
    CHECK_FALSE(p.error.empty());
    CHECK(p.effective.empty());
    CHECK(p.changes.empty());
  }
  CHECK_FALSE(pn::decode_policy(std::string(100'000, ' ') + "{}").ok);
}

TEST_CASE("a first visit shows nothing and records the current version") {
  const auto u = pn::update(pn::Model{}, na::Checked{std::nullopt}, "1.0");
  CHECK(u.model.state == State::Quiet);
  const auto* r = only_effect<ne::RememberSeen>(u);
  REQUIRE(r);
  CHECK(r->version == "1.0");
  SUBCASE("a stored version that is garbage is unknown: the same as nothing stored") {
    for (const char* junk : {"", "garbage", "1..0", ".1", "1.0 ", "<script>", "99999999999999999999999999999999999"}) {
      CAPTURE(junk);
      const auto g = returning(junk);
      CHECK(g.model.state == State::Quiet);
      CHECK(only_effect<ne::RememberSeen>(g));
    }
  }
}

TEST_CASE("a visitor who saw the current version sees nothing and nothing is fetched") {
  const auto u = returning("1.0");
  CHECK(u.model.state == State::Quiet);
  CHECK(u.effects.empty());
}

TEST_CASE("a returning visitor with an older version asks for the policy, then sees the notice once") {
  auto u = returning("0.9");
  REQUIRE(u.model.state == State::Asking);
  const auto* f = only_effect<ne::FetchPolicy>(u);
  REQUIRE(f);
  CHECK(f->url == "/api/policy");
  SUBCASE("the answer shows the date and the changes; OK records the current version") {
    u = pn::update(std::move(u.model), na::Answer{200, kAnswer}, "1.0");
    REQUIRE(u.model.state == State::Shown);
    CHECK(u.effects.empty());
    CHECK(u.model.effective == "March 1, 2026");
    CHECK(u.model.changes.size() == 2);
    CHECK(pn::update(u.model, na::Checked{"0.9"}, "1.0").effects.empty());  // asked once per visit
    u = pn::update(std::move(u.model), na::Dismissed{}, "1.0");
    CHECK(u.model.state == State::Quiet);
    CHECK(u.model.changes.empty());
    const auto* r = only_effect<ne::RememberSeen>(u);
    REQUIRE(r);
    CHECK(r->version == "1.0");
    CHECK(pn::update(u.model, na::Dismissed{}, "1.0").effects.empty());
  }
  SUBCASE("a failed, junk or other-version answer shows nothing and records nothing (the next visit asks again)") {
    for (const auto& answer : std::vector<std::pair<int, std::string>>{
             {0, ""}, {500, kAnswer}, {200, "junk"}, {200, R"({"version":"2.0","effective_date":"May 1, 2026"})"}}) {
      const int status = answer.first;  // not a structured binding: CAPTURE's lambda cannot name one in C++17
      const std::string& body = answer.second;
      CAPTURE(status);
      CAPTURE(body);
      const auto a = pn::update(u.model, na::Answer{status, body}, "1.0");
      CHECK(a.model.state == State::Quiet);
      CHECK(a.effects.empty());
    }
  }
}

TEST_CASE("the store's update passes the notice's actions and effects through, against kPolicyVersion") {
  Update u = jupiter::update(jupiter::Model{}, policy_notice::Action{na::Checked{std::nullopt}});
  REQUIRE(u.effects.size() == 1);
  const auto* pe = std::get_if<policy_notice::Effect>(&u.effects[0]);
  REQUIRE(pe);
  const auto* r = std::get_if<ne::RememberSeen>(pe);
  REQUIRE(r);
  CHECK(r->version == kPolicyVersion);
  CHECK(u.model.policy_notice.state == State::Quiet);
}
