// retention.hpp: how long the server keeps what (assets/retention.json), and the purge that applies it.
//
// [X] Periods: whole days, each 1..36500, all eight required; anything else refuses start-up with a message.
// [X] Purge: one transaction over every table (rolled back for a dry run), then the outbox files it names.
// [X] Clock: the caller passes `now` (the server its wall clock, `jupiter-server purge --now` any instant), and every
//     cutoff is now minus a period, so a clock set backwards only deletes less, never something newer.
// [X] Schedule: RetentionWorker runs the purge at start and every hour (background.hpp).
//
// What each period removes (the README's "Retention" section says why the defaults are what they are):
//   unpaid_orders                   orders never paid (pending_payment or cancelled, no payment, no money follow-up,
//                                   checkout session expired) last changed before the cutoff, with their history, e-mails
//                                   and Idempotency-Key: no accounting record was ever made
//   personal_data_after_last_order  name, e-mail and phone blanked on every order of an address whose last order is
//                                   older than the cutoff (none of them in progress); the order stays (accounting)
//   outbox_emails                   outbox files written before the cutoff; their order_emails row keeps kind, date
//   webhook_events                  processor event ids received before the cutoff
//   idempotency_keys                keys made before the cutoff (later e-mails then link the order without a token)
//   sessions_and_sign_in_links      account sessions and sign-in links expired before the cutoff
//   rights_request_log              rights requests logged before the cutoff
//   consent_receipts                receipts received before the cutoff (the append-only trigger lets only the
//                                   purge through, and only for rows older than its cutoff)
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "server/background.hpp"
#include "server/db.hpp"

namespace jupiter::server {

// Days, each 1..36500.
struct RetentionPeriods {
  int unpaid_orders = 0;
  int personal_data_after_last_order = 0;
  int outbox_emails = 0;
  int webhook_events = 0;
  int idempotency_keys = 0;
  int sessions_and_sign_in_links = 0;
  int rights_request_log = 0;
  int consent_receipts = 0;
};

// The periods in a retention.json text, or the reason it is refused ("periods_days.webhook_events must be a whole
// number of days from 1 to 36500, not -3").
struct RetentionParse {
  std::optional<RetentionPeriods> periods;
  std::string error;
};
RetentionParse parse_retention(const std::string& text);

// assets/retention.json as it was when the server was built (the defaults when no file is beside the catalogue).
const char* built_in_retention();

// The retention.json beside `catalogue` (the assets folder), else the built-in one; `source` says which was used.
RetentionParse load_retention(const std::filesystem::path& catalogue, std::string& source);
// The retention file `file` (`source` is its name).
RetentionParse read_retention(const std::filesystem::path& file, std::string& source);

// One line of a purge report: rows of `table` deleted (or blanked, for personal data) by the rule `rule`.
struct PurgeCount {
  std::string table, rule;
  int days = 0;
  std::int64_t rows = 0;
};

struct PurgeReport {
  std::vector<PurgeCount> counts;
  std::vector<std::string> files;  // outbox files deleted (or that would be)
  bool dry_run = false;
  std::int64_t total() const;
  // One line per count: "orders: 2 deleted (unpaid_orders, 30 days)" / "... would be deleted ...".
  std::string text() const;
};

// Applies `p` as of `now_ms` (Unix ms) in one transaction; a dry run counts the same rows and rolls back. Outbox
// files are deleted from `outbox_dir` after the commit. The erased rows are zeroed on disk (secure_delete) and the
// WAL checkpointed, as the erase of privacy_rights.hpp does.
db::Result<PurgeReport> purge(db::Connection& c, const RetentionPeriods& p, std::int64_t now_ms,
                              const std::filesystem::path& outbox_dir, bool dry_run);

// `jupiter-server purge [--dry-run] [--data DIR] [--database URL] [--catalogue PATH | --retention FILE]
// [--now RFC3339]`: prints the report; the exit status is 0, 1 (bad retention file, cannot open or purge) or 2 (bad
// command line). The database is URL (as the server's --database), else DIR's SQLite file, which must exist. The
// periods come from FILE, else from retention.json beside PATH as for the server. --now is the test clock (default:
// the wall clock), e.g. --now 2027-06-01T00:00:00Z.
int purge_command(const std::vector<std::string>& args);

// The scheduled purge inside the server: at start, then every `period`.
class RetentionWorker {
 public:
  RetentionWorker(db::Database& db, RetentionPeriods periods, std::filesystem::path outbox_dir)
      : db_(db), periods_(periods), outbox_dir_(std::move(outbox_dir)) {}
  void start(std::chrono::milliseconds period = std::chrono::hours(1));
  void stop() { worker_.stop(); }
  void round();

 private:
  db::Database& db_;
  RetentionPeriods periods_;
  std::filesystem::path outbox_dir_;
  Background worker_;
};

}  // namespace jupiter::server
