// consent.cpp: the consent model, its config and record codecs, and the derived state.
//
// [SECTION] enum mappings
// [SECTION] small checks (ids, tags, patterns)
// [SECTION] config decoding (never throws: parse without exceptions, check every type before reading it)
// [SECTION] record invariants and codec
// [SECTION] decide
// [SECTION] validity and effective state
// [SECTION] Consent Mode
// [SECTION] receipt
// [SECTION] teardown
#include "core/consent.hpp"
#include "core/json_lite.hpp"

#include <algorithm>
#include <deque>
#include <utility>

namespace jupiter::consent {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] enum mappings
// ---------------------------------------------------------------------------------------------------------
std::optional<Category> parse_category(std::string_view s) {
  for (Category c : kCategories)
    if (category_name(c) == s) return c;
  return std::nullopt;
}

std::string_view category_name(Category c) {
  switch (c) {
    case Category::Necessary: return "necessary";
    case Category::Preferences: return "preferences";
    case Category::Analytics: return "analytics";
    case Category::Marketing: return "marketing";
    case Category::Unknown: break;
  }
  return "";
}

std::optional<Action> parse_action(std::string_view s) {
  for (Action a : {Action::AcceptAll, Action::RejectAll, Action::Custom, Action::Withdraw})
    if (action_name(a) == s) return a;
  return std::nullopt;
}

std::string_view action_name(Action a) {
  switch (a) {
    case Action::AcceptAll: return "accept_all";
    case Action::RejectAll: return "reject_all";
    case Action::Custom: return "custom";
    case Action::Withdraw: return "withdraw";
    case Action::Unknown: break;
  }
  return "";
}

std::optional<ConsentType> parse_consent_type(std::string_view s) {
  for (ConsentType t : kConsentTypes)
    if (consent_type_name(t) == s) return t;
  return std::nullopt;
}

std::string_view consent_type_name(ConsentType t) {
  switch (t) {
    case ConsentType::AdStorage: return "ad_storage";
    case ConsentType::AnalyticsStorage: return "analytics_storage";
    case ConsentType::AdUserData: return "ad_user_data";
    case ConsentType::AdPersonalization: return "ad_personalization";
    case ConsentType::FunctionalityStorage: return "functionality_storage";
    case ConsentType::PersonalizationStorage: return "personalization_storage";
    case ConsentType::SecurityStorage: return "security_storage";
    case ConsentType::Unknown: break;
  }
  return "";
}

Category category_of(ConsentType t) {
  switch (t) {
    case ConsentType::SecurityStorage: return Category::Necessary;
    case ConsentType::FunctionalityStorage:
    case ConsentType::PersonalizationStorage: return Category::Preferences;
    case ConsentType::AnalyticsStorage: return Category::Analytics;
    case ConsentType::AdStorage:
    case ConsentType::AdUserData:
    case ConsentType::AdPersonalization: return Category::Marketing;
    case ConsentType::Unknown: break;
  }
  return Category::Unknown;
}

std::string_view record_error_name(RecordError e) {
  switch (e) {
    case RecordError::None: return "none";
    case RecordError::Empty: return "empty";
    case RecordError::TooLarge: return "too_large";
    case RecordError::NotJson: return "not_json";
    case RecordError::NotObject: return "not_object";
    case RecordError::UnknownSchema: return "unknown_schema";
    case RecordError::MissingField: return "missing_field";
    case RecordError::WrongType: return "wrong_type";
    case RecordError::Tampered: return "tampered";
  }
  return "";
}

std::string_view reason_name(Reason r) {
  switch (r) {
    case Reason::None: return "none";
    case Reason::NoRecord: return "no_record";
    case Reason::Corrupt: return "corrupt";
    case Reason::Expired: return "expired";
    case Reason::RevisionChanged: return "revision_changed";
    case Reason::PolicyChanged: return "policy_changed";
  }
  return "";
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] small checks (ids, tags, patterns)
// ---------------------------------------------------------------------------------------------------------
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

template <class Pred>
bool all_of(std::string_view s, std::size_t min_len, std::size_t max_len, Pred ok) {
  return s.size() >= min_len && s.size() <= max_len && std::all_of(s.begin(), s.end(), ok);
}

bool valid_service_id(std::string_view s) {
  return all_of(s, 1, 64, [](char c) { return is_lower_alnum(c) || c == '_' || c == '-'; });
}

bool valid_pattern(std::string_view p) {
  if (p.empty() || p.size() > 128) return false;
  const auto star = p.find('*');
  if (star == std::string_view::npos) return true;
  return star == p.size() - 1 && star > 0;
}

// "ES", "US-CA": two upper-case letters, optionally "-" and 1..3 upper-case letters or digits.
bool valid_region(std::string_view s) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (s.size() < 2 || !upper(s[0]) || !upper(s[1])) return false;
  if (s.size() == 2) return true;
  if (s.size() < 4 || s.size() > 6 || s[2] != '-') return false;
  return std::all_of(s.begin() + 3, s.end(), [&](char c) { return upper(c) || (c >= '0' && c <= '9'); });
}

bool valid_time(std::int64_t t) { return t >= 0 && t <= kMaxTimeMs; }

bool valid_policy_version(std::string_view s) {
  return all_of(s, 1, 32, [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace

bool valid_consent_id(std::string_view s) {
  return all_of(s, 8, 64, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

bool valid_consent_key(std::string_view s) {
  return all_of(s, 16, 64, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

bool valid_language(std::string_view s) {
  return !s.empty() && is_alpha(s[0]) && all_of(s, 1, 35, [](char c) { return is_alnum(c) || c == '-'; });
}

bool valid_banner_hash(std::string_view s) {
  return all_of(s, 1, 128, [](char c) {
    return is_alnum(c) || c == '+' || c == '/' || c == '=' || c == ':' || c == '_' || c == '-';
  });
}

bool valid_ui_version(std::string_view s) {
  return all_of(s, 1, 32, [](char c) { return is_alnum(c) || c == '.' || c == '_' || c == '+' || c == '-'; });
}

bool pattern_matches(std::string_view pattern, std::string_view name) {
  if (!pattern.empty() && pattern.back() == '*') {
    const auto prefix = pattern.substr(0, pattern.size() - 1);
    return !prefix.empty() && name.size() >= prefix.size() && name.substr(0, prefix.size()) == prefix;
  }
  return !pattern.empty() && pattern == name;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] config decoding
// ---------------------------------------------------------------------------------------------------------
const CategoryInfo* Config::find_category(Category c) const {
  for (const auto& info : categories)
    if (info.id == c) return &info;
  return nullptr;
}

int Config::service_index(std::string_view id) const {
  for (std::size_t i = 0; i < services.size(); ++i)
    if (services[i].id == id) return static_cast<int>(i);
  return -1;
}

const Service* Config::find_service(std::string_view id) const {
  const int i = service_index(id);
  return i < 0 ? nullptr : &services[static_cast<std::size_t>(i)];
}

namespace {

using json_lite::Members;
using json_lite::Value;
using Type = json_lite::Value::Type;

inline constexpr std::size_t kMaxConfigBytes = 1024u * 1024u;
inline constexpr std::size_t kMaxPatterns = 32;

std::string num(std::size_t n) {
  json_lite::StringOut s;
  json_lite::write_int(s, static_cast<std::int64_t>(n));
  return std::move(s.text);
}

// What a decoded Config views. Texts live in a deque (its elements never move); each list is filled completely
// before a Span views it.
struct ConfigStorage {
  std::deque<std::string> texts;
  std::deque<std::vector<std::string_view>> lists;
  std::vector<CategoryInfo> categories;
  std::vector<Service> services;
  std::vector<ConsentModeDefault> defaults;

  std::string_view keep(std::string text) { return texts.emplace_back(std::move(text)); }
  Span<std::string_view> keep(std::vector<std::string_view> list) {
    const auto& kept = lists.emplace_back(std::move(list));
    return {kept.data(), kept.size()};
  }
};

// Reads the fields of one config object, keeping the first problem (prefixed with where it is); never throws.
class Reader {
 public:
  Reader(Value obj, std::string where, ConfigStorage& storage) : obj_(obj), where_(std::move(where)), st_(storage) {
    if (!obj.is(Type::Object)) fail("not an object");
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = where_.empty() ? why : where_ + ": " + why;
  }

  // The field, or Missing when absent or null (a problem when required).
  Value field(const char* name, bool required) {
    bool duplicate = false;
    Value v = obj_.find(name, &duplicate);
    if (duplicate) fail(std::string(name) + " is given twice");
    if (v.is(Type::Null)) v = Value();
    if (v.is(Type::Missing) && required) fail(std::string("missing ") + name);
    return v;
  }
  // A string of at most max_len bytes; a required one must not be empty.
  std::string string(const char* name, bool required, std::size_t max_len) {
    const Value v = field(name, required);
    if (v.is(Type::Missing)) return {};
    std::string text = v.text();
    if (!v.is(Type::String)) fail(std::string(name) + " is not a string");
    else if (text.size() > max_len) fail(std::string(name) + " is too long (at most " + num(max_len) + " bytes)");
    else if (required && text.empty()) fail(std::string(name) + " is empty");
    else return text;
    return {};
  }
  std::string_view kept_string(const char* name, bool required, std::size_t max_len) {
    return st_.keep(string(name, required, max_len));
  }
  // An integer in lo..hi; `fallback` when absent (required when there is none).
  std::int64_t integer(const char* name, std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> fallback) {
    const Value v = field(name, !fallback);
    if (v.is(Type::Missing)) return fallback.value_or(0);
    if (!v.is(Type::Int)) fail(std::string(name) + " is not an integer");
    else if (v.integer() < lo || v.integer() > hi) fail(std::string(name) + " is out of range");
    else return v.integer();
    return 0;
  }
  // A list of at most max_items strings, each passing `ok`.
  template <class Pred>
  std::vector<std::string> strings(const char* name, std::size_t max_items, Pred ok_item, const char* what) {
    std::vector<std::string> out;
    const Value v = field(name, false);
    if (v.is(Type::Missing)) return out;
    for (Members m(v); m.next() && ok();) {
      if (!m.value().is(Type::String) || !ok_item(m.value().text())) fail(std::string(name) + " has " + what);
      out.push_back(m.value().text());
    }
    if (!v.is(Type::Array) || out.size() > max_items)
      fail(std::string(name) + " is not a list of at most " + num(max_items) + " items");
    if (!ok()) out.clear();
    return out;
  }
  Span<std::string_view> kept_strings(const std::vector<std::string>& list) {
    std::vector<std::string_view> views;
    for (const auto& s : list) views.push_back(st_.keep(s));
    return st_.keep(std::move(views));
  }
  // Cookie / storage names: exact names or a prefix with one trailing '*'.
  Span<std::string_view> patterns(const char* name) {
    return kept_strings(
        strings(name, kMaxPatterns, valid_pattern, "a bad pattern (a name, or a prefix and one trailing *)"));
  }

 private:
  Value obj_;
  std::string where_;
  ConfigStorage& st_;
  std::string error_;
};

std::string at(const char* list, std::size_t i) { return std::string(list) + "[" + num(i) + "]"; }

// The categories already decoded, as a Config can see them.
Config so_far(const ConfigStorage& st) {
  Config c;
  c.categories = {st.categories.data(), st.categories.size()};
  c.services = {st.services.data(), st.services.size()};
  return c;
}

std::string decode_category(Value j, const std::string& where, ConfigStorage& st) {
  Reader r(j, where, st);
  CategoryInfo info;
  const std::string id = r.string("id", true, 32);
  info.name = r.kept_string("name", true, 120);
  info.description = r.kept_string("description", false, 1000);
  if (r.ok()) {
    if (auto c = parse_category(id)) info.id = *c;
    else r.fail("unknown category \"" + id + "\"");
  }
  if (r.ok() && so_far(st).find_category(info.id)) r.fail("duplicate category");
  if (r.ok()) st.categories.push_back(info);
  return r.error();
}

std::string decode_service(Value j, const std::string& where, ConfigStorage& st) {
  Reader r(j, where, st);
  Service s;
  s.id = r.kept_string("id", true, 64);
  if (r.ok() && !valid_service_id(s.id)) r.fail("id has characters outside [a-z0-9_-]");
  const std::string category = r.string("category", true, 32);
  if (r.ok()) {
    auto c = parse_category(category);
    if (!c) r.fail("unknown category \"" + category + "\"");
    else if (!so_far(st).find_category(*c)) r.fail("category \"" + category + "\" is not in categories");
    else s.category = *c;
  }
  s.name = r.kept_string("name", true, 120);
  s.provider = r.kept_string("provider", true, 120);
  s.purpose = r.kept_string("purpose", true, 1000);
  s.cookies = r.patterns("cookies");
  s.storage = r.patterns("storage");
  s.retention = r.kept_string("retention", true, 120);
  if (r.ok() && so_far(st).find_service(s.id)) r.fail("duplicate id \"" + std::string(s.id) + "\"");
  if (r.ok()) st.services.push_back(s);
  return r.error();
}

std::string decode_mode_default(Value j, int wait_ms, const std::string& where, ConfigStorage& st,
                                std::vector<std::string>& regions_seen, bool& global_seen) {
  Reader r(j, where, st);
  ConsentModeDefault d;
  d.wait_for_update_ms = static_cast<int>(r.integer("wait_for_update_ms", 0, 10000, wait_ms));
  const auto regions = r.strings("regions", 300, valid_region, "a bad code (\"ES\", \"US-CA\")");
  const auto granted = r.strings("granted", kConsentTypes.size(),
                                 [](std::string_view s) { return parse_consent_type(s).has_value(); },
                                 "an unknown consent type");
  for (const auto& name : granted) {
    const ConsentType t = *parse_consent_type(name);
    // Opt-in holds before the module runs too: a default may only grant what needs no consent.
    if (category_of(t) != Category::Necessary) {
      r.fail("granted has " + name + ", which needs consent and must default to denied");
      break;
    }
    d.state.set(t, true);
  }
  if (r.ok() && regions.empty() && std::exchange(global_seen, true)) r.fail("a second global default");
  for (const auto& code : regions) {
    if (r.ok() && std::find(regions_seen.begin(), regions_seen.end(), code) != regions_seen.end())
      r.fail("region " + code + " is in two defaults");
    regions_seen.push_back(code);
  }
  d.regions = r.kept_strings(regions);
  if (r.ok()) st.defaults.push_back(d);
  return r.error();
}

// The consent_mode object's defaults; "" or the first problem.
std::string decode_consent_mode(Value mode, ConfigStorage& st) {
  Reader m(mode, "consent_mode", st);
  const int wait_ms = static_cast<int>(m.integer("wait_for_update_ms", 0, 10000, 500));
  const Value defaults = m.field("defaults", false);
  if (m.ok() && !defaults.is(Type::Missing) && !defaults.is(Type::Array)) m.fail("defaults is not a list");
  if (!m.ok()) return m.error();
  std::vector<std::string> regions_seen;  // at most a few hundred codes: a list is smaller code than a set
  bool global_seen = false;
  std::size_t i = 0;
  for (Members item(defaults); item.next(); ++i) {
    std::string error = decode_mode_default(item.value(), wait_ms, "consent_mode." + at("defaults", i), st,
                                            regions_seen, global_seen);
    if (!error.empty()) return error;
  }
  return {};
}

std::string decode_config_into(std::string_view text, ConfigStorage& st, Config& cfg) {
  switch (json_lite::check_object(text, kMaxConfigBytes)) {
    case json_lite::Status::Ok: break;
    case json_lite::Status::TooLarge: return "too large (" + num(text.size()) + " bytes)";
    case json_lite::Status::NotJson: return "not JSON";
    case json_lite::Status::NotObject: return "not a consent config: the document is not an object";
  }
  Reader top(Value::document(text), "", st);
  cfg.schema = static_cast<int>(top.integer("schema", 1, 1, std::nullopt));
  cfg.policy_version = top.kept_string("policy_version", true, 32);
  if (top.ok() && !valid_policy_version(cfg.policy_version))
    top.fail("policy_version has characters outside [A-Za-z0-9._-]");
  cfg.revision = static_cast<int>(top.integer("revision", 0, 1'000'000'000, std::nullopt));
  cfg.validity_days = static_cast<int>(top.integer("validity_days", 1, 3650, 182));
  const Value categories = top.field("categories", true);
  const Value services = top.field("services", true);
  const Value mode = top.field("consent_mode", false);
  if (top.ok() && (!categories.is(Type::Array) || !services.is(Type::Array)))
    top.fail("categories and services must be lists");
  if (!top.ok()) return top.error();

  std::size_t i = 0;
  for (Members m(categories); m.next(); ++i)
    if (std::string error = decode_category(m.value(), at("categories", i), st); !error.empty()) return error;
  if (!so_far(st).find_category(Category::Necessary)) return "categories: necessary is missing";
  i = 0;
  for (Members m(services); m.next(); ++i) {
    if (i == kMaxServices) return "too many services (at most " + num(kMaxServices) + ")";
    if (std::string error = decode_service(m.value(), at("services", i), st); !error.empty()) return error;
  }
  if (!mode.is(Type::Missing))
    if (std::string error = decode_consent_mode(mode, st); !error.empty()) return error;
  cfg.categories = {st.categories.data(), st.categories.size()};
  cfg.services = {st.services.data(), st.services.size()};
  cfg.consent_mode = {st.defaults.data(), st.defaults.size()};
  return {};
}

}  // namespace

ConfigDecode decode_config(std::string_view text) {
  ConfigDecode out;
  auto storage = std::make_shared<ConfigStorage>();
  Config cfg;
  out.error = decode_config_into(text, *storage, cfg);
  out.ok = out.error.empty();
  if (out.ok) {
    out.config = cfg;
    out.storage = std::move(storage);
  }
  return out;
}

namespace {
bool same_list(Span<std::string_view> a, Span<std::string_view> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}
}  // namespace

bool same_config(const Config& a, const Config& b) {
  auto same_category = [](const CategoryInfo& x, const CategoryInfo& y) {
    return x.id == y.id && x.name == y.name && x.description == y.description;
  };
  auto same_service = [](const Service& x, const Service& y) {
    return x.id == y.id && x.category == y.category && x.name == y.name && x.provider == y.provider &&
           x.purpose == y.purpose && same_list(x.cookies, y.cookies) && same_list(x.storage, y.storage) &&
           x.retention == y.retention;
  };
  auto same_default = [](const ConsentModeDefault& x, const ConsentModeDefault& y) {
    return same_list(x.regions, y.regions) && x.state == y.state && x.wait_for_update_ms == y.wait_for_update_ms;
  };
  return a.schema == b.schema && a.policy_version == b.policy_version && a.revision == b.revision &&
         a.validity_days == b.validity_days &&
         std::equal(a.categories.begin(), a.categories.end(), b.categories.begin(), b.categories.end(),
                    same_category) &&
         std::equal(a.services.begin(), a.services.end(), b.services.begin(), b.services.end(), same_service) &&
         std::equal(a.consent_mode.begin(), a.consent_mode.end(), b.consent_mode.begin(), b.consent_mode.end(),
                    same_default);
}

ConsentModeDefault consent_mode_default_for(const Config& config, std::string_view region) {
  const std::string_view country = region.substr(0, std::min<std::size_t>(region.size(), 2));
  const ConsentModeDefault* global = nullptr;
  const ConsentModeDefault* by_country = nullptr;
  for (const auto& d : config.consent_mode) {
    if (d.regions.empty()) global = &d;
    for (const auto& r : d.regions) {
      if (r == region) return d;
      if (region.size() > 2 && r == country) by_country = &d;
    }
  }
  if (by_country) return *by_country;
  if (global) return *global;
  return ConsentModeDefault{};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] record invariants and codec
// ---------------------------------------------------------------------------------------------------------
// The details of a bad record (RecordDecode::detail) are for people: the server's error messages, the tests, the
// console. The consent module reports only the error kind, so its build (JUPITER_CONSENT_TERSE) leaves the texts
// out: a record problem is then still a non-empty "-".
#ifdef JUPITER_CONSENT_TERSE
#define JC_DETAIL(text) "-"
#else
#define JC_DETAIL(text) text
#endif
bool operator==(const Record& a, const Record& b) {
  return a.schema == b.schema && a.consent_id == b.consent_id && a.consent_key == b.consent_key &&
         a.policy_version == b.policy_version &&
         a.revision == b.revision && a.categories == b.categories && a.services == b.services &&
         a.first_decision_ms == b.first_decision_ms && a.last_decision_ms == b.last_decision_ms &&
         a.language == b.language && a.gpc == b.gpc && a.action == b.action;
}

std::size_t copy_cut(char* out, std::size_t capacity, std::string_view s) {
  const std::size_t n = s.size() < capacity ? s.size() : capacity;
  for (std::size_t i = 0; i < n; ++i) out[i] = s[i];
  return n;
}

void Choices::set_service(const Config& config, std::string_view id, bool value) {
  const int i = config.service_index(id);
  if (i < 0) return;
  overridden.set(static_cast<std::size_t>(i));
  on.set(static_cast<std::size_t>(i), value);
}

namespace {

// The first broken invariant of a record (see Record), or nullptr when it has none.
const char* record_problem(const Record& r) {
  if (r.schema != kRecordSchema) return JC_DETAIL("schema");
  if (!valid_consent_id(r.consent_id)) return JC_DETAIL("consent_id is malformed");
  if (!r.consent_key.empty() && !valid_consent_key(r.consent_key)) return JC_DETAIL("consent_key is malformed");
  if (!valid_policy_version(r.policy_version)) return JC_DETAIL("policy_version is malformed");
  if (r.revision < 0 || r.revision > 1'000'000'000) return JC_DETAIL("revision is out of range");
  if (!r.categories.has(Category::Necessary)) return JC_DETAIL("categories.necessary is not granted");
  if (action_name(r.action).empty()) return JC_DETAIL("action is unknown");
  if (r.action == Action::AcceptAll && r.categories != CategorySet::all())
    return JC_DETAIL("accept_all does not grant every category");
  if ((r.action == Action::RejectAll || r.action == Action::Withdraw) && r.categories != CategorySet::only_necessary())
    return JC_DETAIL("a reject or withdrawal grants more than necessary");
  if (!valid_time(r.first_decision_ms) || !valid_time(r.last_decision_ms)) return JC_DETAIL("a decision time is out of range");
  if (r.first_decision_ms > r.last_decision_ms) return JC_DETAIL("first_decision_ms is after last_decision_ms");
  if (!valid_language(r.language)) return JC_DETAIL("language is malformed");
  return nullptr;
}

// Reads the fields of a record object, keeping the first error kind and its detail.
class RecordReader {
 public:
  explicit RecordReader(Value obj) : obj_(obj) {}
  bool ok() const { return error_ == RecordError::None; }
  void fail(RecordError e, const char* detail) {
    if (ok()) error_ = e, detail_ = detail;
  }
  RecordError result(const char*& detail) const { return detail = detail_, error_; }

  // The field of the given type, or Missing after recording why not (detail: `name`).
  Value field(const char* name, Type type) {
    bool duplicate = false;
    const Value v = obj_.find(name, &duplicate);
    if (duplicate) fail(RecordError::NotJson, JC_DETAIL("a key is given twice"));
    else if (v.is(Type::Missing)) fail(RecordError::MissingField, name);
    else if (!v.is(type)) fail(RecordError::WrongType, name);
    else return v;
    return {};
  }
  // An optional string field: "" when it is absent.
  std::string_view optional_string(const char* name) {
    bool duplicate = false;
    return obj_.find(name, &duplicate).is(Type::Missing) && !duplicate ? std::string_view() : string(name);
  }
  // A string field, decoded into buf_ (cut to its size: the length checks then refuse a cut value).
  std::string_view string(const char* name) {
    const std::size_t n = field(name, Type::String).decode(buf_, sizeof buf_);
    return {buf_, n < sizeof buf_ ? n : sizeof buf_};
  }
  std::int64_t integer(const char* name) { return field(name, Type::Int).integer(); }
  bool boolean(const char* name) { return field(name, Type::Bool).boolean(); }

 private:
  Value obj_;
  RecordError error_ = RecordError::None;
  const char* detail_ = "";
  char buf_[80];  // the longest record string is 64 bytes
};

// Reads {"name": bool, ...}: the four categories (config == nullptr), or the services, whose ids are checked and
// kept as bits when the config has them.
void read_choices(RecordReader& r, Value obj, const Config* config, Record& rec) {
  unsigned seen_categories = 0;
  ServiceSet seen_services;
  std::size_t count = 0;
  for (Members m(obj); m.next() && r.ok();) {
    char buf[65];
    const std::size_t n = m.key().decode(buf, sizeof buf);
    const std::string_view name(buf, n < sizeof buf ? n : sizeof buf);
    const bool on = m.value().boolean();
    if (++count > kMaxServices) {
      r.fail(RecordError::Tampered, JC_DETAIL("too many entries"));
    } else if (!m.value().is(Type::Bool)) {
      r.fail(RecordError::WrongType, JC_DETAIL("a choice is not a boolean"));
    } else if (!config) {
      const auto c = parse_category(name);
      const unsigned bit = c ? 1u << static_cast<unsigned>(*c) : 0;
      if (!c) r.fail(RecordError::Tampered, JC_DETAIL("categories has an unknown name"));
      else if (seen_categories & bit) r.fail(RecordError::NotJson, JC_DETAIL("a key is given twice"));
      else rec.categories.set(*c, on);
      seen_categories |= bit;
    } else if (!valid_service_id(name)) {
      r.fail(RecordError::Tampered, JC_DETAIL("services has a malformed id"));
    } else if (const int i = config->service_index(name); i >= 0) {
      const auto at = static_cast<std::size_t>(i);
      if (seen_services[at]) r.fail(RecordError::NotJson, JC_DETAIL("a key is given twice"));
      seen_services.set(at);
      rec.services.set(at, on);
    }
  }
  if (!config && r.ok() && seen_categories != 0x1Eu)
    r.fail(RecordError::MissingField, JC_DETAIL("categories lacks one of the four"));
}

// The record in `text`, or why there is none (detail: for the console).
RecordError read_record(const Config& config, std::string_view text, Record& rec, const char*& detail) {
  detail = "";
  if (text.empty()) return detail = JC_DETAIL("nothing stored"), RecordError::Empty;
  switch (json_lite::check_object(text, kMaxRecordBytes)) {
    case json_lite::Status::Ok: break;
    case json_lite::Status::TooLarge: return detail = JC_DETAIL("more than 32 KB"), RecordError::TooLarge;
    case json_lite::Status::NotJson: return detail = JC_DETAIL("not JSON"), RecordError::NotJson;
    case json_lite::Status::NotObject: return detail = JC_DETAIL("not an object"), RecordError::NotObject;
  }
  const Value doc = Value::document(text);

  // The schema first: a record from another schema may have any shape, so nothing else is read from it.
  bool duplicate = false;
  const Value schema = doc.find("schema", &duplicate);
  if (duplicate) return detail = JC_DETAIL("schema is given twice"), RecordError::NotJson;
  if (schema.integer() != kRecordSchema) return detail = JC_DETAIL("schema is not 1"), RecordError::UnknownSchema;

  RecordReader r(doc);
  rec.consent_id = r.string("consent_id");
  rec.consent_key = r.optional_string("consent_key");
  rec.policy_version = r.string("policy_version");
  const std::int64_t revision = r.integer("revision");
  rec.first_decision_ms = r.integer("first_decision_ms");
  rec.last_decision_ms = r.integer("last_decision_ms");
  rec.language = r.string("language");
  rec.gpc = r.boolean("gpc");
  const std::string_view action = r.string("action");
  if (r.ok()) {
    if (revision < 0 || revision > 1'000'000'000) r.fail(RecordError::Tampered, JC_DETAIL("revision is out of range"));
    rec.revision = static_cast<int>(revision);
    if (auto a = parse_action(action)) rec.action = *a;
    else r.fail(RecordError::Tampered, JC_DETAIL("action is unknown"));
  }
  read_choices(r, r.field("categories", Type::Object), nullptr, rec);
  read_choices(r, r.field("services", Type::Object), &config, rec);
  if (r.ok())
    if (const char* problem = record_problem(rec)) r.fail(RecordError::Tampered, problem);
  return r.result(detail);
}

}  // namespace

RecordDecode decode_record(const Config& config, std::string_view text) {
  RecordDecode out;
  const char* detail = "";
  out.error = read_record(config, text, out.record, detail);
  out.detail = detail;
  if (!out.ok()) out.record = Record{};
  return out;
}

namespace {

// One member of a JSON object being written. Nested values (categories, services, regions) are written in place,
// so that nothing is built in a temporary string.
struct Member {
  enum class Kind : std::uint8_t { String, Integer, Bool, Categories, Services, Regions };
  std::string_view key;
  Kind kind = Kind::Bool;
  std::string_view text;                    // String
  std::int64_t number = 0;                  // Integer; Bool (0 or 1); Categories (the set's bits)
  const Config* config = nullptr;           // Services
  const ServiceSet* services = nullptr;     // Services
  Span<std::string_view> regions;           // Regions
};
Member member(std::string_view key, Member::Kind kind, std::int64_t number = 0) {
  Member m;
  m.key = key;
  m.kind = kind;
  m.number = number;
  return m;
}
Member str(std::string_view key, std::string_view value) {
  Member m = member(key, Member::Kind::String);
  m.text = value;
  return m;
}
Member integer(std::string_view key, std::int64_t value) { return member(key, Member::Kind::Integer, value); }
Member boolean(std::string_view key, bool on) { return member(key, Member::Kind::Bool, on ? 1 : 0); }

void write_object(json_lite::Out& out, Member* members, std::size_t count);

void write_value(json_lite::Out& out, const Member& m) {
  switch (m.kind) {
    case Member::Kind::String: json_lite::write_string(out, m.text); return;
    case Member::Kind::Integer: json_lite::write_int(out, m.number); return;
    case Member::Kind::Bool: out.write(m.number ? "true" : "false"); return;
    case Member::Kind::Categories: {
      Member flags[kCategories.size()];
      for (std::size_t i = 0; i < kCategories.size(); ++i)
        flags[i] = boolean(category_name(kCategories[i]), (m.number >> static_cast<int>(kCategories[i])) & 1);
      write_object(out, flags, kCategories.size());
      return;
    }
    case Member::Kind::Services: {  // {"<id>": bool} for every service of the config
      Member flags[kMaxServices];
      const std::size_t n = std::min(m.config->services.size(), kMaxServices);
      for (std::size_t i = 0; i < n; ++i) flags[i] = boolean(m.config->services[i].id, (*m.services)[i]);
      write_object(out, flags, n);
      return;
    }
    case Member::Kind::Regions:
      for (std::size_t i = 0; i < m.regions.size(); ++i) {
        out.put(i ? ',' : '[');
        json_lite::write_string(out, m.regions[i]);
      }
      out.put(']');
      return;
  }
}

// The members as one canonical JSON object, keys sorted: one writer for every object this file makes, so the
// order is right by construction.
void write_object(json_lite::Out& out, Member* members, std::size_t count) {
  for (std::size_t i = 1; i < count; ++i)  // insertion sort: a handful of members, and small code
    for (std::size_t j = i; j > 0 && members[j].key < members[j - 1].key; --j) std::swap(members[j], members[j - 1]);
  out.put('{');
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out.put(',');
    json_lite::write_string(out, members[i].key);
    out.put(':');
    write_value(out, members[i]);
  }
  out.put('}');
}

std::uint8_t bits_of(CategorySet set) {
  std::uint8_t bits = 0;
  for (Category c : kCategories)
    if (set.has(c)) bits = static_cast<std::uint8_t>(bits | (1u << static_cast<unsigned>(c)));
  return bits;
}

// What a record and its receipt both say about a decision, plus `extra`, as one object.
void write_decision(json_lite::Out& out, const Config& config, const Record& r, std::initializer_list<Member> extra) {
  Member services = member("services", Member::Kind::Services);
  services.config = &config;
  services.services = &r.services;
  Member members[16] = {str("action", action_name(r.action)),
                        member("categories", Member::Kind::Categories, bits_of(r.categories)),
                        str("consent_id", r.consent_id),
                        boolean("gpc", r.gpc),
                        str("language", r.language),
                        str("policy_version", r.policy_version),
                        integer("revision", r.revision),
                        services};
  std::size_t n = 8;
  if (!r.consent_key.empty()) members[n++] = str("consent_key", r.consent_key);
  for (const Member& m : extra) members[n++] = m;
  write_object(out, members, n);
}

}  // namespace

void write_record(json_lite::Out& out, const Config& config, const Record& r) {
  write_decision(out, config, r,
                 {integer("first_decision_ms", r.first_decision_ms), integer("last_decision_ms", r.last_decision_ms),
                  integer("schema", r.schema)});
}

std::string encode_record(const Config& config, const Record& r) {
  json_lite::StringOut out;
  write_record(out, config, r);
  return std::move(out.text);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] decide
// ---------------------------------------------------------------------------------------------------------
Decision decide(const Config& config, const Record* previous, Action action, const Choices& choices,
                std::int64_t now_ms, std::string_view consent_id, std::string_view language, bool gpc) {
  Decision out;
  if (action_name(action).empty()) out.error = DecideError::BadAction;  // Unknown, or no Action at all
  else if (!valid_consent_id(consent_id)) out.error = DecideError::BadConsentId;
  else if (!valid_time(now_ms)) out.error = DecideError::BadTime;
  if (!out.ok()) return out;

  // A previous record is only trusted for its id and first time when it is well-formed.
  if (previous && record_problem(*previous)) previous = nullptr;

  Record& rec = out.record;
  rec.consent_id = previous ? previous->consent_id.view() : consent_id;
  if (previous) rec.consent_key = previous->consent_key.view();  // a fresh one is the caller's (jc_decide)
  rec.policy_version = config.policy_version;
  rec.revision = config.revision;
  rec.first_decision_ms = previous ? std::min(previous->first_decision_ms, now_ms) : now_ms;
  rec.last_decision_ms = now_ms;
  rec.language = valid_language(language) ? language : std::string_view("und");
  rec.gpc = gpc;
  rec.action = action;

  switch (action) {
    case Action::AcceptAll: rec.categories = CategorySet::all(); break;
    case Action::RejectAll:
    case Action::Withdraw:
    case Action::Unknown: rec.categories = CategorySet::only_necessary(); break;
    case Action::Custom:
      rec.categories = CategorySet::only_necessary();
      for (const auto& info : config.categories)
        if (choices.categories.has(info.id)) rec.categories.set(info.id, true);
      break;
  }
  for (std::size_t i = 0; i < config.services.size(); ++i) {
    const Category c = config.services[i].category;
    bool on = rec.categories.has(c);
    if (action == Action::Custom && on && c != Category::Necessary && choices.overridden[i]) on = choices.on[i];
    rec.services.set(i, on);
  }
  // A decoded config always passes (its limits are within the record's); a hand-made one may not.
  if (record_problem(rec)) out = Decision{DecideError::BadConfig, Record{}};
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] validity and effective state
// ---------------------------------------------------------------------------------------------------------
Validity validity(const Config& config, const Record* record, std::int64_t now_ms) {
  Validity v;
  if (!record) return v;  // no_record
  if (record_problem(*record) || record->last_decision_ms > now_ms + kMaxClockSkewMs) {
    v.reason = Reason::Corrupt;
    return v;
  }
  if (record->policy_version != config.policy_version) {
    v.reason = Reason::PolicyChanged;
    return v;
  }
  if (record->revision != config.revision) {
    v.reason = Reason::RevisionChanged;
    return v;
  }
  // Both terms are bounded (kMaxTimeMs and 3650 days), so the sum cannot overflow.
  const std::int64_t expires = record->last_decision_ms + static_cast<std::int64_t>(config.validity_days) * kDayMs;
  if (now_ms >= expires) {
    v.reason = Reason::Expired;
    return v;
  }
  v.valid = true;
  v.reason = Reason::None;
  v.expires_ms = expires;
  return v;
}

Validity validity(const Config& config, const RecordDecode& decoded, std::int64_t now_ms) {
  if (decoded.ok()) return validity(config, &decoded.record, now_ms);
  Validity v;
  v.reason = decoded.error == RecordError::Empty ? Reason::NoRecord : Reason::Corrupt;
  return v;
}

bool Effective::granted_service(const Config& config, std::string_view id) const {
  const int i = config.service_index(id);
  return i >= 0 && services[static_cast<std::size_t>(i)];
}

namespace {
Effective effective_for(const Config& config, const Record* record, Validity v, bool gpc) {
  Effective e;
  e.validity = v;
  const Record* rec = v.valid ? record : nullptr;
  for (const auto& info : config.categories) {
    if (info.id == Category::Necessary || !rec || !rec->categories.has(info.id)) continue;
    const bool gpc_scope = info.id == Category::Analytics || info.id == Category::Marketing;
    if (gpc && gpc_scope && !rec->gpc) {
      e.gpc_overrode = true;  // chosen before the signal was sent: the newer signal wins
      continue;
    }
    e.categories.set(info.id, true);
  }
  for (std::size_t i = 0; i < config.services.size(); ++i) {
    const Category c = config.services[i].category;
    e.services.set(i, c == Category::Necessary || (e.categories.has(c) && rec->services[i]));
  }
  e.gpc_applied = gpc && (!rec || !rec->gpc);
  return e;
}
}  // namespace

Effective effective(const Config& config, const Record* record, bool gpc, std::int64_t now_ms) {
  return effective_for(config, record, validity(config, record, now_ms), gpc);
}

Effective effective(const Config& config, const RecordDecode& decoded, bool gpc, std::int64_t now_ms) {
  return effective_for(config, decoded.get(), validity(config, decoded, now_ms), gpc);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Consent Mode
// ---------------------------------------------------------------------------------------------------------
ConsentModeState consent_mode_state(const Effective& e) {
  ConsentModeState s;
  for (ConsentType t : kConsentTypes) s.set(t, e.categories.has(category_of(t)));
  return s;
}

namespace {
// Every Consent Mode type, plus "region" (when not global) and "wait_for_update" for a default.
void write_mode(json_lite::Out& out, ConsentModeState s, const ConsentModeDefault* d) {
  Member members[kConsentTypes.size() + 2];
  std::size_t n = 0;
  for (ConsentType t : kConsentTypes) members[n++] = str(consent_type_name(t), s.granted(t) ? "granted" : "denied");
  if (d && !d->regions.empty()) {
    members[n] = member("region", Member::Kind::Regions);
    members[n++].regions = d->regions;
  }
  if (d) members[n++] = integer("wait_for_update", d->wait_for_update_ms);
  write_object(out, members, n);
}
}  // namespace

void write_consent_mode(json_lite::Out& out, ConsentModeState s) { write_mode(out, s, nullptr); }

std::string consent_mode_json(ConsentModeState s) {
  json_lite::StringOut out;
  write_mode(out, s, nullptr);
  return std::move(out.text);
}

std::string consent_mode_default_json(const ConsentModeDefault& d) {
  json_lite::StringOut out;
  write_mode(out, d.state, &d);
  return std::move(out.text);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] receipt
// ---------------------------------------------------------------------------------------------------------
ReceiptError write_receipt(json_lite::Out& out, const Config& config, const Record& record,
                           std::string_view banner_hash, std::string_view ui_version) {
  if (record_problem(record)) return ReceiptError::BadRecord;
  if (!valid_banner_hash(banner_hash)) return ReceiptError::BadBannerHash;
  if (!valid_ui_version(ui_version)) return ReceiptError::BadUiVersion;
  write_decision(out, config, record,
                 {str("banner_hash", banner_hash), integer("receipt_schema", kReceiptSchema),
                  integer("time_ms", record.last_decision_ms), str("ui_version", ui_version)});
  return ReceiptError::None;
}

Receipt build_receipt(const Config& config, const Record& record, std::string_view banner_hash,
                      std::string_view ui_version) {
  json_lite::StringOut out;
  Receipt receipt;
  receipt.error = write_receipt(out, config, record, banner_hash, ui_version);
  if (receipt.ok()) receipt.json = std::move(out.text);
  return receipt;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] teardown
// ---------------------------------------------------------------------------------------------------------
bool should_remove(const Config& config, const Effective& e, std::string_view name, StoreKind kind) {
  bool denied = false;
  for (std::size_t i = 0; i < config.services.size(); ++i) {
    const Service& s = config.services[i];
    const Span<std::string_view> patterns = kind == StoreKind::Cookie ? s.cookies : s.storage;
    if (std::none_of(patterns.begin(), patterns.end(), [&](std::string_view p) { return pattern_matches(p, name); }))
      continue;
    if (s.category == Category::Necessary || e.services[i]) return false;  // a granted service uses it
    denied = true;
  }
  return denied;
}

}  // namespace jupiter::consent
