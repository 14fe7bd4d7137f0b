// i18n.cpp: the active text tables, English fallback and once-only reports of missing texts.
#include "ui/i18n.hpp"

#include <unordered_set>
#include <utility>

#include "core/policy.hpp"

namespace jupiter::ui {
namespace {

struct State {
  Language language = Language::En;
  TextTable english;
  TextTable active;
  std::unordered_set<std::string> reported;  // keys already reported for this language; also the storage of
                                             // keys shown as themselves (set nodes never move)
  std::function<void(const std::string&)> report;
};

State& state() {
  static State s;
  return s;
}

}  // namespace

const char* tr(std::string_view key) {
  State& s = state();
  if (const std::string* t = s.active.find(key)) return t->c_str();
  const std::string* fallback = s.english.find(key);
  auto [it, first_time] = s.reported.emplace(key);
  if (first_time && s.report) {
    const std::string lang(language_code(s.language));
    s.report(fallback ? "i18n: no " + lang + " text for \"" + *it + "\"; showing English"
                      : "i18n: no text for \"" + *it + "\" in any language");
  }
  return fallback ? fallback->c_str() : it->c_str();
}

const char* tr_translated(std::string_view key) {
  const std::string* t = state().active.find(key);
  return t ? t->c_str() : nullptr;
}

std::string tr_fmt(std::string_view key, TextArgs args) { return format_text(tr(key), args); }

std::string tr_policy(std::string_view key) {
  return tr_fmt(key, {{"version", std::string(kPolicyVersion)}, {"terms", std::string(kTermsVersion)}});
}

Language active_language() { return state().language; }

void set_texts(Language language, TextTable english, TextTable active) {
  State& s = state();
  s.language = language;
  s.english = std::move(english);
  s.active = std::move(active);
  s.reported.clear();
}

void set_missing_text_reporter(std::function<void(const std::string&)> report) { state().report = std::move(report); }

}  // namespace jupiter::ui
