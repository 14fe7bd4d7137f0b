// browser_state.hpp: what the browser knows and keeps for the store: the traveller's languages, the network
// state, localStorage (guarded, consent-aware) and the page's URL and history.
//
// Implemented features (browser_state_web.cpp, Emscripten):
//  [X] navigator.languages; country names in a language (Intl.DisplayNames).
//  [X] localStorage: every call guarded (storage can be disabled, full, or throw); a failed read gives nullopt.
//  [X] Consent: consent_allows("preferences") asks window.JupiterConsent.accepted(category); false until that API
//      exists or while it says no; on_consent() hears "jupiter:consent-ready" and JupiterConsent.on("change").
//  [X] Online/offline: navigator.onLine and its events.
//  [X] History: the query string with pushState/replaceState, popstate back to the frame thread.
//  [X] Date.now() for the catalogue cache's age (the core gets time as an argument).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace jupiter::platform {

// navigator.languages, most preferred first (navigator.language when the list is missing).
std::vector<std::string> browser_languages();
// Country names in `language` from Intl.DisplayNames, one per ISO code, in order; empty when the browser has none.
std::vector<std::string> region_names(const std::string& language, const std::vector<std::string>& codes);

// True only when the consent manager's API exists and reports the category accepted.
bool consent_allows(const std::string& category);
// Calls `changed()` on the frame thread when the consent manager is ready (its stored choice is known) and
// whenever the choice changes. Set once.
void on_consent(std::function<void()> changed);

std::optional<std::string> storage_get(const std::string& key);
bool storage_set(const std::string& key, const std::string& value);  // false: refused or full
void storage_remove(const std::string& key);

// Milliseconds since the Unix epoch (Date.now()).
double now_ms();

bool is_online();
// Calls `changed(online)` on the frame thread when the browser goes online or offline. Set once.
void on_connectivity(std::function<void(bool online)> changed);

// location.search without the "?".
std::string url_query();
// Shows `query` (without "?") in the address bar: the parameters named in `routed` (comma-separated) are
// replaced by query's, any others (test=1, a partner's) are kept. push: a new history entry (Back returns to the
// current one); otherwise the current entry is replaced.
void set_url_query(const std::string& query, const std::string& routed, bool push);
// Calls `popped(query)` when Back/Forward moves to another entry. Set once.
void on_history(std::function<void(std::string query)> popped);

}  // namespace jupiter::platform
