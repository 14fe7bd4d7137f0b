// api-partners.cpp: partners of the embed (issue 12) over real HTTP: the admin API and its token, partner
// validation, the framed page /embed/:partner (frame-ancestors, the embed meta, refusals), --demo-partner,
// attribution of orders, the report (arithmetic, CSV) and the signed partner webhooks; plus the pure helpers.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <ctime>
#include <fstream>
#include <mutex>
#include <thread>

#include "commerce.hpp"
#include "server/http_util.hpp"
#include "server/partners.hpp"
#include "server/webhooks.hpp"

using namespace jupiter::test;
namespace srv = jupiter::server;

namespace {

const fs::path& data_of(const Store& s) { return s.data_dir; }
const fs::path& data_of(const Shop& s) { return s.data_dir; }
const ServerProcess& server_of(const Store& s) { return *s.server; }
const ServerProcess& server_of(const Shop& s) { return *s.store; }

template <class S>
std::string admin_token(const S& s) {
  std::ifstream in(data_of(s) / "admin-token");
  std::string token;
  std::getline(in, token);
  REQUIRE(token.size() >= 16);
  return token;
}

// One admin call with `token` ("" sends no Authorization header).
template <class S>
httplib::Result admin_call(const S& s, const std::string& method, const std::string& path, const std::string& body,
                           const std::string& token) {
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  auto c = server_of(s).client();
  if (method == "POST") return c.Post(path.c_str(), h, body, "application/json");
  if (method == "PATCH") return c.Patch(path.c_str(), h, body, "application/json");
  return c.Get(path.c_str(), h);
}

template <class S>
httplib::Result admin(const S& s, const std::string& method, const std::string& path, const json& body = nullptr) {
  return admin_call(s, method, path, body.is_null() ? std::string() : body.dump(), admin_token(s));
}

json partner_doc(const std::string& id, const json& changes = json::object()) {
  json doc = {{"id", id},
              {"name", "Demo Travel Blog"},
              {"origins", {"http://127.0.0.1:8083", "https://demo.example.com"}},
              {"commission_bp", 1000},
              {"contact", {{"name", "Pat Partner"}, {"email", "pat.partner@example.com"}}}};
  doc.merge_patch(changes);
  return doc;
}

// Creates a partner (REQUIREs 201); the POST answer.
template <class S>
json create_partner(const S& s, const json& doc) {
  auto res = admin(s, "POST", "/api/admin/partners", doc);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 201, res->body);
  return json::parse(res->body);
}

std::int64_t count(const fs::path& data, const std::string& sql) {
  return sqlite_int(data / "jupiter.sqlite3", sql).value_or(-1);
}

std::string html_unescape(std::string s) {
  for (const auto& [entity, ch] : std::vector<std::pair<std::string, std::string>>{
           {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (std::size_t at = s.find(entity); at != std::string::npos; at = s.find(entity, at + ch.size()))
      s.replace(at, entity.size(), ch);
  }
  return s;
}

// The content attribute of the page's jupiter:embed meta, as written (still escaped); nullopt when absent.
std::optional<std::string> embed_meta(const std::string& page) {
  const std::string start = R"(<meta name="jupiter:embed" content=")";
  const std::size_t at = page.find(start);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t end = page.find('"', at + start.size());
  return page.substr(at + start.size(), end - at - start.size());
}

std::string today_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

constexpr const char* kStorePage =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>JupiterEsims</title>"
    "<meta name=\"jupiter:embed\" content=\"\"><script src=\"app.3f9a1c2e.js\"></script></head>"
    "<body><canvas id=\"canvas\"></canvas></body></html>\n";

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] pure helpers
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("origins are normalized to scheme://host[:port] and anything else is refused") {
  CHECK(srv::normalize_origin("HTTPS://Blog.Example.COM:443/") == "https://blog.example.com");
  CHECK(srv::normalize_origin("http://127.0.0.1:8083") == "http://127.0.0.1:8083");
  CHECK(srv::normalize_origin("http://localhost:80") == "http://localhost");
  CHECK(srv::normalize_origin("https://a.example:8443") == "https://a.example:8443");
  CHECK(srv::normalize_origin("http://[::1]:8083") == "http://[::1]:8083");
  for (const char* bad : {"", "blog.example", "ftp://a.example", "https://", "https://a.example/path",
                          "https://a.example?x=1", "https://a.example#x", "https://user@a.example",
                          "http://127.0.0.1:80830", "http://127.0.0.1:0", "https://a..example", "https://-a.example",
                          "https://a.example:", "http://256.1.1.1", "https://bl\xc3\xb6g.example", "https://a example",
                          "https://a.example//", "javascript://a.example"})
    CHECK_MESSAGE(!srv::normalize_origin(bad), bad);
}

TEST_CASE("commission is amount * bp / 10000 rounded half up, in integers") {
  CHECK(srv::commission_minor(1299, 5000) == 650);  // 649.5
  CHECK(srv::commission_minor(1299, 1000) == 130);  // 129.9
  CHECK(srv::commission_minor(1049, 1250) == 131);  // 131.125
  CHECK(srv::commission_minor(799, 1250) == 100);   // 99.875
  CHECK(srv::commission_minor(1, 4999) == 0);       // 0.4999
  CHECK(srv::commission_minor(1, 5000) == 1);       // 0.5
  CHECK(srv::commission_minor(12345, 0) == 0);
  CHECK(srv::commission_minor(12345, 10000) == 12345);
  CHECK(srv::commission_minor(INT64_MAX, 10000) == INT64_MAX);
}

TEST_CASE("CSV cells are quoted as RFC 4180 says and cannot start a formula") {
  CHECK(srv::csv_cell("plain") == "plain");
  CHECK(srv::csv_cell("a,b") == "\"a,b\"");
  CHECK(srv::csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(srv::csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(srv::csv_cell("=SUM(A1:A9)") == "'=SUM(A1:A9)");
  CHECK(srv::csv_cell("+1") == "'+1");
  CHECK(srv::csv_cell("-1") == "'-1");
  CHECK(srv::csv_cell("@cmd") == "'@cmd");
  CHECK(srv::csv_cell("\tx") == "'\tx");
  CHECK(srv::csv_cell("\rx") == "\"'\rx\"");
  CHECK(srv::csv_cell("=\"a\",\nb") == "\"'=\"\"a\"\",\nb\"");
}

TEST_CASE("report dates are real calendar days") {
  CHECK(srv::parse_day("1970-01-01") == 0);
  CHECK(srv::parse_day("2024-02-29") == 19782);
  CHECK(srv::parse_day("2024-12-31").value() - srv::parse_day("2024-01-01").value() == 365);
  for (const char* bad : {"", "2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01", "24-01-01", "2024/01/01",
                          "2024-01-32", "1969-12-31", "2024-01-01T00:00:00Z"})
    CHECK_MESSAGE(!srv::parse_day(bad), bad);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] admin API
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the admin API answers 401 without the token or with a wrong one, and changes nothing") {
  Store store;
  const std::string token = admin_token(store);
  struct stat st {};
  REQUIRE(::stat((store.data_dir / "admin-token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  create_partner(store, partner_doc("kept"));
  for (const std::string& given : {std::string(), std::string("wrong-token-of-some-length"), token + "x",
                                   token.substr(0, token.size() - 1)}) {
    CAPTURE(given);
    for (const auto& [method, path, body] : std::vector<std::tuple<std::string, std::string, json>>{
             {"POST", "/api/admin/partners", partner_doc("intruder")},
             {"GET", "/api/admin/partners", nullptr},
             {"GET", "/api/admin/partners/kept", nullptr},
             {"PATCH", "/api/admin/partners/kept", json{{"disabled", true}, {"commission_bp", 9999}}},
             {"GET", "/api/admin/partners/kept/report?from=2025-01-01&to=2025-01-31", nullptr}}) {
      auto res = admin_call(store, method, path, body.is_null() ? "" : body.dump(), given);
      REQUIRE(res);
      CHECK(res->status == 401);
      CHECK(res->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0);
      CHECK(json_error_code(res->body) == "unauthorized");
      CHECK(res->body.find("pat.partner@example.com") == std::string::npos);
    }
  }
  CHECK(count(store.data_dir, "SELECT count(*) FROM partners") == 1);
  CHECK(count(store.data_dir, "SELECT count(*) FROM partners WHERE disabled_at IS NULL AND commission_bp = 1000") == 1);
  CHECK(store.server->output().find(token) == std::string::npos);
}

TEST_CASE("partners are created, listed, read, updated and disabled") {
  Store store;
  const json created = create_partner(store, partner_doc("blog-1", {{"origins", {"HTTPS://Blog.Example:443/"}},
                                                                    {"theme", {{"accent", "#0A7CFF"}}},
                                                                    {"destination", "jp"}, {"currency", "EUR"}}));
  const json& p = created["partner"];
  CHECK(p["id"] == "blog-1");
  CHECK(p["origins"] == json::array({"https://blog.example"}));
  CHECK(p["theme"] == json({{"accent", "#0a7cff"}}));
  CHECK(p["destination"] == "JP");
  CHECK(p["currency"] == "EUR");
  CHECK(p["disabled"] == false);
  CHECK(p["contact"]["email"] == "pat.partner@example.com");
  const std::string secret = created["webhook_secret"];
  CHECK(secret.rfind("whsec_", 0) == 0);
  CHECK(secret.size() >= 40);

  SUBCASE("an id that exists is 409") {
    auto res = admin(store, "POST", "/api/admin/partners", partner_doc("blog-1", {{"name", "Other"}}));
    REQUIRE(res);
    CHECK(res->status == 409);
    CHECK(json_error_code(res->body) == "partner_exists");
  }
  SUBCASE("listed and read, without the webhook secret") {
    create_partner(store, partner_doc("another"));
    auto list = admin(store, "GET", "/api/admin/partners");
    REQUIRE(list);
    REQUIRE(list->status == 200);
    const json all = json::parse(list->body)["partners"];
    REQUIRE(all.size() == 2);
    CHECK(all[0]["id"] == "another");
    CHECK(all[1]["id"] == "blog-1");
    auto one = admin(store, "GET", "/api/admin/partners/blog-1");
    REQUIRE(one);
    CHECK(json::parse(one->body)["partner"] == p);
    CHECK(one->body.find(secret) == std::string::npos);
    CHECK(list->body.find(secret) == std::string::npos);
    auto none = admin(store, "GET", "/api/admin/partners/nobody");
    REQUIRE(none);
    CHECK(none->status == 404);
    CHECK(json_error_code(none->body) == "not_found");
  }
  SUBCASE("a partial update changes only what it names; disabled: true disables, false enables") {
    auto res = admin(store, "PATCH", "/api/admin/partners/blog-1",
                     {{"commission_bp", 1500}, {"theme", nullptr}, {"name", "Blog One"}});
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    json q = json::parse(res->body)["partner"];
    CHECK(q["commission_bp"] == 1500);
    CHECK(q["theme"].is_null());
    CHECK(q["name"] == "Blog One");
    CHECK(q["origins"] == p["origins"]);
    CHECK(q["destination"] == "JP");
    res = admin(store, "PATCH", "/api/admin/partners/blog-1", {{"disabled", true}});
    REQUIRE(res);
    q = json::parse(res->body)["partner"];
    CHECK(q["disabled"] == true);
    CHECK(q["disabled_at"].is_string());
    CHECK(count(store.data_dir, "SELECT count(*) FROM partners WHERE id = 'blog-1' AND disabled_at IS NOT NULL") == 1);
    res = admin(store, "PATCH", "/api/admin/partners/blog-1", {{"disabled", false}});
    REQUIRE(res);
    CHECK(json::parse(res->body)["partner"]["disabled"] == false);
    res = admin(store, "PATCH", "/api/admin/partners/blog-1", {{"id", "renamed"}});
    REQUIRE(res);
    CHECK(res->status == 400);
    res = admin(store, "PATCH", "/api/admin/partners/nobody", {{"disabled", true}});
    REQUIRE(res);
    CHECK(res->status == 404);
  }
  // The log line is written before the 201, but the pipe's reader thread may not have read it yet: wait for it.
  CHECK(store.server->wait_for_output("admin: created partner blog-1"));
  CHECK(store.server->output().find("pat.partner@example.com") == std::string::npos);
}

TEST_CASE("a bad partner document is refused with the fields at fault, and nothing is stored") {
  Store store;
  const std::string long_name(101, 'n');
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"origins", {"https://a.example/path"}}}, "origins[0]"},
      {{{"origins", {"http://127.0.0.1:8083", "http://127.0.0.1:80830"}}}, "origins[1]"},
      {{{"origins", {"https://user@a.example"}}}, "origins[0]"},
      {{{"origins", json::array()}}, "origins"},
      {{{"origins", "https://a.example"}}, "origins"},
      {{{"theme", {{"accent", "#12345"}}}}, "theme.accent"},
      {{{"theme", {{"background", "red"}}}}, "theme.background"},
      {{{"theme", {{"text", "#gggggg"}}}}, "theme.text"},
      {{{"theme", {{"shadow", "#000000"}}}}, "theme.shadow"},
      {{{"name", long_name}}, "name"},
      {{{"name", "<script>alert(1)</script>"}}, "name"},
      {{{"name", ""}}, "name"},
      {{{"name", "Two\nlines"}}, "name"},
      {{{"commission_bp", -1}}, "commission_bp"},
      {{{"commission_bp", 10001}}, "commission_bp"},
      {{{"commission_bp", 12.5}}, "commission_bp"},
      {{{"commission_bp", "1000"}}, "commission_bp"},
      {{{"destination", "ZZ"}}, "destination"},
      {{{"currency", "JPY"}}, "currency"},
      {{{"contact", {{"name", "Pat"}, {"email", "not-an-address"}}}}, "contact.email"},
      {{{"webhook_url", "ftp://hooks.example/x"}}, "webhook_url"},
      {{{"id", "Bad_ID"}}, "id"},
      {{{"id", "-dash"}}, "id"},
      {{{"id", std::string(33, 'a')}}, "id"},
      {{{"surprise", true}}, "surprise"},
  };
  for (const auto& [changes, field] : cases) {
    CAPTURE(changes.dump());
    auto res = admin(store, "POST", "/api/admin/partners", partner_doc("p", changes));
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_error_code(res->body) == "invalid_partner");
    const json doc = json::parse(res->body, nullptr, false);
    REQUIRE(doc.is_object());
    CHECK(doc["fields"][0]["field"] == field);
  }
  json missing = partner_doc("p");
  missing.erase("contact");
  auto res = admin(store, "POST", "/api/admin/partners", missing);
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(res->body.find("\"contact\"") != std::string::npos);
  res = admin_call(store, "POST", "/api/admin/partners", "{not json", admin_token(store));
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(count(store.data_dir, "SELECT count(*) FROM partners") == 0);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the framed page
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the framed page is the store with the partner's frame-ancestors and an escaped embed meta") {
  Store store;
  write_file(store.web_dir / "index.html", kStorePage);
  const std::string name = "Tom & Jerry's \"Travel\" Caf\xc3\xa9";
  create_partner(store, partner_doc("demo", {{"name", name},
                                             {"theme", {{"accent", "#0a7cff"}, {"text", "#111111"}}},
                                             {"destination", "JP"}}));
  auto get = [&store](const std::string& target) { return store.server->client().Get(target.c_str()); };

  SUBCASE("an allowed parent gets the store") {
    auto res = get("/embed/demo?parent=http%3A%2F%2F127.0.0.1%3A8083&lang=fr");
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    CHECK(res->get_header_value("Content-Security-Policy") ==
          std::string(srv::kContentSecurityPolicy) + "; frame-ancestors http://127.0.0.1:8083 https://demo.example.com");
    CHECK_FALSE(res->has_header("X-Frame-Options"));
    CHECK(res->get_header_value("Cache-Control") == "no-store");
    CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(res->body.find("<script src=\"app.3f9a1c2e.js\"></script>") != std::string::npos);
    const auto meta = embed_meta(res->body);
    REQUIRE(meta);
    CHECK(meta->find_first_of("\"<>'") == std::string::npos);  // every quote and bracket escaped
    CHECK(res->body.find(name) == std::string::npos);
    const json config = json::parse(html_unescape(*meta));
    CHECK(config == json({{"partner", "demo"}, {"name", name}, {"parent", "http://127.0.0.1:8083"},
                          {"theme", {{"accent", "#0a7cff"}, {"text", "#111111"}}}, {"destination", "JP"}}));
  }
  SUBCASE("a page without the placeholder gets the meta before </head>") {
    write_web_fixture(store.web_dir);
    auto res = get("/embed/demo?parent=https://demo.example.com");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const std::size_t meta = res->body.find("<meta name=\"jupiter:embed\" content=\"{");
    REQUIRE(meta != std::string::npos);
    CHECK(meta < res->body.find("</head>"));
    CHECK(html_unescape(*embed_meta(res->body)).find("\"parent\":\"https://demo.example.com\"") != std::string::npos);
  }
  SUBCASE("a parent that is not exactly an allowed origin gets 403 and no store") {
    for (const char* parent : {"http://127.0.0.1:80830", "https://demo.example.com.evil.test", "http://127.0.0.1:8084",
                               "HTTP://127.0.0.1:8083", "http://127.0.0.1:8083/", "https://demo.example.com:443",
                               "http://demo.example.com", "null", ""}) {
      CAPTURE(parent);
      httplib::Params q = {{"parent", parent}};
      auto res = get("/embed/demo?" + httplib::detail::params_to_query_str(q));
      REQUIRE(res);
      CHECK(res->status == 403);
      CHECK(res->body.find("This store is not available here.") != std::string::npos);
      CHECK(res->body.find("<script") == std::string::npos);
      CHECK(res->body.find("jupiter:embed") == std::string::npos);
      CHECK(res->get_header_value("Content-Security-Policy").find(
                "frame-ancestors http://127.0.0.1:8083 https://demo.example.com") != std::string::npos);
    }
    auto res = get("/embed/demo");
    REQUIRE(res);
    CHECK(res->status == 403);
  }
  SUBCASE("unknown, malformed and disabled partners get 404 and no store") {
    REQUIRE(admin(store, "PATCH", "/api/admin/partners/demo", {{"disabled", true}})->status == 200);
    for (const char* path : {"/embed/nobody?parent=http://127.0.0.1:8083", "/embed/Demo?parent=http://127.0.0.1:8083",
                             "/embed/demo?parent=http://127.0.0.1:8083", "/embed/%3Cx%3E?parent=x"}) {
      CAPTURE(path);
      auto res = get(path);
      REQUIRE(res);
      CHECK(res->status == 404);
      CHECK(res->body.find("This store is not available here.") != std::string::npos);
      CHECK(res->body.find("<script") == std::string::npos);
      CHECK_FALSE(res->has_header("X-Frame-Options"));
      const std::string csp = res->get_header_value("Content-Security-Policy");
      CHECK(csp.find(std::string(path).rfind("/embed/demo", 0) == 0 ? "frame-ancestors http://127.0.0.1:8083"
                                                                    : "frame-ancestors 'none'") != std::string::npos);
    }
  }
}

TEST_CASE("--demo-partner makes partner demo once and adds its origin, across restarts") {
  TempDir dir;
  write_web_fixture(dir / "web");
  auto start = [&dir](const std::string& origin) {
    return std::make_unique<ServerProcess>(
        ServerConfig{dir / "data", dir / "web", fixture("catalogue.json"), {"--demo-partner", origin}});
  };
  {
    auto s = start("http://127.0.0.1:8083");
    REQUIRE_MESSAGE(s->wait_until_listening(), s->output());
    CHECK(s->output().find("partners: created partner demo allowing http://127.0.0.1:8083") != std::string::npos);
  }
  {
    auto s = start("HTTP://127.0.0.1:8083/");
    REQUIRE_MESSAGE(s->wait_until_listening(), s->output());
    CHECK(s->output().find("partner demo already allows http://127.0.0.1:8083") != std::string::npos);
  }
  {
    auto s = start("https://blog.example");
    REQUIRE_MESSAGE(s->wait_until_listening(), s->output());
    auto res = s->client().Get("/embed/demo?parent=https://blog.example");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Security-Policy").find(
              "frame-ancestors http://127.0.0.1:8083 https://blog.example") != std::string::npos);
  }
  const fs::path db = dir / "data" / "jupiter.sqlite3";
  CHECK(sqlite_int(db, "SELECT count(*) FROM partners") == 1);
  CHECK(sqlite_int(db, "SELECT commission_bp FROM partners WHERE id = 'demo' AND name = 'Demo Travel Blog' AND "
                       "contact_email = 'demo-partner@example.com'") == 1000);
  auto bad = start("http://127.0.0.1:80830");
  CHECK(bad->wait_for_exit() == 2);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] attribution
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("an order is attributed to the enabled partner it names, and never refused over attribution") {
  Shop shop({"--orders-per-minute", "100"});
  create_partner(shop, partner_doc("blog"));
  create_partner(shop, partner_doc("gone"));
  REQUIRE(admin(shop, "PATCH", "/api/admin/partners/gone", {{"disabled", true}})->status == 200);
  const fs::path& data = shop.data_dir;

  const Created c = shop.create(order_body("jp-5gb-30d", "USD", {{"partner", "blog"}}));
  CHECK(count(data, "SELECT count(*) FROM orders WHERE id = '" + c.id + "' AND partner_id = 'blog'") == 1);
  const Created direct = shop.create(order_body());
  CHECK(count(data, "SELECT count(*) FROM orders WHERE id = '" + direct.id + "' AND partner_id IS NULL") == 1);
  for (const char* dropped : {"nobody", "gone"}) {
    const Created d = shop.create(order_body("jp-5gb-30d", "USD", {{"partner", dropped}}));
    CHECK(count(data, "SELECT count(*) FROM orders WHERE id = '" + d.id + "' AND partner_id IS NULL AND partner = ''") == 1);
    CHECK(shop.store->wait_for_output(std::string("partner attribution dropped: unknown or disabled partner ") + dropped));
  }
  for (const char* malformed : {"Blog", "-blog", "a_b", "x123456789012345678901234567890123"}) {
    CAPTURE(malformed);
    auto res = shop.post_order(order_body("jp-5gb-30d", "USD", {{"partner", malformed}}), new_key());
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_error_code(res->body) == "invalid_partner");
  }
  SUBCASE("the idempotency check includes the partner") {
    const std::string key = new_key();
    const std::string body = order_body("jp-5gb-30d", "USD", {{"partner", "blog"}});
    auto first = shop.post_order(body, key);
    REQUIRE(first);
    REQUIRE(first->status == 201);
    auto again = shop.post_order(body, key);
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(json::parse(again->body)["order"]["id"] == json::parse(first->body)["order"]["id"]);
    auto other = shop.post_order(order_body("jp-5gb-30d", "USD", {{"partner", "gone"}}), key);
    REQUIRE(other);
    CHECK(other->status == 409);
    auto none = shop.post_order(order_body("jp-5gb-30d", "USD"), key);
    REQUIRE(none);
    CHECK(none->status == 409);
  }
  SUBCASE("{\"return\":\"embed\"} sends the buyer back to the embed's return page") {
    auto res = shop.store->client().Post(("/api/orders/" + c.id + "/payment").c_str(),
                                         {{"Authorization", "Bearer " + c.token}}, R"({"return":"embed"})",
                                         "application/json");
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    const std::string url = json::parse(res->body)["checkout_url"];
    const std::string origin = "http://127.0.0.1:" + std::to_string(shop.processor->port());
    auto paid = shop.submit_card(url.substr(origin.size()), kCardOk);
    REQUIRE(paid);
    REQUIRE(paid->status == 303);
    const std::string store = "http://127.0.0.1:" + std::to_string(shop.store->port());
    CHECK(paid->get_header_value("Location").rfind(store + "/embed-return.html?order=" + c.id, 0) == 0);
    auto normal = shop.submit_card(shop.checkout_path(direct), kCardOk);
    REQUIRE(normal);
    CHECK(normal->get_header_value("Location").rfind(store + "/?order=" + direct.id, 0) == 0);
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] report
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the report sums paid orders per currency with commission rounded half up, refunds apart") {
  Shop shop({"--orders-per-minute", "100", "--provision-deadline", "3"});
  const std::string csv_name = "=Sum \"A\", B & Co";
  create_partner(shop, partner_doc("half", {{"commission_bp", 5000}, {"name", csv_name}}));
  create_partner(shop, partner_doc("other"));
  auto pay = [&shop](const std::string& plan, const std::string& currency, const std::string& partner,
                     const std::string& state) {
    const Created c = shop.create(order_body(plan, currency, {{"partner", partner}}));
    REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
    REQUIRE(shop.wait_for_state(c, state)["state"] == state);
    return c.id;
  };
  const std::string usd1 = pay("jp-5gb-30d", "USD", "half", "delivered");   // 1299 -> 649.5 -> 650
  const std::string usd2 = pay("fr-3gb-15d", "USD", "half", "delivered");   // 899 -> 449.5 -> 450
  const std::string eur1 = pay("jp-5gb-30d", "EUR", "half", "delivered");   // 1199 -> 599.5 -> 600
  pay("fr-3gb-15d", "EUR", "other", "delivered");                           // another partner's
  shop.create(order_body("fr-3gb-15d", "EUR", {{"partner", "half"}}));      // never paid
  shop.partner_mode("fail");
  const std::string refunded = pay("fr-3gb-15d", "EUR", "half", "refunded");  // 799, no commission

  const std::string today = today_utc();
  auto res = admin(shop, "GET", "/api/admin/partners/half/report?from=" + today + "&to=" + today);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  const json r = json::parse(res->body);
  CHECK(r["partner"] == json({{"id", "half"}, {"name", csv_name}, {"commission_bp", 5000}}));
  CHECK(r["totals"] == json::parse(R"([{"currency":"EUR","count":1,"revenue_minor":1199,"commission_minor":600},
                                       {"currency":"USD","count":2,"revenue_minor":2198,"commission_minor":1100}])"));
  CHECK(r["refunded_totals"] == json::parse(R"([{"currency":"EUR","count":1,"amount_minor":799}])"));
  REQUIRE(r["orders"].size() == 3);
  CHECK(r["orders"][0] == json({{"id", usd1}, {"created", today}, {"plan", "jp-5gb-30d"}, {"currency", "USD"},
                                {"amount_minor", 1299}, {"commission_minor", 650}, {"state", "delivered"}}));
  CHECK(r["orders"][1]["id"] == usd2);
  CHECK(r["orders"][2]["id"] == eur1);
  REQUIRE(r["refunded"].size() == 1);
  CHECK(r["refunded"][0]["id"] == refunded);
  CHECK(r["refunded"][0]["state"] == "refunded");
  CHECK(res->body.find("ada@example.com") == std::string::npos);
  CHECK(res->body.find("Ada Lovelace") == std::string::npos);

  SUBCASE("as CSV, with the partner's name escaped") {
    auto csv = admin(shop, "GET", "/api/admin/partners/half/report?from=" + today + "&to=" + today + "&format=csv");
    REQUIRE(csv);
    REQUIRE(csv->status == 200);
    CHECK(csv->get_header_value("Content-Type") == "text/csv; charset=utf-8");
    const std::string cell = "\"'=Sum \"\"A\"\", B & Co\"";
    CHECK(csv->body == "partner_id,partner_name,order_id,created,plan,currency,amount_minor,commission_minor,state\r\n"
                       "half," + cell + "," + usd1 + "," + today + ",jp-5gb-30d,USD,1299,650,delivered\r\n"
                       "half," + cell + "," + usd2 + "," + today + ",fr-3gb-15d,USD,899,450,delivered\r\n"
                       "half," + cell + "," + eur1 + "," + today + ",jp-5gb-30d,EUR,1199,600,delivered\r\n"
                       "half," + cell + "," + refunded + "," + today + ",fr-3gb-15d,EUR,799,0,refunded\r\n");
  }
}

TEST_CASE("a report of other days is empty; bad dates, ranges over 366 days and unknown partners are refused") {
  Store store;
  create_partner(store, partner_doc("half"));
  auto ok = admin(store, "GET", "/api/admin/partners/half/report?from=2024-01-01&to=2024-12-31");  // 366 days
  REQUIRE(ok);
  CHECK(ok->status == 200);
  CHECK(json::parse(ok->body)["orders"].empty());
  CHECK(json::parse(ok->body)["totals"].empty());
  for (const char* q : {"from=2024-01-01", "to=2024-01-01", "from=2024-02-30&to=2024-03-01",
                        "from=2024-03-02&to=2024-03-01", "from=2024-01-01&to=2025-01-01",
                        "from=2024-01-01&to=2024-01-02&format=xml", "from=01/01/2024&to=2024-01-02"}) {
    CAPTURE(q);
    auto bad = admin(store, "GET", std::string("/api/admin/partners/half/report?") + q);
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(json_error_code(bad->body).rfind("invalid_", 0) == 0);
  }
  auto none = admin(store, "GET", "/api/admin/partners/nobody/report?from=2024-01-01&to=2024-01-02");
  REQUIRE(none);
  CHECK(none->status == 404);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] partner webhooks
// ---------------------------------------------------------------------------------------------------------
namespace {

// A partner's webhook receiver on a free port: records every request, answers 500 to the first `failures`.
struct Receiver {
  explicit Receiver(int failures) : failures_left(failures) {
    server.Post("/hooks/jupiter", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex);
      received.push_back({req.get_header_value("Jupiter-Signature"), req.body, req.get_header_value("Content-Type")});
      res.status = failures_left-- > 0 ? 500 : 200;
    });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
  }
  ~Receiver() {
    server.stop();
    thread.join();
  }
  struct Hit {
    std::string signature, body, type;
  };
  std::vector<Hit> hits() {
    std::lock_guard<std::mutex> lock(mutex);
    return received;
  }
  std::vector<Hit> wait_for(std::size_t n, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (hits().size() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return hits();
  }

  httplib::Server server;
  int port = 0;
  int failures_left = 0;
  std::mutex mutex;
  std::vector<Hit> received;
  std::thread thread;
};

}  // namespace

TEST_CASE("a paid order attributed to a partner sends it a signed order.paid webhook, retried until accepted") {
  Receiver receiver(1);
  REQUIRE(receiver.port > 0);
  Shop shop({"--orders-per-minute", "100"});
  const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port) + "/hooks/jupiter";
  const json created = create_partner(shop, partner_doc("hooked", {{"webhook_url", url}}));
  CHECK(created["partner"]["webhook_url"] == url);
  const std::string secret = created["webhook_secret"];
  create_partner(shop, partner_doc("quiet"));

  const Created c = shop.create(order_body("jp-5gb-30d", "EUR", {{"partner", "hooked"}}));
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  const Created other = shop.create(order_body("jp-5gb-30d", "EUR", {{"partner", "quiet"}}));
  REQUIRE(shop.submit_card(shop.checkout_path(other), kCardOk));
  const auto hits = receiver.wait_for(2, std::chrono::seconds(10));
  REQUIRE(hits.size() == 2);  // the first answered 500, the retry 200
  const json order = shop.order(c);
  for (const auto& hit : hits) {
    CHECK(hit.body == hits[0].body);
    CHECK(hit.type.rfind("application/json", 0) == 0);
    CHECK(srv::verify_webhook(secret, hit.signature, hit.body, unix_now()) == srv::SignatureCheck::Valid);
    CHECK(srv::verify_webhook("whsec_wrong", hit.signature, hit.body, unix_now()) == srv::SignatureCheck::BadMac);
  }
  CHECK(json::parse(hits[0].body) == json({{"type", "order.paid"}, {"order", c.id}, {"plan", "jp-5gb-30d"},
                                           {"currency", "EUR"}, {"amount_minor", 1199},
                                           {"created", order["created_at"]}}));
  CHECK(hits[0].body.find("ada@example.com") == std::string::npos);
  CHECK(shop.store->wait_for_output("partner webhook order.paid for " + c.id + " to partner hooked delivered"));
  CHECK(count(shop.data_dir, "SELECT count(*) FROM partner_webhooks WHERE delivered_at IS NOT NULL AND attempts = 2 "
                             "AND next_attempt_ms IS NULL") == 1);
  CHECK(count(shop.data_dir, "SELECT count(*) FROM partner_webhooks") == 1);  // none for the partner without a URL
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  CHECK(receiver.hits().size() == 2);  // nothing more once delivered
}
