// privacy_centre_ui.cpp: the privacy centre's screens (see privacy_centre_ui.hpp).
//
// [SECTION] words: problems and outcomes
// [SECTION] pieces: fields, links, focus
// [SECTION] not signed in: sign-in and "check your e-mail"
// [SECTION] signed in: the summary and each right
// [SECTION] entry points and draw_privacy_centre
#include "ui/privacy_centre_ui.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <string>

#include "ui/a11y.hpp"
#include "ui/i18n.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {

namespace pc = privacy_centre;
namespace pa = privacy_centre::action;

namespace {

void emit(std::vector<Action>& out, pc::Action a) { out.push_back(std::move(a)); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] words: problems and outcomes
// ---------------------------------------------------------------------------------------------------------
const char* problem_key(pc::Problem p) {
  switch (p) {
    case pc::Problem::Network: return "privacy.problem.network";
    case pc::Problem::Server: return "privacy.problem.server";
    case pc::Problem::BadResponse: return "privacy.problem.bad_response";
    case pc::Problem::RateLimited: return "privacy.problem.rate_limited";
    case pc::Problem::InvalidEmail: return "privacy.problem.invalid_email";
    case pc::Problem::InvalidPhone: return "privacy.problem.invalid_phone";
    case pc::Problem::InvalidName: return "privacy.problem.invalid_name";
    case pc::Problem::Rejected: return "privacy.problem.rejected";
    case pc::Problem::SignedOut: return "privacy.problem.signed_out";
    case pc::Problem::Forbidden: return "privacy.problem.forbidden";
    case pc::Problem::Gone: return "privacy.problem.gone";
    case pc::Problem::NothingToSave: return "privacy.problem.nothing_to_save";
    case pc::Problem::None: break;
  }
  return nullptr;
}

void draw_problem(const pc::Model& p) {
  const char* key = problem_key(p.problem);
  if (!key) return;
  const std::string detail = p.detail.empty() ? std::string(tr("privacy.problem.server")) : p.detail;
  TextColored(ErrorInk(), p.problem == pc::Problem::Rejected ? tr_fmt(key, {{"message", detail}}) : std::string(tr(key)),
              "alert");
}

std::string outcome_words(const pc::Model& p) {
  switch (p.outcome) {
    case pc::Outcome::Downloaded: return tr_fmt("privacy.outcome.downloaded", {{"file", pc::kDataFileName}});
    case pc::Outcome::DetailsSaved:
      return tr_fmt("privacy.outcome.details_saved", {{"n", std::to_string(p.updated_orders)}});
    case pc::Outcome::EmailLinkSent: return tr("privacy.outcome.email_link_sent");
    case pc::Outcome::RestrictionsSaved:
      return tr_fmt("privacy.outcome.restrictions_saved",
                    {{"marketing", tr(p.summary.restrictions.marketing ? "privacy.off" : "privacy.on")},
                     {"analytics", tr(p.summary.restrictions.analytics ? "privacy.off" : "privacy.on")}});
    case pc::Outcome::Erased:
    case pc::Outcome::None: break;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] pieces: fields, links, focus
// ---------------------------------------------------------------------------------------------------------
// A labelled real <input> over a drawn frame (platform/text_input.hpp), like My eSIMs' e-mail field.
void field(pc::Field f, TextKind kind, const char* label, const std::string& value, bool invalid, const char* hint,
           std::vector<TextField>& fields) {
  LabelledField({kPrivacyFieldTag + static_cast<int>(f), kind, "privacy-" + std::to_string(static_cast<int>(f)), label,
                 value, 0, 0, 0, 0, invalid, hint},
                420.0f, fields);
}

// A button that opens a page: the mirror shows it as a link to `url` (its activation still comes back here).
bool link(const std::string& label_id, const char* url) {
  const bool pressed = Button(label_id.c_str());
  test_items().add_last(label_id + "##href", "link", true, -1, url);
  return pressed;
}

void section(const char* title_key) {
  ImGui::Spacing();
  ImGui::Separator();
  Text(tr(title_key), "heading");
}

// Where the keyboard's focus goes after a step: remembered between frames (transient UI state, not the model's).
struct FocusMemory {
  pc::Screen screen = pc::Screen::Closed;
  bool loaded = false;
  bool confirming = false;
};
FocusMemory g_focus;

// What changed since the last frame: another screen (or its content arrived), or the erase dialog opened or closed.
struct Steps {
  bool arrived = false;
  bool dialog = false;
};
Steps stepped(const pc::Model& p) {
  const Steps s{p.screen != g_focus.screen || p.loaded != g_focus.loaded, p.confirming_erase != g_focus.confirming};
  g_focus = {p.screen, p.loaded, p.confirming_erase};
  return s;
}

void focus_last_item() { a11y::request_focus(ImGui::GetItemID()); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] not signed in: sign-in and "check your e-mail"
// ---------------------------------------------------------------------------------------------------------
void draw_sign_in(const pc::Model& p, bool focus, std::vector<Action>& out, std::vector<TextField>& fields) {
  TextWrapped(tr("privacy.intro"));
  TextWrapped(tr("privacy.sign_in.intro"));
  ImGui::Spacing();
  field(pc::Field::SignInEmail, TextKind::Email, tr("account.sign_in.email"), p.email,
        p.problem == pc::Problem::InvalidEmail, "name@example.com", fields);
  draw_problem(p);
  ImGui::Spacing();
  if (Button((std::string(tr("account.sign_in.send")) + "##privacy-send").c_str(), p.pending == 0))
    emit(out, pa::SignInAsked{std::string(language_code(active_language()))});
  if (focus) focus_last_item();
}

void draw_sent(bool focus, std::vector<Action>& out) {
  TextWrapped(tr("account.sent.title"), "status");
  TextWrapped(tr("privacy.sent.body"));
  ImGui::Spacing();
  if (Button((std::string(tr("account.sent.again")) + "##privacy-again").c_str())) emit(out, pa::Opened{});
  if (focus) focus_last_item();
}

void draw_checking(const pc::Model& p, std::vector<Action>& out) {
  if (p.problem == pc::Problem::None) return Text(tr("privacy.checking"), "status");
  draw_problem(p);
  if (Button((std::string(tr("privacy.retry")) + "##privacy-retry").c_str(), p.pending == 0)) emit(out, pa::Opened{});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] signed in: the summary and each right
// ---------------------------------------------------------------------------------------------------------
void draw_summary(const pc::Model& p) {
  if (!p.loaded) return Text(tr("privacy.loading"), "status");
  TextWrapped(tr_fmt("privacy.summary", {{"email", p.summary.email}, {"orders", std::to_string(p.summary.orders)}}));
  TextWrapped(tr(p.summary.marketing_opted_in ? "privacy.marketing.in" : "privacy.marketing.out"));
}

void draw_download(const pc::Model& p, bool focus, std::vector<Action>& out) {
  section("privacy.download.title");
  TextWrapped(tr("privacy.download.body"));
  if (Button((std::string(tr("privacy.download.button")) + "##privacy-download").c_str(), p.pending == 0))
    emit(out, pa::DownloadAsked{});
  if (focus) focus_last_item();
}

void draw_correct(const pc::Model& p, std::vector<Action>& out, std::vector<TextField>& fields) {
  section("privacy.correct.title");
  TextWrapped(tr("privacy.correct.body"));
  field(pc::Field::Name, TextKind::Name, tr("privacy.correct.name"), p.name, p.problem == pc::Problem::InvalidName, "",
        fields);
  field(pc::Field::Phone, TextKind::Tel, tr("privacy.correct.phone"), p.phone, p.problem == pc::Problem::InvalidPhone,
        "+44 20 7946 0000", fields);
  if (Button((std::string(tr("privacy.correct.save")) + "##privacy-save").c_str(), p.pending == 0))
    emit(out, pa::SaveDetailsAsked{});
  ImGui::Spacing();
  field(pc::Field::NewEmail, TextKind::Email, tr("privacy.correct.email"), p.new_email,
        p.problem == pc::Problem::InvalidEmail, "name@example.com", fields);
  TextColored(Muted(), tr("privacy.correct.email_note"));
  if (Button((std::string(tr("privacy.correct.email_send")) + "##privacy-email").c_str(), p.pending == 0))
    emit(out, pa::ChangeEmailAsked{});
}

void draw_restrict(const pc::Model& p, std::vector<Action>& out) {
  section("privacy.restrict.title");
  TextWrapped(tr("privacy.restrict.body"));
  bool marketing = p.summary.restrictions.marketing;
  if (Checkbox((std::string(tr("privacy.restrict.marketing")) + "##privacy-no-marketing").c_str(), &marketing))
    emit(out, pa::RestrictToggled{true, marketing});
  bool analytics = p.summary.restrictions.analytics;
  if (Checkbox((std::string(tr("privacy.restrict.analytics")) + "##privacy-no-analytics").c_str(), &analytics))
    emit(out, pa::RestrictToggled{false, analytics});
  TextColored(Muted(), tr("privacy.restrict.note"));
  section("privacy.cookies.title");
  TextWrapped(tr("privacy.cookies.body"));
  if (Button((std::string(tr("privacy.cookies.button")) + "##privacy-cookies").c_str()))
    emit(out, pa::CookieSettingsAsked{});
}

void draw_erase(const pc::Model& p, bool focus, std::vector<Action>& out) {
  section("privacy.erase.title");
  TextWrapped(tr("privacy.erase.body"));
  if (!p.confirming_erase) {
    if (Button((std::string(tr("privacy.erase.button")) + "##privacy-erase").c_str(), p.pending == 0))
      emit(out, pa::EraseAsked{});
    if (focus) focus_last_item();  // back from the dialog: on the button that opened it
    return;
  }
  TextWrapped(tr_fmt("privacy.erase.question", {{"email", p.summary.email}}), "alert");
  TextWrapped(tr("privacy.erase.kept_note"));
  if (Button((std::string(tr("privacy.erase.yes")) + "##privacy-erase-yes").c_str(), p.pending == 0))
    emit(out, pa::EraseConfirmed{});
  if (Button((std::string(tr("privacy.erase.keep")) + "##privacy-erase-keep").c_str()) || a11y::escape() ||
      ImGui::IsKeyPressed(ImGuiKey_Escape))
    emit(out, pa::EraseDropped{});
  if (focus) focus_last_item();  // the safe choice first
}

void draw_centre(const pc::Model& p, Steps focus, std::vector<Action>& out, std::vector<TextField>& fields) {
  draw_summary(p);
  draw_problem(p);
  const std::string said = outcome_words(p);
  if (!said.empty()) TextColored(OkInk(), said, "status");
  if (!p.loaded) return;
  draw_download(p, focus.arrived, out);
  draw_correct(p, out, fields);
  draw_restrict(p, out);
  draw_erase(p, focus.dialog, out);
}

// A kept item in the server's words ("card brand and last 4") in the active language when known, else as sent.
std::string kept_words(const std::string& item) {
  std::string key = "privacy.kept.";
  for (char c : item) {
    if (c == ' ') key += '_';
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) key += c;
    else if (c >= 'A' && c <= 'Z') key += static_cast<char>(c - 'A' + 'a');
  }
  const char* text = tr_translated(key);
  return text ? std::string(text) : item;
}

void draw_erased(const pc::Model& p, std::vector<Action>& out) {
  TextWrapped(tr_fmt("privacy.erased.done", {{"erased", std::to_string(p.erased.erased)}}), "status");
  if (p.erased.queued > 0) TextWrapped(tr_fmt("privacy.erased.queued", {{"queued", std::to_string(p.erased.queued)}}));
  TextWrapped(tr(p.erased.kept.empty() ? "privacy.erased.nothing_kept" : "privacy.erased.kept"));
  for (const std::string& k : p.erased.kept) {
    ImGui::Bullet();
    ImGui::SameLine();
    TextWrapped(kept_words(k), "listitem");
  }
  TextWrapped(tr("privacy.erased.signed_out"));
  (void)out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] entry points and draw_privacy_centre
// ---------------------------------------------------------------------------------------------------------
void privacy_centre_button(const char* id, std::vector<Action>& out) {
  if (Button((std::string(tr("privacy.title")) + id).c_str())) emit(out, pa::Opened{});
}

namespace {
// A versioned document's page in the store's language, as a link; `terms`: the terms of sale, else the policy.
void document_link(const char* label_key, bool terms, const char* id, std::vector<Action>& out) {
  const std::string language(language_code(active_language()));
  const std::string url = terms ? pc::terms_url(language) : pc::policy_url(language);
  if (link(std::string(tr(label_key)) + id, url.c_str())) emit(out, pa::PolicyAsked{language, terms});
}
}  // namespace

void privacy_policy_link(const char* id, std::vector<Action>& out) { document_link("privacy.policy", false, id, out); }

void terms_of_sale_link(const char* id, std::vector<Action>& out) { document_link("privacy.terms", true, id, out); }

void draw_policy_notice(const Model& m, std::vector<Action>& out) {
  static bool focused = false;  // transient: the keyboard's focus went to OK when the notice appeared
  const policy_notice::Model& n = m.policy_notice;
  if (n.state != policy_notice::State::Shown) return void(focused = false);
  const auto dismiss = [&out] { out.push_back(policy_notice::Action{policy_notice::action::Dismissed{}}); };
  ImGui::Spacing();
  ImGui::Separator();
  TextWrapped(tr_fmt("privacy.notice.changed", {{"date", n.effective}}), "status");  // the live region says it
  if (!n.changes.empty()) TextWrapped(tr("privacy.notice.what"));
  for (const std::string& c : n.changes) TextWrapped("- " + c, "listitem");
  const std::string language(language_code(active_language()));
  if (link(std::string(tr("privacy.notice.read")) + "##policy-notice-read", pc::policy_url(language).c_str()))
    emit(out, pa::PolicyAsked{language});
  same_line_if_fits(tr("privacy.notice.ok"));
  if (NamedButton((std::string(tr("privacy.notice.ok")) + "##policy-notice-ok").c_str(),
                  std::string(tr("privacy.notice.ok")) + ", " + tr("privacy.notice.name")))
    dismiss();
  if (!focused) focus_last_item(), focused = true;
  const bool popup = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
  if (!popup && (ImGui::IsKeyPressed(ImGuiKey_Escape) || a11y::escape())) dismiss();
  ImGui::Separator();
}

void privacy_centre_footer(std::vector<Action>& out) {
  if (link(std::string(tr("privacy.title")) + "##footer-privacy-centre", "/?account=privacy")) emit(out, pa::Opened{});
  same_line_if_fits(tr("privacy.policy"));  // a phone in French: under it
  privacy_policy_link("##footer-privacy-policy", out);
  same_line_if_fits(tr("privacy.terms"));
  terms_of_sale_link("##footer-terms-of-sale", out);
}

float draw_privacy_centre(const Model& m, const Context& ctx, std::vector<Action>& out,
                          std::vector<TextField>& fields) {
  const pc::Model& p = m.privacy_centre;
  const Steps focus = stepped(p);
  BeginPage("JupiterEsims privacy centre", 720.0f);
  Heading(tr("privacy.title"), ctx.heading);
  if (Button((std::string(tr("privacy.back")) + "##privacy-back").c_str())) emit(out, pa::Closed{});
  if (focus.arrived && p.screen == pc::Screen::Erased) focus_last_item();
  same_line_if_fits(tr("privacy.policy"));
  privacy_policy_link("##privacy-policy", out);
  ImGui::Spacing();
  switch (p.screen) {
    case pc::Screen::Checking: draw_checking(p, out); break;
    case pc::Screen::SignIn: draw_sign_in(p, focus.arrived, out, fields); break;
    case pc::Screen::Sent: draw_sent(focus.arrived, out); break;
    case pc::Screen::Centre: draw_centre(p, focus, out, fields); break;
    case pc::Screen::Erased: draw_erased(p, out); break;
    case pc::Screen::Closed: break;
  }
  const float height = ImGui::GetCursorPosY() + 20.0f;
  ImGui::End();
  return height;
}

}  // namespace jupiter::ui
