#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/consent.hpp"
#include "core/consent_config.hpp"
#include "core/json_lite.hpp"

using namespace jupiter::consent;

namespace {

// A config written here, so the tests do not depend on the sample in assets/.
const char* const kConfigJson = R"({
  "schema": 1, "policy_version": "1.0", "revision": 1, "validity_days": 182,
  "categories": [
    {"id": "necessary", "name": "Necessary"}, {"id": "preferences", "name": "Preferences"},
    {"id": "analytics", "name": "Analytics"}, {"id": "marketing", "name": "Marketing"}],
  "services": [
    {"id": "consent-record", "category": "necessary", "name": "Cookie choices", "provider": "Us",
     "purpose": "Remembers choices", "cookies": ["jupiter_consent"], "storage": ["jupiter.consent"], "retention": "6 months"},
    {"id": "store-preferences", "category": "preferences", "name": "Store preferences", "provider": "Us",
     "purpose": "Currency", "storage": ["jupiter.prefs.*"], "retention": "12 months"},
    {"id": "sample-analytics", "category": "analytics", "name": "Sample analytics", "provider": "Sample",
     "purpose": "Counts", "cookies": ["_sa_id", "_sa_ses_*", "shared_id"], "retention": "13 months"},
    {"id": "heatmaps", "category": "analytics", "name": "Heatmaps", "provider": "Heat",
     "purpose": "Clicks", "cookies": ["_hm_*"], "storage": ["hm:*"], "retention": "1 month"},
    {"id": "partner-attribution", "category": "marketing", "name": "Partner attribution", "provider": "Partners",
     "purpose": "Commission", "cookies": ["jp_ref", "jp_click_*", "shared_id"], "retention": "30 days"}],
  "consent_mode": {"wait_for_update_ms": 500, "defaults": [
    {"granted": []},
    {"regions": ["ES", "FR"], "wait_for_update_ms": 1000},
    {"regions": ["US"], "granted": ["security_storage"]},
    {"regions": ["US-CA"]}]}
})";

constexpr std::int64_t kT0 = 1'772'323'200'000;  // 2026-03-01T00:00:00Z
constexpr const char* kId = "0b6f6a52-3c1e-4d8f-9a57-2f1d6a0c9e11";
constexpr const char* kOtherId = "77777777-3c1e-4d8f-9a57-2f1d6a0c9e11";

// A decoded config. Config is a view: the decodes are kept for the whole test run.
Config config(const std::string& text = kConfigJson) {
  static std::vector<ConfigDecode> kept;
  kept.push_back(decode_config(text));
  REQUIRE_MESSAGE(kept.back().ok, kept.back().error);
  return kept.back().config;
}

Record decided(const Config& cfg, Action action, std::int64_t now = kT0, const Record* previous = nullptr,
               bool gpc = false, const Choices& choices = {}, const char* id = kId) {
  Decision d = decide(cfg, previous, action, choices, now, id, "en", gpc);
  REQUIRE(d.ok());
  return d.record;
}

// Custom choices for the services of kConfigJson.
Choices custom(std::initializer_list<Category> cats, std::map<std::string, bool> services = {}) {
  Choices c;
  for (Category cat : cats) c.categories.set(cat, true);
  for (const auto& [id, on] : services) c.set_service(config(), id, on);
  return c;
}

// The granted services' ids (config order).
std::vector<std::string_view> ids(const Config& cfg, const Effective& e) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < cfg.services.size(); ++i)
    if (e.services[i]) out.push_back(cfg.services[i].id);
  return out;
}

// A record's choice for a service of cfg (false for an id cfg does not have).
bool service_choice(const Config& cfg, const Record& r, std::string_view id) {
  const int i = cfg.service_index(id);
  return i >= 0 && r.services[static_cast<std::size_t>(i)];
}

// should_remove over a list, as the consent module applies it: the names to delete, in order, without repeats.
std::vector<std::string> names_to_remove(const Config& cfg, const Effective& e, const std::vector<std::string>& present,
                                         StoreKind kind) {
  std::vector<std::string> out;
  for (const auto& name : present)
    if (should_remove(cfg, e, name, kind) && std::find(out.begin(), out.end(), name) == out.end())
      out.push_back(name);
  return out;
}

// Only necessary granted, for kConfigJson (whose one necessary service, consent-record, comes first).
bool only_necessary(const Effective& e) {
  return e.categories == CategorySet::only_necessary() && e.services == ServiceSet().set(0);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A valid encoded record with one field replaced (or removed when value is empty).
std::string record_with(const std::string& field, const std::string& value) {
  const Config cfg = config();
  auto j = nlohmann::json::parse(encode_record(cfg, decided(cfg, Action::Custom, kT0, nullptr, false,
                                                            custom({Category::Analytics}))));
  if (value.empty()) j.erase(field);
  else j[field] = nlohmann::json::parse(value);
  return j.dump();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Opt-in and the three first-layer choices
// ---------------------------------------------------------------------------------------------------------
SCENARIO("nothing but necessary is granted before the user decides") {
  const Config cfg = config();
  GIVEN("no stored record") {
    const Effective e = effective(cfg, nullptr, false, kT0);
    THEN("the record is not valid because there is none") {
      CHECK_FALSE(e.validity.valid);
      CHECK(e.validity.reason == Reason::NoRecord);
    }
    THEN("only necessary and its services are granted") {
      CHECK(only_necessary(e));
      CHECK(e.granted(Category::Necessary));
      CHECK_FALSE(e.granted(Category::Preferences));
      CHECK_FALSE(e.granted(Category::Analytics));
      CHECK_FALSE(e.granted(Category::Marketing));
      CHECK_FALSE(e.granted_service(cfg, "sample-analytics"));
    }
    THEN("GPC was not involved") {
      CHECK_FALSE(e.gpc_applied);
      CHECK_FALSE(e.gpc_overrode);
    }
  }
  GIVEN("an empty stored text (a first visit)") {
    const RecordDecode d = decode_record(cfg, "");
    CHECK(d.error == RecordError::Empty);
    CHECK(validity(cfg, d, kT0).reason == Reason::NoRecord);
    CHECK(only_necessary(effective(cfg, d, false, kT0)));
  }
}

SCENARIO("the user accepts all, rejects all or customizes") {
  const Config cfg = config();
  WHEN("the user accepts all") {
    const Record r = decided(cfg, Action::AcceptAll);
    const Effective e = effective(cfg, &r, false, kT0 + 1000);
    THEN("every category and service is granted") {
      CHECK(r.action == Action::AcceptAll);
      CHECK(r.categories == CategorySet::all());
      CHECK(e.validity.valid);
      CHECK(e.validity.reason == Reason::None);
      CHECK(e.categories == CategorySet::all());
      CHECK(ids(cfg, e) == std::vector<std::string_view>{"consent-record", "store-preferences", "sample-analytics",
                                                         "heatmaps", "partner-attribution"});
    }
    THEN("the record holds who, when and under which policy") {
      CHECK(r.schema == kRecordSchema);
      CHECK(r.consent_id == kId);
      CHECK(r.policy_version == "1.0");
      CHECK(r.revision == 1);
      CHECK(r.first_decision_ms == kT0);
      CHECK(r.last_decision_ms == kT0);
      CHECK(r.language == "en");
      CHECK_FALSE(r.gpc);
      CHECK(r.services.count() == cfg.services.size());
    }
  }
  WHEN("the user rejects all") {
    const Record r = decided(cfg, Action::RejectAll);
    const Effective e = effective(cfg, &r, false, kT0 + 1000);
    THEN("the rejection is a valid choice that grants only necessary") {
      CHECK(e.validity.valid);
      CHECK(only_necessary(e));
      CHECK(service_choice(cfg, r, "sample-analytics") == false);
      CHECK(service_choice(cfg, r, "consent-record") == true);
    }
  }
  WHEN("the user grants analytics but switches heatmaps off") {
    const Record r = decided(cfg, Action::Custom, kT0, nullptr, false,
                             custom({Category::Analytics}, {{"heatmaps", false}}));
    const Effective e = effective(cfg, &r, false, kT0);
    THEN("analytics is granted without the heatmaps service") {
      CHECK(e.granted(Category::Analytics));
      CHECK_FALSE(e.granted(Category::Marketing));
      CHECK_FALSE(e.granted(Category::Preferences));
      CHECK(e.granted_service(cfg, "sample-analytics"));
      CHECK_FALSE(e.granted_service(cfg, "heatmaps"));
    }
  }
  WHEN("the user switches a service on without its category") {
    const Record r = decided(cfg, Action::Custom, kT0, nullptr, false,
                             custom({}, {{"partner-attribution", true}, {"no-such-service", true}}));
    THEN("the service stays denied and unknown services are ignored") {
      CHECK(service_choice(cfg, r, "partner-attribution") == false);
      CHECK_FALSE(service_choice(cfg, r, "no-such-service"));
      CHECK(only_necessary(effective(cfg, &r, false, kT0)));
    }
  }
  WHEN("the user tries to switch necessary off") {
    Choices c = custom({});
    c.set_service(cfg, "consent-record", false);
    const Record r = decided(cfg, Action::Custom, kT0, nullptr, false, c);
    THEN("necessary stays granted") {
      CHECK(r.categories.has(Category::Necessary));
      CHECK(service_choice(cfg, r, "consent-record"));
    }
  }
  WHEN("choices are passed with accept all or reject all") {
    const Choices c = custom({Category::Marketing}, {{"sample-analytics", false}});
    THEN("they are ignored") {
      CHECK(service_choice(cfg, decided(cfg, Action::AcceptAll, kT0, nullptr, false, c), "sample-analytics"));
      CHECK(decided(cfg, Action::RejectAll, kT0, nullptr, false, c).categories == CategorySet::only_necessary());
    }
  }
}

TEST_CASE("a category the config does not have is never granted") {
  const Config cfg = config(R"({"schema":1,"policy_version":"1.0","revision":0,
    "categories":[{"id":"necessary","name":"N"},{"id":"analytics","name":"A"}],"services":[]})");
  const Record custom_r = decided(cfg, Action::Custom, kT0, nullptr, false, custom({Category::Marketing}));
  CHECK_FALSE(custom_r.categories.has(Category::Marketing));
  // accept_all records every category (its invariant), but effective() only grants the config's.
  const Record all = decided(cfg, Action::AcceptAll);
  const Effective e = effective(cfg, &all, false, kT0);
  CHECK(e.granted(Category::Analytics));
  CHECK_FALSE(e.granted(Category::Marketing));
}

TEST_CASE("decide reports bad input as values") {
  const Config cfg = config();
  CHECK(decide(cfg, nullptr, Action::Unknown, {}, kT0, kId, "en", false).error == DecideError::BadAction);
  CHECK(decide(cfg, nullptr, static_cast<Action>(9), {}, kT0, kId, "en", false).error == DecideError::BadAction);
  CHECK(decide(cfg, nullptr, Action::AcceptAll, {}, kT0, "", "en", false).error == DecideError::BadConsentId);
  CHECK(decide(cfg, nullptr, Action::AcceptAll, {}, kT0, "short", "en", false).error == DecideError::BadConsentId);
  CHECK(decide(cfg, nullptr, Action::AcceptAll, {}, kT0, "has space in it", "en", false).error ==
        DecideError::BadConsentId);
  CHECK(decide(cfg, nullptr, Action::AcceptAll, {}, -1, kId, "en", false).error == DecideError::BadTime);
  CHECK(decide(cfg, nullptr, Action::AcceptAll, {}, kMaxTimeMs + 1, kId, "en", false).error ==
        DecideError::BadTime);
  CHECK(decide(Config{}, nullptr, Action::AcceptAll, {}, kT0, kId, "en", false).error == DecideError::BadConfig);
  SUBCASE("a malformed language does not lose the decision") {
    const Decision d = decide(cfg, nullptr, Action::RejectAll, {}, kT0, kId, "<script>", false);
    REQUIRE(d.ok());
    CHECK(d.record.language == "und");
    CHECK(decide(cfg, nullptr, Action::RejectAll, {}, kT0, kId, std::string(100, 'a'), false).record.language ==
          "und");
    CHECK(decide(cfg, nullptr, Action::RejectAll, {}, kT0, kId, "pt-BR", false).record.language == "pt-BR");
  }
}

// ---------------------------------------------------------------------------------------------------------
// Validity: expiry, revision, policy
// ---------------------------------------------------------------------------------------------------------
SCENARIO("a decision lasts exactly the configured number of days") {
  const Config cfg = config();
  const std::int64_t days182 = 182 * kDayMs;
  GIVEN("an acceptance made at T0") {
    const Record r = decided(cfg, Action::AcceptAll);
    THEN("it is valid one millisecond before 182 days") {
      const Validity v = validity(cfg, &r, kT0 + days182 - 1);
      CHECK(v.valid);
      CHECK(v.expires_ms == kT0 + days182);
      CHECK(effective(cfg, &r, false, kT0 + days182 - 1).granted(Category::Analytics));
    }
    THEN("it has expired at exactly 182 days, and nothing optional is granted") {
      const Validity v = validity(cfg, &r, kT0 + days182);
      CHECK_FALSE(v.valid);
      CHECK(v.reason == Reason::Expired);
      CHECK(only_necessary(effective(cfg, &r, false, kT0 + days182)));
    }
    WHEN("the user decides again after 100 days") {
      const Record again = decided(cfg, Action::AcceptAll, kT0 + 100 * kDayMs, &r);
      THEN("the new decision counts from its own time, keeping the id and first time") {
        CHECK(validity(cfg, &again, kT0 + 100 * kDayMs + days182 - 1).valid);
        CHECK(validity(cfg, &again, kT0 + 100 * kDayMs + days182).reason == Reason::Expired);
        CHECK(again.first_decision_ms == kT0);
        CHECK(again.last_decision_ms == kT0 + 100 * kDayMs);
        CHECK(again.consent_id == kId);
      }
    }
  }
  GIVEN("a rejection made at T0") {
    const Record r = decided(cfg, Action::RejectAll);
    THEN("it lasts as long as an acceptance, so the banner does not nag") {
      CHECK(validity(cfg, &r, kT0 + days182 - 1).valid);
      CHECK(validity(cfg, &r, kT0 + days182).reason == Reason::Expired);
    }
  }
  GIVEN("a config with a 30-day validity") {
    Config short_cfg = cfg;
    short_cfg.validity_days = 30;
    const Record r = decided(short_cfg, Action::AcceptAll);
    CHECK(validity(short_cfg, &r, kT0 + 30 * kDayMs - 1).valid);
    CHECK(validity(short_cfg, &r, kT0 + 30 * kDayMs).reason == Reason::Expired);
  }
  GIVEN("a config without validity_days") {
    const Config d = config(R"({"schema":1,"policy_version":"1.0","revision":0,
      "categories":[{"id":"necessary","name":"N"}],"services":[]})");
    CHECK(d.validity_days == 182);
  }
}

TEST_CASE("a decision from the future is treated as tampered beyond one day of clock skew") {
  const Config cfg = config();
  const Record r = decided(cfg, Action::AcceptAll, kT0 + kDayMs);
  CHECK(validity(cfg, &r, kT0).valid);  // exactly one day ahead: a clock that is off
  const Record far = decided(cfg, Action::AcceptAll, kT0 + kDayMs + 1);
  CHECK(validity(cfg, &far, kT0).reason == Reason::Corrupt);
  CHECK(only_necessary(effective(cfg, &far, false, kT0)));
}

SCENARIO("a revision bump asks again and does not apply the old acceptance") {
  Config cfg = config();
  GIVEN("an acceptance under revision 1") {
    const Record r = decided(cfg, Action::AcceptAll);
    WHEN("the config moves to revision 2") {
      cfg.revision = 2;
      const Effective e = effective(cfg, &r, false, kT0 + 1000);
      THEN("the record is invalid because of the revision") {
        CHECK_FALSE(e.validity.valid);
        CHECK(e.validity.reason == Reason::RevisionChanged);
      }
      THEN("the old acceptance is not applied") { CHECK(only_necessary(e)); }
      AND_WHEN("the user rejects this time") {
        const Record again = decided(cfg, Action::RejectAll, kT0 + 2000, &r, false, {}, kOtherId);
        THEN("the new record carries revision 2, the same consent id and the first time") {
          CHECK(again.revision == 2);
          CHECK(again.consent_id == kId);
          CHECK(again.first_decision_ms == kT0);
          CHECK(validity(cfg, &again, kT0 + 2000).valid);
          CHECK(only_necessary(effective(cfg, &again, false, kT0 + 2000)));
        }
      }
    }
    WHEN("the config goes back to an older revision") {
      cfg.revision = 0;
      THEN("the record does not match either") { CHECK(validity(cfg, &r, kT0).reason == Reason::RevisionChanged); }
    }
  }
}

TEST_CASE("a policy version change asks again, and is reported before a revision change") {
  Config cfg = config();
  const Record r = decided(cfg, Action::AcceptAll);
  cfg.policy_version = "1.1";
  CHECK(validity(cfg, &r, kT0).reason == Reason::PolicyChanged);
  CHECK(only_necessary(effective(cfg, &r, false, kT0)));
  cfg.revision = 7;
  CHECK(validity(cfg, &r, kT0).reason == Reason::PolicyChanged);
}

// ---------------------------------------------------------------------------------------------------------
// Global Privacy Control
// ---------------------------------------------------------------------------------------------------------
SCENARIO("Global Privacy Control keeps analytics and marketing off unless the user opted in under it") {
  const Config cfg = config();
  GIVEN("no record and GPC on") {
    const Effective e = effective(cfg, nullptr, true, kT0);
    THEN("only necessary is granted and the banner says the signal applied") {
      CHECK(only_necessary(e));
      CHECK(e.gpc_applied);
      CHECK_FALSE(e.gpc_overrode);
    }
  }
  GIVEN("an expired acceptance and GPC on") {
    const Record r = decided(cfg, Action::AcceptAll);
    const Effective e = effective(cfg, &r, true, kT0 + 200 * kDayMs);
    CHECK(only_necessary(e));
    CHECK(e.gpc_applied);
  }
  GIVEN("an acceptance made while GPC was on (an explicit opt-in after the banner said so)") {
    const Record r = decided(cfg, Action::AcceptAll, kT0, nullptr, /*gpc=*/true);
    CHECK(r.gpc);
    const Effective e = effective(cfg, &r, true, kT0 + 1000);
    THEN("the explicit opt-in counts") {
      CHECK(e.categories == CategorySet::all());
      CHECK(e.granted_service(cfg, "partner-attribution"));
      CHECK_FALSE(e.gpc_applied);
      CHECK_FALSE(e.gpc_overrode);
    }
  }
  GIVEN("an acceptance made without GPC") {
    const Record r = decided(cfg, Action::AcceptAll);
    WHEN("the browser now sends GPC") {
      const Effective e = effective(cfg, &r, true, kT0 + 1000);
      THEN("analytics and marketing are denied, preferences stay, and the override is reported") {
        CHECK(e.validity.valid);
        CHECK(e.granted(Category::Preferences));
        CHECK(e.granted_service(cfg, "store-preferences"));
        CHECK_FALSE(e.granted(Category::Analytics));
        CHECK_FALSE(e.granted(Category::Marketing));
        CHECK_FALSE(e.granted_service(cfg, "sample-analytics"));
        CHECK_FALSE(e.granted_service(cfg, "partner-attribution"));
        CHECK(e.gpc_overrode);
        CHECK(e.gpc_applied);
      }
      THEN("the stored record itself is unchanged") { CHECK(r.categories == CategorySet::all()); }
    }
    WHEN("GPC is off again") {
      THEN("the acceptance applies again") { CHECK(effective(cfg, &r, false, kT0).categories == CategorySet::all()); }
    }
  }
  GIVEN("a rejection made without GPC, now GPC on") {
    const Record r = decided(cfg, Action::RejectAll);
    const Effective e = effective(cfg, &r, true, kT0);
    THEN("there was nothing to override") {
      CHECK(only_necessary(e));
      CHECK_FALSE(e.gpc_overrode);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Withdrawal and teardown
// ---------------------------------------------------------------------------------------------------------
SCENARIO("the user withdraws consent") {
  const Config cfg = config();
  GIVEN("an acceptance from ten days ago") {
    const Record accepted = decided(cfg, Action::AcceptAll);
    const std::vector<std::string> cookies = {"jupiter_consent", "_sa_id", "_sa_ses_42", "jp_ref", "jp_click_x",
                                              "shared_id", "unrelated", "_sa_id"};
    const std::vector<std::string> keys = {"jupiter.consent", "jupiter.prefs.currency", "hm:1", "other"};
    CHECK(names_to_remove(cfg, effective(cfg, &accepted, false, kT0), cookies, StoreKind::Cookie).empty());
    WHEN("the user withdraws") {
      const std::int64_t now = kT0 + 10 * kDayMs;
      const Record w = decided(cfg, Action::Withdraw, now, &accepted);
      const Effective e = effective(cfg, &w, false, now);
      THEN("it is a valid decision granting only necessary, so the banner does not come straight back") {
        CHECK(w.action == Action::Withdraw);
        CHECK(e.validity.valid);
        CHECK(only_necessary(e));
        CHECK(w.first_decision_ms == kT0);
        CHECK(w.last_decision_ms == now);
        CHECK(w.consent_id == kId);
      }
      THEN("every cookie and key of a denied service is torn down, ours are kept") {
        CHECK(names_to_remove(cfg, e, cookies, StoreKind::Cookie) ==
              std::vector<std::string>{"_sa_id", "_sa_ses_42", "jp_ref", "jp_click_x", "shared_id"});
        CHECK(names_to_remove(cfg, e, keys, StoreKind::Storage) ==
              std::vector<std::string>{"jupiter.prefs.currency", "hm:1"});
      }
    }
  }
}

TEST_CASE("teardown matches exact names and prefix patterns, and spares names a granted service uses") {
  const Config cfg = config();
  const Record r = decided(cfg, Action::Custom, kT0, nullptr, false,
                           custom({Category::Analytics}, {{"heatmaps", false}}));
  const Effective e = effective(cfg, &r, false, kT0);
  const std::vector<std::string> cookies = {"_sa_id", "_hm_abc", "_hm_", "_hm", "jp_ref", "jp_refX", "shared_id",
                                            "JP_REF", "jupiter_consent"};
  // _sa_id: sample-analytics is granted. _hm_abc and _hm_: heatmaps is off (the pattern's prefix may be all
  // of it). _hm: shorter than the prefix. jp_ref: marketing off. jp_refX: not an exact match. shared_id: used by
  // granted sample-analytics too. JP_REF: names are case-sensitive. jupiter_consent: necessary.
  CHECK(names_to_remove(cfg, e, cookies, StoreKind::Cookie) == std::vector<std::string>{"_hm_abc", "_hm_", "jp_ref"});
  SUBCASE("cookie patterns are not used for storage keys") {
    CHECK(names_to_remove(cfg, e, {"_hm_abc", "hm:x"}, StoreKind::Storage) == std::vector<std::string>{"hm:x"});
  }
  SUBCASE("with nothing granted, a shared name goes") {
    const Effective none = effective(cfg, nullptr, false, kT0);
    CHECK(names_to_remove(cfg, none, {"shared_id"}, StoreKind::Cookie) == std::vector<std::string>{"shared_id"});
  }
  SUBCASE("the matcher itself") {
    CHECK(pattern_matches("_ga_*", "_ga_ABC"));
    CHECK(pattern_matches("_ga_*", "_ga_"));
    CHECK_FALSE(pattern_matches("_ga_*", "_ga"));
    CHECK(pattern_matches("_ga", "_ga"));
    CHECK_FALSE(pattern_matches("_ga", "_ga_1"));
    CHECK_FALSE(pattern_matches("*", "anything"));
    CHECK_FALSE(pattern_matches("", ""));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Record codec
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("encoding then decoding gives the same record back") {
  const Config cfg = config();
  const Record first = decided(cfg, Action::AcceptAll);
  const Record records[] = {
      first,
      decided(cfg, Action::RejectAll, kT0 + 5, nullptr, true),
      decided(cfg, Action::Custom, kT0 + 7, &first, false, custom({Category::Preferences, Category::Marketing})),
      decided(cfg, Action::Withdraw, kT0 + 9, &first),
  };
  for (const Record& r : records) {
    CAPTURE(encode_record(cfg, r));
    const RecordDecode d = decode_record(cfg, encode_record(cfg, r));
    REQUIRE(d.ok());
    CHECK(d.record == r);
    CHECK(encode_record(cfg, d.record) == encode_record(cfg, r));
  }
  SUBCASE("unknown extra fields are ignored") {
    CHECK(decode_record(cfg, record_with("added_in_a_later_version", "[1,2]")).ok());
  }
  SUBCASE("the encoding names every field") {
    const auto j = nlohmann::json::parse(encode_record(cfg, first));
    for (const char* k : {"schema", "consent_id", "policy_version", "revision", "categories", "services",
                          "first_decision_ms", "last_decision_ms", "language", "gpc", "action"})
      CHECK_MESSAGE(j.contains(k), k);
    CHECK_FALSE(j.contains("expires"));  // validity is derived, never stored
  }
}

TEST_CASE("the consent key (the proof of holding the id) is kept across decisions, encoded, and checked") {
  const Config cfg = config();
  Record first = decided(cfg, Action::AcceptAll);
  CHECK(first.consent_key.empty());  // decide() leaves a fresh key to its caller (jc_decide)
  first.consent_key = "9d1f0c3a-7b2e-4e61-a5c8-0f1e2d3c4b5a";
  const Record later = decided(cfg, Action::Withdraw, kT0 + 9, &first);
  CHECK(later.consent_key.view() == first.consent_key.view());
  const RecordDecode d = decode_record(cfg, encode_record(cfg, later));
  REQUIRE(d.ok());
  CHECK(d.record == later);
  const Receipt receipt = build_receipt(cfg, later, "sha256-abc", "1.4.0");
  REQUIRE(receipt.ok());
  CHECK(nlohmann::json::parse(receipt.json)["consent_key"] == "9d1f0c3a-7b2e-4e61-a5c8-0f1e2d3c4b5a");
  SUBCASE("a record from before keys has none, and its receipt names none") {
    CHECK(nlohmann::json::parse(encode_record(cfg, decided(cfg, Action::RejectAll))).contains("consent_key") == false);
  }
  SUBCASE("a malformed key makes the stored record no consent") {
    for (const char* bad : {"\"short\"", "\"has spaces in it, sixteen+\"", "17"}) {
      CAPTURE(bad);
      CHECK_FALSE(decode_record(cfg, record_with("consent_key", bad)).ok());
    }
  }
  CHECK(valid_consent_key("abcdefghijklmnop"));
  CHECK_FALSE(valid_consent_key("abcdefghijklmno"));
  CHECK_FALSE(valid_consent_key(std::string(65, 'a')));
}

TEST_CASE("bad stored records are no consent, reported as values, never exceptions") {
  const Config cfg = config();
  struct Case {
    std::string name;
    std::string text;
    RecordError error;
  };
  const std::string huge(100000, 'x');
  const Case cases[] = {
      {"not JSON", "consent=yes", RecordError::NotJson},
      {"truncated", record_with("gpc", "false").substr(0, 40), RecordError::NotJson},
      {"invalid UTF-8", "{\"schema\":1,\"language\":\"\xff\"}", RecordError::NotJson},
      // Nesting beyond json_lite::kMaxDepth is refused outright: no recursion without a bound.
      {"deep nesting", std::string(5000, '[') + std::string(5000, ']'), RecordError::NotJson},
      {"deep nesting in a field", "{\"schema\":1,\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}",
       RecordError::NotJson},
      {"a repeated key", "{\"schema\":1,\"schema\":1}", RecordError::NotJson},
      {"a lone surrogate", "{\"schema\":1,\"language\":\"\\ud800\"}", RecordError::NotJson},
      {"an overlong UTF-8 slash", "{\"schema\":1,\"language\":\"\xc0\xaf\"}", RecordError::NotJson},
      {"a raw control character", "{\"schema\":1,\"language\":\"e\nn\"}", RecordError::NotJson},
      {"trailing garbage", record_with("gpc", "false") + "x", RecordError::NotJson},
      {"a trailing comma", "{\"schema\":1,}", RecordError::NotJson},
      {"a leading zero", record_with("revision", "1").replace(0, 1, "{\"pad\":01,"), RecordError::NotJson},
      {"an array", "[1]", RecordError::NotObject},
      {"a string", "\"accept_all\"", RecordError::NotObject},
      {"too large", "{\"pad\":\"" + huge + "\"}", RecordError::TooLarge},
      {"no schema", record_with("schema", ""), RecordError::UnknownSchema},
      {"schema 2", record_with("schema", "2"), RecordError::UnknownSchema},
      {"schema 0", record_with("schema", "0"), RecordError::UnknownSchema},
      {"schema as string", record_with("schema", "\"1\""), RecordError::UnknownSchema},
      {"schema as float", record_with("schema", "1.0"), RecordError::UnknownSchema},
      {"schema huge", record_with("schema", "18446744073709551615"), RecordError::UnknownSchema},
      {"missing consent_id", record_with("consent_id", ""), RecordError::MissingField},
      {"missing categories", record_with("categories", ""), RecordError::MissingField},
      {"missing services", record_with("services", ""), RecordError::MissingField},
      {"missing a category", record_with("categories", R"({"necessary":true,"preferences":false,"analytics":true})"),
       RecordError::MissingField},
      {"missing last decision", record_with("last_decision_ms", ""), RecordError::MissingField},
      {"null gpc", record_with("gpc", "null"), RecordError::WrongType},
      {"gpc as string", record_with("gpc", "\"false\""), RecordError::WrongType},
      {"revision as string", record_with("revision", "\"1\""), RecordError::WrongType},
      {"time as float", record_with("last_decision_ms", "1.5e12"), RecordError::WrongType},
      {"categories as list", record_with("categories", R"(["necessary"])"), RecordError::WrongType},
      {"category as number",
       record_with("categories", R"({"necessary":true,"preferences":1,"analytics":true,"marketing":false})"),
       RecordError::WrongType},
      {"service as string", record_with("services", R"({"sample-analytics":"yes"})"), RecordError::WrongType},
      {"unknown category",
       record_with("categories",
                   R"({"necessary":true,"preferences":false,"analytics":true,"marketing":false,"tracking":true})"),
       RecordError::Tampered},
      {"necessary off",
       record_with("categories", R"({"necessary":false,"preferences":false,"analytics":true,"marketing":false})"),
       RecordError::Tampered},
      {"unknown action", record_with("action", "\"accept_everything\""), RecordError::Tampered},
      {"reject that grants", record_with("action", "\"reject_all\""), RecordError::Tampered},
      {"withdraw that grants", record_with("action", "\"withdraw\""), RecordError::Tampered},
      {"accept_all that does not", record_with("action", "\"accept_all\""), RecordError::Tampered},
      {"huge consent id", record_with("consent_id", "\"" + huge + "\""), RecordError::TooLarge},
      {"long consent id", record_with("consent_id", "\"" + std::string(65, 'a') + "\""), RecordError::Tampered},
      {"consent id with markup", record_with("consent_id", R"("<img src=x onerror=alert(1)>")"),
       RecordError::Tampered},
      {"long language", record_with("language", "\"" + std::string(36, 'e') + "\""), RecordError::Tampered},
      {"empty policy", record_with("policy_version", "\"\""), RecordError::Tampered},
      {"negative revision", record_with("revision", "-1"), RecordError::Tampered},
      {"negative time", record_with("first_decision_ms", "-5"), RecordError::Tampered},
      {"time past year 9999", record_with("last_decision_ms", "253402300800000"), RecordError::Tampered},
      {"time beyond int64", record_with("last_decision_ms", "18446744073709551615"), RecordError::Tampered},
      {"first after last", record_with("first_decision_ms", std::to_string(kT0 + 1)), RecordError::Tampered},
      {"malformed service id", record_with("services", R"({"Bad Id":true})"), RecordError::Tampered},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    RecordDecode d;
    REQUIRE_NOTHROW(d = decode_record(cfg, c.text));
    CHECK(d.error == c.error);
    CHECK_FALSE(d.ok());
    CHECK(d.get() == nullptr);
    CHECK_FALSE(d.detail.empty());
    const Effective e = effective(cfg, d, false, kT0);
    CHECK(e.validity.reason == Reason::Corrupt);
    CHECK(only_necessary(e));
  }
  CHECK(record_error_name(RecordError::Tampered) == "tampered");
  CHECK(reason_name(Reason::RevisionChanged) == "revision_changed");
}

TEST_CASE("a record changed in memory is not trusted either") {
  const Config cfg = config();
  Record r = decided(cfg, Action::RejectAll);
  r.categories.set(Category::Marketing, true);  // a reject that grants marketing
  CHECK(validity(cfg, &r, kT0).reason == Reason::Corrupt);
  CHECK(only_necessary(effective(cfg, &r, false, kT0)));
  SUBCASE("and a new decision does not inherit its id") {
    r.consent_id = "x";
    CHECK(decided(cfg, Action::AcceptAll, kT0, &r, false, {}, kOtherId).consent_id == kOtherId);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Google Consent Mode
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("consent mode follows the effective categories") {
  const Config cfg = config();
  auto state_for = [&](const Choices& c) {
    const Record r = decided(cfg, Action::Custom, kT0, nullptr, false, c);
    return consent_mode_state(effective(cfg, &r, false, kT0));
  };
  SUBCASE("nothing chosen: only security storage") {
    const ConsentModeState s = consent_mode_state(effective(cfg, nullptr, false, kT0));
    for (ConsentType t : kConsentTypes) CHECK(s.granted(t) == (t == ConsentType::SecurityStorage));
    CHECK(consent_mode_json(s) ==
          R"({"ad_personalization":"denied","ad_storage":"denied","ad_user_data":"denied",)"
          R"("analytics_storage":"denied","functionality_storage":"denied","personalization_storage":"denied",)"
          R"("security_storage":"granted"})");
  }
  SUBCASE("preferences: functionality and personalization storage") {
    const ConsentModeState s = state_for(custom({Category::Preferences}));
    CHECK(s.granted(ConsentType::FunctionalityStorage));
    CHECK(s.granted(ConsentType::PersonalizationStorage));
    CHECK_FALSE(s.granted(ConsentType::AnalyticsStorage));
    CHECK_FALSE(s.granted(ConsentType::AdStorage));
  }
  SUBCASE("analytics: analytics storage only") {
    const ConsentModeState s = state_for(custom({Category::Analytics}));
    CHECK(s.granted(ConsentType::AnalyticsStorage));
    CHECK_FALSE(s.granted(ConsentType::AdStorage));
    CHECK_FALSE(s.granted(ConsentType::AdUserData));
    CHECK_FALSE(s.granted(ConsentType::FunctionalityStorage));
  }
  SUBCASE("marketing: the three ad signals") {
    const ConsentModeState s = state_for(custom({Category::Marketing}));
    CHECK(s.granted(ConsentType::AdStorage));
    CHECK(s.granted(ConsentType::AdUserData));
    CHECK(s.granted(ConsentType::AdPersonalization));
    CHECK_FALSE(s.granted(ConsentType::AnalyticsStorage));
  }
  SUBCASE("GPC over an old acceptance denies analytics and ads") {
    const Record r = decided(cfg, Action::AcceptAll);
    const ConsentModeState s = consent_mode_state(effective(cfg, &r, true, kT0));
    CHECK_FALSE(s.granted(ConsentType::AnalyticsStorage));
    CHECK_FALSE(s.granted(ConsentType::AdStorage));
    CHECK(s.granted(ConsentType::FunctionalityStorage));
  }
  SUBCASE("every type has a name that parses back") {
    for (ConsentType t : kConsentTypes) CHECK(parse_consent_type(consent_type_name(t)) == t);
  }
}

TEST_CASE("consent mode defaults are region-scoped, the most specific region winning") {
  const Config cfg = config();
  REQUIRE(cfg.consent_mode.size() == 4);
  const ConsentModeDefault es = consent_mode_default_for(cfg, "ES");
  CHECK(es.wait_for_update_ms == 1000);
  CHECK(std::vector<std::string_view>(es.regions.begin(), es.regions.end()) == std::vector<std::string_view>{"ES", "FR"});
  CHECK(consent_mode_default_for(cfg, "US").state.granted(ConsentType::SecurityStorage));
  CHECK(consent_mode_default_for(cfg, "US-NY").state.granted(ConsentType::SecurityStorage));  // by country
  CHECK_FALSE(consent_mode_default_for(cfg, "US-CA").state.granted(ConsentType::SecurityStorage));
  const ConsentModeDefault jp = consent_mode_default_for(cfg, "JP");  // the global entry
  CHECK(jp.regions.empty());
  CHECK(jp.wait_for_update_ms == 500);
  CHECK(consent_mode_default_for(Config{}, "JP").state == ConsentModeState{});
  CHECK(consent_mode_default_json(es) ==
        R"({"ad_personalization":"denied","ad_storage":"denied","ad_user_data":"denied",)"
        R"("analytics_storage":"denied","functionality_storage":"denied","personalization_storage":"denied",)"
        R"("region":["ES","FR"],"security_storage":"denied","wait_for_update":1000})");
}

// ---------------------------------------------------------------------------------------------------------
// Receipt
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("a receipt proves the decision and carries no personal data") {
  const Config cfg = config();
  const Record r = decided(cfg, Action::Custom, kT0, nullptr, true, custom({Category::Analytics}));
  const Receipt receipt = build_receipt(cfg, r, "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "1.4.0");
  REQUIRE(receipt.ok());
  const auto j = nlohmann::json::parse(receipt.json);
  std::set<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
  CHECK(keys == std::set<std::string>{"receipt_schema", "consent_id", "time_ms", "action", "categories", "services",
                                      "policy_version", "revision", "banner_hash", "ui_version", "language", "gpc"});
  for (const char* personal : {"email", "e_mail", "ip", "ip_address", "account", "account_id", "user_id", "name"})
    CHECK_MESSAGE(!j.contains(personal), personal);
  CHECK(j["consent_id"] == kId);
  CHECK(j["time_ms"] == kT0);
  CHECK(j["action"] == "custom");
  CHECK(j["categories"]["analytics"] == true);
  CHECK(j["categories"]["marketing"] == false);
  CHECK(j["services"]["sample-analytics"] == true);
  CHECK(j["policy_version"] == "1.0");
  CHECK(j["revision"] == 1);
  CHECK(j["gpc"] == true);
  CHECK(j["language"] == "en");
  CHECK(j["ui_version"] == "1.4.0");
  SUBCASE("bad input is refused, not sent") {
    CHECK(build_receipt(cfg, r, "", "1.4.0").error == ReceiptError::BadBannerHash);
    CHECK(build_receipt(cfg, r, "\"},{\"email\":\"a@b.c", "1.4.0").error == ReceiptError::BadBannerHash);
    CHECK(build_receipt(cfg, r, std::string(129, 'a'), "1.4.0").error == ReceiptError::BadBannerHash);
    CHECK(build_receipt(cfg, r, "abc", "").error == ReceiptError::BadUiVersion);
    CHECK(build_receipt(cfg, r, "abc", "1.4 beta").error == ReceiptError::BadUiVersion);
    CHECK(build_receipt(cfg, Record{}, "abc", "1.4.0").error == ReceiptError::BadRecord);
    CHECK(build_receipt(cfg, r, "abc", "1.4.0").ok());
  }
}

// ---------------------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the sample consent config in assets/ decodes and matches the policy") {
  const ConfigDecode d = decode_config(slurp(std::string(JUPITER_SOURCE_DIR) + "/assets/consent.json"));
  REQUIRE_MESSAGE(d.ok, d.error);
  const Config& cfg = d.config;
  CHECK(cfg.policy_version == "1.0");
  CHECK(cfg.revision == 1);
  CHECK(cfg.validity_days == 182);
  REQUIRE(cfg.categories.size() == 4);
  CHECK(cfg.categories[0].id == Category::Necessary);
  CHECK(cfg.categories[0].read_only());
  CHECK_FALSE(cfg.categories[1].read_only());
  REQUIRE(cfg.find_service("store-preferences"));
  CHECK(cfg.find_service("store-preferences")->category == Category::Preferences);
  REQUIRE(cfg.find_service("sample-analytics"));
  CHECK(cfg.find_service("sample-analytics")->category == Category::Analytics);
  REQUIRE(cfg.find_service("sample-ads"));
  CHECK(cfg.find_service("sample-ads")->category == Category::Marketing);
  for (const auto& s : cfg.services) {
    const std::string id(s.id);
    CAPTURE(id);
    CHECK_FALSE(s.retention.empty());
    CHECK((!s.cookies.empty() || !s.storage.empty()));
  }
  CHECK_FALSE(consent_mode_default_for(cfg, "DE").state.granted(ConsentType::AdStorage));
  SUBCASE("nothing is granted before a decision, and the record itself survives a withdrawal") {
    const Record r = decided(cfg, Action::Withdraw);
    const Effective e = effective(cfg, &r, false, kT0);
    CHECK(names_to_remove(cfg, e, {"jupiter_consent", "_sads_id"}, StoreKind::Cookie) ==
          std::vector<std::string>{"_sads_id"});
    CHECK(names_to_remove(cfg, e, {"jupiter.consent", "jupiter.prefs.lang"}, StoreKind::Storage) ==
          std::vector<std::string>{"jupiter.prefs.lang"});
  }
}

TEST_CASE("bad configs are refused as a whole, with the reason") {
  const std::string head = R"({"schema":1,"policy_version":"1.0","revision":1,)";
  const std::string cats = R"("categories":[{"id":"necessary","name":"N"},{"id":"analytics","name":"A"}])";
  auto svc = [](const std::string& extra) {
    return R"({"id":"s","category":"analytics","name":"S","provider":"P","purpose":"X","retention":"1 day")" + extra +
           "}";
  };
  struct Case {
    std::string name;
    std::string text;
    const char* reason;
  };
  const Case cases[] = {
      {"not JSON", "{", "not JSON"},
      {"not an object", "[]", "not an object"},
      {"wrong schema", R"({"schema":2})", "schema is out of range"},
      {"no policy version", R"({"schema":1,"revision":1,"categories":[],"services":[]})", "missing policy_version"},
      {"no necessary", head + R"("categories":[{"id":"analytics","name":"A"}],"services":[]})",
       "necessary is missing"},
      {"unknown category", head + R"("categories":[{"id":"necessary","name":"N"},{"id":"social","name":"S"}],"services":[]})",
       "unknown category"},
      {"duplicate category", head + R"("categories":[{"id":"necessary","name":"N"},{"id":"necessary","name":"N"}],"services":[]})",
       "duplicate category"},
      {"service in a missing category",
       head + cats + R"(,"services":[{"id":"s","category":"marketing","name":"S","provider":"P","purpose":"X","retention":"1"}]})",
       "not in categories"},
      {"duplicate service", head + cats + ",\"services\":[" + svc("") + "," + svc("") + "]}", "duplicate id"},
      {"bad service id", head + cats + R"(,"services":[{"id":"S S","category":"analytics","name":"S","provider":"P","purpose":"X","retention":"1"}]})",
       "id has characters"},
      {"star in the middle", head + cats + ",\"services\":[" + svc(R"(,"cookies":["_ga*x"])") + "]}", "bad pattern"},
      {"bare star", head + cats + ",\"services\":[" + svc(R"(,"cookies":["*"])") + "]}", "bad pattern"},
      {"cookies as string", head + cats + ",\"services\":[" + svc(R"(,"cookies":"_ga")") + "]}", "not a list"},
      {"no retention", head + cats + R"(,"services":[{"id":"s","category":"analytics","name":"S","provider":"P","purpose":"X"}]})",
       "missing retention"},
      {"validity of zero days", R"({"schema":1,"policy_version":"1.0","revision":1,"validity_days":0,)" + cats +
                                    R"(,"services":[]})",
       "validity_days is out of range"},
      {"default granting analytics",
       head + cats + R"(,"services":[],"consent_mode":{"defaults":[{"granted":["analytics_storage"]}]}})",
       "must default to denied"},
      {"two global defaults", head + cats + R"(,"services":[],"consent_mode":{"defaults":[{},{}]}})",
       "second global"},
      {"region twice", head + cats + R"(,"services":[],"consent_mode":{"defaults":[{"regions":["ES"]},{"regions":["ES"]}]}})",
       "in two defaults"},
      {"bad region code", head + cats + R"(,"services":[],"consent_mode":{"defaults":[{"regions":["spain"]}]}})",
       "bad code"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    ConfigDecode d;
    REQUIRE_NOTHROW(d = decode_config(c.text));
    CHECK_FALSE(d.ok);
    CHECK_MESSAGE(d.error.find(c.reason) != std::string::npos, d.error);
    CHECK(d.config.services.empty());
  }
}

// ---------------------------------------------------------------------------------------------------------
// json_lite: the small reader the consent codecs use (also in the consent WebAssembly module)
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("json_lite reads what the consent documents use, and decodes escapes") {
  using jupiter::json_lite::Members;
  using jupiter::json_lite::Value;
  using Type = Value::Type;
  const std::string text =
      " {\"s\":\"a\\\"b\\\\c\\/\\u00e9\\ud83d\\ude00\\n\",\"i\":-9223372036854775808,\"j\":9223372036854775807,"
      "\"big\":18446744073709551616,\"f\":1.5e3,\"t\":true,\"n\":null,\"a\":[1,[2],{}],\"o\":{\"k\":false},"
      "\"\\u0073chema\":1,\"twice\":1,\"twice\":2} ";
  REQUIRE(jupiter::json_lite::check_object(text, 1000) == jupiter::json_lite::Status::Ok);
  const Value d = Value::document(text);
  CHECK(d.find("s").text() == "a\"b\\c/\xc3\xa9\xf0\x9f\x98\x80\n");
  CHECK(d.find("i").integer() == INT64_MIN);
  CHECK(d.find("j").integer() == INT64_MAX);
  CHECK(d.find("big").is(Type::Int));
  CHECK(d.find("big").integer() == INT64_MAX);  // saturated: out of every range a decoder checks
  CHECK(d.find("f").is(Type::Number));
  CHECK(d.find("f").integer() == 0);
  CHECK(d.find("t").boolean());
  CHECK(d.find("n").is(Type::Null));
  std::vector<std::string> items;
  for (Members m(d.find("a")); m.next();) items.emplace_back(m.value().raw());
  CHECK(items == std::vector<std::string>{"1", "[2]", "{}"});
  CHECK_FALSE(d.find("o").find("k").boolean());
  CHECK(d.find("o").find("k").is(Type::Bool));
  CHECK(d.find("missing").is(Type::Missing));
  CHECK(d.find("a").find("x").is(Type::Missing));  // not an object
  CHECK(d.find("schema").integer() == 1);           // a key written with an escape is the same key
  bool duplicate = false;
  d.find("twice", &duplicate);
  CHECK(duplicate);
  duplicate = false;
  d.find("s", &duplicate);
  CHECK_FALSE(duplicate);
  SUBCASE("a key of any length is found, escaped or not (fuzz_json_reader found keys over 128 bytes missed)") {
    const std::string key(300, 'k');
    const std::string long_text = "{\"" + key + "\":1,\"\\u006b" + key + "\":2}";
    REQUIRE(jupiter::json_lite::check_object(long_text, 1000) == jupiter::json_lite::Status::Ok);
    const Value l = Value::document(long_text);
    CHECK(l.find(key).integer() == 1);
    CHECK(l.find("k" + key).integer() == 2);
    CHECK(l.find(key + "k" + "k").is(Type::Missing));
    CHECK(l.find(key.substr(1)).is(Type::Missing));
  }
  SUBCASE("decoding into a short buffer reports the whole length and never writes past it") {
    char buf[4] = {'x', 'x', 'x', 'x'};
    CHECK(d.find("s").decode(buf, 2) == 13);
    CHECK(std::string(buf, 4) == "a\"xx");
  }
}

TEST_CASE("json_lite refuses malformed, oversized and too deep input with a status") {
  using jupiter::json_lite::check_object;
  using jupiter::json_lite::Status;
  auto nested = [](int depth) { return "{\"x\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}"; };
  CHECK(check_object(nested(jupiter::json_lite::kMaxDepth), 100) == Status::Ok);
  CHECK(check_object(nested(jupiter::json_lite::kMaxDepth + 1), 100) == Status::NotJson);
  CHECK(check_object("{}", 1) == Status::TooLarge);
  CHECK(check_object("[]", 10) == Status::NotObject);
  for (const char* bad : {"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1 \"b\":2}", "{'a':1}", "{\"a\":tru}",
                          "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":.5}", "{\"a\":\"\\x\"}",
                          "{\"a\":\"\\u12\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}",
                          "{\"a\":\"\xe0\x80\x80\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xf4\x90\x80\x80\"}",
                          "{\"a\":\"\xc3\"}", "{\"a\":\"open}", "{\"a\":1}{", "{\"a\":[1,]}", "{\"a\":NaN}",
                          "{\"a\":01}", "{\"a\":1,}"}) {
    CAPTURE(bad);
    CHECK(check_object(bad, 100) == Status::NotJson);
  }
}

TEST_CASE("json_lite writes strings and integers that read back") {
  jupiter::json_lite::StringOut out;
  jupiter::json_lite::write_string(out, std::string("q\"b\\c\x01\x1f\xc3\xa9", 9));
  CHECK(out.text == "\"q\\\"b\\\\c\\u0001\\u001f\xc3\xa9\"");
  const std::string doc = "{\"k\":" + out.text + "}";
  REQUIRE(jupiter::json_lite::check_object(doc, 100) == jupiter::json_lite::Status::Ok);
  CHECK(jupiter::json_lite::Value::document(doc).find("k").text() == std::string("q\"b\\c\x01\x1f\xc3\xa9", 9));
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{7}, std::int64_t{-42}, INT64_MAX, INT64_MIN}) {
    jupiter::json_lite::StringOut s;
    jupiter::json_lite::write_int(s, v);
    CHECK(s.text == std::to_string(v));
  }
}

// ---------------------------------------------------------------------------------------------------------
// The built-in table (core/consent_config.hpp), and records across config changes
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the built-in config is the one in assets/, and passes every check") {
  const ConfigDecode d = decode_config(slurp(std::string(JUPITER_SOURCE_DIR) + "/assets/consent.json"));
  REQUIRE_MESSAGE(d.ok, d.error);
  CHECK(same_config(embedded_config(), d.config));
  SUBCASE("and the comparison can fail") {
    Config other = d.config;
    other.revision += 1;
    CHECK_FALSE(same_config(embedded_config(), other));
    const Config hand_made = config();
    CHECK_FALSE(same_config(embedded_config(), hand_made));
  }
}

TEST_CASE("a record names services by id: unknown ids are checked and ignored, new services start off") {
  const Config cfg = config();
  const Record accepted = decided(cfg, Action::AcceptAll);
  auto j = nlohmann::json::parse(encode_record(cfg, accepted));
  SUBCASE("a service the config no longer has") {
    j["services"]["retired-service"] = true;
    const RecordDecode d = decode_record(cfg, j.dump());
    REQUIRE(d.ok());
    CHECK(d.record == accepted);
  }
  SUBCASE("a service added to the config after the decision is not granted by it") {
    j["services"].erase("heatmaps");
    const RecordDecode d = decode_record(cfg, j.dump());
    REQUIRE(d.ok());
    const Effective e = effective(cfg, d, false, kT0);
    CHECK(e.granted(Category::Analytics));
    CHECK(e.granted_service(cfg, "sample-analytics"));
    CHECK_FALSE(e.granted_service(cfg, "heatmaps"));
  }
  SUBCASE("a service given twice, even spelled with an escape, is refused") {
    std::string text = j.dump();
    const std::string key = "\"heatmaps\":true";
    text.insert(text.find(key), "\"he\\u0061tmaps\":false,");
    CHECK(decode_record(cfg, text).error == RecordError::NotJson);
  }
}

TEST_CASE("an inline text keeps one byte too many of an over-long value, so no check accepts it") {
  InlineText<8> t = std::string_view("0123456789");
  CHECK(t.size() == 9);
  CHECK(t == "012345678");
  Record r = decided(config(), Action::RejectAll);
  r.consent_id = std::string(200, 'a');
  CHECK(r.consent_id.size() == 65);
  CHECK(validity(config(), &r, kT0).reason == Reason::Corrupt);
}

// ---------------------------------------------------------------------------------------------------------
// The head stub (web/consent-stub.js) runs before the module, so it carries the Consent Mode defaults itself.
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the head stub's Consent Mode defaults match the config, entry by entry") {
  const ConfigDecode d = decode_config(slurp(std::string(JUPITER_SOURCE_DIR) + "/assets/consent.json"));
  REQUIRE(d.ok);
  const std::string stub = slurp(std::string(JUPITER_SOURCE_DIR) + "/web/consent-stub.js");
  const auto begin = stub.find("BEGIN consent-mode-defaults");
  const auto end = stub.find("END consent-mode-defaults");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  std::vector<std::string> entries;
  std::istringstream lines(stub.substr(begin, end - begin));
  for (std::string line; std::getline(lines, line);) {
    const auto open = line.find('{');
    if (open == std::string::npos) continue;
    std::string entry = line.substr(open);
    if (!entry.empty() && entry.back() == ',') entry.pop_back();
    entries.push_back(entry);
  }
  REQUIRE(entries.size() == d.config.consent_mode.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CAPTURE(i);
    CHECK(entries[i] == consent_mode_default_json(d.config.consent_mode[i]));
  }
}
