// privacy_centre_ui.hpp: the store's privacy centre screens (issue 16): not signed in, what the centre is and the
// e-mail that gets a sign-in link (next: privacy); signed in, the summary and each right (download, correct,
// object / restrict, cookie settings, erase with a confirmation and its result) and the privacy policy's page.
//
//   ui::privacy_centre_link(out);                         // the store's footer: "Privacy centre", "Privacy policy"
//   ui::privacy_centre_button(out);                       // a button elsewhere (Privacy popup, My eSIMs)
//   ui::draw_privacy_centre(model, ctx, out, fields);     // every frame while model.privacy_centre.screen != Closed
// The screens read the model (core/privacy_centre.hpp) and emit its actions; they perform nothing. Every outcome
// and problem is a status / alert text (the mirror's live regions). Text fields are real <input>s (tags below).
#pragma once
#include <vector>

#include "core/app.hpp"
#include "core/text_field.hpp"
#include "ui/store_ui.hpp"

namespace jupiter::ui {

// Tags of the centre's <input>s for platform::text_fields_init: kPrivacyFieldTag + privacy_centre::Field.
constexpr int kPrivacyFieldTag = 910;
constexpr int kPrivacyFieldCount = 4;

// The store's footer: "Privacy centre" (opens the centre), "Privacy policy" (/privacy in a new tab) and "Terms of
// sale" (/terms in a new tab), as links.
void privacy_centre_footer(std::vector<Action>& out);
// "Privacy centre" as a button (`id` keeps it unique in its window).
void privacy_centre_button(const char* id, std::vector<Action>& out);
// "Privacy policy" as a link to /privacy (`id` keeps it unique in its window).
void privacy_policy_link(const char* id, std::vector<Action>& out);
// "Terms of sale" as a link to /terms (?lang= the store's language), the terms in force (issue 15).
void terms_of_sale_link(const char* id, std::vector<Action>& out);

// The policy-change notice (core/policy_notice.hpp) while it is Shown: "Our privacy policy changed on <date>", what
// changed, "Read the policy" (a link to /privacy in the store's language) and "OK" (focused when it appears);
// OK, Enter on OK, or Escape dismiss it. The first line is a status text: the live region announces it.
void draw_policy_notice(const Model& m, std::vector<Action>& out);

// Draws the open screen over the whole window; returns the content height in CSS px.
float draw_privacy_centre(const Model& m, const Context& ctx, std::vector<Action>& out,
                          std::vector<TextField>& fields);

}  // namespace jupiter::ui
