// i18n.hpp: the texts of the store's screens in the active language.
//
//   ImGui::Button(ui::tr("store.detail.back"));
//   ui::Text(ui::tr_fmt("store.plans.count_other", {{"n", std::to_string(n)}}));
//
// Texts come from assets/i18n/<domain>/<lang>.json (embedded in the module at build time; see
// src/app/embed_texts.py). A key missing from the active language falls back to English and is reported once
// (through the reporter); a key missing from English too shows the key itself.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "core/i18n.hpp"

namespace jupiter::ui {

// The text for `key`. The pointer stays valid until the texts are replaced (a language change).
const char* tr(std::string_view key);
// The active language's text for `key`, or nullptr when it has none (no fallback, no report): for texts whose
// English lives elsewhere, such as the consent config's category and service words.
const char* tr_translated(std::string_view key);
// The text with its {name} placeholders replaced: tr_fmt("store.home.from", {{"price", "$4.50"}}).
std::string tr_fmt(std::string_view key, TextArgs args);
// A text naming the privacy policy or the terms of sale: its {version} is the policy in force and its {terms} the
// terms of sale in force (core/policy.hpp), never a copy.
std::string tr_policy(std::string_view key);

Language active_language();

// Installs the texts: `english` is the fallback, `active` the chosen language's (the same as English for En).
void set_texts(Language language, TextTable english, TextTable active);
// Receives "missing translation" reports, once per key and language.
void set_missing_text_reporter(std::function<void(const std::string&)> report);

}  // namespace jupiter::ui
