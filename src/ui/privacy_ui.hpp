// privacy_ui.hpp: the store's privacy screen: the cookie choices in force, read through the same core as the
// consent manager (consent::decode_record, validity, effective) and shown per category and service, with a
// "Cookie settings" button that opens the consent manager's preferences to change or withdraw them.
//
//   ui::privacy_header_button(out);          // in the header: "Privacy" asks for the screen (action::PrivacyOpened)
//   ui::draw_privacy_popup(model, font, out); // every frame: draws model.privacy while it is set
// The screen performs nothing itself: the record, GPC and the time come in the model (effect::ReadConsent), and
// Close / Cookie settings go out as actions.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/app.hpp"
#include "core/consent.hpp"

namespace jupiter::ui {

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

void privacy_header_button(std::vector<Action>& out);
void draw_privacy_popup(const Model& m, ImFont* heading, std::vector<Action>& out);

}  // namespace jupiter::ui
