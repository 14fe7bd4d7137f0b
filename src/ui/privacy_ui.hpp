// privacy_ui.hpp: the store's privacy screen: the cookie choices in force, read through the same core as the
// consent manager (consent::decode_record, validity, effective) and shown per category and service, with a
// "Cookie settings" button that opens the consent manager's preferences to change or withdraw them.
//
//   ui::set_privacy_services({...});   // once, from the app: where the record, GPC and the clock come from
//   ui::privacy_header_button();       // in the header: "Privacy" opens the screen
//   ui::draw_privacy_popup(font);      // every frame: draws the screen while it is open
#pragma once
#include <imgui.h>

#include <cstdint>
#include <functional>
#include <string>

#include "core/consent.hpp"

namespace jupiter::ui {

struct PrivacyServices {
  std::function<std::string()> record_text;   // the stored consent record ("" when none)
  std::function<bool()> gpc;                  // Global Privacy Control is on
  std::function<double()> now_ms;             // Unix ms
  std::function<void()> cookie_settings;      // opens the consent manager's preferences
};
void set_privacy_services(PrivacyServices services);

// What the screen shows, derived from the record (pure; drawn by draw_privacy_popup).
struct PrivacyView {
  consent::Effective effective;
  std::int64_t decided_ms = 0;  // the last decision, when there is a readable record
  std::string consent_id;       // "" when none
};
PrivacyView make_privacy_view(const consent::Config& config, const std::string& record_text, bool gpc,
                              std::int64_t now_ms);

// "2026-03-01" for a Unix ms time (UTC).
std::string iso_date(std::int64_t unix_ms);

void privacy_header_button();
void draw_privacy_popup(ImFont* heading);

}  // namespace jupiter::ui
