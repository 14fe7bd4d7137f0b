// remote_json.cpp: see remote_json.hpp.
#include "server/remote_json.hpp"

#include <httplib.h>

namespace jupiter::server {

httplib::Client adapter_client(const std::string& base_url) {
  httplib::Client c(base_url);
  c.set_connection_timeout(3);
  c.set_read_timeout(5);
  c.set_write_timeout(5);
  return c;
}

std::string json_string(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t json_int(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

Remote<nlohmann::json> remote_json(const httplib::Result& res, const char* what) {
  using R = Remote<nlohmann::json>;
  if (!res) return R::failure(std::string(what) + ": " + httplib::to_string(res.error()), true);
  nlohmann::json doc = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status >= 300 || !doc.is_object()) {
    std::string why = std::string(what) + ": HTTP " + std::to_string(res->status);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object())
      why += " " + json_string(doc["error"], "code");
    return R::failure(why, res->status >= 500 || res->status == 429);
  }
  return R::success(std::move(doc));
}

}  // namespace jupiter::server
