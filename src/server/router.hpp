// router.hpp: the server's routing table. Maps (method, path) to a handler, or says why not: 404 for a path no
// route owns, 405 (with the methods that would work) for a known path and the wrong method.
//
// Patterns are literal segments and `:name` parameters: "/api/catalogue", "/api/orders/:id". Paths under an
// owned prefix ("/api/") never reach the fallback, so the API answers unknown paths with JSON 404s, while every
// other path falls back to the static files.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/httplib_fwd.hpp"

namespace jupiter::server {

enum class Method { Unknown = 0, Get, Head, Post, Put, Patch, Delete, Options };
Method parse_method(std::string_view m);  // exact, upper case as on the wire
std::string_view method_name(Method m);

// Values of a route's `:name` segments, in pattern order.
struct RouteParams {
  std::vector<std::pair<std::string, std::string>> values;
  std::string_view get(std::string_view name) const;  // "" when absent
};

using Handler = std::function<void(const httplib::Request&, httplib::Response&, const RouteParams&)>;

class Router {
 public:
  struct Match {
    enum class Kind { Found, NotFound, MethodNotAllowed };
    Kind kind = Kind::NotFound;
    const Handler* handler = nullptr;  // when Found
    RouteParams params;                // when Found
    std::string allow;                 // when MethodNotAllowed: "GET, HEAD"
    // For metrics and logs, a label of bounded cardinality: the matched pattern ("/api/orders/:id"), "static" for
    // the fallback, "unrouted" for a 404 or 405. Points into the router, which is not changed while serving.
    std::string_view route = "unrouted";
  };

  // Registers `handler` for `method` on `pattern`. GET routes answer HEAD too.
  Router& add(Method method, std::string pattern, Handler handler);
  Router& get(std::string pattern, Handler h) { return add(Method::Get, std::move(pattern), std::move(h)); }
  Router& post(std::string pattern, Handler h) { return add(Method::Post, std::move(pattern), std::move(h)); }

  // Paths starting with `prefix` are answered only by routes (404 otherwise), never by the fallback.
  Router& own_prefix(std::string prefix);
  // For paths no route matches outside the owned prefixes: GET and HEAD go to `handler`, other methods get 405.
  Router& fallback(Handler handler);

  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string pattern;                // "/api/orders/:id"
    std::vector<std::string> segments;  // "api", "orders", ":id"
    std::vector<std::pair<Method, Handler>> handlers;
  };
  static bool match_segments(const Route& r, const std::vector<std::string_view>& path, RouteParams* params);

  std::vector<Route> routes_;
  std::vector<std::string> owned_prefixes_;
  Handler fallback_;
};

}  // namespace jupiter::server
