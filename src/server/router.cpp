// router.cpp: see router.hpp.
#include "server/router.hpp"

#include <algorithm>
#include <cassert>

namespace jupiter::server {

namespace {

constexpr std::pair<Method, std::string_view> kMethods[] = {
    {Method::Get, "GET"},     {Method::Head, "HEAD"},     {Method::Post, "POST"},       {Method::Put, "PUT"},
    {Method::Patch, "PATCH"}, {Method::Delete, "DELETE"}, {Method::Options, "OPTIONS"},
};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  if (!path.empty() && path[0] == '/') start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

Method parse_method(std::string_view m) {
  for (const auto& [method, name] : kMethods)
    if (name == m) return method;
  return Method::Unknown;
}

std::string_view method_name(Method m) {
  for (const auto& [method, name] : kMethods)
    if (method == m) return name;
  return "";
}

std::string_view RouteParams::get(std::string_view name) const {
  for (const auto& [key, value] : values)
    if (key == name) return value;
  return {};
}

Router& Router::add(Method method, std::string pattern, Handler handler) {
  assert(!pattern.empty() && pattern[0] == '/' && "route patterns start with '/'");
  assert(method != Method::Unknown && method != Method::Head && "HEAD is served by GET routes");
  std::vector<std::string> segments;
  for (std::string_view s : split_path(pattern)) segments.emplace_back(s);
  auto it = std::find_if(routes_.begin(), routes_.end(), [&](const Route& r) { return r.segments == segments; });
  if (it == routes_.end()) it = routes_.insert(routes_.end(), Route{pattern, std::move(segments), {}});
  assert(std::none_of(it->handlers.begin(), it->handlers.end(), [&](const auto& h) { return h.first == method; }) &&
         "route registered twice for one method");
  it->handlers.emplace_back(method, std::move(handler));
  return *this;
}

Router& Router::own_prefix(std::string prefix) {
  assert(prefix.size() > 1 && prefix.front() == '/' && prefix.back() == '/' && "prefixes look like \"/api/\"");
  owned_prefixes_.push_back(std::move(prefix));
  return *this;
}

Router& Router::fallback(Handler handler) {
  fallback_ = std::move(handler);
  return *this;
}

bool Router::match_segments(const Route& r, const std::vector<std::string_view>& path, RouteParams* params) {
  if (r.segments.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& want = r.segments[i];
    if (!want.empty() && want[0] == ':') {
      if (path[i].empty()) return false;
      if (params) params->values.emplace_back(want.substr(1), std::string(path[i]));
    } else if (want != path[i]) {
      return false;
    }
  }
  return true;
}

Router::Match Router::match(std::string_view method_text, std::string_view path) const {
  const Method method = parse_method(method_text);
  const Method wanted = method == Method::Head ? Method::Get : method;
  const std::vector<std::string_view> segments = split_path(path);
  Match m;
  for (const Route& r : routes_) {
    RouteParams params;
    if (!match_segments(r, segments, &params)) continue;
    for (const auto& [route_method, handler] : r.handlers) {
      if (route_method == wanted && wanted != Method::Unknown) {
        m.kind = Match::Kind::Found;
        m.handler = &handler;
        m.params = std::move(params);
        m.route = r.pattern;
        return m;
      }
    }
    // A known path: collect what it allows (first matching route wins, as for handlers).
    m.kind = Match::Kind::MethodNotAllowed;
    for (const auto& [route_method, handler] : r.handlers) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += method_name(route_method);
      if (route_method == Method::Get) m.allow += ", HEAD";
    }
    return m;
  }

  const bool owned = std::any_of(owned_prefixes_.begin(), owned_prefixes_.end(), [&](const std::string& p) {
    return path.substr(0, p.size()) == p || path == std::string_view(p).substr(0, p.size() - 1);
  });
  if (owned || !fallback_) return m;  // NotFound
  if (method == Method::Get || method == Method::Head) {
    m.kind = Match::Kind::Found;
    m.handler = &fallback_;
    m.route = "static";
    return m;
  }
  m.kind = Match::Kind::MethodNotAllowed;
  m.allow = "GET, HEAD";
  return m;
}

}  // namespace jupiter::server
