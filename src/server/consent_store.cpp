// consent_store.cpp: see consent_store.hpp.
#include "server/consent_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/consent.hpp"
#include "server/crypto.hpp"
#include "server/log.hpp"

namespace jupiter::server {

namespace {

bool valid_checkout_action(std::string_view a) {
  return !a.empty() && a.size() <= 32 &&
         std::all_of(a.begin(), a.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// The object's canonical text (sorted keys, no spaces), or "" when `text` is not a JSON object.
std::string canonical_object(std::string_view text) {
  if (text.size() > kMaxChoicesBytes) return {};
  const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return {};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// One row of list_consent_receipts' query.
StoredReceipt read_stored_receipt(const db::Row& row) {
  StoredReceipt sr;
  sr.id = row.int64(0);
  sr.received_ms = row.int64(1);
  ConsentReceipt& r = sr.receipt;
  r.consent_id = row.text(2);
  r.time_ms = row.int64(3);
  r.source = row.text(4);
  r.action = row.text(5);
  r.choices_json = row.text(6);
  r.policy_version = row.text(7);
  r.revision = row.integer(8);
  r.text_hash = row.text(9);
  r.ui_version = row.text(10);
  r.language = row.text(11);
  r.gpc = row.boolean(12);
  r.gpc_header = row.boolean(13);
  return sr;
}

}  // namespace

std::string receipt_problem(const ConsentReceipt& r) {
  if (!consent::valid_consent_id(r.consent_id)) return "consent_id must be 8..64 characters of [A-Za-z0-9_-]";
  if (r.time_ms < 0 || r.time_ms > consent::kMaxTimeMs) return "time_ms is out of range";
  if (r.source == "banner" || r.source == "store") {
    if (!consent::parse_action(r.action)) return "action must be accept_all, reject_all, custom or withdraw";
  } else if (r.source == "checkout") {
    if (!valid_checkout_action(r.action)) return "action must be 1..32 characters of [a-z_]";
  } else {
    return "source must be banner, store or checkout";
  }
  if (canonical_object(r.choices_json).empty()) return "choices must be a JSON object of at most 8 KB";
  if (r.policy_version.empty() || r.policy_version.size() > 32) return "policy_version must be 1..32 bytes";
  if (r.revision < 0 || r.revision > 1'000'000'000) return "revision is out of range";
  if (!consent::valid_banner_hash(r.text_hash)) return "text_hash must be 1..128 characters of [A-Za-z0-9+/=:_-]";
  if (!consent::valid_ui_version(r.ui_version)) return "ui_version must be 1..32 characters of [A-Za-z0-9._+-]";
  if (!consent::valid_language(r.language)) return "language is not a language tag";
  return {};
}

db::Result<ReceiptAppend> append_consent_receipt(db::Database& db, const ConsentReceipt& r) {
  ReceiptAppend out;
  out.problem = receipt_problem(r);
  if (!out.problem.empty()) return out;
  const std::string choices = canonical_object(r.choices_json);
  const std::int64_t received = now_ms();
  return db.with([&](db::Connection& c) -> db::Result<ReceiptAppend> {
    DB_TRY(c.exec("INSERT INTO consent_receipts(consent_id, time_ms, received_ms, source, action, choices, "
                  "                             policy_version, revision, text_hash, ui_version, language, gpc, "
                  "                             gpc_header)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT(consent_id, time_ms, source, action) DO NOTHING",
                  r.consent_id, r.time_ms, received, r.source, r.action, choices, r.policy_version, r.revision,
                  r.text_hash, r.ui_version, r.language, r.gpc ? 1 : 0, r.gpc_header ? 1 : 0));
    out.outcome = c.changes() == 1 ? ReceiptAppend::Outcome::Stored : ReceiptAppend::Outcome::Duplicate;
    DB_TRY_LET(const std::optional<std::int64_t> id,
               c.query("SELECT id FROM consent_receipts WHERE consent_id = ? AND time_ms = ? AND source = ? "
                       "AND action = ?", r.consent_id, r.time_ms, r.source, r.action)
                   .one([](const db::Row& row) { return row.int64(0); }));
    if (!id) return db::Error{SQLITE_INTERNAL, "consent receipt vanished after insert"};
    out.id = *id;
    return out;
  });
}

db::Result<std::vector<StoredReceipt>> list_consent_receipts(db::Database& db, std::string_view consent_id,
                                                            int limit) {
  return db.with([&](db::Connection& c) {
    return c.query("SELECT id, received_ms, consent_id, time_ms, source, action, choices, policy_version, revision, "
                   "text_hash, ui_version, language, gpc, gpc_header FROM consent_receipts WHERE consent_id = ? "
                   "ORDER BY id LIMIT ?", consent_id, limit)
        .all(read_stored_receipt);
  });
}

db::Result<ConsentProof> prove_consent_id(db::Database& db, std::string_view consent_id, std::string_view key) {
  if (!consent::valid_consent_id(consent_id) || (!key.empty() && !consent::valid_consent_key(key))) return ConsentProof::Refused;
  const std::string given = key.empty() ? std::string() : sha256_hex(key);
  const std::int64_t now = now_ms();
  return db.with([&](db::Connection& c) -> db::Result<ConsentProof> {
    if (!key.empty())  // claims the id when it has no key yet; two racing claims: the first insert wins
      DB_TRY(c.exec("INSERT INTO consent_keys(consent_id, key_sha256, created_ms) VALUES (?, ?, ?)"
                    " ON CONFLICT(consent_id) DO NOTHING", consent_id, given, now));
    struct Known {
      std::optional<std::string> key_sha256;
      bool used = false;
    };
    DB_TRY_LET(const std::optional<Known> known,
               c.query("SELECT (SELECT key_sha256 FROM consent_keys WHERE consent_id = ?1),"
                       "       EXISTS(SELECT 1 FROM consent_receipts WHERE consent_id = ?1)", consent_id)
                   .one([](const db::Row& r) { return Known{r.opt_text(0), r.boolean(1)}; }));
    if (known && known->key_sha256)
      return constant_time_equal(*known->key_sha256, given) ? ConsentProof::Proven : ConsentProof::Refused;
    return known && known->used ? ConsentProof::Refused : ConsentProof::Unknown;
  });
}

std::string checkout_consent_id(db::Database& db, const std::string& requested, std::string_view key) {
  if (requested.empty()) return random_token(18);
  auto proof = prove_consent_id(db, requested, key);
  if (proof && proof.value() == ConsentProof::Proven) return requested;
  log::info(proof ? "orders: a consent id without its key was replaced by a fresh one"
                  : "orders: consent key check failed (" + proof.error().message + "); a fresh consent id is used");
  return random_token(18);
}

}  // namespace jupiter::server
