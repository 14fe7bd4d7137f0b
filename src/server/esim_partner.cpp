// esim_partner.cpp: see esim_partner.hpp.
#include "server/esim_partner.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server/remote_json.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

Remote<EsimProfile> to_profile(const httplib::Result& res, const char* what) {
  const Remote<json> r = remote_json(res, what);
  if (!r.ok()) return Remote<EsimProfile>::failure(r.error, r.retryable);
  const json& doc = *r.value;
  auto str = [&doc](const char* name) { return json_string(doc, name); };
  EsimProfile p{str("id"),          str("status"),            str("iccid"),          str("smdp_address"),
                str("matching_id"), str("confirmation_code"), str("activation_code"), 0};
  if (const auto it = doc.find("installed_at"); it != doc.end() && it->is_number_integer() && it->get<std::int64_t>() > 0)
    p.installed_at = it->get<std::int64_t>();
  if (p.id.empty() || (p.status != "pending" && p.status != "ready" && p.status != "cancelled"))
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

  Remote<EsimProfile> cancel_profile(const std::string& id) override {
    auto c = client();
    return to_profile(c.Post(("/v1/profiles/" + id + "/cancel").c_str(), "", "application/json"), "cancel profile");
  }

 private:
  httplib::Client client() const { return adapter_client(base_url_); }
  std::string base_url_;
};

}  // namespace

bool refused_as_installed(const Remote<EsimProfile>& cancel) {
  const std::string suffix = "HTTP 409 already_installed";
  return !cancel.ok() && cancel.error.size() >= suffix.size() &&
         cancel.error.compare(cancel.error.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::unique_ptr<EsimPartner> make_sandbox_partner(std::string base_url) {
  return std::make_unique<SandboxPartner>(std::move(base_url));
}

}  // namespace jupiter::server
