// main.cpp: jupiter-server, the thin backend. Options, startup (database, catalogue import), then serving
// until SIGINT/SIGTERM.
//
// Startup order: data dir -> database + migrations -> catalogue import (when the file changed) -> catalogue
// body -> bind -> "listening on http://HOST:PORT" on stdout -> serve. Several processes may share one database:
// migrations and the import take turns (migrations.hpp), and each process follows the catalogue another one
// imported within kCatalogueRefresh (served_catalogue.hpp).
// With --smtp-url a worker relays the outbox's e-mails to that SMTP server (smtp_relay.hpp); without, they stay files.
// Exit status: 0 after a clean stop, 1 when it cannot start or run, 2 for a bad command line.
// `jupiter-server purge [--dry-run] ...` applies the retention periods once and exits (retention.hpp).
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/catalogue.hpp"
#include "core/policy.hpp"
#include "server/accounts.hpp"
#include "server/admin_api.hpp"
#include "server/api.hpp"
#include "server/body_cache.hpp"
#include "server/clock.hpp"
#include "server/db.hpp"
#include "server/embed_page.hpp"
#include "server/http_server.hpp"
#include "server/http_static.hpp"
#include "server/job_claims.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "server/crypto.hpp"
#include "server/esim_partner.hpp"
#include "server/migrations.hpp"
#include "server/options.hpp"
#include "server/reconciliation.hpp"
#include "server/orders.hpp"
#include "server/privacy_rights.hpp"
#include "server/outbox.hpp"
#include "server/privacy_centre.hpp"
#include "server/topups.hpp"
#include "server/support_messages.hpp"
#include "server/policy_pages.hpp"
#include "server/partner_webhooks.hpp"
#include "server/partners.hpp"
#include "server/payment_processor.hpp"
#include "server/provisioning.hpp"
#include "server/refunds.hpp"
#include "server/retention.hpp"
#include "server/served_catalogue.hpp"
#include "server/smtp_relay.hpp"
#include "server/router.hpp"
#include "server/stop_signals.hpp"
#include "server/store.hpp"
#include "server/unsubscribe.hpp"

namespace fs = std::filesystem;
using namespace jupiter;
using namespace jupiter::server;

namespace {

constexpr const char* kDatabaseFile = "jupiter.sqlite3";
constexpr std::size_t kMaxSkippedLogged = 20;
constexpr std::chrono::seconds kCatalogueRefresh{2};

int fail(const std::string& message) {
  log::error("jupiter-server: " + message);
  return 1;
}

void log_sync(const CatalogueSync& sync, const std::string& path) {
  switch (sync.outcome) {
    case CatalogueSync::Outcome::Unchanged:
      log::info("catalogue: " + path + " unchanged (sha256 " + sync.sha256.substr(0, 12) + "), using the database");
      return;
    case CatalogueSync::Outcome::KeptStored:
      log::error("warning: " + sync.warning);
      return;
    case CatalogueSync::Outcome::Imported:
      break;
  }
  log::info("catalogue: imported " + path + " (sha256 " + sync.sha256.substr(0, 12) + "): " +
            std::to_string(sync.regions) + " regions, " + std::to_string(sync.destinations) + " destinations, " +
            std::to_string(sync.plans) + " plans" +
            (sync.retired_plans ? ", " + std::to_string(sync.retired_plans) + " plans retired" : std::string()));
  if (sync.skipped.empty()) return;
  log::error("warning: catalogue: skipped " + std::to_string(sync.skipped.size()) + " invalid entries:");
  for (std::size_t i = 0; i < sync.skipped.size() && i < kMaxSkippedLogged; ++i)
    log::error("  skipped " + log::printable(sync.skipped[i].where) + ": " + log::printable(sync.skipped[i].reason));
  if (sync.skipped.size() > kMaxSkippedLogged)
    log::error("  ... and " + std::to_string(sync.skipped.size() - kMaxSkippedLogged) + " more");
}

// The secret in `given`, else the one in DATA/`file`, else a new random one written there (mode 0600).
std::string secret_from(const std::string& given, const fs::path& file) {
  if (!given.empty()) return given;
  std::error_code ec;
  if (fs::exists(file, ec)) {
    std::ifstream in(file);
    std::string text;
    std::getline(in, text);
    if (text.size() >= 16) return text;
  }
  const std::string fresh = random_token(32);
  {
    std::ofstream out(file, std::ios::trunc);
    out << fresh << "\n";
  }
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, ec);
  return fresh;
}

std::string url_host(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The database URL: --database, or the SQLite file in the data folder.
std::string database_url(const Options& o) {
  return o.database.empty() ? "sqlite:" + (fs::path(o.data_dir) / kDatabaseFile).string() : o.database;
}

// A connection to `url`. A PostgreSQL server that does not answer yet is tried 5 times over about 8 s (waits of
// 0.5, 1, 2, 4 s); a malformed URL or a SQLite failure is not retried.
db::Result<db::Connection> connect(const std::string& url) {
  const bool remote = url.rfind("postgres", 0) == 0;
  auto conn = db::Connection::open(url);
  for (int attempt = 1; !conn && remote && attempt < 5; ++attempt) {
    const int wait_ms = 250 << attempt;
    log::info("database: " + conn.error().message + "; retrying in " + std::to_string(wait_ms) + " ms");
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    conn = db::Connection::open(url);
  }
  return conn;
}

// Step 1: the data folder (0700) and the database (in it, unless --database names another), migrated; nullptr
// after logging why not.
std::unique_ptr<db::Database> open_database(const Options& o) {
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (!ec) fs::permissions(o.data_dir, fs::perms::owner_all, ec);  // 0700, also for a folder made earlier
  if (ec || !fs::is_directory(o.data_dir)) {
    fail("cannot create data directory " + o.data_dir + ": " + ec.message());
    return nullptr;
  }
  const std::string url = database_url(o);
  const bool existed = url.rfind("sqlite:", 0) != 0 || fs::exists(url.substr(7));
  auto conn = connect(url);
  if (!conn) {
    fail("database: " + conn.error().message);
    return nullptr;
  }
  auto applied = migrate(conn.value());
  if (!applied) {
    fail("database " + url + ": " + applied.error().message);
    return nullptr;
  }
  if (!existed) log::info("database: created " + url.substr(7));
  for (int v : applied.value())  // by version, not position: the sorted list may have gaps while numbers are taken
    for (const Migration& m : migrations())
      if (m.version == v) log::info("database: applied migration " + std::to_string(v) + " (" + m.name + ")");
  return std::make_unique<db::Database>(std::move(conn).value());
}

// Step 1b: a second connection to the migrated database, for the background workers (provisioning, partner
// webhooks, retention): a poll that waits for a lock held elsewhere (another process migrating, say) then holds
// this one, while requests and /healthz go on over the first. nullptr after logging why not.
std::unique_ptr<db::Database> open_work_database(const Options& o) {
  auto conn = connect(database_url(o));
  if (!conn) {
    fail("database (background connection): " + conn.error().message);
    return nullptr;
  }
  return std::make_unique<db::Database>(std::move(conn).value());
}

// f() holding the start-up lock (migrations.hpp) on the shared connection; a lock that cannot be had is logged and
// f() runs anyway (an import racing another fails in its transaction and keeps the stored catalogue).
template <class F>
auto with_startup_lock(db::Database& database, F&& f) {
  if (auto held = database.with([](db::Connection& c) { return hold_startup_lock(c); }); !held)
    log::error("database: start-up lock: " + held.error().message);
  auto out = f();
  database.with([](db::Connection& c) { release_startup_lock(c); });
  return out;
}

// Step 4's first move: the background jobs this worker had leased when it last stopped, due again now (a worker
// killed mid-job does not wait for its own leases to run out).
void resume_own_jobs(db::Database& database, const std::string& worker) {
  auto taken = database.with([&](db::Connection& c) { return take_back_leases(c, worker, now_ms()); });
  if (!taken) return log::error("jobs: " + taken.error().message);
  if (taken.value() > 0)
    log::info("jobs: took back " + std::to_string(taken.value()) + " unfinished job(s) leased by " + worker);
}

// Step 2: the catalogue file imported when it changed (one process at a time), then encoded into `served`; false
// after logging.
bool serve_catalogue(db::Database& database, const Options& o, ServedCatalogue& served) {
  const CatalogueSync sync = with_startup_lock(database, [&] { return sync_catalogue(database, o.catalogue); });
  if (!sync.ok) {
    fail(sync.error);
    return false;
  }
  log_sync(sync, o.catalogue);
  const auto t0 = std::chrono::steady_clock::now();
  auto plans = served.load();
  if (!plans) {
    fail("database: " + plans.error().message);
    return false;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  const auto body = served.body();
  log::info("catalogue: serving " + std::to_string(plans.value()) + " plans, " +
            std::to_string(body->size(Coding::Identity)) + " bytes (gzip " + std::to_string(body->size(Coding::Gzip)) +
            ", br " + std::to_string(body->size(Coding::Brotli)) + ") loaded and encoded in " +
            std::to_string(ms.count()) + " ms");
  return true;
}

// Step 3's settings: the commerce configuration from the options, the bound port and the secrets in the data folder.
OrdersConfig commerce_config(const Options& o, int port) {
  OrdersConfig commerce;
  commerce.public_url = o.public_url.empty() ? "http://" + url_host(o.host) + ":" + std::to_string(port) : o.public_url;
  commerce.webhook_secret = secret_from(o.webhook_secret, fs::path(o.data_dir) / "webhook-secret");
  commerce.token_secret = secret_from("", fs::path(o.data_dir) / "token-secret");
  commerce.provision_deadline_s = o.provision_deadline;
  commerce.orders_per_minute = static_cast<std::size_t>(o.orders_per_minute);
  commerce.install_poll_s = o.install_poll;
  commerce.details_expiry_s = o.details_expiry;
  commerce.worker = worker_name(port);
  return commerce;
}

// Step 3's account settings (accounts.hpp): links and cookies for the same public URL, signed with the token secret.
AccountsConfig account_config(const OrdersConfig& commerce) {
  AccountsConfig a;
  a.public_url = commerce.public_url;
  a.secret = commerce.token_secret;
  a.order_token_secret = commerce.token_secret;
  return a;
}

// Step 3: orders, payments, provisioning, the outbox, privacy rights and partners, wired to each other and to the
// routes; the workers that poll (provisioning, partner webhooks) use the background connection `work`. Members are
// built in declaration order and destroyed in reverse, so the workers stop before what they use.
struct Commerce {
  Commerce(db::Database& database, db::Database& work, const Options& o, OrdersConfig settings, Router& router)
      : config(std::move(settings)),
        processor(make_sandbox_processor(o.processor_url,
                                         secret_from(o.processor_key, fs::path(o.data_dir) / "processor-api-key"))),
        partner(make_sandbox_partner(o.partner_url)),
        outbox(fs::path(o.data_dir) / "outbox"),
        provisioner(work, *partner, *processor, outbox, this->config),
        orders(database, *processor, outbox, this->config, [this] { provisioner.wake(); }),
        rights(database, orders, outbox),
        admin(database, secret_from("", fs::path(o.data_dir) / "admin-token")),
        reconciler(database, *processor, admin, orders, o.reconcile_interval),
        embed(database, o.web_dir),
        partner_webhooks(work, this->config.worker),
        accounts(database, outbox, account_config(this->config)),
        centre(database, work, outbox, PrivacyCentreConfig{this->config.public_url, this->config.token_secret}),
        topups(database, *partner, orders),
        support(database, orders, admin, outbox,
                SupportConfig{o.support_email, 10, this->config.public_url, this->config.token_secret}),
        refunds(database, orders, *partner, outbox, this->config, [this] { provisioner.wake(); }) {
    orders.add_routes(router);
    rights.add_routes(router);
    admin.add_routes(router);
    reconciler.add_routes(router);
    embed.add_routes(router);
    accounts.add_routes(router);
    centre.add_routes(router);
    topups.add_routes(router);
    support.add_routes(router);
    refunds.add_routes(router);
  }
  void start() {
    partner_webhooks.start();
    provisioner.start();
    reconciler.start();
    accounts.start();
    centre.start();
  }
  void stop() {
    centre.stop();
    accounts.stop();
    reconciler.stop();
    provisioner.stop();
    partner_webhooks.stop();
  }

  OrdersConfig config;
  std::unique_ptr<PaymentProcessor> processor;
  std::unique_ptr<EsimPartner> partner;
  Outbox outbox;
  Provisioner provisioner;
  Orders orders;
  PrivacyRights rights;
  AdminApi admin;
  Reconciler reconciler;
  EmbedPage embed;
  PartnerWebhooks partner_webhooks;
  Accounts accounts;
  PrivacyCentre centre;
  Topups topups;  // issue 15: an eSIM's usage and top-ups
  SupportMessages support;  // issue 15: a message thread per order
  Refunds refunds;  // issue 15: the owner's refund of an eSIM never installed
};

// Step 4: serves until SIGINT/SIGTERM (blocked in every thread, see main; one thread here waits for them and stops
// the server) or until listen() fails; true after a clean stop.
bool serve_until_stopped(HttpServer& server, const Options& o, int port) {
  log::info("listening on http://" + url_host(o.host) + ":" + std::to_string(port));
  return serve_until_stop_signal([&server] { return server.listen(); }, [&server](int sig) {
    log::info(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
    server.stop();
  });
}

// Step 0: what the options and the files they name say (retention periods; the SMTP relay's URL and credentials);
// false after logging what is wrong (the server then exits with 1, as for a bad --database URL).
bool read_settings(const Options& o, RetentionParse& retention, SmtpSettings& smtp) {
  std::string source;
  retention = load_retention(o.catalogue, source);
  if (!retention.periods) return fail("retention: " + retention.error), false;
  log::info("retention: periods from " + source);
  const std::string bad = smtp_settings(o.smtp_url, o.smtp_starttls, o.smtp_credentials, o.smtp_ca, smtp);
  if (!bad.empty()) return fail(bad), false;
  return true;
}

// Step 4b: with --smtp-url, the worker that relays the outbox (woken by every new mail); nullptr without.
std::unique_ptr<SmtpRelay> start_relay(const SmtpSettings& smtp, const Options& o, Commerce& commerce) {
  if (smtp.url.empty()) return nullptr;
  auto relay = std::make_unique<SmtpRelay>(smtp, fs::path(o.data_dir) / "outbox", commerce.config.worker);
  SmtpRelay* r = relay.get();
  commerce.outbox.on_write([r] { r->wake(); });
  relay->start();
  return relay;
}

// The startup order in the file comment: database, catalogue, bind, commerce and partners, serve.
// The versioned documents' pages, /privacy and /terms (server/policy_pages.hpp), from the files built in; else
// what is wrong, naming the document and its file. `pages` must outlive the router.
std::string add_document_pages(Router& router, std::vector<PolicyPages>& pages) {
  pages.reserve(2);
  for (const auto& [kind, current] : {std::pair{&kPrivacyPolicy, kPolicyVersion}, {&kTermsOfSale, kTermsVersion}}) {
    const PolicyPagesBuild b = build_policy_pages(built_in_document_files(*kind), current, *kind);
    if (!b.error.empty()) return std::string(kind->noun) + ": " + b.error;
    pages.emplace_back(b.pages, std::string(current), *kind);
  }
  for (PolicyPages& p : pages) p.add_routes(router);
  return "";
}

int run(const Options& o) {
  RetentionParse retention;
  SmtpSettings smtp;
  if (!read_settings(o, retention, smtp)) return 1;
  const auto database = open_database(o);
  if (!database) return 1;
  ServedCatalogue served(*database, fs::path(o.data_dir) / "cache");
  if (!serve_catalogue(*database, o, served)) return 1;
  const ApiState api{database.get(), &served, secret_from("", fs::path(o.data_dir) / "token-secret")};

  std::error_code ec;
  if (!fs::is_directory(o.web_dir, ec))
    log::error("warning: web directory " + o.web_dir + " does not exist (yet): static files answer 404");
  StaticFiles files(o.web_dir);
  Router router;
  add_api_routes(router, api);
  std::vector<PolicyPages> documents;
  if (const std::string error = add_document_pages(router, documents); !error.empty()) return fail(error);
  router.fallback([&files](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    files.serve(req, res);
  });
  HttpMetrics metrics;
  HttpServerOptions http_options = HttpServerOptions::for_public_url(o.public_url);
  http_options.metrics = &metrics;
  http_options.trusted_proxy = o.trust_proxy;
  HttpServer server(router, http_options);
  const int port = server.bind(o.host, o.port);
  if (port < 0) return fail("cannot listen on " + o.host + ":" + std::to_string(o.port) + " (address in use or unavailable)");

  const auto work_database = open_work_database(o);
  if (!work_database) return 1;
  Commerce commerce(*database, *work_database, o, commerce_config(o, port), router);
  Unsubscribe unsubscribe(*database, commerce.config.token_secret);
  unsubscribe.add_routes(router);
  add_metrics_route(router, metrics, *database, commerce.admin);
  if (!o.demo_partner.empty()) {
    auto did = database->with([&o](db::Connection& c) { return ensure_demo_partner(c, o.demo_partner); });
    if (!did) return fail("partners: " + did.error().message);
    log::info("partners: " + did.value());
  }
  resume_own_jobs(*database, commerce.config.worker);
  commerce.start();
  const auto relay = start_relay(smtp, o, commerce);
  served.start(kCatalogueRefresh);
  RetentionWorker purger(*work_database, *retention.periods, fs::path(o.data_dir) / "outbox");
  purger.start();
  log::info("commerce: processor " + o.processor_url + ", partner " + o.partner_url + ", public " +
            commerce.config.public_url + ", provisioning deadline " + std::to_string(o.provision_deadline) + " s");
  const bool ok = serve_until_stopped(server, o, port);
  purger.stop();
  served.stop();
  commerce.stop();
  if (relay) relay->stop();
  if (!ok) return fail("the server stopped with an error");
  log::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string program = argc > 0 ? fs::path(argv[0]).filename().string() : "jupiter-server";
  if (argc > 1 && std::string(argv[1]) == "purge") return purge_command(std::vector<std::string>(argv + 2, argv + argc));
  const OptionsParse parsed = parse_options(std::vector<std::string>(argv + (argc > 0 ? 1 : 0), argv + argc));
  switch (parsed.outcome) {
    case OptionsParse::Outcome::Help:
      std::fputs(usage(program).c_str(), stdout);
      return 0;
    case OptionsParse::Outcome::Error:
      std::fprintf(stderr, "%s: %s\n\n%s", program.c_str(), parsed.error.c_str(), usage(program).c_str());
      return 2;
    case OptionsParse::Outcome::Run:
      break;
  }

  // Block the stop signals before any thread starts, so that they all inherit the mask and only the waiter
  // in run() sees them. A client hanging up mid-response must not kill the process.
  block_stop_signals();
  // Everything the server writes (database, WAL, outbox e-mails, secrets, caches) holds personal data or keys:
  // readable and writable by the server's user alone.
  umask(077);

  return run(parsed.options);
}
