// receipt_page.cpp: see receipt_page.hpp.
#include "server/receipt_page.hpp"

#include <cctype>

#include "core/money.hpp"
#include "core/policy.hpp"
#include "server/html_escape.hpp"

namespace jupiter::server {

namespace {

std::string row(const std::string& label, const std::string& value) {
  return "<tr><th scope=\"row\">" + html_escape(label) + "</th><td>" + html_escape(value) + "</td></tr>\n";
}

// "2026-11-26T10:00:00Z" -> "2026-11-26 10:00 UTC"; anything else unchanged.
std::string readable_time(const std::string& t) {
  if (t.size() != 20 || t[10] != 'T' || t[19] != 'Z') return t;
  return t.substr(0, 10) + " " + t.substr(11, 5) + " UTC";
}

constexpr const char* kStyle = R"css(
body { font: 16px/1.5 system-ui, sans-serif; color: #111; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0; }
p.store { color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 1.5rem 0; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ccc; vertical-align: top; }
th { width: 40%; font-weight: 600; }
.note { color: #444; font-size: .9rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } .note { color: #000; } }
)css";

// "Visa ending in 4242"; "not paid" before a payment succeeded.
std::string payment_method(const OrderPayment& p) {
  if (p.status != PaymentStatus::Succeeded && p.status != PaymentStatus::Refunded) return "not paid";
  std::string brand = p.brand;
  if (!brand.empty()) brand[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(brand[0])));
  return (brand.empty() ? p.method : brand) + " ending in " + p.last4;
}

}  // namespace

std::string receipt_html(const Order& order, const std::string& terms_version) {
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>Receipt " + html_escape(order.id) + " - JupiterEsims</title>\n<style>" +
                     kStyle + "</style></head>\n<body>\n<h1>Receipt</h1>\n<p class=\"store\">JupiterEsims</p>\n<table>\n";
  html += row("Order", order.id);
  html += row("Date", readable_time(order.created_at));
  html += row("Plan", order.plan.name);
  html += row("Price", format_plain(order.price));
  html += row("Payment method", payment_method(order.payment));
  if (!order.payment.transaction.empty()) html += row("Transaction", order.payment.transaction);
  html += row("Status", std::string(order_state_name(order.state)));
  html += "</table>\n<p class=\"note\">Payments are processed by our payment processor; we never see or store your "
          "card number. Questions: support@jupiteresims.com, with your order number.</p>\n";
  if (valid_document_version(terms_version)) {
    const std::string terms = "/terms/v" + terms_version;
    html += "<p class=\"note\">This order was placed under our <a href=\"" + html_escape(terms) + "\">Terms of Sale v" +
            html_escape(terms_version) + "</a>.</p>\n";
  }
  html += "</body></html>\n";
  return html;
}

}  // namespace jupiter::server
