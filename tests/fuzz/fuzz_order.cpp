// fuzz_order.cpp: libFuzzer target for the order decoders (core/order): decode_order, decode_created_order,
// decode_payment_session and decode_api_error never throw or crash; what they accept keeps the documented
// invariants (known enums, 4-digit last4, digit ICCID, base64url token, http(s) checkout address), ok exactly when
// there is no error; and an order wrapped as {"order": ..., "token": ...} decodes exactly as it does alone.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/order.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

void check_order(const jupiter::Order& o) {
  check(!o.id.empty() && !o.created_at.empty() && o.state != jupiter::OrderState::Unknown);
  check(o.payment.status != jupiter::PaymentStatus::Unknown && o.delivery.status != jupiter::DeliveryStatus::Unknown);
  check(o.price.currency != jupiter::Currency::Unknown && o.price.minor >= 0);
  check(o.payment.last4.empty() || (o.payment.last4.size() == 4 && digits(o.payment.last4)));
  check(o.plan.kind != jupiter::Scope::Unknown && o.plan.validity_days >= 1 && o.plan.validity_days <= 3650);
  check(o.history.size() <= jupiter::kMaxOrderHistory);
  if (o.esim) check(!o.esim->iccid.empty() && digits(o.esim->iccid) && !o.esim->activation_code.empty());
  if (o.support) check(!o.support->reference.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const jupiter::OrderDecode order = jupiter::decode_order(text);
  check(order.ok == order.error.empty());
  if (order.ok) check_order(order.order);

  const jupiter::CreatedOrderDecode created = jupiter::decode_created_order(text);
  check(created.ok == created.error.empty());
  if (created.ok) {
    check_order(created.order);
    check(jupiter::is_base64url(created.token, 16, jupiter::kMaxOrderToken));
  }

  const jupiter::PaymentSessionDecode session = jupiter::decode_payment_session(text);
  check(session.ok == session.error.empty());
  if (session.ok) check(session.checkout_url.rfind("http://", 0) == 0 || session.checkout_url.rfind("https://", 0) == 0);

  const jupiter::ApiError api = jupiter::decode_api_error(text);
  check(!api.code.empty() || api.message.empty());

  // A document that is an object gives the same answer inside a created-order envelope (a leading byte order
  // mark is allowed only at the start of a document, so such a text is left out).
  const bool bom = text.rfind("\xEF\xBB\xBF", 0) == 0;
  if (order.error != "not JSON" && order.error != "not a JSON object" && !bom && size < jupiter::kMaxOrderBytes - 64) {
    const std::string wrapped = "{\"order\":" + std::string(text) + ",\"token\":\"AAAAAAAAAAAAAAAAAAAAAA\"}";
    const jupiter::CreatedOrderDecode w = jupiter::decode_created_order(wrapped);
    check(w.ok == order.ok && w.error == order.error);
    if (w.ok) check(w.order.id == order.order.id && w.order.history.size() == order.order.history.size());
  }
  return 0;
}
