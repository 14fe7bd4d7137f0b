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
#include "core/json_reader.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace jupiter::consent {

using json = nlohmann::json;

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

}  // namespace

bool valid_consent_id(std::string_view s) {
  return all_of(s, 8, 64, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
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

const Service* Config::find_service(std::string_view id) const {
  for (const auto& s : services)
    if (s.id == id) return &s;
  return nullptr;
}

namespace {

inline constexpr std::size_t kMaxConfigBytes = 1024u * 1024u;
inline constexpr std::size_t kMaxConfigServices = 128;
inline constexpr std::size_t kMaxPatterns = 32;

// A field reader for one object that records the first problem (prefixed with where it is) and never throws.
// The shared field reader, plus the one list kind only the consent config has.
class Reader : public JsonReader {
 public:
  using JsonReader::JsonReader;

  // Cookie / storage names: exact names or a prefix with one trailing '*'.
  std::vector<std::string> patterns(const char* name) {
    std::vector<std::string> out;
    const json* v = field(name, false);
    if (!v) return out;
    if (!v->is_array()) {
      fail(std::string(name) + " is not a list");
      return out;
    }
    if (v->size() > kMaxPatterns) {
      fail(std::string(name) + " has too many items");
      return out;
    }
    for (const auto& item : *v) {
      if (!item.is_string() || !valid_pattern(item.get_ref<const std::string&>())) {
        fail(std::string(name) + " has a bad pattern (a name, or a prefix and one trailing *)");
        return {};
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }
};

std::string at(const char* list, std::size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

std::optional<CategoryInfo> decode_category(const json& j, const std::string& where, std::string& error) {
  if (!j.is_object()) {
    error = where + ": not an object";
    return std::nullopt;
  }
  Reader r(j, where);
  CategoryInfo info;
  const std::string id = r.string("id", true, 32);
  info.name = r.string("name", true, 120);
  info.description = r.string("description", false, 1000);
  if (r.ok()) {
    if (auto c = parse_category(id)) info.id = *c;
    else r.fail("unknown category \"" + id + "\"");
  }
  if (!r.ok()) {
    error = r.error();
    return std::nullopt;
  }
  return info;
}

std::optional<Service> decode_service(const json& j, const Config& cfg, const std::string& where,
                                      std::string& error) {
  if (!j.is_object()) {
    error = where + ": not an object";
    return std::nullopt;
  }
  Reader r(j, where);
  Service s;
  s.id = r.string("id", true, 64);
  if (r.ok() && !valid_service_id(s.id)) r.fail("id has characters outside [a-z0-9_-]");
  const std::string category = r.string("category", true, 32);
  if (r.ok()) {
    auto c = parse_category(category);
    if (!c) r.fail("unknown category \"" + category + "\"");
    else if (!cfg.find_category(*c)) r.fail("category \"" + category + "\" is not in categories");
    else s.category = *c;
  }
  s.name = r.string("name", true, 120);
  s.provider = r.string("provider", true, 120);
  s.purpose = r.string("purpose", true, 1000);
  s.cookies = r.patterns("cookies");
  s.storage = r.patterns("storage");
  s.retention = r.string("retention", true, 120);
  if (!r.ok()) {
    error = r.error();
    return std::nullopt;
  }
  return s;
}

std::optional<ConsentModeDefault> decode_mode_default(const json& j, int wait_ms, const std::string& where,
                                                      std::string& error) {
  if (!j.is_object()) {
    error = where + ": not an object";
    return std::nullopt;
  }
  Reader r(j, where);
  ConsentModeDefault d;
  d.wait_for_update_ms = static_cast<int>(r.integer("wait_for_update_ms", 0, 10000, wait_ms));
  if (const json* regions = r.field("regions", false)) {
    if (!regions->is_array() || regions->size() > 300) r.fail("regions is not a list of at most 300 codes");
    else
      for (const auto& code : *regions) {
        if (!code.is_string() || !valid_region(code.get_ref<const std::string&>())) {
          r.fail("regions has a bad code (\"ES\", \"US-CA\")");
          break;
        }
        d.regions.push_back(code.get<std::string>());
      }
  }
  if (const json* granted = r.field("granted", false)) {
    if (!granted->is_array()) r.fail("granted is not a list");
    else
      for (const auto& name : *granted) {
        auto t = name.is_string() ? parse_consent_type(name.get_ref<const std::string&>()) : std::nullopt;
        if (!t) {
          r.fail("granted has an unknown consent type");
          break;
        }
        // Opt-in holds before the module runs too: a default may only grant what needs no consent.
        if (category_of(*t) != Category::Necessary) {
          r.fail("granted has " + std::string(consent_type_name(*t)) +
                 ", which needs consent and must default to denied");
          break;
        }
        d.state.set(*t, true);
      }
  }
  if (!r.ok()) {
    error = r.error();
    return std::nullopt;
  }
  return d;
}

}  // namespace

ConfigDecode decode_config(std::string_view text) {
  ConfigDecode out;
  const JsonObjectParse parsed = parse_json_object(text, kMaxConfigBytes);
  switch (parsed.status) {
    case JsonObjectParse::Status::Ok: break;
    case JsonObjectParse::Status::TooLarge: out.error = "too large (" + std::to_string(text.size()) + " bytes)"; return out;
    case JsonObjectParse::Status::NotJson: out.error = "not JSON"; return out;
    case JsonObjectParse::Status::NotObject: out.error = "not a consent config: the document is not an object"; return out;
  }
  const json& doc = parsed.doc;
  Config cfg;
  Reader top(doc, "");
  cfg.schema = static_cast<int>(top.integer("schema", 1, 1, std::nullopt));
  cfg.policy_version = top.string("policy_version", true, 32);
  cfg.revision = static_cast<int>(top.integer("revision", 0, 1'000'000'000, std::nullopt));
  cfg.validity_days = static_cast<int>(top.integer("validity_days", 1, 3650, 182));
  const json* categories = top.field("categories", true);
  const json* services = top.field("services", true);
  const json* mode = top.field("consent_mode", false);
  if (top.ok() && (!categories->is_array() || !services->is_array()))
    top.fail("categories and services must be lists");
  if (top.ok() && services->size() > kMaxConfigServices) top.fail("too many services");
  if (top.ok() && mode && !mode->is_object()) top.fail("consent_mode is not an object");
  if (!top.ok()) {
    out.error = top.error();
    return out;
  }

  for (std::size_t i = 0; i < categories->size(); ++i) {
    auto info = decode_category((*categories)[i], at("categories", i), out.error);
    if (!info) return out;
    if (cfg.find_category(info->id)) {
      out.error = at("categories", i) + ": duplicate category";
      return out;
    }
    cfg.categories.push_back(std::move(*info));
  }
  if (!cfg.find_category(Category::Necessary)) {
    out.error = "categories: necessary is missing";
    return out;
  }

  for (std::size_t i = 0; i < services->size(); ++i) {
    auto s = decode_service((*services)[i], cfg, at("services", i), out.error);
    if (!s) return out;
    if (cfg.find_service(s->id)) {
      out.error = at("services", i) + ": duplicate id \"" + s->id + "\"";
      return out;
    }
    cfg.services.push_back(std::move(*s));
  }

  if (mode) {
    Reader m(*mode, "consent_mode");
    const int wait_ms = static_cast<int>(m.integer("wait_for_update_ms", 0, 10000, 500));
    const json* defaults = m.field("defaults", false);
    if (m.ok() && defaults && !defaults->is_array()) m.fail("defaults is not a list");
    if (!m.ok()) {
      out.error = m.error();
      return out;
    }
    std::set<std::string> regions_seen;
    bool global_seen = false;
    for (std::size_t i = 0; defaults && i < defaults->size(); ++i) {
      const std::string where = "consent_mode." + at("defaults", i);
      auto d = decode_mode_default((*defaults)[i], wait_ms, where, out.error);
      if (!d) return out;
      if (d->regions.empty() && std::exchange(global_seen, true)) {
        out.error = where + ": a second global default";
        return out;
      }
      for (const auto& r : d->regions)
        if (!regions_seen.insert(r).second) {
          out.error = where + ": region " + r + " is in two defaults";
          return out;
        }
      cfg.consent_mode.push_back(std::move(*d));
    }
  }
  out.config = std::move(cfg);
  out.ok = true;
  return out;
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
bool operator==(const Record& a, const Record& b) {
  return a.schema == b.schema && a.consent_id == b.consent_id && a.policy_version == b.policy_version &&
         a.revision == b.revision && a.categories == b.categories && a.services == b.services &&
         a.first_decision_ms == b.first_decision_ms && a.last_decision_ms == b.last_decision_ms &&
         a.language == b.language && a.gpc == b.gpc && a.action == b.action;
}

namespace {

// The first broken invariant of a record (see Record), or "" when it has none.
std::string record_problem(const Record& r) {
  if (r.schema != kRecordSchema) return "schema";
  if (!valid_consent_id(r.consent_id)) return "consent_id is malformed";
  if (r.policy_version.empty() || r.policy_version.size() > 32) return "policy_version is out of range";
  if (r.revision < 0 || r.revision > 1'000'000'000) return "revision is out of range";
  if (!r.categories.has(Category::Necessary)) return "categories.necessary is not granted";
  if (r.action == Action::Unknown) return "action is unknown";
  if (r.action == Action::AcceptAll && r.categories != CategorySet::all())
    return "accept_all does not grant every category";
  if ((r.action == Action::RejectAll || r.action == Action::Withdraw) && r.categories != CategorySet::only_necessary())
    return std::string(action_name(r.action)) + " grants more than necessary";
  if (r.services.size() > kMaxRecordServices) return "services has too many entries";
  for (const auto& s : r.services)
    if (!valid_service_id(s.first)) return "services has a malformed id";
  if (!valid_time(r.first_decision_ms) || !valid_time(r.last_decision_ms)) return "a decision time is out of range";
  if (r.first_decision_ms > r.last_decision_ms) return "first_decision_ms is after last_decision_ms";
  if (!valid_language(r.language)) return "language is malformed";
  return {};
}

// Reads the fields of a record object, keeping the first error kind and its detail.
class RecordReader {
 public:
  explicit RecordReader(const json& obj) : obj_(obj) {}
  bool ok() const { return error_ == RecordError::None; }
  RecordError error() const { return error_; }
  const std::string& detail() const { return detail_; }
  void fail(RecordError e, std::string detail) {
    if (error_ == RecordError::None) error_ = e, detail_ = std::move(detail);
  }

  const json* field(const char* name) {
    auto it = obj_.find(name);
    if (it == obj_.end()) {
      fail(RecordError::MissingField, std::string(name) + " is missing");
      return nullptr;
    }
    return &*it;
  }

  std::string string(const char* name, std::size_t max_len) {
    const json* v = field(name);
    if (!v) return {};
    if (!v->is_string()) {
      fail(RecordError::WrongType, std::string(name) + " is not a string");
      return {};
    }
    if (v->get_ref<const std::string&>().size() > max_len) {
      fail(RecordError::Tampered, std::string(name) + " is too long");
      return {};
    }
    return v->get<std::string>();
  }

  std::int64_t integer(const char* name) {
    const json* v = field(name);
    if (!v) return 0;
    if (!v->is_number_integer()) {
      fail(RecordError::WrongType, std::string(name) + " is not an integer");
      return 0;
    }
    if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxTimeMs)) {
      fail(RecordError::Tampered, std::string(name) + " is out of range");
      return 0;
    }
    return v->get<std::int64_t>();
  }

  bool boolean(const char* name) {
    const json* v = field(name);
    if (!v) return false;
    if (!v->is_boolean()) {
      fail(RecordError::WrongType, std::string(name) + " is not a boolean");
      return false;
    }
    return v->get<bool>();
  }

 private:
  const json& obj_;
  RecordError error_ = RecordError::None;
  std::string detail_;
};

}  // namespace

RecordDecode decode_record(std::string_view text) {
  RecordDecode out;
  auto fail = [&out](RecordError e, std::string detail) {
    out.error = e;
    out.detail = std::move(detail);
    return out;
  };
  if (text.empty()) return fail(RecordError::Empty, "nothing stored");
  const JsonObjectParse parsed = parse_json_object(text, kMaxRecordBytes);
  switch (parsed.status) {
    case JsonObjectParse::Status::Ok: break;
    case JsonObjectParse::Status::TooLarge: return fail(RecordError::TooLarge, std::to_string(text.size()) + " bytes");
    case JsonObjectParse::Status::NotJson: return fail(RecordError::NotJson, "not JSON");
    case JsonObjectParse::Status::NotObject: return fail(RecordError::NotObject, "the document is not an object");
  }
  const json& doc = parsed.doc;

  // The schema first: a record from another schema may have any shape, so nothing else is read from it.
  // get<std::int64_t> of an unsigned value wraps modulo 2^64, and only 1 wraps to 1.
  const auto schema = doc.find("schema");
  if (schema == doc.end() || !schema->is_number_integer() || schema->get<std::int64_t>() != kRecordSchema)
    return fail(RecordError::UnknownSchema, "schema is not " + std::to_string(kRecordSchema));

  RecordReader r(doc);
  Record rec;
  rec.consent_id = r.string("consent_id", 64);
  rec.policy_version = r.string("policy_version", 32);
  const std::int64_t revision = r.integer("revision");
  rec.first_decision_ms = r.integer("first_decision_ms");
  rec.last_decision_ms = r.integer("last_decision_ms");
  rec.language = r.string("language", 35);
  rec.gpc = r.boolean("gpc");
  const std::string action = r.string("action", 16);
  if (r.ok()) {
    if (revision < 0 || revision > 1'000'000'000) r.fail(RecordError::Tampered, "revision is out of range");
    rec.revision = static_cast<int>(revision);
    if (auto a = parse_action(action)) rec.action = *a;
    else r.fail(RecordError::Tampered, "action is unknown");
  }

  // categories: exactly the four names, each a boolean.
  if (const json* cats = r.field("categories")) {
    if (!cats->is_object()) r.fail(RecordError::WrongType, "categories is not an object");
    else {
      for (auto it = cats->begin(); it != cats->end() && r.ok(); ++it) {
        auto c = parse_category(it.key());
        if (!c) r.fail(RecordError::Tampered, "categories has an unknown name");
        else if (!it.value().is_boolean()) r.fail(RecordError::WrongType, "categories." + it.key() + " is not a boolean");
        else rec.categories.set(*c, it.value().get<bool>());
      }
      for (Category c : kCategories)
        if (r.ok() && !cats->contains(category_name(c)))
          r.fail(RecordError::MissingField, "categories." + std::string(category_name(c)) + " is missing");
    }
  }

  if (const json* services = r.field("services")) {
    if (!services->is_object()) r.fail(RecordError::WrongType, "services is not an object");
    else if (services->size() > kMaxRecordServices) r.fail(RecordError::Tampered, "services has too many entries");
    else
      for (auto it = services->begin(); it != services->end() && r.ok(); ++it) {
        if (!valid_service_id(it.key())) r.fail(RecordError::Tampered, "services has a malformed id");
        else if (!it.value().is_boolean()) r.fail(RecordError::WrongType, "services.<id> is not a boolean");
        else rec.services.emplace(it.key(), it.value().get<bool>());
      }
  }

  if (r.ok()) {
    const std::string problem = record_problem(rec);
    if (!problem.empty()) r.fail(RecordError::Tampered, problem);
  }
  if (!r.ok()) return fail(r.error(), r.detail());
  out.record = std::move(rec);
  return out;
}

namespace {
json categories_json(CategorySet set) {
  json j = json::object();
  for (Category c : kCategories) j[std::string(category_name(c))] = set.has(c);
  return j;
}
// Every string came from validated input or the config; replace invalid UTF-8 defensively anyway.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }
}  // namespace

std::string encode_record(const Record& r) {
  json doc = json::object();
  doc["schema"] = r.schema;
  doc["consent_id"] = r.consent_id;
  doc["policy_version"] = r.policy_version;
  doc["revision"] = r.revision;
  doc["categories"] = categories_json(r.categories);
  doc["services"] = json(r.services);
  doc["first_decision_ms"] = r.first_decision_ms;
  doc["last_decision_ms"] = r.last_decision_ms;
  doc["language"] = r.language;
  doc["gpc"] = r.gpc;
  doc["action"] = action_name(r.action);
  return dump(doc);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] decide
// ---------------------------------------------------------------------------------------------------------
Decision decide(const Config& config, const Record* previous, Action action, const Choices& choices,
                std::int64_t now_ms, std::string_view consent_id, std::string_view language, bool gpc) {
  Decision out;
  if (action == Action::Unknown) out.error = DecideError::BadAction;
  else if (!valid_consent_id(consent_id)) out.error = DecideError::BadConsentId;
  else if (!valid_time(now_ms)) out.error = DecideError::BadTime;
  if (!out.ok()) return out;

  // A previous record is only trusted for its id and first time when it is well-formed.
  if (previous && !record_problem(*previous).empty()) previous = nullptr;

  Record& rec = out.record;
  rec.consent_id = previous ? previous->consent_id : std::string(consent_id);
  rec.policy_version = config.policy_version;
  rec.revision = config.revision;
  rec.first_decision_ms = previous ? std::min(previous->first_decision_ms, now_ms) : now_ms;
  rec.last_decision_ms = now_ms;
  rec.language = valid_language(language) ? std::string(language) : std::string("und");
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
  for (const auto& s : config.services) {
    bool on = rec.categories.has(s.category);
    if (action == Action::Custom && on && s.category != Category::Necessary) {
      auto it = choices.services.find(s.id);
      if (it != choices.services.end()) on = it->second;
    }
    rec.services[s.id] = on;
  }
  // A decoded config always passes (its limits are within the record's); a hand-made one may not.
  if (!record_problem(rec).empty()) out = Decision{DecideError::BadConfig, Record{}};
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] validity and effective state
// ---------------------------------------------------------------------------------------------------------
Validity validity(const Config& config, const Record* record, std::int64_t now_ms) {
  Validity v;
  if (!record) return v;  // no_record
  if (!record_problem(*record).empty() || record->last_decision_ms > now_ms + kMaxClockSkewMs) {
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
  if (decoded.record) return validity(config, &*decoded.record, now_ms);
  Validity v;
  v.reason = decoded.error == RecordError::Empty ? Reason::NoRecord : Reason::Corrupt;
  return v;
}

bool Effective::granted_service(std::string_view id) const {
  return std::find(services.begin(), services.end(), id) != services.end();
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
  for (const auto& s : config.services) {
    if (s.category == Category::Necessary) {
      e.services.push_back(s.id);
      continue;
    }
    if (!e.categories.has(s.category)) continue;
    auto it = rec->services.find(s.id);
    if (it != rec->services.end() && it->second) e.services.push_back(s.id);
  }
  e.gpc_applied = gpc && (!rec || !rec->gpc);
  return e;
}
}  // namespace

Effective effective(const Config& config, const Record* record, bool gpc, std::int64_t now_ms) {
  return effective_for(config, record, validity(config, record, now_ms), gpc);
}

Effective effective(const Config& config, const RecordDecode& decoded, bool gpc, std::int64_t now_ms) {
  const Record* rec = decoded.record ? &*decoded.record : nullptr;
  return effective_for(config, rec, validity(config, decoded, now_ms), gpc);
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
json mode_json(ConsentModeState s) {
  json j = json::object();
  for (ConsentType t : kConsentTypes) j[std::string(consent_type_name(t))] = s.granted(t) ? "granted" : "denied";
  return j;
}
}  // namespace

std::string consent_mode_json(ConsentModeState s) { return dump(mode_json(s)); }

std::string consent_mode_default_json(const ConsentModeDefault& d) {
  json j = mode_json(d.state);
  if (!d.regions.empty()) j["region"] = d.regions;
  j["wait_for_update"] = d.wait_for_update_ms;
  return dump(j);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] receipt
// ---------------------------------------------------------------------------------------------------------
Receipt build_receipt(const Record& record, std::string_view banner_hash, std::string_view ui_version) {
  Receipt out;
  if (!record_problem(record).empty()) out.error = ReceiptError::BadRecord;
  else if (!valid_banner_hash(banner_hash)) out.error = ReceiptError::BadBannerHash;
  else if (!valid_ui_version(ui_version)) out.error = ReceiptError::BadUiVersion;
  if (!out.ok()) return out;
  json j = json::object();
  j["receipt_schema"] = kReceiptSchema;
  j["consent_id"] = record.consent_id;
  j["time_ms"] = record.last_decision_ms;
  j["action"] = action_name(record.action);
  j["categories"] = categories_json(record.categories);
  j["services"] = json(record.services);
  j["policy_version"] = record.policy_version;
  j["revision"] = record.revision;
  j["banner_hash"] = std::string(banner_hash);
  j["ui_version"] = std::string(ui_version);
  j["language"] = record.language;
  j["gpc"] = record.gpc;
  out.json = dump(j);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] teardown
// ---------------------------------------------------------------------------------------------------------
std::vector<std::string> names_to_remove(const Config& config, const Effective& e,
                                         const std::vector<std::string>& present, StoreKind kind) {
  auto patterns_of = [kind](const Service& s) -> const std::vector<std::string>& {
    return kind == StoreKind::Cookie ? s.cookies : s.storage;
  };
  auto matches_any = [&](const Service& s, const std::string& name) {
    const auto& ps = patterns_of(s);
    return std::any_of(ps.begin(), ps.end(), [&](const std::string& p) { return pattern_matches(p, name); });
  };
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& name : present) {
    bool denied = false;
    bool kept = false;
    for (const auto& s : config.services) {
      if (!matches_any(s, name)) continue;
      const bool granted = s.category == Category::Necessary || e.granted_service(s.id);
      (granted ? kept : denied) = true;
    }
    if (denied && !kept && seen.insert(name).second) out.push_back(name);
  }
  return out;
}

}  // namespace jupiter::consent
