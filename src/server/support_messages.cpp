// support_messages.cpp: see support_messages.hpp.
#include "server/support_messages.hpp"

#include <httplib.h>

#include "core/support.hpp"
#include "server/clock.hpp"
#include "server/core_json.hpp"
#include "server/crypto.hpp"
#include "server/html_escape.hpp"
#include "server/http_util.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/rate_counts.hpp"
#include "server/sessions.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;
namespace core = jupiter::support;

void internal(httplib::Response& res, const std::string& what) {
  log::error("support: " + what);
  send_error(res, 500, "internal_error", "the request could not be processed");
}

// A message as stored: who, the trimmed text, the device details when the customer attached them.
struct NewMessage {
  core::Author author = core::Author::Customer;
  std::string body;
  std::optional<core::Device> device;
};

// The request body as a NewMessage (customer: "device" allowed), or the 400/413 answered and nullopt.
std::optional<NewMessage> read_message(const httplib::Request& req, httplib::Response& res, core::Author author) {
  const auto body = json_object_body(req, res);
  if (!body) return std::nullopt;
  const json* text = body->contains("body") ? &(*body)["body"] : nullptr;
  if (!text || !text->is_string()) {
    send_error(res, 400, "invalid_json", "the body must be {\"body\": text}");
    return std::nullopt;
  }
  NewMessage m{author, core::trim(text->get_ref<const std::string&>()), std::nullopt};
  switch (core::check_body(m.body)) {
    case core::BodyProblem::None: break;
    case core::BodyProblem::Empty: send_error(res, 400, "empty_message", "the message is empty"); return std::nullopt;
    case core::BodyProblem::TooLong:
      send_error(res, 400, "message_too_long", "a message is at most 4000 characters");
      return std::nullopt;
    case core::BodyProblem::InvalidUtf8:
      send_error(res, 400, "invalid_message", "the message is not UTF-8 text");
      return std::nullopt;
  }
  const json* device = body->contains("device") ? &(*body)["device"] : nullptr;
  if (!device || device->is_null()) return m;
  const auto field = [&](const char* name) -> std::optional<std::string> {
    if (!device->is_object() || !device->contains(name)) return std::string();
    const json& v = (*device)[name];
    return v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
  };
  const auto model = field("model"), os = field("os");
  const bool known_keys = device->is_object() && device->size() == (device->contains("os") ? 2u : 1u);
  if (author != core::Author::Customer || !model || !os || !known_keys || !core::valid_device({*model, *os})) {
    send_error(res, 400, "invalid_device",
               "device must be {\"model\", \"os\"}: printable text of at most 64 characters each, model required");
    return std::nullopt;
  }
  m.device = core::Device{*model, *os};
  return m;
}

core::Message message_of(const db::Row& r) {
  core::Message m;
  m.id = r.text(0);
  m.author = r.text(1) == "support" ? core::Author::Support : core::Author::Customer;
  m.body = r.text(2);
  if (!r.is_null(3)) m.device = core::Device{r.text(3), r.is_null(4) ? "" : r.text(4)};
  m.created_at = rfc3339(r.int64(5));
  return m;
}

db::Result<core::Message> insert_message(db::Connection& c, const std::string& order_id, const NewMessage& n) {
  const std::int64_t at = now_ms();
  const core::Message m{random_id("msg_", 12), n.author, n.body, rfc3339(at), n.device};
  std::optional<std::string> model, os;
  if (n.device) model = n.device->model, os = n.device->os;
  DB_TRY(c.exec("INSERT INTO support_messages(id, order_id, seq, author, body, device_model, device_os, created_ms) "
                "VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM support_messages WHERE order_id = ?2), "
                "?3, ?4, ?5, ?6, ?7)",
                m.id, order_id, std::string(core::author_name(n.author)), n.body, model, os, at));
  return m;
}

db::Result<std::int64_t> message_count(db::Connection& c, const std::string& order_id) {
  DB_TRY_LET(const std::optional<std::int64_t> n,
             c.query("SELECT count(*) FROM support_messages WHERE order_id = ?", order_id).one([](const db::Row& r) {
               return r.int64(0);
             }));
  return n.value_or(0);
}

// The order page's link with its secret, as the order e-mails give it (order_mail.cpp); without the secret when the
// order's key is gone.
db::Result<std::string> order_page_link(db::Connection& c, const SupportConfig& config, const std::string& id) {
  DB_TRY_LET(const std::optional<std::string> key,
             c.query("SELECT key FROM idempotency_keys WHERE order_id = ?", id).one([](const db::Row& r) {
               return r.text(0);
             }));
  if (!key || key->empty()) return config.public_url + "/?order=" + id;
  return config.public_url + "/?order=" + id + "#t=" + order_token(config.token_secret, id, *key);
}

// True when order `id` exists (the admin routes' 404).
db::Result<bool> order_exists(db::Connection& c, const std::string& id) {
  DB_TRY_LET(const std::optional<std::int64_t> n,
             c.query("SELECT 1 FROM orders WHERE id = ?", id).one([](const db::Row& r) { return r.int64(0); }));
  return n.has_value();
}

}  // namespace

db::Result<json> thread_json(db::Connection& c, const std::string& order_id) {
  json out = json::array();
  DB_TRY(c.query("SELECT id, author, body, device_model, device_os, created_ms FROM support_messages "
                 "WHERE order_id = ? ORDER BY seq",
                 order_id)
             .each([&out](const db::Row& r) { out.push_back(from_core(core::message_json(message_of(r)))); }));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] customer routes
// ---------------------------------------------------------------------------------------------------------
void SupportMessages::list(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  if (!orders_.open_order(req, res, id)) return;
  auto thread = db_.with([&](db::Connection& c) { return thread_json(c, id); });
  if (!thread) return internal(res, thread.error().message);
  res.set_header("Cache-Control", "no-store");
  send_json(res, 200, json{{"messages", thread.value()}}.dump());
}

void SupportMessages::post(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  if (!same_origin(SessionCheck{db_, config_.public_url, ""}, req, res)) return;
  if (!orders_.open_order(req, res, id)) return;
  const auto m = read_message(req, res, core::Author::Customer);
  if (!m) return;
  const RateLimit limit{"support", config_.per_order_per_hour, 3600};
  auto wait = take_client_rate(db_, limit, config_.token_secret, id, now_s());
  if (!wait) return internal(res, wait.error().message);
  if (wait.value() > 0) {
    res.set_header("Retry-After", std::to_string(wait.value()));
    return send_error(res, 429, "rate_limited", "too many messages on this order; try again later");
  }
  std::int64_t count = 0;
  auto saved = db_.with([&](db::Connection& c) -> db::Result<core::Message> {
    DB_TRY_LET(core::Message stored, insert_message(c, id, *m));
    DB_TRY_LET(count, message_count(c, id));
    return stored;
  });
  if (!saved) return internal(res, saved.error().message);
  log::info("support: customer message " + saved.value().id + " on " + id);
  notify_support(id, count);
  send_json(res, 201, core::message_json(saved.value()));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] admin routes
// ---------------------------------------------------------------------------------------------------------
void SupportMessages::waiting(httplib::Response& res) {
  json threads = json::array();
  auto listed = db_.with([&](db::Connection& c) {
    return c.query("SELECT m.order_id, max(m.created_ms), count(*) FROM support_messages m GROUP BY m.order_id "
                   "HAVING max(m.seq) = (SELECT max(l.seq) FROM support_messages l WHERE l.order_id = m.order_id "
                   "AND l.author = 'customer') ORDER BY max(m.created_ms), m.order_id")
        .each([&threads](const db::Row& r) {
          threads.push_back({{"order_id", r.text(0)}, {"last_message_at", rfc3339(r.int64(1))},
                             {"messages", r.int64(2)}});
        });
  });
  if (!listed) return internal(res, listed.error().message);
  res.set_header("Cache-Control", "no-store");
  send_json(res, 200, json{{"threads", threads}}.dump());
}

void SupportMessages::admin_list(httplib::Response& res, const std::string& id) {
  auto thread = db_.with([&](db::Connection& c) -> db::Result<std::optional<json>> {
    DB_TRY_LET(const bool exists, order_exists(c, id));
    if (!exists) return std::optional<json>();
    DB_TRY_LET(json messages, thread_json(c, id));
    return std::optional<json>(std::move(messages));
  });
  if (!thread) return internal(res, thread.error().message);
  if (!thread.value()) return send_error(res, 404, "not_found", "no such order");
  res.set_header("Cache-Control", "no-store");
  send_json(res, 200, json{{"messages", *thread.value()}}.dump());
}

void SupportMessages::admin_post(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  const auto m = read_message(req, res, core::Author::Support);
  if (!m) return;
  auto saved = db_.with([&](db::Connection& c) -> db::Result<std::optional<core::Message>> {
    DB_TRY_LET(const bool exists, order_exists(c, id));
    if (!exists) return std::optional<core::Message>();
    DB_TRY_LET(core::Message stored, insert_message(c, id, *m));
    return std::optional<core::Message>(std::move(stored));
  });
  if (!saved) return internal(res, saved.error().message);
  if (!saved.value()) return send_error(res, 404, "not_found", "no such order");
  log::info("support: reply " + saved.value()->id + " on " + id);
  notify_customer(id, m->body);
  send_json(res, 201, core::message_json(*saved.value()));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] notifications
// ---------------------------------------------------------------------------------------------------------
void SupportMessages::notify_support(const std::string& id, std::int64_t count) {
  // The order id and how to answer: the text, the device and the customer's address stay in the database, where
  // the admin API reads them and the order's erase deletes them (a mailbox copy would outlive both).
  Mail m;
  m.to = config_.inbox;
  m.subject = "Support: a customer wrote about order " + id;
  const std::string how = "GET /api/admin/orders/" + id + "/messages (Authorization: Bearer <DATA/admin-token>)";
  const std::string reply = "POST /api/admin/orders/" + id + "/messages {\"body\": \"...\"}";
  m.text = "The customer of order " + id + " wrote a message (" + std::to_string(count) +
           " in the thread).\n\nRead the thread: " + how + "\nAnswer: " + reply +
           "\n\nThreads waiting for an answer: GET /api/admin/support\n";
  m.html = "<p>The customer of order <b>" + html_escape(id) + "</b> wrote a message (" + std::to_string(count) +
           " in the thread).</p><p>Read the thread: <code>" + html_escape(how) + "</code><br>Answer: <code>" +
           html_escape(reply) + "</code></p><p>Threads waiting for an answer: <code>GET /api/admin/support</code></p>";
  const auto file = outbox_.write(m, id + "-support-notice");
  if (!file) return log::error("support: cannot write the notice for " + id + " to " + outbox_.dir().string());
  log::info("mail: support notice for " + id + " -> outbox/" + *file);
}

void SupportMessages::notify_customer(const std::string& id, const std::string& body) {
  std::string email, link;
  auto read = db_.with([&](db::Connection& c) -> db::Status {
    DB_TRY_LET(const std::optional<std::string> e,
               c.query("SELECT email FROM orders WHERE id = ?", id).one([](const db::Row& r) { return r.text(0); }));
    email = e.value_or("");
    DB_TRY_LET(link, order_page_link(c, config_, id));
    return {};
  });
  if (!read) return log::error("support: reply e-mail of " + id + ": " + read.error().message);
  if (email.empty()) return log::info("support: reply on " + id + " not e-mailed: its personal data was erased");
  Mail m;
  m.to = email;
  m.subject = "Order " + id + ": support answered your message";
  m.text = "Our support team answered your message about order " + id + ":\n\n" + body +
           "\n\nYour order (reply from its page, under Help with this eSIM): " + link + "\n";
  std::string html_body = html_escape(body);
  for (std::size_t at = html_body.find('\n'); at != std::string::npos; at = html_body.find('\n', at + 5))
    html_body.replace(at, 1, "<br>\n");
  m.html = "<p>Our support team answered your message about order <b>" + html_escape(id) + "</b>:</p><blockquote>" +
           html_body + "</blockquote><p><a href=\"" + html_escape(link) +
           "\">Your order</a> (reply from its page, under Help with this eSIM)</p>";
  const auto file = outbox_.write(m, id + "-support-reply");
  if (!file) return log::error("support: cannot write the reply e-mail of " + id + " to " + outbox_.dir().string());
  // Recorded like the order's other e-mails: listed in its export, the file deleted by its erase.
  auto recorded = db_.with([&](db::Connection& c) {
    return c.exec("INSERT INTO order_emails(order_id, kind, sent_s, file) VALUES (?, 'support_reply', ?, ?)", id,
                  now_s(), *file);
  });
  if (!recorded) log::error("support: " + recorded.error().message);
  log::info("mail: support reply for " + id + " -> outbox/" + *file);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] routes
// ---------------------------------------------------------------------------------------------------------
void SupportMessages::add_routes(Router& router) {
  router.get("/api/orders/:id/messages", [this](const httplib::Request& req, httplib::Response& res,
                                                const RouteParams& p) { list(req, res, std::string(p.get("id"))); });
  router.post("/api/orders/:id/messages", [this](const httplib::Request& req, httplib::Response& res,
                                                 const RouteParams& p) { post(req, res, std::string(p.get("id"))); });
  router.get("/api/admin/support", [this](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    if (admin_.authorized(req, res)) waiting(res);
  });
  router.get("/api/admin/orders/:id/messages",
             [this](const httplib::Request& req, httplib::Response& res, const RouteParams& p) {
               if (admin_.authorized(req, res)) admin_list(res, std::string(p.get("id")));
             });
  router.post("/api/admin/orders/:id/messages",
              [this](const httplib::Request& req, httplib::Response& res, const RouteParams& p) {
                if (admin_.authorized(req, res)) admin_post(req, res, std::string(p.get("id")));
              });
}

}  // namespace jupiter::server
