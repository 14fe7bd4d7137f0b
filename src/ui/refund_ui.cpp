// refund_ui.cpp: see refund_ui.hpp.
#include "ui/refund_ui.hpp"

#include <string>

#include "core/money.hpp"
#include "ui/i18n.hpp"
#include "ui/store_ui.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {

namespace {

namespace rf = refund;

void emit(std::vector<Action>& out, rf::Action a) { out.emplace_back(std::move(a)); }

std::string days() { return std::to_string(rf::kWindowDays); }

const char* problem_key(rf::Problem p) {
  switch (p) {
    case rf::Problem::None: return nullptr;
    case rf::Problem::Network: return "refund.problem.network";
    case rf::Problem::NotFound: return "refund.problem.not_found";
    case rf::Problem::AlreadyInstalled: return "refund.problem.installed";
    case rf::Problem::WindowClosed: return "refund.problem.window_closed";
    case rf::Problem::AlreadyRefunded: return "refund.problem.already_refunded";
    case rf::Problem::NotRefundable: return "refund.problem.not_refundable";
    case rf::Problem::PartnerUnavailable: return "refund.problem.partner";
    case rf::Problem::Server:
    case rf::Problem::BadResponse: return "refund.problem.server";
  }
  return "refund.problem.server";
}

// The page shows a delivered order of its own (not a top-up) that this section has not asked about yet.
void ask_when_shown(const Model& m, std::vector<Action>& out) {
  const checkout::Model& c = m.checkout;
  const bool shown = c.step == checkout::Step::Order && c.order && c.order->id == c.order_id &&
                     c.order->state == OrderState::Delivered && c.order->topup_of.empty();
  if (shown && m.refund.order_id != c.order_id) emit(out, rf::action::Check{c.order_id, c.token, c.order->price});
}

void draw_offer(const rf::Model& r, std::vector<Action>& out) {
  ImGui::Spacing();
  ImGui::Separator();
  Heading(tr("refund.title"), nullptr);
  TextWrapped(tr_fmt("refund.offer", {{"date", rf::date_text(r.eligibility->deadline)}, {"days", days()}}));
  if (!r.confirming) {
    if (Button((std::string(tr("refund.button")) + "##refund-ask").c_str(), r.pending == 0)) emit(out, rf::action::Asked{});
    return;
  }
  // Said by the live region as it appears (role alert), with the price in the words the e-mail uses.
  const bool topups = r.eligibility->topups > 0;  // refunded with the eSIM (the terms say so)
  TextWrapped(tr_fmt(topups ? "refund.confirm_topups" : "refund.confirm", {{"price", format_plain(r.price)}}), "alert");
  if (Button((std::string(tr("refund.yes")) + "##refund-yes").c_str(), r.pending == 0)) emit(out, rf::action::Confirmed{});
  same_line_if_fits(tr("refund.keep"));
  if (Button((std::string(tr("refund.keep")) + "##refund-keep").c_str())) emit(out, rf::action::Dropped{});
}

}  // namespace

void draw_refund(const Model& m, std::vector<Action>& out) {
  ask_when_shown(m, out);
  const rf::Model& r = m.refund;
  if (r.order_id.empty() || r.order_id != m.checkout.order_id) return;
  const bool delivered = m.checkout.order && m.checkout.order->state == OrderState::Delivered;
  if (delivered && (rf::offer(r) || r.confirming)) draw_offer(r, out);
  if (r.pending > 0 && !r.eligibility) return;  // still asking: nothing to say yet
  if (r.pending > 0) TextColored(Muted(), tr("refund.sending"), "status");
  if (r.refunded) {
    const bool topups = r.eligibility && r.eligibility->topups > 0;
    TextColored(OkInk(), tr_fmt(topups ? "refund.done_topups" : "refund.done", {{"price", format_plain(r.price)}}),
                "status");
    // The refunded page is much shorter than the eSIM's: back to its top (its heading, then this outcome), or the
    // view would stay below the end of it. Asked in the frame the refund is known: ImGui applies a scroll in the
    // next frame, which the reloaded order's answer brings (frames are drawn only when something changed).
    // Transient widget state, like a focus move.
    static std::string shown_for;
    if (shown_for != r.order_id) {
      shown_for = r.order_id;
      ImGui::SetScrollY(0.0f);
    }
  }
  if (const char* key = problem_key(r.problem)) TextColored(ErrorInk(), tr_fmt(key, {{"days", days()}}), "alert");
}

}  // namespace jupiter::ui
