// consent_store.hpp: proof of consent in the database: append a receipt, read a browser's receipts back.
//
// The table (migration "consent receipts") is append-only: rows are never updated or deleted (triggers refuse).
// A receipt holds no e-mail, IP address or account id: a browser's receipts are found by its random consent id.
// Producers: POST /api/consent/receipts (the cookie banner, the store's privacy screen) and the checkout, which
// records its 18+ confirmation and marketing opt-in here:
//
//   ConsentReceipt r;
//   r.consent_id = id_from_the_jupiter_consent_cookie_or_a_fresh_random_one;
//   r.time_ms = now_ms; r.source = "checkout"; r.action = "checkout_confirmations";
//   r.choices_json = R"({"age_18_plus":true,"marketing_opt_in":false})";
//   r.policy_version = "1.0"; r.revision = 0; r.text_hash = "sha256-..."; r.ui_version = "store-1";
//   auto stored = append_consent_receipt(db, r);   // a value, never an exception
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/db.hpp"

namespace jupiter::server {

// One decision as the backend keeps it. Limits (checked by receipt_problem):
//   consent_id      [A-Za-z0-9_-], 8..64 bytes
//   time_ms         when the user decided, Unix ms, 0..9999-12-31
//   source          "banner", "store" or "checkout"
//   action          banner/store: accept_all, reject_all, custom, withdraw; checkout: [a-z_], 1..32 bytes
//   choices_json    a JSON object of at most kMaxChoicesBytes: what was granted or confirmed; stored canonical
//   policy_version  1..32 bytes; revision 0..1'000'000'000
//   text_hash       hash of the text the user saw, [A-Za-z0-9+/=:_-], 1..128 bytes
//   ui_version      [A-Za-z0-9._+-], 1..32 bytes
//   language        BCP 47-shaped tag, 1..35 bytes ("und" when unknown)
//   gpc             Global Privacy Control as the page saw it (navigator.globalPrivacyControl) when the user decided
//   gpc_header      the request that delivered the receipt carried `Sec-GPC: 1` (migration "receipt gpc header"):
//                   the browser sent the signal even when the page did not see it (an extension that sets only
//                   the header); false for receipts the server writes itself (checkout, marketing withdrawal)
struct ConsentReceipt {
  std::string consent_id;
  std::int64_t time_ms = 0;
  std::string source = "banner";
  std::string action;
  std::string choices_json = "{}";
  std::string policy_version;
  int revision = 0;
  std::string text_hash;
  std::string ui_version;
  std::string language = "und";
  bool gpc = false;
  bool gpc_header = false;
};
inline constexpr std::size_t kMaxChoicesBytes = 8 * 1024;

// What is wrong with `r` ("action is not one of ...", ...), or "" when it can be stored.
std::string receipt_problem(const ConsentReceipt& r);

struct ReceiptAppend {
  enum class Outcome { Stored, Duplicate, Invalid };
  Outcome outcome = Outcome::Invalid;
  std::string problem;  // when Invalid: receipt_problem()
  std::int64_t id = 0;  // the row (the earlier one for a Duplicate)
};

// Stores `r` with the server's receive time. A receipt equal in (consent_id, time_ms, source, action) to a stored
// one is a resend (a beacon retry) and reports Duplicate without a second row. Database failures are errors.
db::Result<ReceiptAppend> append_consent_receipt(db::Database& db, const ConsentReceipt& r);

struct StoredReceipt {
  std::int64_t id = 0;
  std::int64_t received_ms = 0;
  ConsentReceipt receipt;  // choices_json canonical
};

// Every receipt of one consent id, oldest first (at most `limit`).
db::Result<std::vector<StoredReceipt>> list_consent_receipts(db::Database& db, std::string_view consent_id,
                                                            int limit = 500);

// Proof of holding a consent id (issue 19). The browser makes a random key with its first receipt and keeps it in
// its consent record, on that device only; the server keeps the key's SHA-256 per consent id (table consent_keys,
// migration "consent keys"). The first valid key sent for an id that has none claims it; from then on only that
// key proves the id. A key is [A-Za-z0-9_-], 16..64 bytes (crypto.randomUUID() fits).
enum class ConsentProof {
  Proven,   // the key matches the id's key, or claimed the id just now
  Unknown,  // no key was given and the id is unused (no key, no receipt): a first receipt from an older banner
  Refused,  // a wrong key, or no key for an id already in use
};
db::Result<ConsentProof> prove_consent_id(db::Database& db, std::string_view consent_id, std::string_view key);

// The consent id an order records: `requested` when `key` proves it (Proven), so the checkout's receipt joins that
// browser's history; otherwise (no id, no key, a wrong key, a database error) a fresh random id, logged.
std::string checkout_consent_id(db::Database& db, const std::string& requested, std::string_view key);

}  // namespace jupiter::server
