// order_mail.cpp: the e-mails about an order (see send_order_email in orders.hpp), written to the outbox.
//
//   confirmation  when the payment succeeded: plan, price, card brand and last 4, the order link, the receipt link
//   delivery      when the eSIM is ready: the QR code as an attached PNG (also inline), the manual details
//   resend        the same as delivery, the same profile (never a new one)
//   topup         when a top-up (issue 15, topups.hpp) was added to the eSIM: no QR, nothing to install again
//   refund        when the eSIM could not be delivered in time and the payment was refunded; or, for an order that
//                 went delivered -> refunded, the owner's refund of an eSIM never installed (refunds.hpp)
// Confirmation, delivery and resend are marketing-capable: while the address opts in (unsubscribe.hpp) they carry a
// short marketing block, a visible unsubscribe link and the RFC 8058 headers; otherwise none of the three.
#include <nlohmann/json.hpp>

#include "core/money.hpp"
#include "core/qr.hpp"
#include "server/clock.hpp"
#include "server/html_escape.hpp"
#include "server/log.hpp"
#include "server/orders.hpp"
#include "server/png.hpp"
#include "server/unsubscribe.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

struct Links {
  std::string order;    // opens the order in the store (token in the fragment: never sent to a server)
  std::string receipt;  // the printable receipt
};

Links links_for(db::Database& db, const OrdersConfig& config, const std::string& id) {
  auto key = db.with([&](db::Connection& c) {
    return c.query("SELECT key FROM idempotency_keys WHERE order_id = ?", id).one([](const db::Row& r) {
      return r.text(0);
    });
  });
  if (!key || key.value().value_or("").empty()) return {config.public_url + "/?order=" + id, ""};
  const std::string token = order_token(config.token_secret, id, *key.value());
  return {config.public_url + "/?order=" + id + "#t=" + token,
          config.public_url + "/orders/" + id + "/receipt?token=" + token};
}

Mail confirmation(const Order& order, const Links& links) {
  const std::string& id = order.id;
  const OrderPayment& pay = order.payment;
  const std::string price = format_plain(order.price);
  const std::string next = order.topup_of.empty() ? "We are preparing your eSIM and will e-mail it to you shortly."
                                                  : "We are adding this top-up to your eSIM and will e-mail you when it is there.";
  Mail m;
  m.subject = "Order " + id + " is paid: " + (order.topup_of.empty() ? "your eSIM" : "your top-up") + " is on its way";
  m.text = "Thank you for your order.\n\nOrder: " + id + "\nPlan: " + order.plan.name + "\nPrice: " + price +
           "\nPaid with: " + pay.brand + " ending in " + pay.last4 +
           "\n\n" + next + " Your order: " + links.order +
           "\nReceipt: " + links.receipt + "\n";
  m.html = "<p>Thank you for your order.</p><p>Order: <b>" + html_escape(id) + "</b><br>Plan: " +
           html_escape(order.plan.name) + "<br>Price: " + html_escape(price) +
           "<br>Paid with: " + html_escape(pay.brand) + " ending in " + html_escape(pay.last4) +
           "</p><p>" + html_escape(next) + "</p><p><a href=\"" +
           html_escape(links.order) + "\">Your order</a> &middot; <a href=\"" + html_escape(links.receipt) +
           "\">Receipt</a></p>";
  return m;
}

Mail delivery(const Order& order, const Links& links) {
  const std::string& id = order.id;
  const OrderEsim esim = order.esim.value_or(OrderEsim{});
  const std::string& code = esim.activation_code;
  const std::string& confirmation = esim.confirmation_code;
  Mail m;
  m.subject = "Your eSIM for order " + id;
  std::string details = "SM-DP+ address: " + esim.smdp + "\nActivation code: " + code + "\n";
  if (!confirmation.empty()) details += "Confirmation code: " + confirmation + "\n";
  details += "ICCID: " + esim.iccid + "\n";
  m.text = "Your eSIM is ready.\n\nScan the attached QR code (esim-qr.png) with your phone's camera or in its "
           "mobile-network settings, or enter these details by hand:\n\n" + details +
           "\nGood to know: the QR code may work only once; do not delete the eSIM from your phone after installing "
           "it. Plan: " + order.plan.name + " (validity starts: " +
           std::string(validity_start_name(order.plan.validity_start)) + ").\n\nYour order: " + links.order + "\n";
  std::string html_details = "SM-DP+ address: <code>" + html_escape(esim.smdp) +
                             "</code><br>Activation code: <code>" + html_escape(code) + "</code><br>";
  if (!confirmation.empty()) html_details += "Confirmation code: <code>" + html_escape(confirmation) + "</code><br>";
  html_details += "ICCID: <code>" + html_escape(esim.iccid) + "</code>";
  m.html = "<p>Your eSIM is ready.</p><p><img src=\"cid:qr@jupiteresims\" alt=\"eSIM QR code\" width=\"264\" "
           "height=\"264\"></p><p>Or enter these details by hand:<br>" + html_details +
           "</p><p>The QR code may work only once; do not delete the eSIM after installing it.</p><p><a href=\"" +
           html_escape(links.order) + "\">Your order</a></p>";
  const qr::EncodeResult qr = qr::encode(code);
  if (qr.ok()) m.attachments.push_back({"esim-qr.png", "image/png", "qr@jupiteresims", qr_png(*qr.matrix, 8)});
  else log::error("mail: order " + id + ": no QR: " + qr.error);
  return m;
}

// The owner asked for the refund of an eSIM never installed (refunds.hpp): the order went delivered -> refunded.
bool owner_refund(const Order& order) {
  for (const OrderTransition& t : order.history)
    if (t.from == "delivered" && t.to == "refunded") return true;
  return false;
}

Mail owner_refund_mail(const Order& order, const Links& links) {
  const std::string& id = order.id;
  const std::string price = format_plain(order.price);
  Mail m;
  m.subject = "Order " + id + ": your eSIM is cancelled and refunded";
  m.text = "As you asked, we cancelled the eSIM of order " + id + " (" + order.plan.name +
           "), which was never installed, and are refunding your payment of " + price +
           " in full to the card you paid with. It shows on your statement within a few days.\n\nThe eSIM can no "
           "longer be installed: if its QR code is still on another screen, it will not work.\n\nYour order: " +
           links.order + "\n";
  m.html = "<p>As you asked, we cancelled the eSIM of order <b>" + html_escape(id) + "</b> (" +
           html_escape(order.plan.name) + "), which was never installed, and are refunding your payment of " +
           html_escape(price) + " in full to the card you paid with. It shows on your statement within a few days.</p>"
           "<p>The eSIM can no longer be installed: if its QR code is still on another screen, it will not work.</p>"
           "<p><a href=\"" + html_escape(links.order) + "\">Your order</a></p>";
  return m;
}

Mail topup(const Order& order, const Links& links) {
  const std::string& id = order.id;
  const std::string data = order.plan.data_mb == 0 ? "unlimited data" : std::to_string(order.plan.data_mb) + " MB";
  const std::string days = std::to_string(order.plan.validity_days) + " days";
  Mail m;
  m.subject = "Top-up added to your eSIM (order " + order.topup_of + ")";
  m.text = "Your top-up is on your eSIM: " + order.plan.name + " (" + data + ", " + days + ") was added to the eSIM of "
           "order " + order.topup_of + ".\n\nThere is nothing to install: keep using the same eSIM. Top-up order: " + id +
           " (" + links.order + ")\nReceipt: " + links.receipt + "\n";
  m.html = "<p>Your top-up is on your eSIM: " + html_escape(order.plan.name) + " (" + html_escape(data) + ", " +
           html_escape(days) + ") was added to the eSIM of order <b>" + html_escape(order.topup_of) +
           "</b>.</p><p>There is nothing to install: keep using the same eSIM.</p><p><a href=\"" +
           html_escape(links.order) + "\">Top-up order " + html_escape(id) + "</a> &middot; <a href=\"" +
           html_escape(links.receipt) + "\">Receipt</a></p>";
  return m;
}

Mail refund(const Order& order, const Links& links) {
  if (owner_refund(order)) return owner_refund_mail(order, links);
  const std::string& id = order.id;
  const std::string price = format_plain(order.price);
  Mail m;
  // A top-up (topups.hpp) is not an eSIM of its own: it could not be added to the eSIM of its parent order.
  const std::string what = order.topup_of.empty() ? "deliver the eSIM for order " : "add the top-up of order ";
  const std::string what_end = order.topup_of.empty() ? " in time" : " to your eSIM (order " + order.topup_of + ")";
  m.subject = "Order " + id + ": refunded";
  m.text = "We are sorry: we could not " + what + id + what_end + ", so we refunded your payment of " + price +
           " in full. It shows on your statement within a few days.\n\nYour order: " + links.order + "\n";
  m.html = "<p>We are sorry: we could not " + what + "<b>" + html_escape(id) + "</b>" + html_escape(what_end) +
           ", so we refunded your payment of " + html_escape(price) +
           " in full.</p><p><a href=\"" + html_escape(links.order) + "\">Your order</a></p>";
  return m;
}

}  // namespace

void send_order_email(db::Database& db, Outbox& outbox, const OrdersConfig& config, const json& order,
                      const std::string& kind) {
  const std::optional<Order> typed = typed_order(order);
  if (!typed) return log::error("mail: the " + kind + " e-mail was not written: its order does not decode");
  const std::string& id = typed->id;
  const Links links = links_for(db, config, id);
  Mail m;
  if (kind == "confirmation") m = confirmation(*typed, links);
  else if (kind == "refund") m = refund(*typed, links);
  else if (kind == "topup") m = topup(*typed, links);
  else m = delivery(*typed, links);
  m.to = typed->customer.email;
  // Marketing rides only on the e-mails the customer gets anyway, and only while the address opts in.
  if (kind != "refund" && kind != "topup") {
    const MarketingFooter footer = marketing_footer(db, config.public_url, config.token_secret, m.to);
    m.text += footer.text;
    m.html += footer.html;
    m.unsubscribe_url = footer.url;
  }
  const auto file = outbox.write(m, id + "-" + kind);
  if (!file) {
    log::error("mail: cannot write the " + kind + " e-mail of " + id + " to " + outbox.dir().string());
    return;
  }
  auto recorded = db.with([&](db::Connection& c) {
    return c.exec("INSERT INTO order_emails(order_id, kind, sent_s, file) VALUES (?, ?, ?, ?)", id, kind, now_s(), *file);
  });
  if (!recorded) log::error("mail: " + recorded.error().message);
  log::info("mail: " + kind + " for " + id + " -> outbox/" + *file);
}

}  // namespace jupiter::server
