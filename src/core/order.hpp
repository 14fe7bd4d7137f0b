// order.hpp: an order as the orders API returns it (the ORDER object of the API contract), and its decoders.
//
// The decoders are bounded (documents over kMaxOrderBytes are refused) and never throw: a body that is not
// JSON, not an order, or an order with a field of the wrong type or range comes back as an error value that
// names the field. Enum fields map unknown words to Unknown, which the decoder reports as an error, so a
// newer server state is never shown as a wrong older one.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"
#include "core/money.hpp"

namespace jupiter {

enum class OrderState : std::uint8_t {
  Unknown = 0, PendingPayment, Paid, Provisioning, Delivered, Failed, Refunded, Cancelled
};
enum class PaymentStatus : std::uint8_t { Unknown = 0, None, Open, Declined, Succeeded, Refunded };
enum class DeliveryStatus : std::uint8_t { Unknown = 0, Waiting, Pending, Ready, Failed, Flagged };

std::optional<OrderState> parse_order_state(std::string_view s);        // "pending_payment" -> PendingPayment
std::string_view order_state_name(OrderState s);                        // PendingPayment -> "pending_payment"
std::optional<PaymentStatus> parse_payment_status(std::string_view s);  // "succeeded" -> Succeeded
std::string_view payment_status_name(PaymentStatus s);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view s);
std::string_view delivery_status_name(DeliveryStatus s);

// The plan as sold: a snapshot taken when the order was made (the catalogue may change later).
struct OrderPlan {
  std::string id;
  std::string name;
  Scope kind = Scope::Unknown;
  std::vector<std::string> coverage;  // ISO country codes as sent
  std::int64_t data_mb = 0;           // 0 = unlimited
  int validity_days = 0;
  ValidityStart validity_start = ValidityStart::Unknown;
};

// All three are "" after the customer had their personal data erased (privacy_rights.hpp on the server).
struct OrderCustomer {
  std::string email;
  std::string name;
  std::string phone;  // "" when not given
};

// What the store knows about the payment: never more than the processor's masked details.
struct OrderPayment {
  PaymentStatus status = PaymentStatus::None;
  std::string decline_reason;  // "card_declined"; "" when none
  std::string method;          // "card"; "" when none
  std::string brand;           // "visa"; "" when none
  std::string last4;           // exactly 4 digits, or ""
  std::string transaction;     // "pi_..."; "" when none
};

struct OrderDelivery {
  DeliveryStatus status = DeliveryStatus::Waiting;
  int attempts = 0;
  std::string message;  // "" when none
};

// The eSIM profile, once delivered. activation_code is kept as sent; the delivery screen validates it.
// Once the profile was installed on a phone, installed_at is set; some days later the server stops giving out the
// activation details (details_expired): then only iccid and installed_at are filled.
struct OrderEsim {
  std::string iccid;
  std::string smdp;
  std::string matching_id;
  std::string confirmation_code;  // "" when none
  bool confirmation_required = false;
  std::string activation_code;
  std::string installed_at;       // RFC 3339 UTC as sent; "" when not (yet) installed
  bool details_expired = false;
};

struct OrderSupport {
  std::string reference;
  std::string reason;
};

struct OrderTransition {
  std::string at;    // RFC 3339 UTC, as sent
  std::string from;  // state names as sent
  std::string to;
  std::string reason;
};

struct Order {
  std::string id;  // "ord_..."
  OrderState state = OrderState::Unknown;
  std::string created_at;  // RFC 3339 UTC ("2026-11-26T10:00:00Z")
  std::string updated_at;
  OrderPlan plan;
  Money price;  // decided by the server
  OrderCustomer customer;
  bool marketing = false;
  OrderPayment payment;
  OrderDelivery delivery;
  std::optional<OrderEsim> esim;
  std::optional<OrderSupport> support;
  std::vector<OrderTransition> history;
  std::string topup_of;  // a top-up order (issue 15): the id of the eSIM order it adds data to; "" for any other
};

// Limits that keep hostile input bounded.
inline constexpr std::size_t kMaxOrderBytes = 256u * 1024u;
inline constexpr std::size_t kMaxOrderHistory = 200;
inline constexpr std::size_t kMaxOrderToken = 256;

struct OrderDecode {
  bool ok = false;
  std::string error;  // when !ok: "not JSON", "order: missing id", "order.payment: last4 is not 4 digits", ...
  Order order;
};

// GET /api/orders/:id -> ORDER.
OrderDecode decode_order(std::string_view json_text);

// POST /api/orders -> {"order": ORDER, "token": "..."}.
struct CreatedOrderDecode {
  bool ok = false;
  std::string error;
  Order order;
  std::string token;  // base64url, 16..kMaxOrderToken characters
};
CreatedOrderDecode decode_created_order(std::string_view json_text);

// POST /api/orders/:id/payment -> {"checkout_url": "http(s)://...", "session": "cs_..."}.
struct PaymentSessionDecode {
  bool ok = false;
  std::string error;
  std::string checkout_url;
  std::string session;
};
PaymentSessionDecode decode_payment_session(std::string_view json_text);

// Any error body {"error": {"code": "snake_case", "message": "..."}}; empty strings when the body is not one.
struct ApiError {
  std::string code;
  std::string message;
};
ApiError decode_api_error(std::string_view json_text);

// A base64url token ([A-Za-z0-9_-]) of min_len..max_len characters.
bool is_base64url(std::string_view s, std::size_t min_len, std::size_t max_len);

}  // namespace jupiter
