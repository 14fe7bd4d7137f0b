// embed_page.cpp: see embed_page.hpp.
#include "server/embed_page.hpp"

#include <httplib.h>

#include <algorithm>
#include <optional>

#include "server/file_io.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"
#include "server/html_escape.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxPageBytes = 4u * 1024u * 1024u;

// "https://a.example http://127.0.0.1:8083", or 'none' for no origins.
std::string ancestors_of(const Partner& p) {
  std::string out;
  for (const std::string& o : p.origins) out += (out.empty() ? "" : " ") + o;
  return out.empty() ? "'none'" : out;
}

void refuse(httplib::Response& res, int status, const std::string& ancestors) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
                 "frame-ancestors " + ancestors);
  res.set_content("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                  "<title>Store not available</title></head>\n<body style=\"font-family:sans-serif;margin:2rem\">"
                  "<main><h1 style=\"font-size:1.25rem\">This store is not available here.</h1></main></body></html>\n",
                  "text/html; charset=utf-8");
}

}  // namespace

std::string embed_config_json(const Partner& p, const std::string& parent) {
  json doc = {{"partner", p.id}, {"name", p.name}, {"parent", parent}};
  if (!p.theme.empty()) {
    json theme = json::object();
    if (!p.theme.accent.empty()) theme["accent"] = p.theme.accent;
    if (!p.theme.background.empty()) theme["background"] = p.theme.background;
    if (!p.theme.text.empty()) theme["text"] = p.theme.text;
    doc["theme"] = theme;
  }
  if (!p.destination.empty()) doc["destination"] = p.destination;
  if (!p.currency.empty()) doc["currency"] = p.currency;
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> fill_embed_meta(const std::string& page, const std::string& config_json) {
  const std::string meta = R"(<meta name="jupiter:embed" content=")" + html_escape(config_json) + "\">";
  std::string out = page;
  if (const std::size_t at = out.find(kEmbedPlaceholder); at != std::string::npos)
    return out.replace(at, std::string_view(kEmbedPlaceholder).size(), meta);
  if (const std::size_t head = out.find("</head>"); head != std::string::npos) return out.insert(head, meta);
  return std::nullopt;
}

EmbedPage::EmbedPage(db::Database& db, std::filesystem::path web_dir)
    : db_(db), index_(std::move(web_dir) / "index.html") {}

void EmbedPage::serve(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  if (!valid_partner_id(id)) return refuse(res, 404, "'none'");
  auto found = db_.with([&](db::Connection& c) { return load_partner(c, id); });
  if (!found) {
    log::error("embed: " + found.error().message);
    return refuse(res, 500, "'none'");
  }
  if (!found.value()) return refuse(res, 404, "'none'");
  const Partner& p = *found.value();
  const std::string ancestors = ancestors_of(p);
  if (!p.enabled()) return refuse(res, 404, ancestors);
  const std::string parent = req.get_param_value("parent");
  if (parent.empty() || std::find(p.origins.begin(), p.origins.end(), parent) == p.origins.end())
    return refuse(res, 403, ancestors);
  const FileRead page = read_file(index_, kMaxPageBytes);
  const auto filled = page.ok ? fill_embed_meta(page.data, embed_config_json(p, parent)) : std::nullopt;
  if (!filled) {
    log::error("embed: the store page " + index_.string() + " is missing or has no </head>");
    return refuse(res, 503, ancestors);
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy", std::string(kContentSecurityPolicy) + "; frame-ancestors " + ancestors);
  res.set_content(*filled, "text/html; charset=utf-8");
}

void EmbedPage::add_routes(Router& router) {
  router.get("/embed/:partner", [this](const httplib::Request& req, httplib::Response& res, const RouteParams& p) {
    serve(req, res, std::string(p.get("partner")));
  });
}

}  // namespace jupiter::server
