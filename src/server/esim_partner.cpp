// esim_partner.cpp: see esim_partner.hpp.
#include "server/esim_partner.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace jupiter::server {

namespace {

using json = nlohmann::json;

std::string str(const json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Remote<EsimProfile> to_profile(httplib::Result res, const char* what) {
  if (!res) return Remote<EsimProfile>::failure(std::string(what) + ": " + httplib::to_string(res.error()), true);
  const json doc = json::parse(res->body, nullptr, false);
  if (res->status >= 300 || !doc.is_object()) {
    std::string why = std::string(what) + ": HTTP " + std::to_string(res->status);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) why += " " + str(doc["error"], "code");
    return Remote<EsimProfile>::failure(why, res->status >= 500 || res->status == 429);
  }
  EsimProfile p{str(doc, "id"),          str(doc, "status"),          str(doc, "iccid"), str(doc, "smdp_address"),
                str(doc, "matching_id"), str(doc, "confirmation_code"), str(doc, "activation_code")};
  if (p.id.empty() || (p.status != "pending" && p.status != "ready"))
    return Remote<EsimProfile>::failure(std::string(what) + ": a profile without id or with an unknown status", true);
  return Remote<EsimProfile>::success(std::move(p));
}

class SandboxPartner final : public EsimPartner {
 public:
  explicit SandboxPartner(std::string base_url) : base_url_(std::move(base_url)) {}

  Remote<EsimProfile> order_profile(const std::string& reference, const std::string& plan) override {
    const json body = {{"reference", reference}, {"plan", plan}};
    auto c = client();
    return to_profile(c.Post("/v1/profiles", body.dump(), "application/json"), "order profile");
  }

  Remote<EsimProfile> get_profile(const std::string& id) override {
    auto c = client();
    return to_profile(c.Get(("/v1/profiles/" + id).c_str()), "get profile");
  }

 private:
  httplib::Client client() const {
    httplib::Client c(base_url_);
    c.set_connection_timeout(3);
    c.set_read_timeout(5);
    c.set_write_timeout(5);
    return c;
  }
  std::string base_url_;
};

}  // namespace

std::unique_ptr<EsimPartner> make_sandbox_partner(std::string base_url) {
  return std::make_unique<SandboxPartner>(std::move(base_url));
}

}  // namespace jupiter::server
