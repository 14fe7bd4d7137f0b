// topup_ui.cpp: the eSIM page's usage and top-ups (see topup_ui.hpp).
#include "ui/topup_ui.hpp"

#include <algorithm>

#include "ui/i18n.hpp"
#include "ui/store_ui.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {
namespace {

namespace co = jupiter::checkout;
namespace ta = jupiter::topup::action;
using topup::Problem;

void emit(std::vector<Action>& out, topup::Action a) { out.emplace_back(std::move(a)); }

// The reading itself: used of total and left (or unlimited), the validity, and when the partner was asked.
void draw_reading(const topup::Usage& u, Language l) {
  const std::string used = topup::data_text(u.used_mb, l);
  if (u.unlimited()) {
    Text(tr_fmt("topup.usage.unlimited", {{"used", used}}), "status");
  } else {
    const float fraction = static_cast<float>(std::min(u.used_mb, u.total_mb)) / static_cast<float>(u.total_mb);
    Text(tr_fmt("topup.usage.used_of", {{"used", used}, {"total", topup::data_text(u.total_mb, l)}}), "status");
    ImGui::ProgressBar(fraction, ImVec2(std::min(ImGui::GetContentRegionAvail().x, 420.0f), 8.0f), "");
    Text(tr_fmt("topup.usage.left", {{"left", topup::data_text(u.left_mb.value_or(0), l)}}));
  }
  if (u.valid_until) Text(tr_fmt("topup.usage.valid_until", {{"date", topup::utc_text(*u.valid_until)}}));
  else TextWrapped(tr("topup.usage.starts_first_connection"));
  TextColored(Muted(), tr_fmt("topup.usage.read_at", {{"time", topup::utc_text(u.read_at)}}));
}

void draw_usage_problem(const topup::Model& t) {
  if (t.usage_problem == Problem::PartnerUnavailable)
    TextColored(ErrorInk(), tr_fmt("topup.usage.unavailable", {{"seconds", std::to_string(std::max(t.retry_after_s, 1))}}),
                "alert");
  else if (t.usage_problem != Problem::None)
    TextColored(ErrorInk(), tr("topup.usage.failed"), "alert");
}

// One compatible plan: what it adds, and its Buy button named after it for screen readers.
void draw_plan(const Model& app, const Plan& p, const Money& price, const CheckoutEnv& env, std::vector<Action>& out) {
  const std::string name = plan_title(app, p);
  ImGui::PushID(p.id.c_str());
  TextWrapped(name);  // the plan's title says its data and days
  const std::string& money = env.format_money(price);
  const std::string label = tr_fmt("topup.list.buy", {{"price", money}}) + "##topup-buy";
  if (NamedButton(label.c_str(), tr_fmt("topup.list.buy_name", {{"name", name}, {"price", money}}),
                  buying_allowed(app)))
    emit(out, ta::PlanChosen{p.id});
  ImGui::PopID();
}

// The compatible plans the catalogue sells in the store's currency (others cannot be bought here).
void draw_plans(const Model& app, const CheckoutEnv& env, std::vector<Action>& out) {
  const topup::Model& t = app.topup;
  const Catalogue* cat = app.catalogue.catalogue.get();
  int shown = 0;
  for (const std::string& id : t.plans) {
    const Plan* p = cat ? cat->find_plan(id) : nullptr;
    const auto price = p ? p->prices.get(app.currency) : std::nullopt;
    if (!p || !price) continue;
    draw_plan(app, *p, *price, env, out);
    ++shown;
  }
  if (shown == 0) TextWrapped(tr("topup.list.none"), "status");
}

void draw_choosing(const Model& app, const CheckoutEnv& env, std::vector<Action>& out) {
  const topup::Model& t = app.topup;
  ImGui::Spacing();
  Text(tr("topup.list.title"));
  TextColored(Muted(), tr("topup.list.note"));
  if (t.plans_pending) Text(tr("topup.list.loading"), "status");
  else if (t.plans_problem == Problem::NotActive) TextColored(ErrorInk(), tr("topup.list.not_active"), "alert");
  else if (t.plans_problem == Problem::NoTopUp) TextWrapped(tr("topup.list.no_topup"), "status");
  else if (t.plans_problem != Problem::None) TextColored(ErrorInk(), tr("topup.list.failed"), "alert");
  else if (t.plans_loaded) draw_plans(app, env, out);
  if (Button((std::string(tr("topup.list.close")) + "##topup-close").c_str())) emit(out, ta::TopUpClosed{});
}

// The eSIM is on a phone: the partner said so with the usage, or the order says when it was installed.
bool installed(const Model& app) {
  const auto& o = app.checkout.order;
  return (app.topup.usage && app.topup.usage->installed) || (o && o->esim && !o->esim->installed_at.empty());
}

}  // namespace

void draw_esim_usage(const Model& app, const CheckoutEnv& env, std::vector<Action>& out, UsagePlace place) {
  const topup::Model& t = app.topup;
  if (t.order_id.empty() || t.usage_problem == Problem::NotDelivered || t.usage_problem == Problem::NotFound) return;
  if ((place == UsagePlace::BeforeInstall) != installed(app)) return;
  ImGui::Separator();
  Heading(tr("topup.usage.title"), nullptr);
  if (t.usage) draw_reading(*t.usage, app.language);
  else if (t.usage_pending) Text(tr("topup.usage.reading"), "status");
  draw_usage_problem(t);
  if (Button((std::string(tr("topup.usage.refresh")) + "##topup-refresh").c_str(), !t.usage_pending))
    emit(out, ta::RefreshAsked{});
  if (!t.choosing) {
    same_line_if_fits(tr("topup.button"));
    if (Button((std::string(tr("topup.button")) + "##topup-open").c_str())) emit(out, ta::TopUpAsked{});
  } else {
    draw_choosing(app, env, out);
  }
}

bool draw_topup_done(const Model& app, std::vector<Action>& out) {
  const co::Model& m = app.checkout;
  if (!m.order || m.order->topup_of.empty()) return false;
  if (m.order->state == OrderState::Delivered) {
    TextColored(OkInk(), tr("topup.done.title"), "status");
    TextWrapped(tr("topup.done.body"));
  }
  if (m.topup_of == m.order->topup_of && !m.topup_token.empty()) {
    if (Button((std::string(tr("topup.done.back")) + "##topup-back").c_str(), m.busy == co::Busy::Idle))
      out.emplace_back(co::Action{co::action::BackToEsim{}});
  } else {
    TextColored(Muted(), tr("topup.done.elsewhere"));
  }
  return true;
}

bool draw_topup_back(const Model& app, std::vector<Action>& out) {
  if (!app.checkout.topup()) return false;
  TextColored(Muted(), tr("topup.review.note"));
  if (Button((std::string(tr("topup.done.back")) + "##topup-review-back").c_str()))
    out.emplace_back(co::Action{co::action::BackToEsim{}});
  return true;
}

}  // namespace jupiter::ui
