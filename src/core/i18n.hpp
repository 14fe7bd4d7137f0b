// i18n.hpp: the store's languages, text tables and {placeholder} formatting (pure: no I/O, no globals).
//
// Texts live in assets/i18n/<domain>/<lang>.json: one flat JSON object per file, "domain.area.name": "text",
// placeholders written {name}. A TextTable holds every domain's texts for one language; the UI layer
// (src/ui/i18n.hpp) keeps the active one and falls back to English.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace jupiter {

// The store's languages. Unknown comes first: every unmapped tag decodes to it.
enum class Language : std::uint8_t { Unknown = 0, En, Es, Fr, De };
inline constexpr Language kLanguages[] = {Language::En, Language::Es, Language::Fr, Language::De};

// "de", "de-AT", "DE_at" -> Language::De; anything else -> nullopt.
std::optional<Language> parse_language(std::string_view tag);
// "de" -> Language::De: exactly one of the store's codes as language_code writes it (lower case, no region);
// anything else ("DE", "de-AT", "") -> nullopt. For codes the store itself sent (order bodies, stored choices).
std::optional<Language> language_from_code(std::string_view code);
// Language::De -> "de"; Unknown -> "".
std::string_view language_code(Language l);
// The language's own name ("Deutsch"): the same in every language, so it is data, not a translatable text.
std::string_view language_endonym(Language l);

// The language to show: a stored choice wins, then the first supported entry of the browser's list
// (navigator.languages, most preferred first), then English.
Language choose_language(std::optional<Language> stored, const std::vector<std::string>& browser_languages);

using TextArgs = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// "{n} plans" with {{"n", "3"}} -> "3 plans". Unknown placeholders stay as written; "{" without a closing "}"
// is literal text.
std::string format_text(std::string_view pattern, TextArgs args);
// The placeholder names in a pattern, in order of appearance ("{a} and {b}" -> a, b).
std::vector<std::string> placeholders(std::string_view pattern);

inline constexpr std::size_t kMaxTextFileBytes = 256u * 1024u;
inline constexpr std::size_t kMaxTextBytes = 2048;
inline constexpr std::size_t kMaxTextBundleBytes = 1024u * 1024u;

// Every text of one language, all domains. Values are never moved once added (stable c_str()).
class TextTable {
 public:
  // Adds the "key": "text" pairs of one domain file. Keys must start with "<domain>."; a bad entry is skipped and
  // described in the returned list (so is a file that is not one JSON object). Later files win on equal keys.
  std::vector<std::string> add_file(std::string_view json_text, std::string_view domain);
  // Adds a language bundle: one JSON object whose members are domain files, {"store": {...}, "checkout": {...}}
  // (src/app/texts_bundle.py writes one per language the module does not embed). At most kMaxTextBundleBytes;
  // a domain name is 1-32 of a-z and '_'. Each domain is read as by add_file; a problem is prefixed "<domain>: ".
  std::vector<std::string> add_bundle(std::string_view json_text);

  const std::string* find(std::string_view key) const;
  std::size_t size() const { return texts_.size(); }
  std::vector<std::string> keys() const;  // sorted

 private:
  std::unordered_map<std::string, std::string> texts_;
};

// What a translation lacks next to English: keys it misses, and texts whose placeholders differ from English's.
// Only keys under `domain.` are compared. One line per problem; empty when complete.
std::vector<std::string> check_translation(const TextTable& english, const TextTable& other, std::string_view domain);

}  // namespace jupiter
