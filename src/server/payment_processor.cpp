// payment_processor.cpp: see payment_processor.hpp.
#include "server/payment_processor.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server/remote_json.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

// The answer of one call as JSON, or the failure (retryable for transport errors, 5xx and 429).
Remote<json> call(const httplib::Result& res, const char* what) { return remote_json(res, what); }

std::string str(const json& doc, const char* name) { return json_string(doc, name); }

Remote<CheckoutSession> to_session(Remote<json> r) {
  if (!r.ok()) return Remote<CheckoutSession>::failure(r.error, r.retryable);
  CheckoutSession s{str(*r.value, "id"), str(*r.value, "url"), str(*r.value, "status"), 0};
  if (const auto it = r.value->find("expires_at"); it != r.value->end() && it->is_number_integer())
    s.expires_at = it->get<std::int64_t>();
  if (s.id.empty() || s.url.empty()) return Remote<CheckoutSession>::failure("checkout session without id or url", false);
  return Remote<CheckoutSession>::success(std::move(s));
}

class SandboxProcessor final : public PaymentProcessor {
 public:
  SandboxProcessor(std::string base_url, std::string api_key)
      : base_url_(std::move(base_url)), api_key_(std::move(api_key)) {}

  Remote<CheckoutSession> create_checkout(const CheckoutRequest& r) override {
    const json body = {{"amount", r.amount.minor},     {"currency", currency_code(r.amount.currency)},
                       {"reference", r.reference},     {"description", r.description},
                       {"return_url", r.return_url},   {"notify_url", r.notify_url}};
    auto c = client();
    return to_session(call(c.Post("/v1/checkout/sessions", headers("cs-" + r.reference), body.dump(), "application/json"),
                           "create checkout session"));
  }

  Remote<CheckoutSession> get_checkout(const std::string& id) override {
    auto c = client();
    return to_session(call(c.Get(("/v1/checkout/sessions/" + id).c_str(), headers("")), "get checkout session"));
  }

  Remote<Refund> refund(const std::string& transaction, const std::string& key) override {
    const json body = {{"payment_intent", transaction}};
    auto c = client();
    auto r = call(c.Post("/v1/refunds", headers(key), body.dump(), "application/json"), "refund");
    if (!r.ok()) return Remote<Refund>::failure(r.error, r.retryable);
    Refund out{str(*r.value, "id"), str(*r.value, "status")};
    if (out.status != "succeeded") return Remote<Refund>::failure("refund status \"" + out.status + "\"", true);
    return Remote<Refund>::success(std::move(out));
  }

 private:
  httplib::Client client() const { return adapter_client(base_url_); }
  httplib::Headers headers(const std::string& idempotency_key) const {
    httplib::Headers h = {{"Authorization", "Bearer " + api_key_}};
    if (!idempotency_key.empty()) h.emplace("Idempotency-Key", idempotency_key);
    return h;
  }

  std::string base_url_;
  std::string api_key_;
};

}  // namespace

std::unique_ptr<PaymentProcessor> make_sandbox_processor(std::string base_url, std::string api_key) {
  return std::make_unique<SandboxProcessor>(std::move(base_url), std::move(api_key));
}

}  // namespace jupiter::server
