// payment_processor.cpp: see payment_processor.hpp.
#include "server/payment_processor.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <optional>

#include "server/remote_json.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

// The answer of one call as JSON, or the failure (retryable for transport errors, 5xx and 429).
Remote<json> call(const httplib::Result& res, const char* what) { return remote_json(res, what); }

}  // namespace

PaymentMethod read_payment_method(const json& parent) {
  const auto m = parent.find("payment_method");
  if (m == parent.end() || !m->is_object()) return {};
  return PaymentMethod{json_string(*m, "type"), json_string(*m, "brand"), json_string(*m, "last4")};
}

namespace {

// A session object as the processor writes it; nullopt when it has no id or url.
std::optional<CheckoutSession> read_session(const json& doc) {
  if (!doc.is_object()) return std::nullopt;
  CheckoutSession s;
  s.id = json_string(doc, "id");
  s.url = json_string(doc, "url");
  s.status = json_string(doc, "status");
  s.expires_at = json_int(doc, "expires_at");
  s.payment_status = json_string(doc, "payment_status");
  s.payment_intent = json_string(doc, "payment_intent");
  s.reference = json_string(doc, "reference");
  s.amount = Money{json_int(doc, "amount"), parse_currency(json_string(doc, "currency")).value_or(Currency::Unknown)};
  s.paid_at = json_int(doc, "paid_at");
  s.method = read_payment_method(doc);
  if (s.id.empty() || s.url.empty()) return std::nullopt;
  return s;
}

Remote<CheckoutSession> to_session(Remote<json> r) {
  if (!r.ok()) return Remote<CheckoutSession>::failure(r.error, r.retryable);
  std::optional<CheckoutSession> s = read_session(*r.value);
  if (!s) return Remote<CheckoutSession>::failure("checkout session without id or url", false);
  return Remote<CheckoutSession>::success(std::move(*s));
}

Remote<CheckoutPage> to_page(Remote<json> r) {
  if (!r.ok()) return Remote<CheckoutPage>::failure(r.error, r.retryable);
  const auto data = r.value->find("data");
  if (data == r.value->end() || !data->is_array()) return Remote<CheckoutPage>::failure("list sessions: no data", false);
  CheckoutPage page;
  for (const json& item : *data) {
    std::optional<CheckoutSession> s = read_session(item);
    if (!s) return Remote<CheckoutPage>::failure("list sessions: a session without id or url", false);
    page.sessions.push_back(std::move(*s));
  }
  const auto more = r.value->find("has_more");
  page.has_more = more != r.value->end() && more->is_boolean() && more->get<bool>();
  return Remote<CheckoutPage>::success(std::move(page));
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

  Remote<CheckoutSession> expire_checkout(const std::string& id) override {
    auto c = client();
    return to_session(call(c.Post(("/v1/checkout/sessions/" + id + "/expire").c_str(), headers(""), "", "application/json"),
                           "expire checkout session"));
  }

  Remote<CheckoutPage> list_checkouts(const std::string& starting_after, int limit) override {
    std::string path = "/v1/checkout/sessions?limit=" + std::to_string(limit);
    if (!starting_after.empty()) path += "&starting_after=" + httplib::detail::encode_query_param(starting_after);
    auto c = client();
    return to_page(call(c.Get(path.c_str(), headers("")), "list checkout sessions"));
  }

  Remote<Refund> refund(const std::string& transaction, const std::string& key) override {
    const json body = {{"payment_intent", transaction}};
    auto c = client();
    auto r = call(c.Post("/v1/refunds", headers(key), body.dump(), "application/json"), "refund");
    if (!r.ok()) return Remote<Refund>::failure(r.error, r.retryable);
    Refund out{json_string(*r.value, "id"), json_string(*r.value, "status")};
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
