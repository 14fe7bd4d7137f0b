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

Remote<EsimUsage> to_usage(const httplib::Result& res, const char* what) {
  const Remote<json> r = remote_json(res, what);
  if (!r.ok()) return Remote<EsimUsage>::failure(r.error, r.retryable);
  const json& doc = *r.value;
  EsimUsage u{json_string(doc, "iccid"), json_int(doc, "installed_at"), json_int(doc, "data_total_mb"),
              json_int(doc, "data_used_mb"), json_int(doc, "valid_until")};
  if (u.iccid.empty() || u.installed_at < 0 || u.data_total_mb < 0 || u.data_used_mb < 0 || u.valid_until < 0)
    return Remote<EsimUsage>::failure(std::string(what) + ": a usage without ICCID or with negative numbers", true);
  return Remote<EsimUsage>::success(std::move(u));
}

class SandboxPartner final : public EsimPartner {
 public:
  explicit SandboxPartner(std::string base_url) : base_url_(std::move(base_url)) {}

  Remote<EsimProfile> order_profile(const std::string& reference, const std::string& plan,
                                    const ProfileSize& size) override {
    const json body = {{"reference", reference}, {"plan", plan}, {"data_mb", size.data_mb},
                       {"validity_days", size.validity_days}};
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

  Remote<EsimUsage> usage(const std::string& id) override {
    auto c = client();
    return to_usage(c.Get(("/v1/profiles/" + id + "/usage").c_str()), "profile usage");
  }

  Remote<EsimUsage> topup(const std::string& id, const TopupOrder& t) override {
    const json body = {{"reference", t.reference}, {"plan", t.plan}, {"data_mb", t.size.data_mb},
                       {"validity_days", t.size.validity_days}};
    auto c = client();
    return to_usage(c.Post(("/v1/profiles/" + id + "/topups").c_str(), body.dump(), "application/json"), "top-up");
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
