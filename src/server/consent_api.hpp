// consent_api.hpp: proof-of-consent endpoints (issue 6).
//
//   POST /api/consent/receipts              a receipt from web/consent.js (sendBeacon / fetch keepalive: the body
//                                           is JSON sent as text/plain). 201 stored, 200 already stored (a resend),
//                                           400 malformed, 413 too large, 415 wrong type. When the request carries
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
#include <string_view>

#include "server/db.hpp"
#include "server/router.hpp"

namespace jupiter::server {

inline constexpr std::size_t kMaxReceiptBytes = 16 * 1024;

void add_consent_routes(Router& router, db::Database& db);

}  // namespace jupiter::server
