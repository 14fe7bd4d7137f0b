// account_ui.cpp: the My eSIMs screens (see account_ui.hpp).
//
// [SECTION] words: plan names, states, problems
// [SECTION] sign-in and "check your e-mail"
// [SECTION] the orders list
// [SECTION] draw_account
#include "ui/account_ui.hpp"

#include <algorithm>

#include "core/plan_name.hpp"
#include "ui/i18n.hpp"
#include "ui/privacy_centre_ui.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {

namespace acc = account;
namespace aa = account::action;

namespace {


void emit(std::vector<Action>& out, acc::Action a) { out.push_back(std::move(a)); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] words: plan names, states, problems
// ---------------------------------------------------------------------------------------------------------
Plan as_plan(const OrderPlan& s, const std::string& region) {
  Plan p;
  p.id = s.id;
  p.name = s.name;
  p.scope = s.kind;
  p.region = region;
  for (const std::string& c : s.coverage)
    if (auto code = parse_country_code(c)) p.coverage.push_back(*code);
  p.unlimited = s.data_mb == 0;
  p.data_mb = s.data_mb;
  p.validity_days = s.validity_days;
  return p;
}

// The country's name in the model's language, "" when the catalogue does not know it.
std::string country_name(const Model& m, const Plan& p) {
  const Catalogue* cat = m.catalogue.catalogue.get();
  const Destination* d = cat && !p.coverage.empty() ? cat->find_destination(p.coverage[0]) : nullptr;
  if (!d) return "";
  return destination_name(m, static_cast<std::size_t>(d - cat->destinations.data()));
}

std::string state_words(OrderState s) {
  return tr(std::string("account.state.") + std::string(order_state_name(s)));
}

const char* problem_key(acc::Problem p) {
  switch (p) {
    case acc::Problem::Network: return "account.problem.network";
    case acc::Problem::Server: return "account.problem.server";
    case acc::Problem::BadResponse: return "account.problem.bad_response";
    case acc::Problem::RateLimited: return "account.problem.rate_limited";
    case acc::Problem::InvalidEmail: return "account.problem.invalid_email";
    case acc::Problem::AlreadyCancelled: return "account.problem.already_cancelled";
    case acc::Problem::NotCancellable: return "account.problem.not_cancellable";
    case acc::Problem::NotFound: return "account.problem.not_found";
    case acc::Problem::None: break;
  }
  return nullptr;
}

void draw_problem(const acc::Model& a) {
  if (const char* key = problem_key(a.problem)) TextColored(ErrorInk(), tr(key), "alert");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] sign-in and "check your e-mail"
// ---------------------------------------------------------------------------------------------------------
void email_field(const acc::Model& a, std::vector<TextField>& fields) {
  LabelledField({kAccountEmailTag, TextKind::Email, "account-email", tr("account.sign_in.email"), a.email, 0, 0, 0, 0,
                 a.problem == acc::Problem::InvalidEmail, "name@example.com"},
                420.0f, fields);
}

void draw_sign_in(const acc::Model& a, std::vector<Action>& out, std::vector<TextField>& fields) {
  TextWrapped(tr("account.sign_in.intro"));
  ImGui::Spacing();
  email_field(a, fields);
  draw_problem(a);
  ImGui::Spacing();
  if (Button(tr("account.sign_in.send"), a.pending == 0))
    emit(out, aa::SignInAsked{std::string(language_code(active_language()))});
}

void draw_sent(std::vector<Action>& out) {
  TextWrapped(tr("account.sent.title"), "status");
  TextWrapped(tr("account.sent.body"));
  ImGui::Spacing();
  if (Button(tr("account.sent.again"))) emit(out, aa::Opened{});
}

void draw_checking(const acc::Model& a, std::vector<Action>& out) {
  if (a.problem == acc::Problem::None) return Text(tr("account.checking"), "status");
  draw_problem(a);
  if (Button(tr("account.retry"), a.pending == 0)) emit(out, aa::Opened{});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the orders list
// ---------------------------------------------------------------------------------------------------------
void draw_confirm(const acc::Model& a, const std::string& title, std::vector<Action>& out) {
  TextWrapped(tr_fmt("account.cancel.question", {{"plan", title}}), "alert");
  const std::string yes = std::string(tr("account.cancel.yes")) + "##cancel-yes";
  const std::string keep = std::string(tr("account.cancel.keep")) + "##cancel-keep";
  if (Button(yes.c_str(), a.pending == 0)) emit(out, aa::CancelConfirmed{});
  ImGui::SameLine();
  if (Button(keep.c_str())) emit(out, aa::CancelDropped{});
}

void order_buttons(const acc::Model& a, const acc::AccountOrder& o, const std::string& title,
                   std::vector<Action>& out) {
  if (!o.order_link.empty()) {
    const std::string open = std::string(tr("account.order.open")) + "##open";
    if (NamedButton(open.c_str(), std::string(tr("account.order.open")) + ", " + title)) emit(out, aa::OrderOpened{o.id});
    ImGui::SameLine();
  }
  if (!acc::cancellable(o) || a.confirming == o.id) return ImGui::NewLine();
  const std::string cancel = std::string(tr("account.order.cancel")) + "##cancel";
  if (NamedButton(cancel.c_str(), std::string(tr("account.order.cancel")) + ", " + title, a.pending == 0))
    emit(out, aa::CancelAsked{o.id});
}

void draw_order(const Model& m, const Context& ctx, const acc::AccountOrder& o, std::vector<Action>& out) {
  const SoldPlanWords words = sold_plan_words(m, o);
  ImGui::PushID(o.id.c_str());
  ImGui::Separator();
  Text(words.title, "listitem");
  TextColored(Muted(), tr_fmt("account.order.destination", {{"place", words.destination}}));
  Text(tr_fmt("account.order.summary", {{"state", state_words(o.state)},
                                        {"price", ctx.format_money(o.price)},
                                        {"date", o.created_at.substr(0, 10)}}));
  order_buttons(m.account, o, words.title, out);
  if (m.account.confirming == o.id) draw_confirm(m.account, words.title, out);
  ImGui::PopID();
}

void draw_orders(const Model& m, const Context& ctx, std::vector<Action>& out) {
  const acc::Model& a = m.account;
  TextWrapped(tr_fmt("account.orders.signed_in_as", {{"email", a.signed_in_as}}));
  draw_problem(a);
  if (!a.loaded) Text(tr("account.orders.loading"), "status");
  else if (a.list.orders.empty()) TextWrapped(tr("account.orders.none"));
  for (const acc::AccountOrder& o : a.list.orders) draw_order(m, ctx, o, out);
  ImGui::Separator();
  ImGui::Spacing();
  if (Button(tr("account.sign_out"), a.pending == 0)) emit(out, aa::SignOutAsked{false});
  ImGui::SameLine();
  if (Button(tr("account.sign_out_everywhere"), a.pending == 0)) emit(out, aa::SignOutAsked{true});
  ImGui::Spacing();
  privacy_centre_button("##account-privacy-centre", out);  // issue 16: every right for this address
}

}  // namespace

SoldPlanWords sold_plan_words(const Model& m, const acc::AccountOrder& o) {
  const Plan p = as_plan(o.plan, o.region);
  std::string country = p.scope == Scope::Local ? country_name(m, p) : std::string();
  if (country.empty() && !o.plan.coverage.empty()) country = o.plan.coverage[0];  // a country the catalogue lost: its code
  const Catalogue* cat = m.catalogue.catalogue.get();
  const Region* r = cat ? cat->find_region(p.region) : nullptr;
  const std::string place = plan_place(p, m.language, country, r ? r->name : p.region);
  return {plan_name(p, m.language, place), place};
}

void account_header_button(const Model& m, std::vector<Action>& out) {
  if (m.embed.on) return;
  const std::string label = std::string(tr("account.title")) + "##account-open";
  if (Button(label.c_str())) emit(out, aa::Opened{});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] draw_account
// ---------------------------------------------------------------------------------------------------------
float draw_account(const Model& m, const Context& ctx, std::vector<Action>& out,
                   std::vector<TextField>& fields) {
  BeginPage("JupiterEsims account", 720.0f);
  Heading(tr("account.title"), ctx.heading);
  if (Button(tr("account.back"))) emit(out, aa::Closed{});
  ImGui::Spacing();
  switch (m.account.screen) {
    case acc::Screen::Checking: draw_checking(m.account, out); break;
    case acc::Screen::SignIn: draw_sign_in(m.account, out, fields); break;
    case acc::Screen::Sent: draw_sent(out); break;
    case acc::Screen::Orders: draw_orders(m, ctx, out); break;
    case acc::Screen::Closed: break;
  }
  const float height = ImGui::GetCursorPosY() + 20.0f;
  ImGui::End();
  return height;
}

}  // namespace jupiter::ui
