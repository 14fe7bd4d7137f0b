// catalogue.cpp: catalogue model helpers and the validating JSON codec.
//
// [SECTION] enum mappings
// [SECTION] model helpers
// [SECTION] decoding (never throws: parse without exceptions, check every type before reading it)
// [SECTION] encoding
#include "core/catalogue.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

#include "core/country.hpp"
#include "core/json_reader.hpp"

namespace jupiter {

using json = nlohmann::json;

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

using Reader = JsonReader;

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
std::string id_of(const json& entry) {
  if (!entry.is_object()) return {};
  auto it = entry.find("id");
  if (it == entry.end() || !it->is_string()) return {};
  const auto& s = it->get_ref<const std::string&>();
  return s.size() <= 64 ? s : std::string();
}

std::optional<Region> decode_region(const json& j, std::string& why) {
  if (!j.is_object()) {
    why = "not an object";
    return std::nullopt;
  }
  Reader r(j);
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

std::optional<Destination> decode_destination(const json& j, const std::set<std::string>& regions, std::string& why) {
  if (!j.is_object()) {
    why = "not an object";
    return std::nullopt;
  }
  Reader r(j);
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

std::optional<Plan> decode_plan(const json& j, const Catalogue& cat, std::string& why) {
  if (!j.is_object()) {
    why = "not an object";
    return std::nullopt;
  }
  Reader r(j);
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

  p.networks = r.strings("networks", false, 16, kMaxStringBytes);

  if (const json* data = r.field("data", true)) {
    if (!data->is_object()) {
      r.fail("data is not an object");
    } else {
      Reader d(*data);
      const json* unl = d.field("unlimited", false);
      if (unl && !unl->is_boolean()) d.fail("data.unlimited is not true/false");
      p.unlimited = unl && unl->is_boolean() && unl->get<bool>();
      if (p.unlimited) {
        p.fair_use = d.string("fair_use", true, kMaxStringBytes);
      } else {
        p.data_mb = d.integer("mb", 1, 10'000'000);
      }
      if (!d.ok()) r.fail("data: " + d.error());
    }
  }

  p.validity_days = static_cast<int>(r.integer("validity_days", 1, 365));
  const std::string start = r.string("validity_start", true, 32);
  if (r.ok()) {
    if (auto v = parse_validity_start(start)) p.validity_start = *v;
    else r.fail("unknown validity_start \"" + start + "\"");
  }

  if (const json* prices = r.field("prices", true)) {
    if (!prices->is_object()) {
      r.fail("prices is not an object");
    } else if (prices->empty()) {
      r.fail("missing price");
    } else {
      for (auto it = prices->begin(); it != prices->end() && r.ok(); ++it) {
        auto cur = parse_currency(it.key());
        if (!cur) {
          r.fail("unknown currency \"" + it.key().substr(0, 8) + "\"");
        } else if (!it.value().is_number_integer()) {
          r.fail("price in " + it.key() + " is not an integer amount of minor units");
        } else if (it.value().get<std::int64_t>() <= 0 || it.value().get<std::int64_t>() > 100'000'000) {
          r.fail("price in " + it.key() + " is out of range");
        } else {
          p.prices.set(*cur, it.value().get<std::int64_t>());
        }
      }
    }
  }

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

}  // namespace

CatalogueDecode decode_catalogue(std::string_view text) {
  CatalogueDecode out;
  const JsonObjectParse parsed = parse_json_object(text, kMaxCatalogueBytes);
  switch (parsed.status) {
    case JsonObjectParse::Status::Ok: break;
    case JsonObjectParse::Status::TooLarge: out.error = "too large (" + std::to_string(text.size()) + " bytes)"; return out;
    case JsonObjectParse::Status::NotJson: out.error = "not JSON"; return out;
    case JsonObjectParse::Status::NotObject: out.error = "not a catalogue: the document is not an object"; return out;
  }
  const json& doc = parsed.doc;
  Catalogue& cat = out.catalogue;
  Reader top(doc);
  cat.schema = static_cast<int>(top.integer("schema", 1, 1));
  cat.version = top.string("version", false, 64);
  cat.notice = top.string("notice", false, kMaxStringBytes);
  const json* regions = top.field("regions", true);
  const json* destinations = top.field("destinations", true);
  const json* plans = top.field("plans", true);
  if (top.ok() && (!regions->is_array() || !destinations->is_array() || !plans->is_array()))
    top.fail("regions, destinations and plans must be lists");
  if (!top.ok()) {
    out.error = "not a catalogue: " + top.error();
    return out;
  }

  std::set<std::string> region_ids;
  for (std::size_t i = 0; i < regions->size(); ++i) {
    std::string why;
    auto reg = decode_region((*regions)[i], why);
    if (reg && !region_ids.insert(reg->id).second) why = "duplicate id", reg.reset();
    if (reg) cat.regions.push_back(std::move(*reg));
    else out.skipped.push_back({where("regions", i, id_of((*regions)[i])), why});
  }

  std::set<CountryCode> codes;
  for (std::size_t i = 0; i < destinations->size(); ++i) {
    std::string why;
    auto d = decode_destination((*destinations)[i], region_ids, why);
    if (d && !codes.insert(d->code).second) why = "duplicate country code", d.reset();
    if (d) cat.destinations.push_back(std::move(*d));
    else out.skipped.push_back({where("destinations", i), why});
  }
  cat.reindex();

  std::unordered_set<std::string> plan_ids;
  cat.plans.reserve(plans->size());
  for (std::size_t i = 0; i < plans->size(); ++i) {
    std::string why;
    auto p = decode_plan((*plans)[i], cat, why);
    if (p && !plan_ids.insert(p->id).second) why = "duplicate id", p.reset();
    if (p) cat.plans.push_back(std::move(*p));
    else out.skipped.push_back({where("plans", i, id_of((*plans)[i])), why});
  }
  out.ok = true;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] encoding
// ---------------------------------------------------------------------------------------------------------
std::string encode_catalogue(const Catalogue& cat) {
  json doc = json::object();
  doc["schema"] = cat.schema;
  if (!cat.version.empty()) doc["version"] = cat.version;
  if (!cat.notice.empty()) doc["notice"] = cat.notice;
  json& regions = doc["regions"] = json::array();
  for (const auto& r : cat.regions) regions.push_back({{"id", r.id}, {"name", r.name}});
  json& dests = doc["destinations"] = json::array();
  for (const auto& d : cat.destinations) {
    json jd = {{"code", to_string(d.code)}, {"name", d.name}, {"region", d.region}};
    if (!d.aliases.empty()) jd["aliases"] = d.aliases;
    dests.push_back(std::move(jd));
  }
  json& plans = doc["plans"] = json::array();
  for (const auto& p : cat.plans) {
    json jp = {{"id", p.id}, {"name", p.name}, {"scope", scope_name(p.scope)}};
    if (!p.region.empty()) jp["region"] = p.region;
    json cov = json::array();
    for (auto c : p.coverage) cov.push_back(to_string(c));
    jp["coverage"] = std::move(cov);
    if (!p.networks.empty()) jp["networks"] = p.networks;
    jp["data"] = p.unlimited ? json{{"unlimited", true}, {"fair_use", p.fair_use}} : json{{"mb", p.data_mb}};
    jp["validity_days"] = p.validity_days;
    jp["validity_start"] = validity_start_name(p.validity_start);
    json prices = json::object();
    for (Currency c : kCurrencies)
      if (auto m = p.prices.get(c)) prices[std::string(currency_code(c))] = m->minor;
    jp["prices"] = std::move(prices);
    json feats = json::array();
    for (const auto& f : kFeatureNames)
      if (p.features & f.bit) feats.push_back(f.name);
    jp["features"] = std::move(feats);
    plans.push_back(std::move(jp));
  }
  // Strings all came from validated UTF-8 input, so dump cannot meet invalid UTF-8; replace defensively anyway.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<PhoneBrand> decode_phone_list(std::string_view json_text) {
  std::vector<PhoneBrand> out;
  const JsonObjectParse parsed = parse_json_object(json_text, 256u * 1024u);
  if (parsed.status != JsonObjectParse::Status::Ok) return out;
  const auto brands = parsed.doc.find("brands");
  if (brands == parsed.doc.end() || !brands->is_array()) return out;
  for (std::size_t i = 0; i < brands->size() && i < kMaxListItems; ++i) {
    const json& b = (*brands)[i];
    if (!b.is_object()) continue;
    JsonReader r(b, "brands[" + std::to_string(i) + "]");
    PhoneBrand brand{r.string("brand", true, 64), r.strings("models", true, kMaxListItems, 64)};
    if (r.ok()) out.push_back(std::move(brand));
  }
  return out;
}

}  // namespace jupiter
