// Support messages per order (issue 15, support_messages.hpp): the thread both ways with both notifications in the
// outbox, device details kept with their message only, every bad input, the order's token and the admin token,
// the rate limit, both exports and both erases (with the byte search of the database). Real processes, real HTTP.
#include <doctest/doctest.h>
#include <httplib.h>

#include <regex>
#include <set>
#include <string>

#include "commerce.hpp"
#include "server/sessions.hpp"

using namespace jupiter::test;

namespace {

constexpr const char* kSupportInbox = "support@jupiteresims.example";

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::string admin_token(const Shop& shop) {
  const std::string t = read_all(shop.data_dir / "admin-token");
  return t.substr(0, t.find('\n'));
}

std::string messages_path(const std::string& id) { return "/api/orders/" + id + "/messages"; }
std::string admin_path(const std::string& id) { return "/api/admin/orders/" + id + "/messages"; }

httplib::Result customer_post(const Shop& shop, const Created& c, const std::string& body,
                              httplib::Headers extra = {}) {
  httplib::Headers h = bearer(c.token);
  h.insert(extra.begin(), extra.end());
  return shop.store->client().Post(messages_path(c.id).c_str(), h, body, "application/json");
}

json customer_thread(const Shop& shop, const Created& c) {
  auto res = shop.store->client().Get(messages_path(c.id).c_str(), bearer(c.token));
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body)["messages"];
}

httplib::Result admin_post(const Shop& shop, const std::string& id, const std::string& body) {
  return shop.store->client().Post(admin_path(id).c_str(), bearer(admin_token(shop)), body, "application/json");
}

// The outbox messages whose name ends with `suffix`, oldest first.
std::vector<std::string> mails(const Shop& shop, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& [name, mail] : shop.outbox())
    if (ends_with(name, suffix)) out.push_back(mail);
  return out;
}

std::string plain(const std::string& mail) {
  const auto parts = mime_parts(mail, "text/plain");
  REQUIRE(parts.size() == 1);
  return parts[0];
}

std::string html(const std::string& mail) {
  const auto parts = mime_parts(mail, "text/html");
  REQUIRE(parts.size() == 1);
  return parts[0];
}

long long message_rows(const Shop& shop, const std::string& id) {
  return sqlite_int(shop.data_dir / "jupiter.sqlite3",
                    "SELECT count(*) FROM support_messages WHERE order_id = '" + id + "'")
      .value_or(-1);
}

void check_error(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  CHECK_MESSAGE(res->status == status, res->body);
  CHECK_MESSAGE(json_error_code(res->body) == code, res->body);
}

}  // namespace

TEST_CASE("support: a thread both ways, each message announced to the other side through the outbox") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  CHECK(customer_thread(shop, c).empty());

  const std::string text = "My eSIM shows <script>alert(1)</script> & no signal\nsince landing.";
  auto sent = customer_post(shop, c, json{{"body", "  " + text + "\n"}, {"device", {{"model", "iPhone"}, {"os", "iOS 17.4"}}}}.dump());
  REQUIRE(sent);
  REQUIRE_MESSAGE(sent->status == 201, sent->body);
  const json first = json::parse(sent->body);
  CHECK(first["author"] == "customer");
  CHECK(first["body"] == text);  // trimmed, otherwise as typed
  CHECK(first["device"] == json{{"model", "iPhone"}, {"os", "iOS 17.4"}});
  CHECK(first["id"].get<std::string>().rfind("msg_", 0) == 0);
  CHECK(std::regex_match(first["created_at"].get<std::string>(), std::regex("20[0-9-]{8}T[0-9:.]+Z")));

  // The support inbox hears of it: the order and the way to answer, not the text, the device or the address.
  const auto notices = mails(shop, c.id + "-support-notice.eml");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].find(std::string("To: ") + kSupportInbox + "\r\n") != std::string::npos);
  const std::string notice = plain(notices[0]);
  CHECK(notice.find(c.id) != std::string::npos);
  CHECK(notice.find("/api/admin/orders/" + c.id + "/messages") != std::string::npos);
  for (const std::string& secret : {std::string("no signal"), std::string("iOS 17.4"), std::string("ada@example.com")}) {
    CHECK(notices[0].find(secret) == std::string::npos);
    CHECK(notice.find(secret) == std::string::npos);
    CHECK(html(notices[0]).find(secret) == std::string::npos);
  }

  // The admin's list of waiting threads: ids, times and counts only.
  auto waiting = shop.store->client().Get("/api/admin/support", bearer(admin_token(shop)));
  REQUIRE(waiting);
  REQUIRE(waiting->status == 200);
  const json threads = json::parse(waiting->body)["threads"];
  REQUIRE(threads.size() == 1);
  CHECK(threads[0]["order_id"] == c.id);
  CHECK(threads[0]["messages"] == 1);
  CHECK(threads[0]["last_message_at"] == first["created_at"]);
  CHECK(waiting->body.find("no signal") == std::string::npos);
  CHECK(waiting->body.find("ada@") == std::string::npos);

  auto admin_thread = shop.store->client().Get(admin_path(c.id).c_str(), bearer(admin_token(shop)));
  REQUIRE(admin_thread);
  REQUIRE(admin_thread->status == 200);
  CHECK(json::parse(admin_thread->body)["messages"] == json::array({first}));

  // Support answers; the customer gets it by e-mail, the HTML part escaped, with the order page's link.
  const std::string reply = "Try this: <b>restart</b> & <script>x()</script>\nThen turn on roaming.";
  auto answered = admin_post(shop, c.id, json{{"body", reply}}.dump());
  REQUIRE(answered);
  REQUIRE_MESSAGE(answered->status == 201, answered->body);
  CHECK(json::parse(answered->body)["author"] == "support");
  CHECK(json::parse(answered->body)["device"].is_null());
  const auto replies = mails(shop, c.id + "-support-reply.eml");
  REQUIRE(replies.size() == 1);
  CHECK(replies[0].find("To: ada@example.com\r\n") != std::string::npos);
  CHECK(plain(replies[0]).find(reply) != std::string::npos);
  CHECK(plain(replies[0]).find("/?order=" + c.id + "#t=" + c.token) != std::string::npos);
  const std::string reply_html = html(replies[0]);
  CHECK(reply_html.find("<script>") == std::string::npos);
  CHECK(reply_html.find("&lt;script&gt;x()&lt;/script&gt;") != std::string::npos);
  CHECK(reply_html.find("&lt;b&gt;restart&lt;/b&gt; &amp;") != std::string::npos);
  CHECK(reply_html.find("href=\"" + std::string("http://")) != std::string::npos);

  // Answered: no longer waiting. The customer's next message puts it back.
  waiting = shop.store->client().Get("/api/admin/support", bearer(admin_token(shop)));
  REQUIRE(waiting);
  CHECK(json::parse(waiting->body)["threads"].empty());
  auto again = customer_post(shop, c, R"({"body":"Thanks, it works."})");
  REQUIRE(again);
  REQUIRE(again->status == 201);
  CHECK(json::parse(again->body)["device"].is_null());  // the device went with the first message only
  CHECK(mails(shop, c.id + "-support-notice.eml").size() == 2);

  const json thread = customer_thread(shop, c);
  REQUIRE(thread.size() == 3);
  CHECK(thread[0] == first);
  CHECK(thread[1]["author"] == "support");
  CHECK(thread[1]["body"] == reply);
  CHECK(thread[2]["body"] == "Thanks, it works.");
  CHECK(thread[1]["device"].is_null());
  CHECK(thread[2]["device"].is_null());
  // Nothing of the texts or the device in the logs.
  const std::string logs = shop.logs();
  for (const std::string& secret : {std::string("no signal"), std::string("roaming"), std::string("iOS 17.4"),
                                    std::string("it works")})
    CHECK_MESSAGE(logs.find(secret) == std::string::npos, secret);
  // The reply e-mail is listed in the order's e-mails (its file goes with an erase).
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3",
                   "SELECT count(*) FROM order_emails WHERE kind = 'support_reply' AND order_id = '" + c.id + "'") == 1);
}

TEST_CASE("support: every bad input is refused with a clear error and stores nothing") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  check_error(customer_post(shop, c, R"({"body":""})"), 400, "empty_message");
  check_error(customer_post(shop, c, "{\"body\":\" \\n\\t \\u00a0 \"}"), 400, "empty_message");
  check_error(customer_post(shop, c, json{{"body", std::string(4001, 'x')}}.dump()), 400, "message_too_long");
  check_error(customer_post(shop, c, R"({"body":12})"), 400, "invalid_json");
  check_error(customer_post(shop, c, R"({"text":"hi"})"), 400, "invalid_json");
  check_error(customer_post(shop, c, "not json"), 400, "invalid_json");
  check_error(customer_post(shop, c, R"(["body"])"), 400, "invalid_json");
  check_error(customer_post(shop, c, "{\"body\":\"a\xff\"}"), 400, "invalid_json");  // not UTF-8
  const std::vector<std::string> bad_devices = {
      R"({"body":"hi","device":{"model":")" + std::string(65, 'm') + R"(","os":"iOS"}})",
      R"({"body":"hi","device":{"model":"iPhone","os":")" + std::string(65, 'o') + R"("}})",
      R"({"body":"hi","device":{"model":"iPhone\u0007","os":"iOS"}})",
      R"({"body":"hi","device":{"model":"iPhone","os":"iOS\n17"}})",
      R"({"body":"hi","device":{"model":"","os":"iOS"}})",
      R"({"body":"hi","device":{"model":"iPhone","os":17}})",
      R"({"body":"hi","device":{"model":"iPhone","os":"iOS","imei":"123"}})",
      R"({"body":"hi","device":"iPhone"})",
  };
  for (const std::string& body : bad_devices) check_error(customer_post(shop, c, body), 400, "invalid_device");
  check_error(customer_post(shop, c, json{{"body", std::string(70 * 1024, 'x')}}.dump()), 413, "too_large");
  CHECK(message_rows(shop, c.id) == 0);
  CHECK(mails(shop, "-support-notice.eml").empty());

  // A 10 MB body: refused before it is read whole, with a clear error; the server goes on answering.
  auto huge = customer_post(shop, c, std::string(10 * 1024 * 1024, 'x'));
  REQUIRE(huge);
  CHECK(huge->status == 413);
  CHECK(json_error_code(huge->body) == "payload_too_large");
  CHECK(huge->body.find("larger than") != std::string::npos);
  CHECK(customer_thread(shop, c).empty());

  // 4000 characters of three-byte UTF-8 pass (characters, not bytes, count), and 4000 emoji too.
  std::string snow;
  for (int i = 0; i < 4000; ++i) snow += "\xE2\x9D\x84";
  auto ok = customer_post(shop, c, json{{"body", snow}}.dump());
  REQUIRE(ok);
  CHECK_MESSAGE(ok->status == 201, ok->body);
  std::string emoji;
  for (int i = 0; i < 4001; ++i) emoji += "\xF0\x9F\x93\xB6";
  check_error(customer_post(shop, c, json{{"body", emoji}}.dump()), 400, "message_too_long");
  CHECK(message_rows(shop, c.id) == 1);
}

TEST_CASE("support: only the order's token opens its thread; the admin routes need the admin token") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const Created other = shop.create();
  Created wrong = c;
  wrong.token = other.token;  // another order's real token
  check_error(customer_post(shop, wrong, R"({"body":"hi"})"), 404, "not_found");
  auto read = shop.store->client().Get(messages_path(c.id).c_str(), bearer(other.token));
  REQUIRE(read);
  CHECK(read->status == 404);
  auto none = shop.store->client().Get(messages_path(c.id).c_str());
  REQUIRE(none);
  CHECK(none->status == 404);
  // A page of another site cannot post, even holding the token.
  check_error(customer_post(shop, c, R"({"body":"hi"})", {{"Origin", "https://evil.example"}}), 403, "cross_origin");
  CHECK(message_rows(shop, c.id) == 0);

  for (const httplib::Headers& h : {httplib::Headers{}, bearer("not-the-token"), bearer(c.token)}) {
    auto list = shop.store->client().Get("/api/admin/support", h);
    REQUIRE(list);
    CHECK(list->status == 401);
    CHECK(list->has_header("WWW-Authenticate"));
    auto thread = shop.store->client().Get(admin_path(c.id).c_str(), h);
    REQUIRE(thread);
    CHECK(thread->status == 401);
    auto post = shop.store->client().Post(admin_path(c.id).c_str(), h, R"({"body":"hi"})", "application/json");
    REQUIRE(post);
    CHECK(post->status == 401);
  }
  CHECK(message_rows(shop, c.id) == 0);
  check_error(admin_post(shop, "ord_doesnotexist0000", R"({"body":"hi"})"), 404, "not_found");
  check_error(admin_post(shop, c.id, R"({"body":"hi","device":{"model":"x","os":""}})"), 400, "invalid_device");
  check_error(admin_post(shop, c.id, R"({"body":"   "})"), 400, "empty_message");
  CHECK(message_rows(shop, c.id) == 0);
}

TEST_CASE("support: at most 10 customer messages an hour per order, then 429 with Retry-After") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  for (int i = 0; i < 10; ++i) {
    auto res = customer_post(shop, c, json{{"body", "message " + std::to_string(i)}}.dump());
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 201, res->body);
  }
  auto limited = customer_post(shop, c, R"({"body":"one more"})");
  check_error(limited, 429, "rate_limited");
  REQUIRE(limited->has_header("Retry-After"));
  const int wait = std::stoi(limited->get_header_value("Retry-After"));
  CHECK(wait >= 1);
  CHECK(wait <= 3600);
  CHECK(message_rows(shop, c.id) == 10);
  // Counted per order, in the database: another order of the same client is not limited; support is not either.
  const Created other = shop.paid_order("delivered");
  auto fine = customer_post(shop, other, R"({"body":"hello"})");
  REQUIRE(fine);
  CHECK(fine->status == 201);
  auto reply = admin_post(shop, c.id, R"({"body":"answer"})");
  REQUIRE(reply);
  CHECK(reply->status == 201);
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT sum(events) FROM rate_counts WHERE scope = 'support'") == 11);
}

namespace {

// Signs `email` in for the privacy centre (the link e-mailed, then its button): the session cookie's value.
std::set<std::string> sign_in_tokens(const Shop& shop) {
  std::set<std::string> tokens;
  for (const std::string& mail : mails(shop, "-sign-in.eml")) {
    std::smatch m;
    const std::string text = plain(mail);
    if (std::regex_search(text, m, std::regex("/account/verify\\?token=([A-Za-z0-9_.-]+)"))) tokens.insert(m[1]);
  }
  return tokens;
}

std::string sign_in(const Shop& shop, const std::string& email) {
  const std::set<std::string> before = sign_in_tokens(shop);
  auto asked = shop.store->client().Post("/api/account/sign-in", json{{"email", email}, {"next", "privacy"}}.dump(),
                                         "application/json");
  REQUIRE(asked);
  REQUIRE_MESSAGE(asked->status == 202, asked->body);
  std::string token;
  for (const std::string& t : sign_in_tokens(shop))
    if (!before.count(t)) token = t;  // the link this request sent
  REQUIRE(!token.empty());
  auto res = shop.store->client().Post("/account/verify", "token=" + token, "application/x-www-form-urlencoded");
  REQUIRE(res);
  REQUIRE(res->status == 303);
  const std::string h = res->get_header_value("Set-Cookie");
  const std::string prefix = std::string(jupiter::server::kSessionCookie) + "=";
  REQUIRE(h.rfind(prefix, 0) == 0);
  return h.substr(prefix.size(), h.find(';') - prefix.size());
}

}  // namespace

TEST_CASE("support: the messages are in both data exports and go with the order's erase and the account's") {
  Shop shop;
  const Created a = shop.paid_order("delivered");
  const Created b = shop.paid_order("delivered");
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  auto sent = customer_post(shop, a, R"({"body":"Zanzibar-roaming-question","device":{"model":"Quokka-Phone-9","os":"QuokkaOS 3.1"}})");
  REQUIRE(sent);
  REQUIRE(sent->status == 201);
  REQUIRE(admin_post(shop, a.id, R"({"body":"Marmalade-answer"})")->status == 201);
  REQUIRE(customer_post(shop, b, R"({"body":"Kilimanjaro-second-order"})")->status == 201);

  // The order's own export.
  auto data = shop.store->client().Get(("/api/orders/" + a.id + "/data").c_str(), bearer(a.token));
  REQUIRE(data);
  REQUIRE(data->status == 200);
  const json exported = json::parse(data->body)["support_messages"];
  REQUIRE(exported.size() == 2);
  CHECK(exported[0]["body"] == "Zanzibar-roaming-question");
  CHECK(exported[0]["device"] == json{{"model", "Quokka-Phone-9"}, {"os", "QuokkaOS 3.1"}});
  CHECK(exported[1]["body"] == "Marmalade-answer");

  // The account-wide export holds both orders' threads.
  const std::string session = sign_in(shop, "ada@example.com");
  const httplib::Headers cookie = {{"Cookie", std::string(jupiter::server::kSessionCookie) + "=" + session}};
  auto all = shop.store->client().Get("/api/account/data", cookie);
  REQUIRE(all);
  REQUIRE(all->status == 200);
  CHECK(all->body.find("Zanzibar-roaming-question") != std::string::npos);
  CHECK(all->body.find("QuokkaOS 3.1") != std::string::npos);
  CHECK(all->body.find("Kilimanjaro-second-order") != std::string::npos);

  // The search below can see the texts before the erase.
  CHECK(stored_data(db).find("Zanzibar-roaming-question") != std::string::npos);
  auto erased = shop.store->client().Post(("/api/orders/" + a.id + "/erase").c_str(), bearer(a.token), "",
                                          "application/json");
  REQUIRE(erased);
  REQUIRE_MESSAGE(erased->status == 200, erased->body);
  CHECK(message_rows(shop, a.id) == 0);
  CHECK(mails(shop, a.id + "-support-reply.eml").empty());  // the reply's copy went with the order's e-mails
  std::string bytes = stored_data(db);
  for (const char* gone : {"Zanzibar-roaming-question", "Quokka-Phone-9", "QuokkaOS 3.1", "Marmalade-answer"})
    CHECK_MESSAGE(bytes.find(gone) == std::string::npos, gone);
  CHECK(bytes.find("Kilimanjaro-second-order") != std::string::npos);  // the other order's thread is still there

  // The account erase takes the other order's thread.
  const std::string session2 = sign_in(shop, "ada@example.com");
  auto gone = shop.store->client().Post("/api/account/erase",
                                        {{"Cookie", std::string(jupiter::server::kSessionCookie) + "=" + session2}},
                                        R"({"confirm":true})", "application/json");
  REQUIRE(gone);
  REQUIRE_MESSAGE(gone->status == 202, gone->body);
  CHECK(json::parse(gone->body)["erased"] == 1);
  CHECK(message_rows(shop, b.id) == 0);
  bytes = stored_data(db);
  CHECK(bytes.find("Kilimanjaro-second-order") == std::string::npos);
}

TEST_CASE("support: --support-email names the inbox the notices go to; a value that is not an address (a header injection) refuses start") {
  Shop shop({"--support-email", "help-desk@example.org"});
  const Created c = shop.paid_order("delivered");
  REQUIRE(customer_post(shop, c, R"({"body":"hello"})")->status == 201);
  const auto notices = mails(shop, c.id + "-support-notice.eml");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].find("To: help-desk@example.org\r\n") != std::string::npos);

  TempDir dir;
  ServerProcess bad(ServerConfig{dir / "data", dir / "web", fixture("catalogue.json"),
                                 {"--support-email", "support@example.org\r\nBcc: x@example.org"}});
  CHECK(bad.wait_for_exit() == 2);  // a bad option, as for any other
  CHECK(bad.output().find("--support-email needs an e-mail address") != std::string::npos);
}
