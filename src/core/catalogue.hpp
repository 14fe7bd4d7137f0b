// catalogue.hpp: the eSIM plan catalogue (destinations, regions, plans) and its JSON codec.
//
// The codec validates every entry. A bad entry is skipped and reported (with its index, id when known and the
// reason); the valid rest is kept. Nothing in this API throws: a document that is not JSON at all, or not a
// catalogue, comes back as an error value.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.hpp"

namespace jupiter {

// ISO 3166-1 alpha-2 code, upper case ("JP"). Invariant once validated: exactly two letters A-Z.
using CountryCode = std::array<char, 2>;
std::optional<CountryCode> parse_country_code(std::string_view s);  // exact, upper case, assigned code
std::string to_string(CountryCode c);

enum class Scope : std::uint8_t { Unknown = 0, Local, Regional, Global };
std::optional<Scope> parse_scope(std::string_view s);
std::string_view scope_name(Scope s);  // "local", "regional", "global"

// When the plan's validity period starts counting.
enum class ValidityStart : std::uint8_t { Unknown = 0, FirstConnection, Installation, Purchase };
std::optional<ValidityStart> parse_validity_start(std::string_view s);
std::string_view validity_start_name(ValidityStart v);  // "first_connection", "installation", "purchase"

enum Feature : std::uint8_t {
  kFeature5G = 1u << 0,
  kFeatureHotspot = 1u << 1,
  kFeatureTopUp = 1u << 2,
  kFeatureVoice = 1u << 3,
  kFeatureSms = 1u << 4,
};
std::optional<std::uint8_t> parse_feature(std::string_view s);  // "5g", "hotspot", "topup", "voice", "sms"

struct Region {
  std::string id;    // "europe"
  std::string name;  // "Europe"
};

struct Destination {
  CountryCode code{};
  std::string name;                  // English name, the catalogue's canonical one
  std::string region;                // region id
  std::vector<std::string> aliases;  // "UK", "Great Britain", ...
};

// Prices per currency, in minor units; a plan is sold in a currency only when it has a price for it.
struct PriceList {
  std::array<std::optional<std::int64_t>, 4> minor{};  // indexed by Currency
  std::optional<Money> get(Currency c) const;
  void set(Currency c, std::int64_t amount) { minor[static_cast<std::size_t>(c)] = amount; }
};

struct Plan {
  std::string id;  // stable, unique: [a-z0-9-], 1..64 chars
  std::string name;
  Scope scope = Scope::Unknown;
  std::string region;  // region id, for regional plans; empty otherwise
  std::vector<CountryCode> coverage;  // sorted, unique, non-empty
  std::vector<std::string> networks;
  bool unlimited = false;
  std::int64_t data_mb = 0;  // > 0 unless unlimited
  std::string fair_use;      // required for unlimited plans
  int validity_days = 0;     // 1..365
  ValidityStart validity_start = ValidityStart::Unknown;
  PriceList prices;
  std::uint8_t features = 0;  // Feature bits

  bool has(Feature f) const { return (features & f) != 0; }
  bool covers(CountryCode c) const;
};

struct Catalogue {
  int schema = 1;
  std::string notice;      // "Sample data..." shown in the UI footer when present
  std::string version;     // free-form revision label of the catalogue
  std::vector<Region> regions;
  std::vector<Destination> destinations;  // sorted by name
  std::vector<Plan> plans;                // in document order

  const Destination* find_destination(CountryCode c) const;
  const Plan* find_plan(std::string_view id) const;
  const Region* find_region(std::string_view id) const;

  // Sorts destinations by name and rebuilds the code index; call after changing destinations.
  void reindex();

 private:
  std::vector<std::size_t> destinations_by_code_;  // indexes into destinations, sorted by code
};

// One skipped entry: where it was and why.
struct CatalogueIssue {
  std::string where;   // "plans[12] (id \"jp-5gb\")", "destinations[3]"
  std::string reason;  // "missing price", "unknown currency \"XYZ\"", ...
};

struct CatalogueDecode {
  bool ok = false;        // false: the document itself was unusable (see error); catalogue is empty
  std::string error;      // when !ok: "not JSON: ...", "not a catalogue: ..."
  Catalogue catalogue;    // every valid entry
  std::vector<CatalogueIssue> skipped;  // every invalid entry, in document order
};

// Limits that keep hostile input bounded.
inline constexpr std::size_t kMaxCatalogueBytes = 32u * 1024u * 1024u;
inline constexpr std::size_t kMaxStringBytes = 512;
inline constexpr std::size_t kMaxListItems = 300;

CatalogueDecode decode_catalogue(std::string_view json_text);
std::string encode_catalogue(const Catalogue& c);  // canonical JSON; decode(encode(c)) == c

// Common eSIM-capable phone models (assets/phones.json), for the "Will my phone work?" check. Not exhaustive.
struct PhoneBrand {
  std::string brand;                // "Google"
  std::vector<std::string> models;  // "Pixel 8"
};
// The brands with a non-empty name and model list; a bad entry is skipped. Empty for a document that is not one.
std::vector<PhoneBrand> decode_phone_list(std::string_view json_text);

}  // namespace jupiter
