// consent_bridge.hpp: what the store's privacy screen needs from the page's consent manager (web/consent.js).
//
// Implemented features (consent_bridge_web.cpp, Emscripten):
//  [X] The consent record, asked of the consent manager (JupiterConsent.record()), which alone knows where it
//      keeps it (storage, cookie, or memory when storage is blocked); "" before the manager has started. The
//      text is decoded by the core (consent::decode_record), never trusted here.
//  [X] The Global Privacy Control signal (navigator.globalPrivacyControl).
//  [X] Opening the consent manager's preferences (JupiterConsent.showPreferences()).
//  [X] Withdrawing one category (JupiterConsent.withdraw(category)): the privacy centre's analytics objection.
#pragma once
#include <string>

namespace jupiter::platform {

// The consent record's JSON text; "" when there is none or it cannot be read.
std::string consent_record_text();
// True when the browser sends Global Privacy Control.
bool gpc_signal();
// Opens the consent manager's "Cookie settings" (a no-op when the manager is not on the page).
void open_cookie_settings();
// Turns one category off in the consent manager, the others as they are (a decision recorded with its receipt);
// nothing when it is not granted or the manager is not on the page.
void withdraw_cookie_category(const std::string& category);

}  // namespace jupiter::platform
