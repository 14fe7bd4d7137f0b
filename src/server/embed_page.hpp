// embed_page.hpp: GET /embed/:partner, the store page framed on a partner's site (issue 12, EMBED-CONTRACT.md).
//
// [X] Malformed id, unknown or disabled partner: 404 HTML error page ("This store is not available here."), no
//     store, no scripts; CSP frame-ancestors 'none' for unknown partners, the partner's origins otherwise.
// [X] `parent` missing or not exactly (byte for byte) one of the partner's origins: the same page with 403.
// [X] Otherwise the web root's index.html with `<meta name="jupiter:embed" content="...">` filled with the
//     HTML-escaped JSON {"partner","name","parent","theme"?,"destination"?,"currency"?} (inserted before </head>
//     when the page has no placeholder), Content-Security-Policy = the page's usual one + "; frame-ancestors
//     <origins>", Cache-Control: no-store, and no X-Frame-Options.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "server/db.hpp"
#include "server/partners.hpp"
#include "server/router.hpp"

namespace jupiter::server {

inline constexpr const char* kEmbedPlaceholder = R"(<meta name="jupiter:embed" content="">)";

// The JSON the page's meta carries for `p` framed by `parent` (not escaped).
std::string embed_config_json(const Partner& p, const std::string& parent);
// `page` with the placeholder filled (or the meta inserted before </head>); nullopt when it has neither.
std::optional<std::string> fill_embed_meta(const std::string& page, const std::string& config_json);

class EmbedPage {
 public:
  EmbedPage(db::Database& db, std::filesystem::path web_dir);
  void add_routes(Router& router);

 private:
  void serve(const httplib::Request& req, httplib::Response& res, const std::string& id);

  db::Database& db_;
  std::filesystem::path index_;
};

}  // namespace jupiter::server
