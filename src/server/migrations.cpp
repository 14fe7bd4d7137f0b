// migrations.cpp: see migrations.hpp.
#include "server/migrations.hpp"

#include <sqlite3.h>

namespace jupiter::server {

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] 1: catalogue
// The catalogue as imported from assets/catalogue.json. Plans are never deleted by a re-import, only retired
// (retired = 1), so that later tables (orders) can keep referring to them.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kCatalogue = R"sql(
CREATE TABLE catalogue_meta (
  id             INTEGER PRIMARY KEY CHECK (id = 1),  -- a single row
  schema         INTEGER NOT NULL,
  version        TEXT NOT NULL,
  notice         TEXT NOT NULL,
  source_path    TEXT NOT NULL,
  source_sha256  TEXT NOT NULL,    -- hex SHA-256 of the imported file's bytes
  skipped        INTEGER NOT NULL, -- entries the decoder rejected
  imported_at    TEXT NOT NULL
);

CREATE TABLE regions (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  position  INTEGER NOT NULL
);

CREATE TABLE destinations (
  code      TEXT PRIMARY KEY CHECK (length(code) = 2),
  name      TEXT NOT NULL,
  region    TEXT NOT NULL,
  position  INTEGER NOT NULL
);

CREATE TABLE destination_aliases (
  code      TEXT NOT NULL REFERENCES destinations(code) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  alias     TEXT NOT NULL,
  PRIMARY KEY (code, position)
) WITHOUT ROWID;

CREATE TABLE plans (
  id              TEXT PRIMARY KEY,
  position        INTEGER NOT NULL,  -- order in the catalogue document
  retired         INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
  name            TEXT NOT NULL,
  scope           TEXT NOT NULL CHECK (scope IN ('local', 'regional', 'global')),
  region          TEXT NOT NULL,     -- '' unless regional
  unlimited       INTEGER NOT NULL CHECK (unlimited IN (0, 1)),
  data_mb         INTEGER NOT NULL CHECK (data_mb >= 0),
  fair_use        TEXT NOT NULL,
  validity_days   INTEGER NOT NULL CHECK (validity_days BETWEEN 1 AND 365),
  validity_start  TEXT NOT NULL,
  features        INTEGER NOT NULL   -- jupiter::Feature bits
);
CREATE INDEX plans_active ON plans(retired, position);

CREATE TABLE plan_coverage (
  plan_id  TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  country  TEXT NOT NULL CHECK (length(country) = 2),
  PRIMARY KEY (plan_id, country)
) WITHOUT ROWID;
CREATE INDEX plan_coverage_country ON plan_coverage(country);

CREATE TABLE plan_networks (
  plan_id   TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  name      TEXT NOT NULL,
  PRIMARY KEY (plan_id, position)
) WITHOUT ROWID;

-- The price the server charges: integer minor units of an ISO 4217 currency.
CREATE TABLE plan_prices (
  plan_id       TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  currency      TEXT NOT NULL CHECK (length(currency) = 3),
  amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
  PRIMARY KEY (plan_id, currency)
) WITHOUT ROWID;
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] consent receipts
// Proof of consent (issue 6): one row per decision, from the cookie banner, the store's privacy screen or the
// checkout (18+ confirmation, marketing opt-in). Append-only: triggers refuse UPDATE and DELETE. No e-mail, IP
// address or account id is stored; a receipt is found by the browser's random consent id. A client that resends
// a receipt (beacon retry) hits the UNIQUE key and is answered as if stored.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kConsentReceipts = R"sql(
CREATE TABLE consent_receipts (
  id              INTEGER PRIMARY KEY,
  consent_id      TEXT NOT NULL CHECK (length(consent_id) BETWEEN 8 AND 64),
  time_ms         INTEGER NOT NULL CHECK (time_ms >= 0),   -- when the user decided (client clock, Unix ms)
  received_ms     INTEGER NOT NULL CHECK (received_ms >= 0),  -- when the server stored it
  source          TEXT NOT NULL CHECK (source IN ('banner', 'store', 'checkout')),
  action          TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 32),
  choices         TEXT NOT NULL,  -- canonical JSON object: what was granted (categories, services, confirmations)
  policy_version  TEXT NOT NULL CHECK (length(policy_version) BETWEEN 1 AND 32),
  revision        INTEGER NOT NULL CHECK (revision >= 0),
  text_hash       TEXT NOT NULL CHECK (length(text_hash) BETWEEN 1 AND 128),  -- of the text the user saw
  ui_version      TEXT NOT NULL CHECK (length(ui_version) BETWEEN 1 AND 32),
  language        TEXT NOT NULL CHECK (length(language) BETWEEN 1 AND 35),
  gpc             INTEGER NOT NULL CHECK (gpc IN (0, 1)),
  UNIQUE (consent_id, time_ms, source, action)
);
CREATE TRIGGER consent_receipts_no_update BEFORE UPDATE ON consent_receipts
BEGIN SELECT RAISE(ABORT, 'consent_receipts is append-only'); END;
CREATE TRIGGER consent_receipts_no_delete BEFORE DELETE ON consent_receipts
BEGIN SELECT RAISE(ABORT, 'consent_receipts is append-only'); END;
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] orders
// Orders (issue 4) and their eSIM delivery (issue 5). The order token is never stored, only its SHA-256. Payment
// details are the processor's masked ones only (transaction id, method type, brand, last 4): no column can hold a
// card number. Every state change appends to order_history in the same transaction. Times: *_at TEXT are
// RFC 3339 UTC for people, *_ms INTEGER are Unix milliseconds for the worker.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kOrders = R"sql(
CREATE TABLE orders (
  id                 TEXT PRIMARY KEY,
  token_sha256       TEXT NOT NULL CHECK (length(token_sha256) = 64),
  state              TEXT NOT NULL CHECK (state IN ('pending_payment', 'paid', 'provisioning', 'delivered',
                                                   'failed', 'refunded', 'cancelled')),
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  plan_id            TEXT NOT NULL REFERENCES plans(id),
  plan_json          TEXT NOT NULL,      -- the plan as sold (ORDER.plan), a snapshot
  amount_minor       INTEGER NOT NULL CHECK (amount_minor > 0),
  currency           TEXT NOT NULL CHECK (length(currency) = 3),
  email              TEXT NOT NULL,
  name               TEXT NOT NULL,
  phone              TEXT NOT NULL,      -- '' when not given
  marketing          INTEGER NOT NULL CHECK (marketing IN (0, 1)),
  language           TEXT NOT NULL,
  terms_version      TEXT NOT NULL,
  consent_id         TEXT NOT NULL,
  partner            TEXT NOT NULL,
  payment_status     TEXT NOT NULL DEFAULT 'none'
                     CHECK (payment_status IN ('none', 'open', 'declined', 'succeeded', 'refunded')),
  decline_reason     TEXT,
  pay_method         TEXT,
  pay_brand          TEXT,
  pay_last4          TEXT CHECK (pay_last4 IS NULL OR (length(pay_last4) = 4 AND pay_last4 NOT GLOB '*[^0-9]*')),
  pay_transaction    TEXT,
  session_id         TEXT,
  session_url        TEXT,
  session_expires    INTEGER,            -- Unix seconds
  paid_ms            INTEGER,
  delivery_status    TEXT NOT NULL DEFAULT 'waiting'
                     CHECK (delivery_status IN ('waiting', 'pending', 'ready', 'failed', 'flagged')),
  delivery_attempts  INTEGER NOT NULL DEFAULT 0,
  delivery_message   TEXT,
  next_attempt_ms    INTEGER,            -- when the provisioning worker looks at it again; NULL: not its business
  partner_profile    TEXT,
  iccid              TEXT,
  smdp               TEXT,
  matching_id        TEXT,
  confirmation_code  TEXT,
  confirmation_required INTEGER NOT NULL DEFAULT 0,
  activation_code    TEXT,
  support_reason     TEXT
);
CREATE INDEX orders_due ON orders(next_attempt_ms) WHERE next_attempt_ms IS NOT NULL;
CREATE INDEX orders_session ON orders(session_id);

CREATE TABLE order_history (
  order_id    TEXT NOT NULL REFERENCES orders(id),
  seq         INTEGER NOT NULL,
  at          TEXT NOT NULL,
  from_state  TEXT NOT NULL,   -- '' for the creation
  to_state    TEXT NOT NULL,
  reason      TEXT NOT NULL,
  PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;

-- One row per Idempotency-Key: which order it made, for which request (SHA-256 of the canonical request).
CREATE TABLE idempotency_keys (
  key             TEXT PRIMARY KEY,
  request_sha256  TEXT NOT NULL,
  order_id        TEXT NOT NULL REFERENCES orders(id),
  created_at      TEXT NOT NULL
) WITHOUT ROWID;

-- Processor webhook event ids already applied: a replay is refused.
CREATE TABLE webhook_events (
  event_id     TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  order_id     TEXT,
  received_at  TEXT NOT NULL
) WITHOUT ROWID;

-- E-mails written to the outbox per order (kind: confirmation, delivery, resend, refund).
CREATE TABLE order_emails (
  order_id  TEXT NOT NULL REFERENCES orders(id),
  kind      TEXT NOT NULL,
  sent_s    INTEGER NOT NULL,
  file      TEXT NOT NULL
);
CREATE INDEX order_emails_order ON order_emails(order_id, kind);
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] receipt gpc header
// Global Privacy Control as the server saw it (issue 6): 1 when the request that delivered the receipt carried
// `Sec-GPC: 1`. The `gpc` column stays what the page saw (navigator.globalPrivacyControl), so a receipt proves
// what the user was shown, and this one shows the browser was sending the signal even when the page did not see
// it (an extension that sets only the header). Rows stored before this migration read 0: nobody looked.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kReceiptGpcHeader = R"sql(
ALTER TABLE consent_receipts ADD COLUMN gpc_header INTEGER NOT NULL DEFAULT 0 CHECK (gpc_header IN (0, 1));
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] partners
// Partners of the embed (issue 12; partners.hpp). Allowed origins are a JSON list of normalized
// "scheme://host[:port]" strings. The contact is business partner data (privacy policy add-on A). The webhook
// secret signs the partner's order-paid webhooks (Jupiter-Signature, as the processor's); it is shown once, when the
// partner is created. orders.partner_id is the partner an order is attributed to (NULL: a direct sale); the older
// orders.partner column keeps what the store wrote before (the same id, or '').
// partner_webhooks is the outbox of those webhooks: the trigger below queues one row in the same transaction that
// moves an attributed order to paid, when its partner is enabled and has a webhook URL; the partner webhook worker
// sends it and retries with backoff (next_attempt_ms NULL: delivered or given up).
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kPartners = R"sql(
CREATE TABLE partners (
  id                TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 32 AND id NOT GLOB '*[^a-z0-9-]*'
                                            AND substr(id, 1, 1) <> '-'),
  name              TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  origins           TEXT NOT NULL,      -- JSON array of normalized origins
  commission_bp     INTEGER NOT NULL CHECK (commission_bp BETWEEN 0 AND 10000),
  theme_accent      TEXT CHECK (theme_accent IS NULL OR length(theme_accent) = 7),
  theme_background  TEXT CHECK (theme_background IS NULL OR length(theme_background) = 7),
  theme_text        TEXT CHECK (theme_text IS NULL OR length(theme_text) = 7),
  destination       TEXT CHECK (destination IS NULL OR length(destination) = 2),
  currency          TEXT CHECK (currency IS NULL OR length(currency) = 3),
  contact_name      TEXT NOT NULL,
  contact_email     TEXT NOT NULL,
  webhook_url       TEXT,
  webhook_secret    TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  disabled_at       TEXT
) WITHOUT ROWID;

ALTER TABLE orders ADD COLUMN partner_id TEXT REFERENCES partners(id);
CREATE INDEX orders_partner ON orders(partner_id, created_at) WHERE partner_id IS NOT NULL;

CREATE TABLE partner_webhooks (
  id               INTEGER PRIMARY KEY,
  partner_id       TEXT NOT NULL REFERENCES partners(id),
  order_id         TEXT NOT NULL REFERENCES orders(id),
  type             TEXT NOT NULL,
  body             TEXT NOT NULL,      -- the exact bytes signed and sent
  created_at       TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms  INTEGER,
  delivered_at     TEXT,
  last_error       TEXT,
  UNIQUE (order_id, type)
);
CREATE INDEX partner_webhooks_due ON partner_webhooks(next_attempt_ms) WHERE next_attempt_ms IS NOT NULL;

CREATE TRIGGER orders_paid_partner_webhook AFTER UPDATE OF state ON orders
WHEN NEW.state = 'paid' AND OLD.state = 'pending_payment' AND NEW.partner_id IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO partner_webhooks(partner_id, order_id, type, body, created_at, next_attempt_ms)
  SELECT p.id, NEW.id, 'order.paid',
         json_object('type', 'order.paid', 'order', NEW.id, 'plan', NEW.plan_id, 'currency', NEW.currency,
                     'amount_minor', NEW.amount_minor, 'created', NEW.created_at),
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM partners p WHERE p.id = NEW.partner_id AND p.disabled_at IS NULL AND p.webhook_url IS NOT NULL;
END;
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] money follow-ups, installed eSIMs
// payment_followups (issue 19): what the store still owes the processor after acknowledging a payment event it could
// not simply apply: a refund (a second payment of a paid order, a payment whose amount, currency or card details do
// not match the order, a payment for an order that does not exist) or the expiry of a checkout session the order
// no longer uses. The row is written in the same transaction that acknowledges the event, so a 2xx is never given
// for money without a recorded follow-up; the provisioning worker performs it and retries with backoff
// (next_attempt_ms NULL: done or given up, `outcome` says which). payment_intent is '' for a session expiry.
// orders.installed_ms: when the partner reported the profile installed; details_expire_ms: from then on the order
// no longer shows the activation code and matching ID (they are cleared from the row too);
// install_checked_ms: when the partner was last asked.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kMoneyFollowups = R"sql(
CREATE TABLE payment_followups (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('refund', 'expire_session')),
  order_id         TEXT NOT NULL,      -- the reference the processor sent; may name no order (reason unknown_order)
  session_id       TEXT NOT NULL,
  payment_intent   TEXT NOT NULL DEFAULT '',
  amount_minor     INTEGER NOT NULL DEFAULT 0,   -- what the processor says it took
  currency         TEXT NOT NULL DEFAULT '',
  reason           TEXT NOT NULL CHECK (reason IN ('double_payment', 'mismatch', 'unknown_order', 'replaced_session')),
  created_at       TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms  INTEGER,
  outcome          TEXT,
  done_at          TEXT,
  UNIQUE (kind, session_id, payment_intent)
);
CREATE INDEX payment_followups_due ON payment_followups(next_attempt_ms) WHERE next_attempt_ms IS NOT NULL;
CREATE INDEX payment_followups_order ON payment_followups(order_id);

ALTER TABLE orders ADD COLUMN installed_ms INTEGER;
ALTER TABLE orders ADD COLUMN details_expire_ms INTEGER;
ALTER TABLE orders ADD COLUMN install_checked_ms INTEGER;
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] consent keys
// Proof of holding a consent id (issue 19, consent_store.hpp): the SHA-256 of the key the browser keeps in its
// consent record. A receipt or an order names an id that has a key only together with that key.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kConsentKeys = R"sql(
CREATE TABLE consent_keys (
  consent_id  TEXT PRIMARY KEY CHECK (length(consent_id) BETWEEN 8 AND 64),
  key_sha256  TEXT NOT NULL CHECK (length(key_sha256) = 64),
  created_ms  INTEGER NOT NULL
);
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] accounts
// Sign-in by e-mailed link and sessions (issue 15, accounts.hpp). Links and session ids are kept as SHA-256 hashes;
// a link's e-mail is blanked once used (its row stays a day for the rate limits, which count HMACs of the address
// and of the client address). An account's orders are those whose e-mail matches, compared without letter case.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kAccounts = R"sql(
CREATE TABLE account_links (
  token_sha256  TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
  email         TEXT NOT NULL,      -- the address to prove; '' once used
  email_key     TEXT NOT NULL,      -- HMAC of the lower-cased address
  client_key    TEXT NOT NULL,      -- HMAC of the client address
  created_s     INTEGER NOT NULL,   -- Unix seconds
  expires_s     INTEGER NOT NULL,
  used_s        INTEGER
);
CREATE INDEX account_links_email ON account_links(email_key, created_s);
CREATE INDEX account_links_client ON account_links(client_key, created_s);

CREATE TABLE account_sessions (
  id_sha256  TEXT PRIMARY KEY CHECK (length(id_sha256) = 64),
  email      TEXT NOT NULL,
  created_s  INTEGER NOT NULL,
  expires_s  INTEGER NOT NULL         -- slides to 30 days after the last use
);
CREATE INDEX account_sessions_email ON account_sessions(email);

CREATE INDEX orders_email ON orders(lower(email));
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] retention
// The purge of retention.hpp (issue 16). rights_requests logs each privacy-rights request with its outcome and
// date, under a random request id and nothing personal. retention_gate lets the purge, and only the purge, delete
// expired consent receipts: the append-only trigger now refuses a DELETE unless the row is older than
// receipts_before_ms, which the purge sets to its cutoff inside its transaction and puts back to 0 before commit.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kRetention = R"sql(
CREATE TABLE rights_requests (
  request_id  TEXT PRIMARY KEY CHECK (length(request_id) BETWEEN 8 AND 64),
  kind        TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 32),
  outcome     TEXT NOT NULL CHECK (length(outcome) BETWEEN 1 AND 32),
  at_ms       INTEGER NOT NULL
);
CREATE INDEX rights_requests_at ON rights_requests(at_ms);

CREATE TABLE retention_gate (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  receipts_before_ms  INTEGER NOT NULL
);
INSERT INTO retention_gate(id, receipts_before_ms) VALUES (1, 0);

DROP TRIGGER consent_receipts_no_delete;
CREATE TRIGGER consent_receipts_no_delete BEFORE DELETE ON consent_receipts
WHEN OLD.received_ms >= (SELECT receipts_before_ms FROM retention_gate WHERE id = 1)
BEGIN SELECT RAISE(ABORT, 'consent_receipts is append-only'); END;
CREATE INDEX consent_receipts_received ON consent_receipts(received_ms);
CREATE INDEX webhook_events_received ON webhook_events(received_at);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] marketing preferences
// One marketing opt-in per person (issue 16, unsubscribe.hpp), keyed by the lower-cased address. An order made with
// the opt-in sets it (the trigger); a withdrawal on any order, the one-click unsubscribe or an erase clears it in the
// same transaction as the orders' own opt-in. Existing addresses start with the opt-in of their newest order.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kMarketingPreferences = R"sql(
CREATE TABLE marketing_preferences (
  email       TEXT PRIMARY KEY,
  opted_in    INTEGER NOT NULL CHECK (opted_in IN (0, 1)),
  changed_ms  INTEGER NOT NULL,
  source      TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 32)
);
INSERT INTO marketing_preferences(email, opted_in, changed_ms, source)
SELECT lower(o.email), o.marketing, 0, 'order' FROM orders o
WHERE o.email <> '' AND o.created_at = (SELECT max(x.created_at) FROM orders x WHERE lower(x.email) = lower(o.email))
GROUP BY lower(o.email);

CREATE TRIGGER orders_marketing_opt_in AFTER INSERT ON orders
WHEN NEW.marketing = 1 AND NEW.email <> ''
BEGIN
  INSERT INTO marketing_preferences(email, opted_in, changed_ms, source)
  VALUES (lower(NEW.email), 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 'order')
  ON CONFLICT(email) DO UPDATE SET opted_in = 1, changed_ms = excluded.changed_ms, source = 'order';
END;
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] job leases
// Background work shared by several processes (job_claims.hpp): who holds the lease on a queue row and until when
// (next_attempt_ms equal to lease_until_ms: the job has not ended yet), and the next turn of each periodic job.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kJobs = R"sql(
ALTER TABLE orders ADD COLUMN lease_owner TEXT;
ALTER TABLE orders ADD COLUMN lease_until_ms INTEGER;
ALTER TABLE payment_followups ADD COLUMN lease_owner TEXT;
ALTER TABLE payment_followups ADD COLUMN lease_until_ms INTEGER;
ALTER TABLE partner_webhooks ADD COLUMN lease_owner TEXT;
ALTER TABLE partner_webhooks ADD COLUMN lease_until_ms INTEGER;
CREATE TABLE job_schedule (
  job           TEXT PRIMARY KEY CHECK (length(job) BETWEEN 1 AND 64),
  next_turn_ms  INTEGER NOT NULL
);
)sql";

// Per-client rate limits shared by every process (rate_counts.hpp); a client is an HMAC, never an address.
constexpr const char* kRateCounts = R"sql(
CREATE TABLE rate_counts (
  scope         TEXT NOT NULL CHECK (length(scope) BETWEEN 1 AND 32),
  client        TEXT NOT NULL CHECK (length(client) BETWEEN 1 AND 128),
  window_start  INTEGER NOT NULL,
  events        INTEGER NOT NULL CHECK (events >= 0),
  PRIMARY KEY (scope, client, window_start)
);
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] privacy centre
// The account-wide rights (issue 16, privacy_centre.hpp). account_links.next is where a sign-in link lands ("orders"
// or "privacy"). privacy_restrictions holds one row per person (lower-cased address) who objected to marketing or
// analytics; a later order made with the marketing opt-in is a new consent and lifts the marketing restriction (the
// trigger). email_changes are the one-time links that prove a new address: hashes only, both addresses blanked once
// used. erase_queue holds the ids (nothing else) of orders whose erase waits for them to reach a final state.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kPrivacyCentre = R"sql(
ALTER TABLE account_links ADD COLUMN next TEXT NOT NULL DEFAULT 'orders' CHECK (next IN ('orders', 'privacy'));

CREATE TABLE privacy_restrictions (
  email       TEXT PRIMARY KEY,
  marketing   INTEGER NOT NULL CHECK (marketing IN (0, 1)),
  analytics   INTEGER NOT NULL CHECK (analytics IN (0, 1)),
  changed_ms  INTEGER NOT NULL
);

CREATE TRIGGER orders_marketing_lifts_restriction AFTER INSERT ON orders
WHEN NEW.marketing = 1 AND NEW.email <> ''
BEGIN
  UPDATE privacy_restrictions SET marketing = 0,
    changed_ms = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  WHERE email = lower(NEW.email);
END;

CREATE TABLE email_changes (
  token_sha256  TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
  old_email     TEXT NOT NULL,      -- '' once used
  new_email     TEXT NOT NULL,      -- '' once used
  created_s     INTEGER NOT NULL,
  expires_s     INTEGER NOT NULL,
  used_s        INTEGER
);

CREATE TABLE erase_queue (
  order_id   TEXT PRIMARY KEY REFERENCES orders(id),
  queued_ms  INTEGER NOT NULL
);
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] 14: top-ups
// A top-up (issue 15, topups.hpp) is an order of its own (its price, payment, history, e-mails) whose topup_of names
// the delivered eSIM order it adds data to; provisioning tops that order's partner profile up instead of ordering a
// new one. NULL for every ordinary order.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kTopups = R"sql(
ALTER TABLE orders ADD COLUMN topup_of TEXT REFERENCES orders(id);
CREATE INDEX orders_topup_of ON orders(topup_of) WHERE topup_of IS NOT NULL;
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] 15: owner refunds
// An owner's refund of an eSIM never installed (issue 15, refunds.hpp) is a money follow-up of its own reason,
// 'owner_refund'. A CHECK cannot be changed in place in SQLite, so the table is rebuilt the same on both engines;
// rows keep their order, and ids are given anew (on PostgreSQL an identity column would not follow copied ids). A
// pending follow-up's processor idempotency key ("followup-<id>") changes with it: a refund already taken by the
// processor is answered as such for the same payment.
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kOwnerRefunds = R"sql(
CREATE TABLE payment_followups_v15 (
  id               INTEGER PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('refund', 'expire_session')),
  order_id         TEXT NOT NULL,
  session_id       TEXT NOT NULL,
  payment_intent   TEXT NOT NULL DEFAULT '',
  amount_minor     INTEGER NOT NULL DEFAULT 0,
  currency         TEXT NOT NULL DEFAULT '',
  reason           TEXT NOT NULL CHECK (reason IN ('double_payment', 'mismatch', 'unknown_order', 'replaced_session',
                                                   'owner_refund')),
  created_at       TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms  INTEGER,
  outcome          TEXT,
  done_at          TEXT,
  lease_owner      TEXT,
  lease_until_ms   INTEGER,
  UNIQUE (kind, session_id, payment_intent)
);
INSERT INTO payment_followups_v15(kind, order_id, session_id, payment_intent, amount_minor, currency, reason,
                                  created_at, attempts, next_attempt_ms, outcome, done_at, lease_owner, lease_until_ms)
  SELECT kind, order_id, session_id, payment_intent, amount_minor, currency, reason, created_at, attempts,
         next_attempt_ms, outcome, done_at, lease_owner, lease_until_ms FROM payment_followups ORDER BY id;
DROP TABLE payment_followups;
ALTER TABLE payment_followups_v15 RENAME TO payment_followups;
CREATE INDEX payment_followups_due ON payment_followups(next_attempt_ms) WHERE next_attempt_ms IS NOT NULL;
CREATE INDEX payment_followups_order ON payment_followups(order_id);
)sql";

// ---------------------------------------------------------------------------------------------------------
// [SECTION] 16: support messages
// An order's thread between its customer and support (issue 15, support_messages.hpp): the text as typed, and the
// device details a customer message carried (policy section 2B: kept with that message only, NULL otherwise).
// seq orders a thread; the rows go with the order's erase and with the order itself (retention).
// ---------------------------------------------------------------------------------------------------------
constexpr const char* kSupportMessages = R"sql(
CREATE TABLE support_messages (
  id            TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  order_id      TEXT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  seq           INTEGER NOT NULL,
  author        TEXT NOT NULL CHECK (author IN ('customer', 'support')),
  body          TEXT NOT NULL,
  device_model  TEXT,
  device_os     TEXT,
  created_ms    INTEGER NOT NULL,
  UNIQUE (order_id, seq)
);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "catalogue", kCatalogue},
      {2, "consent receipts", kConsentReceipts},
      {3, "orders", kOrders},
      {4, "receipt gpc header", kReceiptGpcHeader},
      {5, "partners", kPartners},
      {6, "money follow-ups, installed eSIMs", kMoneyFollowups},
      {7, "consent keys", kConsentKeys},
      {8, "accounts", kAccounts},
      {9, "retention", kRetention},
      {10, "marketing preferences", kMarketingPreferences},
      {11, "job leases", kJobs},
      {12, "rate counts", kRateCounts},
      {13, "privacy centre", kPrivacyCentre},
      {14, "top-ups", kTopups},
      {15, "owner refunds", kOwnerRefunds},
      {16, "support messages", kSupportMessages},
  };
  return all;
}

namespace {

constexpr const char* kStartupLockKey = "7250017";  // any constant: the processes of one store agree on it

// Migration `m` in its own write transaction, unless the database records it already (false): on SQLite two
// processes starting together on a new file both see it missing, and the second one's check inside the write
// transaction (BEGIN IMMEDIATE: the first one's has committed) finds it done.
db::Result<bool> apply(db::Connection& c, const Migration& m) {
  DB_TRY_LET(auto tx, db::Transaction::begin(c));
  DB_TRY_LET(const auto done, c.query("SELECT 1 FROM schema_migrations WHERE version = ?", m.version)
                                  .one([](const db::Row& r) { return r.int64(0); }));
  if (done) return false;
  if (db::Status s = c.exec(m.sql); !s)
    return db::Error{s.error().code, "migration " + std::to_string(m.version) + " (" + m.name + "): " +
                                         s.error().message};
  DB_TRY(c.exec("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", m.version, m.name));
  DB_TRY(tx.commit());
  return true;
}

db::Result<std::vector<int>> migrate_locked(db::Connection& c) {
  if (db::Status s = c.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                            "  version INTEGER PRIMARY KEY,"
                            "  name TEXT NOT NULL,"
                            "  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))");
      !s)
    return s.error();
  auto current = c.query_int64("SELECT max(version) FROM schema_migrations");
  if (!current) return current.error();
  const std::int64_t have = current.value().value_or(0);
  const int known = migrations().empty() ? 0 : migrations().back().version;
  if (have > known)
    return db::Error{SQLITE_ERROR, "the database has schema version " + std::to_string(have) +
                                       " but this server knows only up to " + std::to_string(known) +
                                       ": it was written by a newer server"};

  // Every known migration the database does not record, not only those above its highest: versions are handed out
  // to parallel work, so 15 may have been applied before 14 existed (apply() skips a recorded one).
  std::vector<int> applied;
  for (const Migration& m : migrations()) {
    DB_TRY_LET(const bool ran, apply(c, m));
    if (ran) applied.push_back(m.version);
  }
  return applied;
}

}  // namespace

db::Status hold_startup_lock(db::Connection& c) {
  if (c.engine() != db::Engine::Postgres) return {};
  DB_TRY(c.query_text(std::string("SELECT pg_advisory_lock(") + kStartupLockKey + ")::text"));
  return {};
}

void release_startup_lock(db::Connection& c) {
  if (c.engine() == db::Engine::Postgres)
    (void)c.query_text(std::string("SELECT pg_advisory_unlock(") + kStartupLockKey + ")::text");
}

db::Result<std::vector<int>> migrate(db::Connection& c) {
  DB_TRY(hold_startup_lock(c));
  auto applied = migrate_locked(c);
  release_startup_lock(c);
  return applied;
}

}  // namespace jupiter::server
