// texts.cpp: English from the module, the other languages' bundles fetched from the web root (texts.hpp).
#include "app/texts.hpp"

#include <map>
#include <string>
#include <string_view>

#include "app/text_files.hpp"
#include "platform/browser.hpp"
#include "platform/platform.hpp"
#include "ui/i18n.hpp"

namespace jupiter::app {
namespace {

struct Texts {
  Language installed = Language::Unknown;
  std::map<Language, TextTable> bundles;  // the bundles that came (a failed one: English)
  std::map<Language, bool> asked;
};
Texts& texts() {
  static Texts t;
  return t;
}

void log_problems(std::string_view where, const std::vector<std::string>& problems) {
  for (const std::string& p : problems)
    platform::log(LogLevel::Warning, "i18n: " + std::string(where) + ": " + p);
}

// English from every embedded domain file, read once; a problem in a file is logged, its good texts kept.
const TextTable& embedded_english() {
  static const TextTable table = [] {
    TextTable t;
    for (unsigned i = 0; i < jupiter_text_files_count; ++i) {
      const JupiterTextFile& f = jupiter_text_files[i];
      log_problems(std::string(f.domain) + "/" + f.language + ".json",
                   t.add_file(std::string_view(f.json, f.size), f.domain));
    }
    return t;
  }();
  return table;
}

// The bundle URL the page lists for lang ("es=/texts-es.1a2b3c.json fr=..."), or "".
std::string bundle_url(Language lang) {
  const std::string meta = platform::page_meta("jupiter:texts");
  const std::string key = std::string(language_code(lang)) + "=";
  for (std::size_t at = 0; at < meta.size();) {
    std::size_t end = meta.find(' ', at);
    if (end == std::string::npos) end = meta.size();
    const std::string_view pair(meta.data() + at, end - at);
    if (pair.substr(0, key.size()) == key) return std::string(pair.substr(key.size()));
    at = end + 1;
  }
  return "";
}

void bundle_failed(Language lang, const std::string& why) {
  platform::log(LogLevel::Error, "i18n: the " + std::string(language_code(lang)) + " texts could not be loaded (" +
                                     why + "): they are shown in English");
  texts().bundles[lang] = embedded_english();
}

void bundle_arrived(Language lang, const platform::FetchResult& r) {
  if (r.status != 200) return bundle_failed(lang, r.status ? "HTTP " + std::to_string(r.status) : r.error);
  TextTable table;
  const std::vector<std::string> problems = table.add_bundle(r.body);
  log_problems(std::string(language_code(lang)) + " bundle", problems);
  if (table.size() == 0) return bundle_failed(lang, "the bundle has no texts");
  texts().bundles[lang] = std::move(table);
}

// Asks for lang's bundle once. True when it is settled at once (the page lists none: English then).
bool ask_bundle(Language lang, const std::function<void()>& arrived) {
  if (texts().asked[lang]) return false;
  texts().asked[lang] = true;
  const std::string url = bundle_url(lang);
  if (url.empty()) {
    bundle_failed(lang, "the page lists no bundle for it");
    return true;
  }
  platform::fetch(url, "", [lang, arrived](platform::FetchResult r) {
    bundle_arrived(lang, r);
    arrived();
  });
  return false;
}

}  // namespace

bool install_texts(Language lang, const std::function<void()>& arrived) {
  Texts& t = texts();
  if (lang == t.installed) return true;
  auto bundle = t.bundles.find(lang);
  if (lang != Language::En && bundle == t.bundles.end()) {
    if (!ask_bundle(lang, arrived)) return false;
    bundle = t.bundles.find(lang);
  }
  t.installed = lang;
  const TextTable& english = embedded_english();
  ui::set_texts(lang, english, lang == Language::En ? english : bundle->second);
  platform::set_money_locale(language_code(lang));
  return true;
}

}  // namespace jupiter::app
