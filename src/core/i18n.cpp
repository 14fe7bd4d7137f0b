// i18n.cpp: language tags, text tables and placeholder formatting.
#include "core/i18n.hpp"

#include <algorithm>
#include <cctype>

#include "core/json_lite.hpp"
#include "core/json_reader.hpp"

namespace jupiter {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

struct LanguageInfo {
  Language language;
  const char* code;
  const char* endonym;
};
constexpr LanguageInfo kInfo[] = {{Language::En, "en", "English"},
                                  {Language::Es, "es", "Español"},
                                  {Language::Fr, "fr", "Français"},
                                  {Language::De, "de", "Deutsch"}};

const LanguageInfo* info(Language l) {
  for (const auto& i : kInfo)
    if (i.language == l) return &i;
  return nullptr;
}

// Calls on_placeholder(name, begin, end) for each well-formed "{name}" (name: letters, digits, '_').
template <class F>
void scan_placeholders(std::string_view p, F on_placeholder) {
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '{') continue;
    std::size_t j = i + 1;
    while (j < p.size() && (std::isalnum(static_cast<unsigned char>(p[j])) || p[j] == '_')) ++j;
    if (j < p.size() && p[j] == '}' && j > i + 1) {
      on_placeholder(p.substr(i + 1, j - i - 1), i, j + 1);
      i = j;
    }
  }
}

}  // namespace

std::optional<Language> parse_language(std::string_view tag) {
  if (tag.size() < 2 || (tag.size() > 2 && tag[2] != '-' && tag[2] != '_')) return std::nullopt;
  const char code[2] = {lower(tag[0]), lower(tag[1])};
  for (const auto& i : kInfo)
    if (i.code[0] == code[0] && i.code[1] == code[1]) return i.language;
  return std::nullopt;
}

std::string_view language_code(Language l) {
  const LanguageInfo* i = info(l);
  return i ? i->code : "";
}

std::optional<Language> language_from_code(std::string_view code) {
  for (Language l : kLanguages)
    if (language_code(l) == code) return l;
  return std::nullopt;
}

std::string_view language_endonym(Language l) {
  const LanguageInfo* i = info(l);
  return i ? i->endonym : "";
}

Language choose_language(std::optional<Language> stored, const std::vector<std::string>& browser_languages) {
  if (stored && *stored != Language::Unknown) return *stored;
  for (const std::string& tag : browser_languages)
    if (auto l = parse_language(tag)) return *l;
  return Language::En;
}

std::string format_text(std::string_view pattern, TextArgs args) {
  std::string out;
  out.reserve(pattern.size() + 16);
  std::size_t copied = 0;
  scan_placeholders(pattern, [&](std::string_view name, std::size_t begin, std::size_t end) {
    for (const auto& [key, value] : args) {
      if (key != name) continue;
      out.append(pattern.substr(copied, begin - copied));
      out.append(value);
      copied = end;
      break;
    }
  });
  out.append(pattern.substr(copied));
  return out;
}

std::vector<std::string> placeholders(std::string_view pattern) {
  std::vector<std::string> out;
  scan_placeholders(pattern, [&](std::string_view name, std::size_t, std::size_t) { out.emplace_back(name); });
  return out;
}

std::vector<std::string> TextTable::add_file(std::string_view json_text, std::string_view domain) {
  std::vector<std::string> problems;
  JsonObjectParse parsed = parse_json_object(json_text, kMaxTextFileBytes);
  switch (parsed.status) {
    case JsonObjectParse::Status::Ok: break;
    case JsonObjectParse::Status::TooLarge: return {"the file is too large"};
    case JsonObjectParse::Status::NotJson: return {"the file is not JSON"};
    case JsonObjectParse::Status::NotObject: return {"the file is not one JSON object"};
  }
  const std::string prefix = std::string(domain) + ".";
  for (json_lite::Members m(parsed.doc); m.next();) {
    const std::string key = m.key().text();
    if (key.compare(0, prefix.size(), prefix) != 0 || key.size() == prefix.size()) {
      problems.push_back("\"" + key + "\": the key does not start with \"" + prefix + "\"");
    } else if (!m.value().is(JsonType::String)) {
      problems.push_back("\"" + key + "\": the text is not a string");
    } else if (std::string text = m.value().text(); text.size() > kMaxTextBytes) {
      problems.push_back("\"" + key + "\": the text is too long");
    } else {
      texts_[key] = std::move(text);
    }
  }
  return problems;
}

namespace {
bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 32) return false;
  return std::all_of(d.begin(), d.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}
}  // namespace

std::vector<std::string> TextTable::add_bundle(std::string_view json_text) {
  switch (json_lite::check_object(json_text, kMaxTextBundleBytes)) {
    case json_lite::Status::Ok: break;
    case json_lite::Status::TooLarge: return {"the bundle is too large"};
    case json_lite::Status::NotJson: return {"the bundle is not JSON"};
    case json_lite::Status::NotObject: return {"the bundle is not one JSON object"};
  }
  std::vector<std::string> problems;
  for (json_lite::Members m(json_lite::Value::document(json_text)); m.next();) {
    const std::string domain = m.key().text();
    if (!valid_domain(domain)) {
      problems.push_back("\"" + domain + "\": not a domain name");
    } else if (!m.value().is(json_lite::Value::Type::Object)) {
      problems.push_back(domain + ": not a JSON object");
    } else {
      for (std::string& p : add_file(m.value().raw(), domain)) problems.push_back(domain + ": " + std::move(p));
    }
  }
  return problems;
}

const std::string* TextTable::find(std::string_view key) const {
  auto it = texts_.find(std::string(key));
  return it == texts_.end() ? nullptr : &it->second;
}

std::vector<std::string> TextTable::keys() const {
  std::vector<std::string> out;
  out.reserve(texts_.size());
  for (const auto& kv : texts_) out.push_back(kv.first);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> check_translation(const TextTable& english, const TextTable& other,
                                           std::string_view domain) {
  std::vector<std::string> problems;
  const std::string prefix = std::string(domain) + ".";
  for (const std::string& key : english.keys()) {
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string* text = other.find(key);
    if (!text) {
      problems.push_back(key + ": missing");
      continue;
    }
    auto want = placeholders(*english.find(key));
    auto got = placeholders(*text);
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    if (want != got) problems.push_back(key + ": placeholders differ from English");
  }
  return problems;
}

}  // namespace jupiter
