// consent_api.hpp: proof-of-consent endpoints (issue 6).
//
//   POST /api/consent/receipts              a receipt from web/consent.js (sendBeacon / fetch keepalive: the body
//                                           is JSON sent as text/plain). 201 stored, 200 already stored (a resend),
//                                           400 malformed or a decision time outside [now - 30 days,
//                                           now + 10 min], 413 too large, 415 wrong type, 429 (with Retry-After)
//                                           past kReceiptsPerMinute from one address. When the request carries
//                                           the consent record cookie for the same consent id and the record is
//                                           valid under the config, the response re-issues it with Set-Cookie
//                                           (Max-Age = what is left of its validity, Path=/, SameSite=Lax): browsers
//                                           that cap script-set cookies at 7 days keep it for the full term.
//                                           A request with `Sec-GPC: 1` stores the receipt as sent plus
//                                           gpc_header = true (the browser sent Global Privacy Control, whether
//                                           or not the page saw it: the receipt's own "gpc").
//   GET  /api/consent/receipts/:consent_id  that browser's receipts, oldest first ({"consent_id","receipts":[...]})
//   GET  /.well-known/gpc.json              the GPC support resource: {"gpc":true,"lastUpdate":"YYYY-MM-DD"},
//                                           application/json, public for a day, ETag.
//
// A receipt has exactly the fields core build_receipt() writes; anything else (an e-mail, an IP address, an
// account id) is refused, not dropped, so nothing personal is stored by accident. Its choices are checked by the
// core's record rules (accept_all grants every category, reject_all only necessary, ...).
#pragma once

#include <string>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/db.hpp"
#include "server/router.hpp"

namespace jupiter::server {

inline constexpr std::size_t kMaxReceiptBytes = 16 * 1024;
inline constexpr std::size_t kReceiptsPerMinute = 120;                       // per client address
inline constexpr std::int64_t kReceiptMaxAgeMs = 30LL * 24 * 3600 * 1000;    // a queued receipt sent late
inline constexpr std::int64_t kReceiptMaxSkewMs = 10LL * 60 * 1000;          // a browser clock running fast

// `client_key`: the secret that client addresses are HMACed with for the receipts' rate limit (rate_counts.hpp).
void add_consent_routes(Router& router, db::Database& db, const std::string& client_key);

}  // namespace jupiter::server
