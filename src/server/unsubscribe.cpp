// unsubscribe.cpp: see unsubscribe.hpp.
#include "server/unsubscribe.hpp"

#include <httplib.h>

#include "server/clock.hpp"
#include "server/crypto.hpp"
#include "server/html_escape.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"
#include "server/privacy_rights.hpp"

namespace jupiter::server {

namespace {

constexpr std::size_t kMaxToken = 1024;

std::string lower_ascii(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

std::string signature(const std::string& secret, const std::string& address) {
  return base64url(hmac_sha256(secret, "unsubscribe-v1\n" + address));
}

void invalid_link(httplib::Response& res) {
  send_page(res, 400, "This unsubscribe link is not valid",
            "<p>The link was changed or cut short, so nothing was changed. Use the link from the e-mail as it is, "
            "or write to support@jupiteresims.com and we will stop marketing e-mails for you.</p>");
}

}  // namespace

std::string unsubscribe_token(const std::string& secret, const std::string& email) {
  const std::string address = lower_ascii(email);
  return base64url(address) + "." + signature(secret, address);
}

std::optional<std::string> unsubscribe_address(const std::string& secret, const std::string& token) {
  const std::size_t dot = token.find('.');
  if (token.size() > kMaxToken || dot == std::string::npos) return std::nullopt;
  const auto address = from_base64url(token.substr(0, dot));
  if (!address || address->empty() || *address != lower_ascii(*address)) return std::nullopt;
  if (!constant_time_equal(token.substr(dot + 1), signature(secret, *address))) return std::nullopt;
  return address;
}

bool marketing_opted_in(db::Database& db, const std::string& email) {
  auto row = db.with([&](db::Connection& c) {
    return c.query("SELECT opted_in FROM marketing_preferences WHERE email = ?", lower_ascii(email))
        .one([](const db::Row& r) { return r.boolean(0); });
  });
  if (!row) log::error("marketing: " + row.error().message);
  return row && row.value().value_or(false);
}

MarketingFooter marketing_footer(db::Database& db, const std::string& public_url, const std::string& secret,
                                 const std::string& email) {
  if (email.empty() || !marketing_opted_in(db, email)) return {};
  MarketingFooter f;
  f.url = public_url + "/unsubscribe?t=" + unsubscribe_token(secret, email);
  f.text = "\n--\nTravelling again? As a subscriber you hear first about new destinations and offers.\n"
           "Unsubscribe from marketing e-mails: " + f.url + "\n";
  f.html = "<hr><p>Travelling again? As a subscriber you hear first about new destinations and offers.</p>"
           "<p><a href=\"" + html_escape(f.url) + "\">Unsubscribe from marketing e-mails</a></p>";
  return f;
}

db::Status withdraw_marketing(db::Connection& c, const std::string& email, const std::string& source) {
  const std::string address = lower_ascii(email);
  DB_TRY(c.exec("INSERT INTO marketing_preferences(email, opted_in, changed_ms, source) VALUES (?, 0, ?, ?) "
                "ON CONFLICT(email) DO UPDATE SET opted_in = 0, changed_ms = excluded.changed_ms, "
                "source = excluded.source",
                address, now_ms(), source));
  return c.exec("UPDATE orders SET marketing = 0 WHERE lower(email) = ? AND marketing = 1", address);
}

void Unsubscribe::page(const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.get_param_value("t");
  if (!unsubscribe_address(secret_, token)) return invalid_link(res);
  send_page(res, 200, "Unsubscribe from marketing e-mails",
            "<p>Press the button and JupiterEsims sends you no more marketing e-mails. E-mails about your orders "
            "still come.</p><form method=\"post\" action=\"/unsubscribe?t=" + html_escape(token) +
                "\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                "<button type=\"submit\">Unsubscribe</button></form>");
}

void Unsubscribe::one_click(const httplib::Request& req, httplib::Response& res) {
  const auto address = unsubscribe_address(secret_, req.get_param_value("t"));
  if (!address) return invalid_link(res);
  if (req.body != "List-Unsubscribe=One-Click")
    return send_page(res, 400, "Nothing was changed",
                     "<p>An unsubscribe is sent as List-Unsubscribe=One-Click (RFC 8058).</p>");
  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Status {
      DB_TRY(withdraw_marketing(t, *address, "unsubscribe"));
      return log_rights_request(t, "unsubscribe", "done");
    });
  });
  if (!done) {
    log::error("unsubscribe: " + done.error().message);
    return send_page(res, 500, "Please try again", "<p>The unsubscribe could not be saved. Please try again.</p>");
  }
  log::info("unsubscribe: one address unsubscribed from marketing");
  send_page(res, 200, "You are unsubscribed",
            "<p>JupiterEsims sends you no more marketing e-mails. E-mails about your orders still come.</p>");
}

void Unsubscribe::add_routes(Router& router) {
  router.get("/unsubscribe", [this](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    page(req, res);
  });
  router.post("/unsubscribe", [this](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    one_click(req, res);
  });
}

}  // namespace jupiter::server
