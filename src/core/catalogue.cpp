// catalogue.cpp: catalogue model helpers and the validating JSON codec.
//
// [SECTION] enum mappings
// [SECTION] model helpers
// [SECTION] decoding (never throws, builds no JSON tree: json_lite checks the text once, then the fields are
//           read straight into the model, every type and range checked)
// [SECTION] encoding
#include "core/catalogue.hpp"

#include <algorithm>
#include <forward_list>
#include <set>
#include <unordered_set>

#include "core/country.hpp"
#include "core/json_lite.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"

namespace jupiter {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] enum mappings
// ---------------------------------------------------------------------------------------------------------
std::optional<CountryCode> parse_country_code(std::string_view s) {
  if (!is_assigned_country_code(s)) return std::nullopt;
  return CountryCode{s[0], s[1]};
}

std::string to_string(CountryCode c) { return std::string(c.data(), 2); }

std::optional<Scope> parse_scope(std::string_view s) {
  if (s == "local") return Scope::Local;
  if (s == "regional") return Scope::Regional;
  if (s == "global") return Scope::Global;
  return std::nullopt;
}

std::string_view scope_name(Scope s) {
  switch (s) {
    case Scope::Local: return "local";
    case Scope::Regional: return "regional";
    case Scope::Global: return "global";
    case Scope::Unknown: break;
  }
  return "";
}

std::optional<ValidityStart> parse_validity_start(std::string_view s) {
  if (s == "first_connection") return ValidityStart::FirstConnection;
  if (s == "installation") return ValidityStart::Installation;
  if (s == "purchase") return ValidityStart::Purchase;
  return std::nullopt;
}

std::string_view validity_start_name(ValidityStart v) {
  switch (v) {
    case ValidityStart::FirstConnection: return "first_connection";
    case ValidityStart::Installation: return "installation";
    case ValidityStart::Purchase: return "purchase";
    case ValidityStart::Unknown: break;
  }
  return "";
}

namespace {
struct FeatureName {
  Feature bit;
  std::string_view name;
};
constexpr FeatureName kFeatureNames[] = {
    {kFeature5G, "5g"}, {kFeatureHotspot, "hotspot"}, {kFeatureTopUp, "topup"},
    {kFeatureVoice, "voice"}, {kFeatureSms, "sms"},
};
}  // namespace

std::optional<std::uint8_t> parse_feature(std::string_view s) {
  for (const auto& f : kFeatureNames)
    if (f.name == s) return static_cast<std::uint8_t>(f.bit);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] model helpers
// ---------------------------------------------------------------------------------------------------------
std::optional<Money> PriceList::get(Currency c) const {
  const auto& v = minor[static_cast<std::size_t>(c)];
  if (c == Currency::Unknown || !v) return std::nullopt;
  return Money{*v, c};
}

bool Plan::covers(CountryCode c) const { return std::binary_search(coverage.begin(), coverage.end(), c); }

const Destination* Catalogue::find_destination(CountryCode c) const {
  auto it = std::lower_bound(destinations_by_code_.begin(), destinations_by_code_.end(), c,
                             [this](std::size_t i, CountryCode k) { return destinations[i].code < k; });
  if (it == destinations_by_code_.end() || destinations[*it].code != c) return nullptr;
  return &destinations[*it];
}

const Plan* Catalogue::find_plan(std::string_view id) const {
  for (const auto& p : plans)
    if (p.id == id) return &p;
  return nullptr;
}

const Region* Catalogue::find_region(std::string_view id) const {
  for (const auto& r : regions)
    if (r.id == id) return &r;
  return nullptr;
}

void Catalogue::reindex() {
  std::stable_sort(destinations.begin(), destinations.end(),
                   [](const Destination& a, const Destination& b) { return a.name < b.name; });
  destinations_by_code_.resize(destinations.size());
  for (std::size_t i = 0; i < destinations.size(); ++i) destinations_by_code_[i] = i;
  std::sort(destinations_by_code_.begin(), destinations_by_code_.end(),
            [this](std::size_t a, std::size_t b) { return destinations[a].code < destinations[b].code; });
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] decoding
// ---------------------------------------------------------------------------------------------------------
namespace {

namespace lite = json_lite;
using Type = lite::Value::Type;

// The fields of one JSON object, read in one pass over its text (json_lite: no tree is built), with every type
// and range checked as JsonReader does, with the same messages. A key given twice makes the object invalid (two
// values for one field: the catalogue is refused rather than one of them guessed). The first problem is kept.
// Keys are views of the document (a key written with escapes is decoded and kept here): no copy per key.
class Fields {
 public:
  struct Field {
    std::string_view key;
    lite::Value value;
  };

  explicit Fields(lite::Value obj) {
    fields_.reserve(16);  // a plan has 12 keys: one allocation per object
    for (lite::Members m(obj); m.next();) {
      const std::string_view key = key_text(m.key());
      for (const Field& f : fields_)
        if (f.key == key) fail("duplicate key \"" + std::string(key.substr(0, 32)) + "\"");
      fields_.push_back({key, m.value()});
    }
  }
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(const std::string& why) {
    if (error_.empty()) error_ = why;
  }
  const std::vector<Field>& all() const { return fields_; }

  // The field (Missing when absent or null: a problem when required).
  lite::Value field(const char* name, bool required) {
    const std::string_view key(name);
    for (const Field& f : fields_)
      if (f.key == key && !f.value.is(Type::Null)) return f.value;
    if (required) fail(std::string("missing ") + name);
    return {};
  }
  // A string of at most max_len bytes; a required one must not be empty.
  std::string string(const char* name, bool required, std::size_t max_len) {
    const lite::Value v = field(name, required);
    if (v.is(Type::Missing)) return {};
    if (!v.is(Type::String)) return fail(std::string(name) + " is not a string"), std::string();
    std::string s = v.text();
    const std::string problem = string_value_problem(name, s.size(), max_len, required);
    if (!problem.empty()) fail(problem);
    return s.size() > max_len ? std::string() : s;
  }
  // An integer in lo..hi (|lo|, |hi| < 2^62: json_lite saturates larger ones, which then fall outside).
  std::int64_t integer(const char* name, std::int64_t lo, std::int64_t hi) {
    const lite::Value v = field(name, true);
    if (v.is(Type::Missing)) return 0;
    if (!v.is(Type::Int)) return fail(std::string(name) + " is not an integer"), 0;
    const std::int64_t n = v.integer();
    if (n < lo || n > hi) {
      fail(std::string(name) + " is out of range (expected " + std::to_string(lo) + ".." + std::to_string(hi) + ")");
      return 0;
    }
    return n;
  }
  // A list of at most max_items non-empty strings of at most max_len bytes; a required one must not be empty.
  std::vector<std::string> strings(const char* name, bool required, std::size_t max_items, std::size_t max_len) {
    std::vector<std::string> out;
    const lite::Value v = field(name, required);
    if (v.is(Type::Missing)) return out;
    if (!v.is(Type::Array)) return fail(std::string(name) + " is not a list"), out;
    for (lite::Members m(v); m.next();) {
      const lite::Value item = m.value();
      if (out.size() == max_items) return fail(std::string(name) + " has too many items"), std::vector<std::string>();
      std::string s = item.is(Type::String) ? item.text() : std::string();
      if (s.empty() || s.size() > max_len) {
        fail(std::string(name) + " has an item that is not a non-empty short string");
        return {};
      }
      out.push_back(std::move(s));
    }
    if (required && out.empty()) fail(std::string(name) + " is empty");
    return out;
  }

 private:
  std::string_view key_text(lite::Value key) {
    if (const auto plain = key.unescaped()) return *plain;
    decoded_keys_.push_front(key.text());  // a list: the views of earlier ones stay valid
    return decoded_keys_.front();
  }

  std::vector<Field> fields_;
  std::forward_list<std::string> decoded_keys_;
  std::string error_;
};

bool valid_plan_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

std::string where(const char* list, std::size_t index, const std::string& id = {}) {
  std::string w = std::string(list) + "[" + std::to_string(index) + "]";
  if (!id.empty() && id.size() <= 64) w += " (id \"" + id + "\")";
  return w;
}

// The id of an entry for error messages, when it has a sane one.
std::string id_of(lite::Value entry) {
  const lite::Value id = entry.find("id");
  if (!id.is(Type::String)) return {};
  std::string s = id.text();
  return s.size() <= 64 ? s : std::string();
}

std::optional<Region> decode_region(lite::Value j, std::string& why) {
  if (!j.is(Type::Object)) {
    why = "not an object";
    return std::nullopt;
  }
  Fields r(j);
  Region reg;
  reg.id = r.string("id", true, 64);
  reg.name = r.string("name", true, kMaxStringBytes);
  if (r.ok() && !valid_plan_id(reg.id)) r.fail("id has characters outside [a-z0-9-]");
  if (!r.ok()) {
    why = r.error();
    return std::nullopt;
  }
  return reg;
}

std::optional<Destination> decode_destination(lite::Value j, const std::set<std::string>& regions, std::string& why) {
  if (!j.is(Type::Object)) {
    why = "not an object";
    return std::nullopt;
  }
  Fields r(j);
  Destination d;
  const std::string code = r.string("code", true, 2);
  d.name = r.string("name", true, kMaxStringBytes);
  d.region = r.string("region", true, 64);
  d.aliases = r.strings("aliases", false, 32, kMaxStringBytes);
  if (r.ok()) {
    if (auto c = parse_country_code(code)) d.code = *c;
    else r.fail("unknown country code \"" + code + "\"");
  }
  if (r.ok() && !regions.count(d.region)) r.fail("unknown region \"" + d.region + "\"");
  if (!r.ok()) {
    why = r.error();
    return std::nullopt;
  }
  return d;
}

void read_coverage(Fields& r, const Catalogue& cat, Plan& p) {
  for (const auto& code : r.strings("coverage", true, kMaxListItems, kMaxStringBytes)) {
    auto c = parse_country_code(code);
    if (!c) {
      r.fail("unknown country code \"" + code.substr(0, 8) + "\"");
      break;
    }
    if (!cat.find_destination(*c)) {
      r.fail("country \"" + code + "\" is not a destination of this catalogue");
      break;
    }
    p.coverage.push_back(*c);
  }
  std::sort(p.coverage.begin(), p.coverage.end());
  p.coverage.erase(std::unique(p.coverage.begin(), p.coverage.end()), p.coverage.end());
  if (r.ok() && p.scope == Scope::Local && p.coverage.size() != 1) r.fail("a local plan covers exactly one country");
}

void read_data(Fields& r, Plan& p) {
  const lite::Value data = r.field("data", true);
  if (data.is(Type::Missing)) return;
  if (!data.is(Type::Object)) return r.fail("data is not an object");
  Fields d(data);
  const lite::Value unl = d.field("unlimited", false);
  if (!unl.is(Type::Missing) && !unl.is(Type::Bool)) d.fail("data.unlimited is not true/false");
  p.unlimited = unl.boolean();
  if (p.unlimited) p.fair_use = d.string("fair_use", true, kMaxStringBytes);
  else p.data_mb = d.integer("mb", 1, 10'000'000);
  if (!d.ok()) r.fail("data: " + d.error());
}

void read_prices(Fields& r, Plan& p) {
  const lite::Value prices = r.field("prices", true);
  if (prices.is(Type::Missing)) return;
  if (!prices.is(Type::Object)) return r.fail("prices is not an object");
  Fields list(prices);
  if (!list.ok()) return r.fail("prices: " + list.error());
  if (list.all().empty()) return r.fail("missing price");
  for (const Fields::Field& f : list.all()) {
    auto cur = parse_currency(f.key);
    if (!cur) return r.fail("unknown currency \"" + std::string(f.key.substr(0, 8)) + "\"");
    const auto problem = [&](const char* what) { r.fail("price in " + std::string(f.key) + what); };
    if (!f.value.is(Type::Int)) return problem(" is not an integer amount of minor units");
    if (f.value.integer() <= 0 || f.value.integer() > 100'000'000) return problem(" is out of range");
    p.prices.set(*cur, f.value.integer());
  }
}

std::optional<Plan> decode_plan(lite::Value j, const Catalogue& cat, std::string& why) {
  if (!j.is(Type::Object)) {
    why = "not an object";
    return std::nullopt;
  }
  Fields r(j);
  Plan p;
  p.id = r.string("id", true, 64);
  if (r.ok() && !valid_plan_id(p.id)) r.fail("id has characters outside [a-z0-9-]");
  p.name = r.string("name", true, 120);

  const std::string scope = r.string("scope", true, 16);
  if (r.ok()) {
    if (auto s = parse_scope(scope)) p.scope = *s;
    else r.fail("unknown scope \"" + scope + "\"");
  }
  p.region = r.string("region", p.scope == Scope::Regional, 64);
  if (r.ok() && p.scope == Scope::Regional && !cat.find_region(p.region)) r.fail("unknown region \"" + p.region + "\"");
  read_coverage(r, cat, p);
  p.networks = r.strings("networks", false, 16, kMaxStringBytes);
  read_data(r, p);

  p.validity_days = static_cast<int>(r.integer("validity_days", 1, 365));
  const std::string start = r.string("validity_start", true, 32);
  if (r.ok()) {
    if (auto v = parse_validity_start(start)) p.validity_start = *v;
    else r.fail("unknown validity_start \"" + start + "\"");
  }
  read_prices(r, p);
  for (const auto& f : r.strings("features", false, 16, kMaxStringBytes)) {
    if (auto bit = parse_feature(f)) p.features = static_cast<std::uint8_t>(p.features | *bit);
    // Unknown features are ignored: a newer catalogue may know more than this client.
  }

  if (!r.ok()) {
    why = r.error();
    return std::nullopt;
  }
  return p;
}

// The entries of a list, each decoded by `decode`; the ones it refuses are reported in `skipped`.
template <class Decode>
void decode_list(lite::Value list, const char* name, bool with_id, std::vector<CatalogueIssue>& skipped,
                 Decode decode) {
  std::size_t i = 0;
  for (lite::Members m(list); m.next(); ++i) {
    std::string why;
    if (!decode(m.value(), why)) skipped.push_back({where(name, i, with_id ? id_of(m.value()) : std::string()), why});
  }
}

}  // namespace

CatalogueDecode decode_catalogue(std::string_view text) {
  CatalogueDecode out;
  switch (lite::check_object(text, kMaxCatalogueBytes)) {
    case lite::Status::Ok: break;
    case lite::Status::TooLarge: out.error = "too large (" + std::to_string(text.size()) + " bytes)"; return out;
    case lite::Status::NotJson: out.error = "not JSON"; return out;
    case lite::Status::NotObject: out.error = "not a catalogue: the document is not an object"; return out;
  }
  Catalogue& cat = out.catalogue;
  Fields top(lite::Value::document(text));
  cat.schema = static_cast<int>(top.integer("schema", 1, 1));
  cat.version = top.string("version", false, 64);
  cat.notice = top.string("notice", false, kMaxStringBytes);
  const lite::Value regions = top.field("regions", true);
  const lite::Value destinations = top.field("destinations", true);
  const lite::Value plans = top.field("plans", true);
  if (top.ok() && (!regions.is(Type::Array) || !destinations.is(Type::Array) || !plans.is(Type::Array)))
    top.fail("regions, destinations and plans must be lists");
  if (!top.ok()) {
    out.error = "not a catalogue: " + top.error();
    return out;
  }

  std::set<std::string> region_ids;
  decode_list(regions, "regions", true, out.skipped, [&](lite::Value j, std::string& why) {
    auto reg = decode_region(j, why);
    if (reg && !region_ids.insert(reg->id).second) why = "duplicate id", reg.reset();
    if (reg) cat.regions.push_back(std::move(*reg));
    return reg.has_value();
  });
  std::set<CountryCode> codes;
  decode_list(destinations, "destinations", false, out.skipped, [&](lite::Value j, std::string& why) {
    auto d = decode_destination(j, region_ids, why);
    if (d && !codes.insert(d->code).second) why = "duplicate country code", d.reset();
    if (d) cat.destinations.push_back(std::move(*d));
    return d.has_value();
  });
  cat.reindex();

  std::unordered_set<std::string> plan_ids;
  decode_list(plans, "plans", true, out.skipped, [&](lite::Value j, std::string& why) {
    auto p = decode_plan(j, cat, why);
    if (p && !plan_ids.insert(p->id).second) why = "duplicate id", p.reset();
    if (p) cat.plans.push_back(std::move(*p));
    return p.has_value();
  });
  out.ok = true;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] encoding
// ---------------------------------------------------------------------------------------------------------
namespace {

void write_strings(JsonWriter& w, std::string_view name, const std::vector<std::string>& list) {
  w.key(name).begin_array();
  for (const std::string& s : list) w.string(s);
  w.end_array();
}

void write_destination(JsonWriter& w, const Destination& d) {
  w.begin_object();
  if (!d.aliases.empty()) write_strings(w, "aliases", d.aliases);
  w.field("code", to_string(d.code)).field("name", d.name).field("region", d.region).end_object();
}

// The prices in the order of their currency codes (a JSON object's keys are written in ascending order).
void write_prices(JsonWriter& w, const PriceList& prices) {
  std::vector<std::pair<std::string_view, std::int64_t>> sorted;
  for (Currency c : kCurrencies)
    if (auto m = prices.get(c)) sorted.emplace_back(currency_code(c), m->minor);
  std::sort(sorted.begin(), sorted.end());
  w.key("prices").begin_object();
  for (const auto& [code, minor] : sorted) w.field(code, minor);
  w.end_object();
}

void write_plan(JsonWriter& w, const Plan& p) {
  w.begin_object().key("coverage").begin_array();
  for (auto c : p.coverage) w.string(to_string(c));
  w.end_array().key("data").begin_object();
  if (p.unlimited) w.field("fair_use", p.fair_use).field("unlimited", true);
  else w.field("mb", p.data_mb);
  w.end_object().key("features").begin_array();
  for (const auto& f : kFeatureNames)  // in kFeatureNames' order, as the list was always written
    if (p.features & f.bit) w.string(f.name);
  w.end_array().field("id", p.id).field("name", p.name);
  if (!p.networks.empty()) write_strings(w, "networks", p.networks);
  write_prices(w, p.prices);
  if (!p.region.empty()) w.field("region", p.region);
  w.field("scope", scope_name(p.scope)).field("validity_days", p.validity_days);
  w.field("validity_start", validity_start_name(p.validity_start)).end_object();
}

}  // namespace

// Every object's keys in ascending order (json_writer.hpp).
std::string encode_catalogue(const Catalogue& cat) {
  JsonWriter w;
  w.begin_object().key("destinations").begin_array();
  for (const auto& d : cat.destinations) write_destination(w, d);
  w.end_array();
  if (!cat.notice.empty()) w.field("notice", cat.notice);
  w.key("plans").begin_array();
  for (const auto& p : cat.plans) write_plan(w, p);
  w.end_array().key("regions").begin_array();
  for (const auto& r : cat.regions) w.begin_object().field("id", r.id).field("name", r.name).end_object();
  w.end_array().field("schema", cat.schema);
  if (!cat.version.empty()) w.field("version", cat.version);
  return w.end_object().take();
}

std::vector<PhoneBrand> decode_phone_list(std::string_view json_text) {
  std::vector<PhoneBrand> out;
  const JsonObjectParse parsed = parse_json_object(json_text, 256u * 1024u);
  if (parsed.status != JsonObjectParse::Status::Ok) return out;
  const JsonValue brands = JsonReader(parsed.doc).field("brands", false);
  if (!brands.is(JsonType::Array)) return out;
  std::size_t i = 0;
  for (lite::Members m(brands); m.next() && i < kMaxListItems; ++i) {
    const JsonValue b = m.value();
    if (!b.is(JsonType::Object)) continue;
    JsonReader r(b, "brands[" + std::to_string(i) + "]");
    PhoneBrand brand{r.string("brand", true, 64), r.strings("models", true, kMaxListItems, 64)};
    if (r.ok()) out.push_back(std::move(brand));
  }
  return out;
}

}  // namespace jupiter
