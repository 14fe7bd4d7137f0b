// checkout_ui.cpp: the checkout's screens (see checkout_ui.hpp).
//
// [SECTION] helpers
// [SECTION] review
// [SECTION] details (text fields backed by real <input> elements)
// [SECTION] confirmations and the policy text
// [SECTION] payment
// [SECTION] order page
// [SECTION] draw_checkout
#include "ui/checkout_ui.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "ui/i18n.hpp"
#include "ui/privacy_centre_ui.hpp"
#include "ui/refund_ui.hpp"
#include "ui/store_ui.hpp"
#include "ui/topup_ui.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {
namespace {

namespace co = jupiter::checkout;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] helpers
// ---------------------------------------------------------------------------------------------------------
const ImVec4 kSandbox{0.60f, 0.32f, 0.00f, 1.0f};
constexpr float kMaxWidth = 640.0f;

void emit(std::vector<Action>& out, co::Action a) { out.emplace_back(std::move(a)); }

std::string data_text(std::int64_t data_mb, bool unlimited) {
  if (unlimited || data_mb == 0) return tr("checkout.plan.unlimited");
  char buf[32];
  if (data_mb % 1024 == 0) std::snprintf(buf, sizeof buf, "%lld GB", static_cast<long long>(data_mb / 1024));
  else if (data_mb >= 1024) std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(data_mb) / 1024.0);
  else std::snprintf(buf, sizeof buf, "%lld MB", static_cast<long long>(data_mb));
  return buf;
}

const char* validity_start_text(ValidityStart v) {
  switch (v) {
    case ValidityStart::FirstConnection: return tr("checkout.plan.starts_first_connection");
    case ValidityStart::Installation: return tr("checkout.plan.starts_installation");
    case ValidityStart::Purchase: return tr("checkout.plan.starts_purchase");
    case ValidityStart::Unknown: break;
  }
  return tr("checkout.plan.starts_unknown");
}

// "2026-11-26T10:00:00Z" -> "2026-11-26 10:00 UTC" (anything else is shown as sent).
std::string date_text(const std::string& rfc3339) {
  if (rfc3339.size() < 16 || rfc3339[10] != 'T') return rfc3339;
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 5) + " UTC";
}

// A fact as "label   value", the values aligned in a column (on a narrow screen, the value under its label).
void label_value(const char* label, const std::string& value, const char* role = "text") {
  const float x = ImGui::GetCursorPosX();
  const bool narrow = ImGui::GetContentRegionAvail().x < 480.0f;
  TextColored(Muted(), label);
  if (!narrow) ImGui::SameLine(x + 180.0f);
  TextWrapped(value, role);
}

// "Step n of 4"; a top-up has no contact details step (the eSIM's order has them): "n of 3", numbered without it.
void step_header(const co::Model& m, const CheckoutEnv& env, int step, const char* title_key) {
  const int n = m.topup() && step > 2 ? step - 1 : step;
  TextColored(Muted(), tr_fmt("checkout.step", {{"n", std::to_string(n)}, {"total", m.topup() ? "3" : "4"}}), "status");
  Heading(tr(title_key), env.heading);
}

// The problem of the last request, in words; nothing when there is none.
void draw_problem(const co::Model& m) {
  std::string text;
  switch (m.problem) {
    case co::Problem::None: return;
    case co::Problem::Offline: text = tr("checkout.problem.offline"); break;
    case co::Problem::Network: text = tr("checkout.problem.network"); break;
    case co::Problem::Server: text = tr_fmt("checkout.problem.server", {{"status", std::to_string(m.http_status)}}); break;
    case co::Problem::BadResponse: text = tr("checkout.problem.bad_response"); break;
    case co::Problem::RateLimited:
      text = tr_fmt("checkout.problem.rate_limited", {{"seconds", std::to_string(std::max(m.retry_after_s, 1))}});
      break;
    case co::Problem::Rejected: text = tr_fmt("checkout.problem.rejected", {{"reason", m.detail}}); break;
    case co::Problem::UnknownPlan: text = tr("checkout.problem.unknown_plan"); break;
    case co::Problem::KeyReused: text = tr("checkout.problem.key_reused"); break;
    case co::Problem::NotFound: text = tr("checkout.problem.not_found"); break;
    case co::Problem::IncompleteLink: text = tr("checkout.problem.incomplete_link"); break;
  }
  TextColored(ErrorInk(), text, "alert");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] review
// ---------------------------------------------------------------------------------------------------------
void draw_plan_facts(const Plan& p, const std::string& title, const Catalogue& cat, Currency currency,
                     const CheckoutEnv& env) {
  label_value(tr("checkout.plan.name"), title);
  std::string coverage;
  for (const CountryCode& c : p.coverage) {
    const Destination* d = cat.find_destination(c);
    if (coverage.size() > 160) {
      coverage += ", …";
      break;
    }
    coverage += (coverage.empty() ? "" : ", ") + (d ? d->name : to_string(c));
  }
  label_value(tr("checkout.plan.coverage"), coverage);
  label_value(tr("checkout.plan.data"), data_text(p.data_mb, p.unlimited));
  if (p.unlimited && !p.fair_use.empty()) label_value(tr("checkout.plan.fair_use"), p.fair_use);
  label_value(tr("checkout.plan.validity"), tr_fmt("checkout.plan.days", {{"n", std::to_string(p.validity_days)}}));
  label_value(tr("checkout.plan.starts"), validity_start_text(p.validity_start));
  if (auto price = p.prices.get(currency)) label_value(tr("checkout.plan.total"), env.format_money(*price), "price");
}

void draw_review(const Model& app, const CheckoutEnv& env, std::vector<Action>& out) {
  const co::Model& m = app.checkout;
  step_header(m, env, 1, "checkout.review.title");
  if (m.cancelled_note) TextColored(Muted(), tr("checkout.review.cancelled"), "status");
  const Catalogue* cat = app.catalogue.catalogue.get();
  const Plan* plan = cat ? cat->find_plan(m.plan_id) : nullptr;
  if (!plan) {
    Text(tr(cat ? "checkout.review.plan_gone" : "checkout.review.loading"), "status");
  } else {
    draw_plan_facts(*plan, plan_title(app, *plan), *cat, m.currency, env);
    TextColored(Muted(), tr("checkout.review.included"));
  }
  ImGui::Spacing();
  if (!draw_topup_back(app, out) && Button(tr("checkout.back_to_store"))) emit(out, co::action::Close{});
  ImGui::SameLine();
  if (Button(tr("checkout.continue"), plan != nullptr)) emit(out, co::action::Next{});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] details (text fields backed by real <input> elements)
// ---------------------------------------------------------------------------------------------------------
// Draws the field's frame and label and lists it for the platform, which keeps a real <input> over the frame.
void text_field(co::Field field, TextKind kind, const char* name, const char* label, const std::string& value,
                const std::string& error, std::vector<TextField>& fields) {
  LabelledField({static_cast<int>(field), kind, name, label, value, 0, 0, 0, 0, !error.empty(), {}}, kMaxWidth, fields);
  if (!error.empty()) TextColored(ErrorInk(), error, "alert");
}

std::string email_error(const co::FieldErrors& e) {
  if (e.email == ContactProblem::Empty) return tr("checkout.details.email_empty");
  if (e.email != ContactProblem::None) return tr("checkout.details.email_invalid");
  return "";
}

std::string name_error(const co::FieldErrors& e) {
  if (e.name == ContactProblem::Empty) return tr("checkout.details.name_empty");
  if (e.name != ContactProblem::None) return tr("checkout.details.name_invalid");
  return "";
}

void draw_details(const co::Model& m, const CheckoutEnv& env, std::vector<Action>& out,
                  std::vector<TextField>& fields) {
  step_header(m, env, 2, "checkout.details.title");
  TextColored(Muted(), tr("checkout.details.why"));
  const co::FieldErrors none;
  const co::FieldErrors& e = m.show_errors ? m.errors : none;
  const co::Details& d = m.details;
  text_field(co::Field::Email, TextKind::Email, "email", tr("checkout.details.email"), d.email,
             email_error(e), fields);
  text_field(co::Field::EmailConfirm, TextKind::Email, "email-confirm", tr("checkout.details.email_confirm"),
             d.email_confirm, e.email_mismatch ? tr("checkout.details.email_mismatch") : "", fields);
  text_field(co::Field::Name, TextKind::Name, "name", tr("checkout.details.name"), d.name, name_error(e),
             fields);
  text_field(co::Field::Phone, TextKind::Tel, "phone", tr("checkout.details.phone"), d.phone,
             e.phone != ContactProblem::None ? tr("checkout.details.phone_invalid") : "", fields);
  TextColored(Muted(), tr("checkout.details.phone_hint"));
  draw_problem(m);
  ImGui::Spacing();
  if (Button(tr("checkout.back"))) emit(out, co::action::Back{});
  ImGui::SameLine();
  if (Button(tr("checkout.continue"))) emit(out, co::action::Next{});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] confirmations and the policy text
// ---------------------------------------------------------------------------------------------------------
void checkbox(co::Box box, const char* label, bool value, std::vector<Action>& out) {
  bool v = value;
  // A long label wraps on a phone (the id stays the same whatever the wrap: "###box-N").
  const float text_w = ImGui::GetContentRegionAvail().x - ImGui::GetFrameHeight() - ImGui::GetStyle().ItemInnerSpacing.x;
  const std::string id = wrap_label(label, text_w) + "###box-" + std::to_string(static_cast<int>(box));
  if (Checkbox(id.c_str(), &v)) emit(out, co::action::Toggled{box, v});
}

void draw_confirmations(const co::Model& m, const CheckoutEnv& env, CheckoutScratch& s, std::vector<Action>& out) {
  step_header(m, env, 3, "checkout.confirm.title");
  const co::Details& d = m.details;
  checkbox(co::Box::Adult, tr("checkout.confirm.adult"), d.adult, out);
  if (m.show_errors && m.errors.adult_missing) TextColored(ErrorInk(), tr("checkout.confirm.adult_required"), "alert");
  checkbox(co::Box::Terms, tr_policy("checkout.confirm.terms").c_str(), d.terms, out);
  if (Button(tr_policy("checkout.confirm.read_policy").c_str())) s.policy_open = true;
  privacy_policy_link("##checkout-policy-page", out);  // issue 16: /privacy, its page (every version kept there)
  same_line_if_fits(tr("privacy.terms"));
  terms_of_sale_link("##checkout-terms-page", out);  // issue 15: /terms, the terms this checkout accepts
  TextColored(Muted(), tr_policy("checkout.confirm.terms_note").c_str());
  // Issue 15: the refund rule before buying, in the words of the terms' section 6 (core/refund.hpp's window).
  TextColored(Muted(), tr_fmt("checkout.confirm.refund_rule", {{"days", std::to_string(refund::kWindowDays)}}));
  if (m.show_errors && m.errors.terms_missing) TextColored(ErrorInk(), tr("checkout.confirm.terms_required"), "alert");
  ImGui::Spacing();
  ImGui::Separator();
  if (!m.topup()) checkbox(co::Box::Marketing, tr("checkout.confirm.marketing"), d.marketing, out);  // the eSIM's order has it
  if (!m.topup()) TextColored(Muted(), tr("checkout.confirm.marketing_note"));
  draw_problem(m);
  ImGui::Spacing();
  if (Button(tr("checkout.back"))) emit(out, co::action::Back{});
  ImGui::SameLine();
  if (Button(tr("checkout.continue"))) emit(out, co::action::Next{});
}

void draw_policy(const CheckoutEnv& env, CheckoutScratch& s) {
  Heading(tr_policy("checkout.policy.title").c_str(), env.heading);
  if (Button(tr("checkout.policy.close"))) s.policy_open = false;
  TextColored(Muted(), tr("checkout.policy.language_note"));
  TextWrapped(env.policy_text.empty() ? std::string(tr("checkout.policy.missing")) : env.policy_text);
  if (Button((tr("checkout.policy.close") + std::string("##bottom")).c_str())) s.policy_open = false;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] payment
// ---------------------------------------------------------------------------------------------------------
const char* busy_text(co::Busy b) {
  switch (b) {
    case co::Busy::CreatingOrder: return tr("checkout.pay.creating");
    case co::Busy::StartingPayment: return tr("checkout.pay.starting");
    case co::Busy::Redirecting: return tr("checkout.pay.redirecting");
    case co::Busy::LoadingOrder: return tr("checkout.order.loading");
    case co::Busy::Resending: break;
    case co::Busy::Privacy: break;
    case co::Busy::Idle: break;
  }
  return "";
}

void draw_sandbox_note() {
  TextColored(kSandbox, tr("checkout.pay.sandbox"), "status");
  TextColored(Muted(), tr("checkout.pay.card_elsewhere"));
}

void draw_payment(const Model& app, const CheckoutEnv& env, std::vector<Action>& out) {
  const co::Model& m = app.checkout;
  step_header(m, env, 4, "checkout.pay.title");
  const Catalogue* cat = app.catalogue.catalogue.get();
  const Plan* plan = cat ? cat->find_plan(m.plan_id) : nullptr;
  std::string price_text;
  if (plan) {
    label_value(tr("checkout.plan.name"), plan_title(app, *plan));
    if (auto price = plan->prices.get(m.currency)) price_text = env.format_money(*price);
    label_value(tr("checkout.plan.total"), price_text);
  }
  if (!m.topup()) label_value(tr("checkout.details.email"), normalize_email(m.details.email));  // a top-up has none
  draw_sandbox_note();
  const bool offline = is_offline(app);  // the store's own view, current even before the checkout hears of it
  if (offline) TextColored(ErrorInk(), tr("checkout.problem.offline"), "alert");
  else draw_problem(m);
  if (m.busy != co::Busy::Idle) Text(busy_text(m.busy), "status");
  ImGui::Spacing();
  const bool idle = m.busy == co::Busy::Idle;
  if (Button(tr("checkout.back"), idle)) emit(out, co::action::Back{});
  ImGui::SameLine();
  const std::string pay = tr_fmt("checkout.pay.button", {{"price", price_text}}) + "##pay";
  if (Button(pay.c_str(), idle && !offline && plan != nullptr)) emit(out, co::action::Pay{env.new_key()});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] order page
// ---------------------------------------------------------------------------------------------------------
std::string decline_text(const std::string& code) {
  if (code == "card_declined" || code == "insufficient_funds" || code == "expired_card" ||
      code == "authentication_failed")
    return tr(("checkout.decline." + code).c_str());
  return tr_fmt("checkout.decline.other", {{"code", code.empty() ? "unknown" : code}});
}

// Why an order ended without an eSIM: the support note, the delivery message or the last transition's reason.
std::string end_reason(const Order& o) {
  if (o.support && !o.support->reason.empty()) return o.support->reason;
  if (!o.delivery.message.empty()) return o.delivery.message;
  if (!o.history.empty()) return o.history.back().reason;
  return "";
}

std::string payment_method_text(const OrderPayment& p) {
  if (p.brand.empty() && p.last4.empty()) return p.method;
  std::string brand = p.brand;
  if (!brand.empty()) brand[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(brand[0])));
  return brand + " •••• " + p.last4;
}

void draw_receipt_facts(const co::Model& m, const Order& o, const std::string& title, const CheckoutEnv& env) {
  label_value(tr("checkout.order.id"), o.id);
  label_value(tr("checkout.plan.name"), title);
  label_value(tr("checkout.plan.total"), env.format_money(o.price));
  label_value(tr("checkout.order.paid_with"), payment_method_text(o.payment));
  label_value(tr("checkout.order.date"), date_text(o.created_at));
  label_value(tr("checkout.details.email"), o.customer.email);
  if (Button(tr("checkout.order.receipt"))) env.open_in_new_tab(co::receipt_link(m.order_id, m.token));
  TextColored(Muted(), tr("checkout.order.link_note"));
  std::string base = env.page_base;
  if (!base.empty() && base.back() == '/') base.pop_back();
  TextWrapped(base + co::order_link(m.order_id, m.token), "link");
}

// Embedded: the processor's page is in a window of its own. Open: the order is polled until it is paid; blocked:
// a real click on "Open the payment page" tries again (the browser allows a window opened from a click).
void draw_payment_window(const co::Model& m, const Order& o, const std::string& title, const CheckoutEnv& env,
                         std::vector<Action>& out) {
  Heading(tr("checkout.order.pending_title"), env.heading);
  if (m.popup == co::Popup::Blocked) TextColored(ErrorInk(), tr("checkout.popup.blocked"), "alert");
  else Text(tr("checkout.popup.complete"), "status");
  label_value(tr("checkout.plan.name"), title);
  label_value(tr("checkout.plan.total"), env.format_money(o.price));
  draw_sandbox_note();
  if (Button(tr("checkout.popup.open"), m.busy == co::Busy::Idle && !m.offline))
    emit(out, co::action::OpenPaymentAgain{});
}

void draw_pending(const co::Model& m, const Order& o, const std::string& title, const CheckoutEnv& env,
                  std::vector<Action>& out) {
  const bool idle = m.busy == co::Busy::Idle;
  if (o.payment.status != PaymentStatus::Declined && m.embedded && m.popup != co::Popup::None)
    return draw_payment_window(m, o, title, env, out);
  if (o.payment.status == PaymentStatus::Declined) {
    Heading(tr("checkout.order.declined_title"), env.heading);
    TextColored(ErrorInk(), decline_text(o.payment.decline_reason), "alert");
    draw_sandbox_note();
    if (Button(tr("checkout.order.try_again"), idle && !m.offline)) emit(out, co::action::Pay{env.new_key()});
    return;
  }
  if (co::should_poll(m)) {
    Heading(tr("checkout.order.confirming_title"), env.heading);
    Text(tr("checkout.order.confirming"), "status");
    return;
  }
  Heading(tr("checkout.order.pending_title"), env.heading);
  label_value(tr("checkout.plan.name"), title);
  label_value(tr("checkout.plan.total"), env.format_money(o.price));
  draw_sandbox_note();
  if (Button(tr("checkout.order.pay_now"), idle && !m.offline)) emit(out, co::action::Pay{env.new_key()});
}

std::string resend_text(const co::Model& m) {
  switch (m.resend) {
    case co::Resend::Sent: return tr_fmt("checkout.resend.sent", {{"email", m.order->customer.email}});
    case co::Resend::RateLimited:
      return tr_fmt("checkout.resend.rate_limited", {{"seconds", std::to_string(std::max(m.retry_after_s, 1))}});
    case co::Resend::Failed: return tr("checkout.resend.failed");
    case co::Resend::None: break;
  }
  return "";
}

// "Your data": the privacy policy's rights over this order (section 9), offered once the order is settled. A copy
// of the data, stopping marketing messages, and erasure asked twice. Correction is by support for now.
const char* data_outcome_text(co::DataOutcome d) {
  switch (d) {
    case co::DataOutcome::Downloaded: return tr("checkout.data.downloaded");
    case co::DataOutcome::MarketingStopped: return tr("checkout.data.marketing_stopped");
    case co::DataOutcome::Erased: return tr("checkout.data.erased");
    case co::DataOutcome::Refused: return tr("checkout.data.refused");
    case co::DataOutcome::Failed: return tr("checkout.data.failed");
    case co::DataOutcome::None: break;
  }
  return "";
}

void draw_your_data(const co::Model& m, const Order& o, std::vector<Action>& out) {
  if (o.state == OrderState::PendingPayment || o.state == OrderState::Paid || o.state == OrderState::Provisioning)
    return;  // its e-mail address is still needed to deliver it
  const bool idle = m.busy == co::Busy::Idle;
  const bool erased = o.customer.email.empty();
  ImGui::Spacing();
  ImGui::Separator();
  Heading(tr("checkout.data.title"), nullptr);
  TextWrapped(erased ? tr("checkout.data.erased_body") : tr("checkout.data.body"));
  if (Button(tr("checkout.data.download"), idle)) emit(out, co::action::Data{co::DataRequest::Download});
  if (!erased && o.marketing) {
    same_line_if_fits(tr("checkout.data.stop_marketing"));
    if (Button(tr("checkout.data.stop_marketing"), idle)) emit(out, co::action::Data{co::DataRequest::StopMarketing});
  }
  if (!erased && !m.confirming_erase) {
    same_line_if_fits(tr("checkout.data.erase"));
    if (Button(tr("checkout.data.erase"), idle)) emit(out, co::action::Data{co::DataRequest::AskErase});
  }
  if (m.confirming_erase) {
    TextColored(ErrorInk(), tr("checkout.data.erase_confirm_body"), "alert");
    if (Button(tr("checkout.data.erase_confirm"), idle)) emit(out, co::action::Data{co::DataRequest::ConfirmErase});
    same_line_if_fits(tr("checkout.data.erase_cancel"));
    if (Button(tr("checkout.data.erase_cancel"), idle)) emit(out, co::action::Data{co::DataRequest::CancelErase});
  }
  if (!erased) TextColored(Muted(), tr("checkout.data.correct"));
  const char* outcome = data_outcome_text(m.data);
  if (*outcome) {
    const bool bad = m.data == co::DataOutcome::Refused || m.data == co::DataOutcome::Failed;
    TextColored(bad ? ErrorInk() : OkInk(), outcome, bad ? "alert" : "status");
  }
}

// The order's plan in the store's language when the catalogue still has it, else the name it was sold under.
std::string order_plan_title(const Model& app, const Order& o) {
  const Catalogue* cat = app.catalogue.catalogue.get();
  const Plan* plan = cat ? cat->find_plan(o.plan.id) : nullptr;
  return plan ? plan_title(app, *plan) : o.plan.name;
}

void draw_order(const Model& app, const CheckoutEnv& env, CheckoutScratch& s, std::vector<Action>& out) {
  const co::Model& m = app.checkout;
  if (!m.order) {
    Heading(tr("checkout.order.title"), env.heading);
    if (m.busy == co::Busy::LoadingOrder) Text(tr("checkout.order.loading"), "status");
    draw_problem(m);
    if (m.problem != co::Problem::None && m.problem != co::Problem::NotFound &&
        m.problem != co::Problem::IncompleteLink && Button(tr("checkout.retry"), m.busy == co::Busy::Idle))
      emit(out, co::action::Reload{});
    return;
  }
  const Order& o = *m.order;
  const std::string plan_name = order_plan_title(app, o);
  switch (o.state) {
    case OrderState::PendingPayment: draw_pending(m, o, plan_name, env, out); break;
    case OrderState::Paid:
    case OrderState::Provisioning:
      Heading(tr("checkout.order.paid_title"), env.heading);
      TextColored(OkInk(), tr("checkout.order.preparing"), "status");
      draw_receipt_facts(m, o, plan_name, env);
      break;
    case OrderState::Delivered: {
      Heading(tr("checkout.order.title"), env.heading);  // the delivery section below has the eSIM's own heading
      draw_receipt_facts(m, o, plan_name, env);
      if (draw_topup_done(app, out)) break;  // issue 15: a top-up order has no eSIM of its own (ui/topup_ui.hpp)
      draw_esim_usage(app, env, out, UsagePlace::BeforeInstall);  // issue 15: usage, Refresh, Top up (topup_ui.hpp)
      ImGui::Separator();
      DeliveryEnv d;
      d.device = env.device;
      d.pixel_ratio = env.pixel_ratio;
      d.order_page_url = env.page_base + co::order_link(m.order_id, m.token).substr(1);
      d.resend_busy = m.busy == co::Busy::Resending;
      d.resend_message = resend_text(m);
      d.copied = m.copied;
      d.copy_ok = m.copy_ok;
      if (auto asked = draw_esim_delivery(o, d, s.delivery)) emit(out, std::move(*asked));
      draw_esim_usage(app, env, out, UsagePlace::AfterInstall);
      break;
    }
    case OrderState::Failed:
    case OrderState::Refunded:
    case OrderState::Cancelled:
    case OrderState::Unknown: {
      const char* title = o.state == OrderState::Refunded    ? "checkout.order.refunded_title"
                          : o.state == OrderState::Cancelled ? "checkout.order.cancelled_title"
                                                             : "checkout.order.failed_title";
      Heading(tr(title), env.heading);
      const std::string reason = end_reason(o);
      if (!reason.empty()) TextColored(ErrorInk(), tr_fmt("checkout.order.reason", {{"reason", reason}}), "alert");
      TextColored(Muted(), tr_fmt("checkout.order.support", {{"id", o.id}}));
      break;
    }
  }
  draw_refund(app, out);  // issue 15: a delivered eSIM never installed can be refunded (ui/refund_ui.hpp)
  draw_your_data(m, o, out);
  if (m.problem != co::Problem::None) draw_problem(m);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] draw_checkout
// ---------------------------------------------------------------------------------------------------------
float draw_checkout(const Model& app, const CheckoutEnv& env, CheckoutScratch& s, std::vector<Action>& out,
                    std::vector<TextField>& fields) {
  const co::Model& m = app.checkout;
  BeginPage("JupiterEsims checkout", 720.0f);

  Heading(tr("checkout.brand"), env.heading);
  ImGui::Spacing();
  if (s.policy_open) {
    draw_policy(env, s);
  } else {
    switch (m.step) {
      case co::Step::Review: draw_review(app, env, out); break;
      case co::Step::Details: draw_details(m, env, out, fields); break;
      case co::Step::Confirmations: draw_confirmations(m, env, s, out); break;
      case co::Step::Payment: draw_payment(app, env, out); break;
      case co::Step::Order: draw_order(app, env, s, out); break;
      case co::Step::None: break;
    }
    if (m.step == co::Step::Order) {
      ImGui::Spacing();
      if (Button(tr("checkout.back_to_store"), m.busy != co::Busy::Redirecting)) emit(out, co::action::Close{});
    }
  }
  ImGui::Spacing();
  ImGui::Separator();
  TextColored(Muted(), tr_policy("checkout.footer"));
  const float height = ImGui::GetCursorPosY() + 20.0f;  // 20: the bottom padding pushed above
  ImGui::End();
  return height;
}

}  // namespace jupiter::ui
