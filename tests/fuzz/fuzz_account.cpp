// fuzz_account.cpp: libFuzzer target for the My eSIMs orders codec (core/account): decode_orders never throws or
// crashes; ok exactly when there is no error; what it accepts keeps the documented invariants (known states and
// kinds, a currency the store sells in, [A-Za-z0-9_-] ids, http(s) links) and survives encode_orders unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/account.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_order(const jupiter::account::AccountOrder& o) {
  check(!o.id.empty() && o.id.find('/') == std::string_view::npos && !o.created_at.empty());
  check(o.state != jupiter::OrderState::Unknown && o.plan.kind != jupiter::Scope::Unknown);
  check(o.price.currency != jupiter::Currency::Unknown && o.price.minor >= 0);
  check(o.plan.validity_days >= 1 && o.plan.validity_days <= 3650 && o.plan.data_mb >= 0);
  check(o.order_link.empty() == o.receipt_link.empty());
  check(o.order_link.empty() || o.order_link.rfind("http", 0) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const jupiter::account::OrdersDecode d = jupiter::account::decode_orders(text);
  check(d.ok == d.error.empty());
  if (!d.ok) {
    check(d.list.orders.empty());
    return 0;
  }
  for (const auto& o : d.list.orders) check_order(o);
  const jupiter::account::OrdersDecode again = jupiter::account::decode_orders(jupiter::account::encode_orders(d.list));
  check(again.ok && again.list.orders.size() == d.list.orders.size());
  for (std::size_t i = 0; i < d.list.orders.size(); ++i)
    check(again.list.orders[i].id == d.list.orders[i].id && again.list.orders[i].price == d.list.orders[i].price &&
          again.list.orders[i].plan.coverage == d.list.orders[i].plan.coverage &&
          again.list.orders[i].region == d.list.orders[i].region);
  return 0;
}
