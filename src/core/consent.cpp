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

using json_lite::Value;
using Type = json_lite::Value::Type;

inline constexpr std::size_t kMaxConfigBytes = 1024u * 1024u;
inline constexpr std::size_t kMaxConfigServices = 128;
inline constexpr std::size_t kMaxPatterns = 32;

std::string num(std::size_t n) {
  std::string s;
  json_lite::append_int(s, static_cast<std::int64_t>(n));
  return s;
}

// Reads the fields of one config object, keeping the first problem (prefixed with where it is); never throws.
class Reader {
 public:
  Reader(const Value& obj, std::string where) : obj_(obj), where_(std::move(where)) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = where_.empty() ? why : where_ + ": " + why;
  }

  // The field, or nullptr when absent or null (a problem when required).
  const Value* field(const char* name, bool required) {
    const Value* v = obj_.find(name);
    if (v && v->is(Type::Null)) v = nullptr;
    if (!v && required) fail(std::string("missing ") + name);
    return v;
  }
  // A string of at most max_len bytes; a required one must not be empty.
  std::string string(const char* name, bool required, std::size_t max_len) {
    const Value* v = field(name, required);
    if (!v) return {};
    if (!v->is(Type::String)) fail(std::string(name) + " is not a string");
    else if (v->text.size() > max_len) fail(std::string(name) + " is too long (at most " + num(max_len) + " bytes)");
    else if (required && v->text.empty()) fail(std::string(name) + " is empty");
    else return v->text;
    return {};
  }
  // An integer in lo..hi; `fallback` when absent (required when there is none).
  std::int64_t integer(const char* name, std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> fallback) {
    const Value* v = field(name, !fallback);
    if (!v) return fallback.value_or(0);
    if (!v->is(Type::Int)) fail(std::string(name) + " is not an integer");
    else if (v->integer < lo || v->integer > hi) fail(std::string(name) + " is out of range");
    else return v->integer;
    return 0;
  }
  // A list of at most max_items strings, each passing `ok`.
  template <class Pred>
  std::vector<std::string> strings(const char* name, std::size_t max_items, Pred ok_item, const char* what) {
    std::vector<std::string> out;
    const Value* v = field(name, false);
    if (!v) return out;
    if (!v->is(Type::Array) || v->items.size() > max_items) {
      fail(std::string(name) + " is not a list of at most " + num(max_items) + " items");
      return out;
    }
    for (const Value& item : v->items) {
      if (!item.is(Type::String) || !ok_item(item.text)) {
        fail(std::string(name) + " has " + what);
        return {};
      }
      out.push_back(item.text);
    }
    return out;
  }
  // Cookie / storage names: exact names or a prefix with one trailing '*'.
  std::vector<std::string> patterns(const char* name) {
    return strings(name, kMaxPatterns, valid_pattern, "a bad pattern (a name, or a prefix and one trailing *)");
  }

 private:
  const Value& obj_;
  std::string where_;
  std::string error_;
};

std::string at(const char* list, std::size_t i) { return std::string(list) + "[" + num(i) + "]"; }

std::optional<CategoryInfo> decode_category(const Value& j, const std::string& where, std::string& error) {
  Reader r(j, where);
  if (!j.is(Type::Object)) r.fail("not an object");
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

std::optional<Service> decode_service(const Value& j, const Config& cfg, const std::string& where,
                                      std::string& error) {
  Reader r(j, where);
  if (!j.is(Type::Object)) r.fail("not an object");
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

std::optional<ConsentModeDefault> decode_mode_default(const Value& j, int wait_ms, const std::string& where,
                                                      std::string& error) {
  Reader r(j, where);
  if (!j.is(Type::Object)) r.fail("not an object");
  ConsentModeDefault d;
  d.wait_for_update_ms = static_cast<int>(r.integer("wait_for_update_ms", 0, 10000, wait_ms));
  d.regions = r.strings("regions", 300, valid_region, "a bad code (\"ES\", \"US-CA\")");
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
  if (!r.ok()) {
    error = r.error();
    return std::nullopt;
  }
  return d;
}

// The consent_mode object's defaults, appended to cfg; "" or the first problem.
std::string decode_consent_mode(const Value& mode, Config& cfg) {
  Reader m(mode, "consent_mode");
  if (!mode.is(Type::Object)) m.fail("not an object");
  const int wait_ms = static_cast<int>(m.integer("wait_for_update_ms", 0, 10000, 500));
  const Value* defaults = m.field("defaults", false);
  if (m.ok() && defaults && !defaults->is(Type::Array)) m.fail("defaults is not a list");
  if (!m.ok()) return m.error();
  std::vector<std::string> regions_seen;  // at most a few hundred codes: a list is smaller code than a set
  bool global_seen = false;
  std::string error;
  for (std::size_t i = 0; defaults && i < defaults->items.size(); ++i) {
    const std::string where = "consent_mode." + at("defaults", i);
    auto d = decode_mode_default(defaults->items[i], wait_ms, where, error);
    if (!d) return error;
    if (d->regions.empty() && std::exchange(global_seen, true)) return where + ": a second global default";
    for (const auto& r : d->regions) {
      if (std::find(regions_seen.begin(), regions_seen.end(), r) != regions_seen.end())
        return where + ": region " + r + " is in two defaults";
      regions_seen.push_back(r);
    }
    cfg.consent_mode.push_back(std::move(*d));
  }
  return {};
}

}  // namespace

ConfigDecode decode_config(std::string_view text) {
  ConfigDecode out;
  const json_lite::Parse parsed = json_lite::parse_object(text, kMaxConfigBytes);
  switch (parsed.status) {
    case json_lite::Parse::Status::Ok: break;
    case json_lite::Parse::Status::TooLarge: out.error = "too large (" + num(text.size()) + " bytes)"; return out;
    case json_lite::Parse::Status::NotJson: out.error = "not JSON"; return out;
    case json_lite::Parse::Status::NotObject:
      out.error = "not a consent config: the document is not an object";
      return out;
  }
  Config cfg;
  Reader top(parsed.doc, "");
  cfg.schema = static_cast<int>(top.integer("schema", 1, 1, std::nullopt));
  cfg.policy_version = top.string("policy_version", true, 32);
  cfg.revision = static_cast<int>(top.integer("revision", 0, 1'000'000'000, std::nullopt));
  cfg.validity_days = static_cast<int>(top.integer("validity_days", 1, 3650, 182));
  const Value* categories = top.field("categories", true);
  const Value* services = top.field("services", true);
  const Value* mode = top.field("consent_mode", false);
  if (top.ok() && (!categories->is(Type::Array) || !services->is(Type::Array)))
    top.fail("categories and services must be lists");
  if (top.ok() && services->items.size() > kMaxConfigServices) top.fail("too many services");
  if (!top.ok()) {
    out.error = top.error();
    return out;
  }

  for (std::size_t i = 0; i < categories->items.size(); ++i) {
    auto info = decode_category(categories->items[i], at("categories", i), out.error);
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

  for (std::size_t i = 0; i < services->items.size(); ++i) {
    auto s = decode_service(services->items[i], cfg, at("services", i), out.error);
    if (!s) return out;
    if (cfg.find_service(s->id)) {
      out.error = at("services", i) + ": duplicate id \"" + s->id + "\"";
      return out;
    }
    cfg.services.push_back(std::move(*s));
  }

  if (mode) {
    out.error = decode_consent_mode(*mode, cfg);
    if (!out.error.empty()) return out;
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
  explicit RecordReader(const Value& obj) : obj_(obj) {}
  bool ok() const { return error_ == RecordError::None; }
  RecordError error() const { return error_; }
  const std::string& detail() const { return detail_; }
  void fail(RecordError e, std::string detail) {
    if (error_ == RecordError::None) error_ = e, detail_ = std::move(detail);
  }

  // The field of the given type, or nullptr after recording why not.
  const Value* field(const char* name, Type type, const char* type_name) {
    const Value* v = obj_.find(name);
    if (!v) fail(RecordError::MissingField, std::string(name) + " is missing");
    else if (!v->is(type)) fail(RecordError::WrongType, std::string(name) + " is not " + type_name);
    else return v;
    return nullptr;
  }
  std::string string(const char* name, std::size_t max_len) {
    const Value* v = field(name, Type::String, "a string");
    if (v && v->text.size() > max_len) fail(RecordError::Tampered, std::string(name) + " is too long");
    return v && ok() ? v->text : std::string();
  }
  std::int64_t integer(const char* name) {
    const Value* v = field(name, Type::Int, "an integer");
    return v ? v->integer : 0;
  }
  bool boolean(const char* name) {
    const Value* v = field(name, Type::Bool, "a boolean");
    return v && v->boolean;
  }

 private:
  const Value& obj_;
  RecordError error_ = RecordError::None;
  std::string detail_;
};

}  // namespace

RecordDecode decode_record(std::string_view text) {
  auto fail = [](RecordError e, std::string detail) {
    RecordDecode failed;
    failed.error = e;
    failed.detail = std::move(detail);
    return failed;
  };
  if (text.empty()) return fail(RecordError::Empty, "nothing stored");
  const json_lite::Parse parsed = json_lite::parse_object(text, kMaxRecordBytes);
  switch (parsed.status) {
    case json_lite::Parse::Status::Ok: break;
    case json_lite::Parse::Status::TooLarge: return fail(RecordError::TooLarge, num(text.size()) + " bytes");
    case json_lite::Parse::Status::NotJson: return fail(RecordError::NotJson, "not JSON");
    case json_lite::Parse::Status::NotObject: return fail(RecordError::NotObject, "the document is not an object");
  }
  const Value& doc = parsed.doc;

  // The schema first: a record from another schema may have any shape, so nothing else is read from it.
  const Value* schema = doc.find("schema");
  if (!schema || !schema->is(Type::Int) || schema->integer != kRecordSchema)
    return fail(RecordError::UnknownSchema, "schema is not 1");

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
  if (const Value* cats = r.field("categories", Type::Object, "an object")) {
    for (std::size_t i = 0; i < cats->keys.size() && r.ok(); ++i) {
      auto c = parse_category(cats->keys[i]);
      if (!c) r.fail(RecordError::Tampered, "categories has an unknown name");
      else if (!cats->items[i].is(Type::Bool))
        r.fail(RecordError::WrongType, "categories." + cats->keys[i] + " is not a boolean");
      else rec.categories.set(*c, cats->items[i].boolean);
    }
    for (Category c : kCategories)
      if (r.ok() && !cats->find(category_name(c)))
        r.fail(RecordError::MissingField, "categories." + std::string(category_name(c)) + " is missing");
  }

  if (const Value* services = r.field("services", Type::Object, "an object")) {
    if (services->keys.size() > kMaxRecordServices) r.fail(RecordError::Tampered, "services has too many entries");
    for (std::size_t i = 0; i < services->keys.size() && r.ok(); ++i) {
      if (!valid_service_id(services->keys[i])) r.fail(RecordError::Tampered, "services has a malformed id");
      else if (!services->items[i].is(Type::Bool)) r.fail(RecordError::WrongType, "services.<id> is not a boolean");
      else rec.services.emplace(services->keys[i], services->items[i].boolean);
    }
  }

  if (r.ok()) {
    const std::string problem = record_problem(rec);
    if (!problem.empty()) r.fail(RecordError::Tampered, problem);
  }
  if (!r.ok()) return fail(r.error(), r.detail());
  RecordDecode out;
  out.record = std::move(rec);
  return out;
}

namespace {

// A tiny writer for canonical JSON objects: the caller adds members in sorted key order.
class ObjectWriter {
 public:
  ObjectWriter() { out_.push_back('{'); }
  ObjectWriter& key(std::string_view k) {
    if (out_.size() > 1) out_.push_back(',');
    json_lite::append_string(out_, k);
    out_.push_back(':');
    return *this;
  }
  ObjectWriter& str(std::string_view k, std::string_view v) { return key(k), json_lite::append_string(out_, v), *this; }
  ObjectWriter& integer(std::string_view k, std::int64_t v) { return key(k), json_lite::append_int(out_, v), *this; }
  ObjectWriter& boolean(std::string_view k, bool v) { return key(k), out_ += v ? "true" : "false", *this; }
  ObjectWriter& raw(std::string_view k, std::string_view json) { return key(k), out_ += json, *this; }
  std::string done() { return out_ + '}'; }

 private:
  std::string out_;
};

// Category names in sorted order (canonical output): analytics, marketing, necessary, preferences.
constexpr std::array<Category, 4> kCategoriesSorted = {Category::Analytics, Category::Marketing, Category::Necessary,
                                                       Category::Preferences};

std::string categories_json(CategorySet set) {
  ObjectWriter w;
  for (Category c : kCategoriesSorted) w.boolean(category_name(c), set.has(c));
  return w.done();
}

std::string services_json(const std::map<std::string, bool>& services) {  // std::map: already sorted
  ObjectWriter w;
  for (const auto& [id, on] : services) w.boolean(id, on);
  return w.done();
}

}  // namespace

std::string encode_record(const Record& r) {
  return ObjectWriter()
      .str("action", action_name(r.action))
      .raw("categories", categories_json(r.categories))
      .str("consent_id", r.consent_id)
      .integer("first_decision_ms", r.first_decision_ms)
      .boolean("gpc", r.gpc)
      .str("language", r.language)
      .integer("last_decision_ms", r.last_decision_ms)
      .str("policy_version", r.policy_version)
      .integer("revision", r.revision)
      .integer("schema", r.schema)
      .raw("services", services_json(r.services))
      .done();
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
// Consent Mode types in sorted order (canonical output).
constexpr std::array<ConsentType, 7> kConsentTypesSorted = {
    ConsentType::AdPersonalization,      ConsentType::AdStorage,       ConsentType::AdUserData,
    ConsentType::AnalyticsStorage,       ConsentType::FunctionalityStorage,
    ConsentType::PersonalizationStorage, ConsentType::SecurityStorage};

// The members of consent_mode_default_json, "region" and "wait_for_update" in their sorted places.
std::string mode_json(ConsentModeState s, const ConsentModeDefault* d) {
  ObjectWriter w;
  for (ConsentType t : kConsentTypesSorted) {
    if (d && t == ConsentType::SecurityStorage && !d->regions.empty()) {
      std::string regions = "[";
      for (const auto& r : d->regions) {
        if (regions.size() > 1) regions.push_back(',');
        json_lite::append_string(regions, r);
      }
      w.raw("region", regions + "]");
    }
    w.str(consent_type_name(t), s.granted(t) ? "granted" : "denied");
  }
  if (d) w.integer("wait_for_update", d->wait_for_update_ms);
  return w.done();
}
}  // namespace

std::string consent_mode_json(ConsentModeState s) { return mode_json(s, nullptr); }

std::string consent_mode_default_json(const ConsentModeDefault& d) { return mode_json(d.state, &d); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] receipt
// ---------------------------------------------------------------------------------------------------------
Receipt build_receipt(const Record& record, std::string_view banner_hash, std::string_view ui_version) {
  Receipt out;
  if (!record_problem(record).empty()) out.error = ReceiptError::BadRecord;
  else if (!valid_banner_hash(banner_hash)) out.error = ReceiptError::BadBannerHash;
  else if (!valid_ui_version(ui_version)) out.error = ReceiptError::BadUiVersion;
  if (!out.ok()) return out;
  out.json = ObjectWriter()
                 .str("action", action_name(record.action))
                 .str("banner_hash", banner_hash)
                 .raw("categories", categories_json(record.categories))
                 .str("consent_id", record.consent_id)
                 .boolean("gpc", record.gpc)
                 .str("language", record.language)
                 .str("policy_version", record.policy_version)
                 .integer("receipt_schema", kReceiptSchema)
                 .integer("revision", record.revision)
                 .raw("services", services_json(record.services))
                 .integer("time_ms", record.last_decision_ms)
                 .str("ui_version", ui_version)
                 .done();
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
  for (const auto& name : present) {
    bool denied = false;
    bool kept = false;
    for (const auto& s : config.services) {
      if (!matches_any(s, name)) continue;
      const bool granted = s.category == Category::Necessary || e.granted_service(s.id);
      (granted ? kept : denied) = true;
    }
    if (denied && !kept && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

}  // namespace jupiter::consent
