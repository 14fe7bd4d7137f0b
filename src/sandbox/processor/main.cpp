// main.cpp: jupiter-processor-sandbox, a local stand-in for a hosted-checkout payment processor in test mode.
//
// Server-to-server (Authorization: Bearer <api key>):
//   POST /v1/checkout/sessions   {amount, currency, reference, description, return_url, notify_url} -> session
//   GET  /v1/checkout/sessions/:id
//   GET  /v1/checkout/sessions?limit=N&starting_after=ID   {data:[session...], has_more}: every session, by id
//   POST /v1/checkout/sessions/:id/expire   an open session can no longer be paid (409 session_complete when paid)
//   POST /v1/refunds             {payment_intent} -> {id, status:"succeeded"} (a second refund of one payment
//                                gives the first one back)
// The buyer's browser:
//   GET  /pay/:id                the card page;  POST /pay/:id  the card (validated: Luhn, expiry, CVC)
//   POST /pay/:id/challenge      the extra confirmation of 4000 0000 0000 3220;  GET /pay/:id/cancel
// Then a 303 back to return_url + "&checkout=success|declined|cancelled", and a webhook to notify_url signed
// "t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>" (Jupiter-Signature), retried with backoff (1 s, 2 s,
// 4 s, ... 8 attempts) while the store is down or answers 5xx.
// The card number lives only in the handling of one POST: sessions keep brand and last 4 digits. State is in
// memory (a sandbox restart forgets sessions).
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "core/money.hpp"
#include "core/order_rules.hpp"
#include "sandbox/common/service.hpp"
#include "sandbox/processor/pages.hpp"
#include "server/crypto.hpp"
#include "server/log.hpp"
#include "server/stop_signals.hpp"
#include "server/webhooks.hpp"

using namespace jupiter;
using namespace jupiter::sandbox;
using json = nlohmann::json;
namespace slog = jupiter::server::log;

namespace {

constexpr const char* kName = "processor sandbox";
constexpr std::int64_t kSessionSeconds = 1800;
constexpr int kWebhookAttempts = 8;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Session {
  std::string id, reference, description, return_url, notify_url;
  Money amount;
  std::string status = "open";           // open, complete, expired
  std::string payment_status = "unpaid"; // unpaid, paid, declined, refunded
  std::string intent, brand, last4, decline_reason, refund_id;
  std::int64_t expires_at = 0;
  std::int64_t paid_at = 0;
  bool challenge_pending = false;

  json to_json(const std::string& base) const {
    return {{"id", id}, {"url", base + "/pay/" + id}, {"status", status}, {"payment_status", payment_status},
            {"amount", amount.minor}, {"currency", currency_code(amount.currency)}, {"reference", reference},
            {"expires_at", expires_at}, {"payment_intent", intent.empty() ? json(nullptr) : json(intent)},
            {"paid_at", paid_at == 0 ? json(nullptr) : json(paid_at)},
            {"payment_method", last4.empty() ? json(nullptr) : json{{"type", "card"}, {"brand", brand}, {"last4", last4}}}};
  }
};

struct Delivery {
  std::string url, body, event_id;
  int attempt = 0;
  std::chrono::steady_clock::time_point due;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] cards
// ---------------------------------------------------------------------------------------------------------
std::string brand_of(const std::string& n) {
  if (n[0] == '4') return "visa";
  if ((n[0] == '5' && n[1] >= '1' && n[1] <= '5') || (n[0] == '2' && n[1] >= '2' && n[1] <= '7')) return "mastercard";
  if (n[0] == '3' && (n[1] == '4' || n[1] == '7')) return "amex";
  return "card";
}

// What is wrong with the typed card, or "".
std::string card_problem(const std::string& number, const std::string& exp, const std::string& cvc) {
  if (number.size() < 12 || number.size() > 19 || !luhn_valid(number)) return "The card number is not valid.";
  int month = 0, year = 0;
  if (std::sscanf(exp.c_str(), "%2d/%4d", &month, &year) != 2 || month < 1 || month > 12)
    return "The expiry date must look like MM/YY.";
  if (year < 100) year += 2000;
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  if (year < tm.tm_year + 1900 || (year == tm.tm_year + 1900 && month < tm.tm_mon + 1)) return "The card has expired.";
  if (cvc.size() < 3 || cvc.size() > 4 || cvc.find_first_not_of("0123456789") != std::string::npos)
    return "The CVC is 3 or 4 digits.";
  return {};
}

std::string digits_only(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
    else if (c != ' ' && c != '-') return "x";  // anything else makes the number invalid
  return out;
}

std::string back_to_store(const Session& s, const std::string& outcome) {
  return s.return_url + (s.return_url.find('?') == std::string::npos ? "?" : "&") + "checkout=" + outcome;
}

class Processor {
 public:
  Processor(std::string api_key, std::string secret) : api_key_(std::move(api_key)), secret_(std::move(secret)) {}

  void routes(httplib::Server& s);
  void start_sender() { sender_ = std::thread([this] { send_loop(); }); }
  void stop_sender() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (sender_.joinable()) sender_.join();
  }

 private:
  bool authorized(const httplib::Request& req) const {
    return server::constant_time_equal(req.get_header_value("Authorization"), "Bearer " + api_key_);
  }
  std::string base(const httplib::Request& req) const { return "http://" + req.get_header_value("Host"); }
  Session* find(const std::string& id) {
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    if (it->second.status == "open" && it->second.expires_at <= unix_now()) it->second.status = "expired";
    return &it->second;
  }
  void queue_event(const Session& s, const std::string& type, json data);
  void send_loop();
  void create_session(const httplib::Request& req, httplib::Response& res);
  void refund(const httplib::Request& req, httplib::Response& res);
  void list_sessions(const httplib::Request& req, httplib::Response& res);
  void expire_session(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void pay(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void challenge(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void finish(Session& s, httplib::Response& res, bool approved);
  PageContext context(const Session& s, std::string error = {}) const {
    return {s.id, "JupiterEsims", s.description, format_plain(s.amount), std::move(error)};
  }

  std::string api_key_, secret_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, Session> sessions_;
  std::map<std::string, std::string> by_key_;  // Idempotency-Key of a session creation -> session id
  std::deque<Delivery> outgoing_;
  bool stopping_ = false;
  std::thread sender_;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] webhooks
// ---------------------------------------------------------------------------------------------------------
void Processor::queue_event(const Session& s, const std::string& type, json data) {
  data["session"] = s.id;
  data["reference"] = s.reference;
  const std::string id = server::random_id("evt_", 12);
  const json event = {{"id", id}, {"type", type}, {"created", unix_now()}, {"data", std::move(data)}};
  outgoing_.push_back({s.notify_url, event.dump(), id, 0, std::chrono::steady_clock::now()});
  cv_.notify_all();
}

void Processor::send_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    auto due = std::find_if(outgoing_.begin(), outgoing_.end(), [now](const Delivery& d) { return d.due <= now; });
    if (due == outgoing_.end()) {
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      continue;
    }
    Delivery d = *due;
    outgoing_.erase(due);
    lock.unlock();
    httplib::Client client(d.url.substr(0, d.url.find('/', 8)));
    client.set_connection_timeout(2);
    client.set_read_timeout(5);
    const std::string path = d.url.find('/', 8) == std::string::npos ? "/" : d.url.substr(d.url.find('/', 8));
    const httplib::Headers headers = {{"Jupiter-Signature", server::sign_webhook(secret_, unix_now(), d.body)}};
    const auto res = client.Post(path.c_str(), headers, d.body, "application/json");
    lock.lock();
    const int status = res ? res->status : 0;
    if (status >= 200 && status < 300) {
      slog::info(std::string(kName) + ": webhook " + d.event_id + " delivered");
    } else if (status >= 400 && status < 500) {
      slog::error(std::string(kName) + ": webhook " + d.event_id + " refused with " + std::to_string(status) + "; not retried");
    } else if (++d.attempt < kWebhookAttempts) {
      d.due = std::chrono::steady_clock::now() + std::chrono::seconds(1LL << (d.attempt - 1));
      slog::error(std::string(kName) + ": webhook " + d.event_id + " failed (" +
                 (res ? std::to_string(status) : httplib::to_string(res.error())) + "); retry " +
                 std::to_string(d.attempt) + " in " + std::to_string(1 << (d.attempt - 1)) + " s");
      outgoing_.push_back(std::move(d));
    } else {
      slog::error(std::string(kName) + ": webhook " + d.event_id + " given up after " + std::to_string(kWebhookAttempts) + " attempts");
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] server-to-server API
// ---------------------------------------------------------------------------------------------------------
void Processor::create_session(const httplib::Request& req, httplib::Response& res) {
  if (!authorized(req)) return reply_error(res, 401, "unauthorized", "a valid API key is required");
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return reply_error(res, 400, "invalid_json", "the body must be a JSON object");
  const auto amount = body.value("amount", std::int64_t{0});
  const auto currency = parse_currency(body.value("currency", std::string()));
  const std::string reference = body.value("reference", std::string());
  const std::string return_url = body.value("return_url", std::string());
  const std::string notify_url = body.value("notify_url", std::string());
  if (amount <= 0 || !currency || reference.empty() || return_url.rfind("http", 0) != 0 ||
      notify_url.rfind("http", 0) != 0)
    return reply_error(res, 400, "invalid_request", "amount, currency, reference, return_url and notify_url are required");
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string key = req.get_header_value("Idempotency-Key");
  if (!key.empty()) {
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      Session* s = find(it->second);
      if (s && s->status == "open") return reply_json(res, 200, s->to_json(base(req)));
    }
  }
  Session s;
  s.id = server::random_id("cs_", 12);
  s.reference = reference;
  s.description = body.value("description", std::string("order ") + reference);
  s.return_url = return_url;
  s.notify_url = notify_url;
  s.amount = {amount, *currency};
  s.expires_at = unix_now() + kSessionSeconds;
  if (!key.empty()) by_key_[key] = s.id;
  slog::info(std::string(kName) + ": session " + s.id + " for " + reference + " (" + format_plain(s.amount) + ")");
  reply_json(res, 200, s.to_json(base(req)));
  sessions_.emplace(s.id, std::move(s));
}

void Processor::refund(const httplib::Request& req, httplib::Response& res) {
  if (!authorized(req)) return reply_error(res, 401, "unauthorized", "a valid API key is required");
  const json body = json::parse(req.body, nullptr, false);
  const std::string intent = body.is_object() ? body.value("payment_intent", std::string()) : std::string();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, s] : sessions_) {
    if (s.intent != intent || intent.empty()) continue;
    if (s.payment_status == "refunded") return reply_json(res, 200, {{"id", s.refund_id}, {"status", "succeeded"}});
    if (s.payment_status != "paid") return reply_error(res, 409, "not_refundable", "the payment did not succeed");
    s.payment_status = "refunded";
    s.refund_id = server::random_id("re_", 12);
    slog::info(std::string(kName) + ": refunded " + intent + " (" + format_plain(s.amount) + ")");
    queue_event(s, "charge.refunded", {{"payment_intent", intent}, {"refund", s.refund_id}});
    return reply_json(res, 200, {{"id", s.refund_id}, {"status", "succeeded"}});
  }
  reply_error(res, 404, "not_found", "no such payment");
}

void Processor::list_sessions(const httplib::Request& req, httplib::Response& res) {
  if (!authorized(req)) return reply_error(res, 401, "unauthorized", "a valid API key is required");
  int limit = 100;
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    limit = text.size() <= 3 && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos
                ? std::stoi(text) : 0;
    if (limit < 1 || limit > 100) return reply_error(res, 400, "invalid_limit", "limit is 1..100");
  }
  const std::string after = req.get_param_value("starting_after");
  std::lock_guard<std::mutex> lock(mutex_);
  json data = json::array();
  auto it = after.empty() ? sessions_.begin() : sessions_.upper_bound(after);
  for (; it != sessions_.end() && data.size() < static_cast<std::size_t>(limit); ++it) {
    find(it->first);  // marks an open session past its time as expired
    data.push_back(it->second.to_json(base(req)));
  }
  reply_json(res, 200, {{"data", std::move(data)}, {"has_more", it != sessions_.end()}});
}

void Processor::expire_session(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  if (!authorized(req)) return reply_error(res, 401, "unauthorized", "a valid API key is required");
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(id);
  if (!s) return reply_error(res, 404, "not_found", "no such session");
  if (s->status == "complete") return reply_error(res, 409, "session_complete", "the session was already paid");
  if (s->status == "open") slog::info(std::string(kName) + ": session " + s->id + " expired on request");
  s->status = "expired";
  s->challenge_pending = false;
  reply_json(res, 200, s->to_json(base(req)));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] hosted pages
// ---------------------------------------------------------------------------------------------------------
void page_headers(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Content-Type-Options", "nosniff");
}

void Processor::finish(Session& s, httplib::Response& res, bool approved) {
  json method = {{"type", "card"}, {"brand", s.brand}, {"last4", s.last4}};
  if (approved) {
    s.status = "complete";
    s.payment_status = "paid";
    s.intent = server::random_id("pi_", 12);
    s.paid_at = unix_now();
    queue_event(s, "checkout.session.completed",
                {{"payment_intent", s.intent}, {"amount", s.amount.minor},
                 {"currency", currency_code(s.amount.currency)}, {"payment_method", method}});
  } else {
    s.payment_status = "declined";
    queue_event(s, "payment.declined", {{"decline_reason", s.decline_reason}, {"payment_method", method}});
  }
  slog::info(std::string(kName) + ": " + s.id + " " + (approved ? "paid" : "declined (" + s.decline_reason + ")"));
  res.status = 303;
  res.set_header("Location", back_to_store(s, approved ? "success" : "declined"));
}

void Processor::pay(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  page_headers(res);
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(id);
  if (!s || s->status != "open" || s->challenge_pending) {
    res.status = s ? 409 : 404;
    return res.set_content(closed_page(s ? "This payment is no longer open." : "No such payment."), "text/html; charset=utf-8");
  }
  const std::string number = digits_only(req.get_param_value("number"));
  const std::string problem = card_problem(number, req.get_param_value("exp"), req.get_param_value("cvc"));
  if (!problem.empty()) {
    res.status = 422;
    return res.set_content(card_page(context(*s, problem)), "text/html; charset=utf-8");
  }
  s->brand = brand_of(number);
  s->last4 = number.substr(number.size() - 4);
  if (number == "4000000000003220") {
    s->challenge_pending = true;
    return res.set_content(challenge_page(context(*s), s->brand, s->last4), "text/html; charset=utf-8");
  }
  s->decline_reason = number == "4242424242424242" ? "" : number == "4000000000000002" ? "card_declined" : "test_card_required";
  finish(*s, res, s->decline_reason.empty());
}

void Processor::challenge(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  page_headers(res);
  std::lock_guard<std::mutex> lock(mutex_);
  Session* s = find(id);
  if (!s || s->status != "open" || !s->challenge_pending) {
    res.status = s ? 409 : 404;
    return res.set_content(closed_page("There is nothing to confirm for this payment."), "text/html; charset=utf-8");
  }
  s->challenge_pending = false;
  const bool approved = req.get_param_value("decision") == "approve";
  s->decline_reason = approved ? "" : "authentication_failed";
  finish(*s, res, approved);
}

void Processor::routes(httplib::Server& srv) {
  srv.Post("/v1/checkout/sessions", [this](const httplib::Request& req, httplib::Response& res) { create_session(req, res); });
  srv.Get(R"(/v1/checkout/sessions/([A-Za-z0-9_-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req)) return reply_error(res, 401, "unauthorized", "a valid API key is required");
    std::lock_guard<std::mutex> lock(mutex_);
    Session* s = find(req.matches[1]);
    if (!s) return reply_error(res, 404, "not_found", "no such session");
    reply_json(res, 200, s->to_json(base(req)));
  });
  srv.Get("/v1/checkout/sessions", [this](const httplib::Request& req, httplib::Response& res) { list_sessions(req, res); });
  srv.Post(R"(/v1/checkout/sessions/([A-Za-z0-9_-]+)/expire)", [this](const httplib::Request& req, httplib::Response& res) {
    expire_session(req, res, req.matches[1]);
  });
  srv.Post("/v1/refunds", [this](const httplib::Request& req, httplib::Response& res) { refund(req, res); });
  srv.Get(R"(/pay/([A-Za-z0-9_-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    page_headers(res);
    std::lock_guard<std::mutex> lock(mutex_);
    Session* s = find(req.matches[1]);
    if (!s || s->status != "open") {
      res.status = s ? 409 : 404;
      return res.set_content(closed_page(s ? "This payment is no longer open." : "No such payment."), "text/html; charset=utf-8");
    }
    if (s->challenge_pending)
      return res.set_content(challenge_page(context(*s), s->brand, s->last4), "text/html; charset=utf-8");
    res.set_content(card_page(context(*s)), "text/html; charset=utf-8");
  });
  srv.Post(R"(/pay/([A-Za-z0-9_-]+))", [this](const httplib::Request& req, httplib::Response& res) { pay(req, res, req.matches[1]); });
  srv.Post(R"(/pay/([A-Za-z0-9_-]+)/challenge)",
           [this](const httplib::Request& req, httplib::Response& res) { challenge(req, res, req.matches[1]); });
  srv.Get(R"(/pay/([A-Za-z0-9_-]+)/cancel)", [this](const httplib::Request& req, httplib::Response& res) {
    page_headers(res);
    std::lock_guard<std::mutex> lock(mutex_);
    Session* s = find(req.matches[1]);
    if (!s) {
      res.status = 404;
      return res.set_content(closed_page("No such payment."), "text/html; charset=utf-8");
    }
    s->challenge_pending = false;
    res.status = 303;
    res.set_header("Location", back_to_store(*s, "cancelled"));
  });
  srv.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { reply_json(res, 200, {{"status", "ok"}}); });
  // Access log without query strings or bodies (the card travels in a POST body and is never logged).
  srv.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    slog::info(std::string(kName) + ": " + slog::printable(req.method, 8) + " " + slog::printable(req.path) + " " +
              std::to_string(res.status));
  });
}

}  // namespace

int main(int argc, char** argv) {
  // Secrets come from files (readable by their owner alone), never on the command line, which every local user
  // can read in `ps`.
  const CommandLine cl = parse_command_line(argc, argv, {"--api-key-file", "--webhook-secret-file"});
  const std::string api_key = cl.error.empty() ? read_secret_file(cl, "--api-key-file") : "";
  const std::string secret = cl.error.empty() ? read_secret_file(cl, "--webhook-secret-file") : "";
  if (!cl.error.empty() || api_key.empty() || secret.empty()) {
    std::fprintf(stderr,
                 "%s\nusage: jupiter-processor-sandbox --api-key-file FILE --webhook-secret-file FILE [--host ADDR] "
                 "[--port N]\n"
                 "A local payment processor in test mode: hosted card page, checkout sessions, signed webhooks.\n"
                 "Each file's first line is the secret (at least 16 characters).\n",
                 cl.error.empty() ? "--api-key-file and --webhook-secret-file must name readable files with a secret"
                                  : cl.error.c_str());
    return 2;
  }
  server::block_stop_signals();
  Processor processor(api_key, secret);
  httplib::Server server;
  server.set_payload_max_length(64 * 1024);
  processor.routes(server);
  processor.start_sender();
  const int status = serve(server, cl, kName);
  processor.stop_sender();
  return status;
}
