// privacy_ui.cpp: see privacy_ui.hpp.
#include "ui/privacy_ui.hpp"

#include <utility>

#include "core/calendar.hpp"
#include "core/consent_config.hpp"
#include "ui/i18n.hpp"
#include "ui/store_ui.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {

namespace {

constexpr const char* kPopup = "##privacy";
const ImVec4 kAllowed(0.05f, 0.40f, 0.18f, 1.0f);  // 7.1:1 on white
const ImVec4 kDenied(0.55f, 0.07f, 0.07f, 1.0f);   // 8.6:1 on white

// The consent manager's config, built into this module from the same assets/consent.json.
const consent::Config& config() { return consent::embedded_config(); }

// A category's or service's word in the active language (consent.category.<id>.name, consent.service.<id>.name),
// or the config's English, their single source (English has no such keys).
std::string consent_text(const char* kind, std::string_view id, const char* field, std::string_view english) {
  const char* text = tr_translated(std::string("consent.") + kind + "." + std::string(id) + "." + field);
  return text ? std::string(text) : std::string(english);
}

void status_line(const PrivacyView& v) {
  using consent::Reason;
  const std::string date = iso_date(v.decided_ms);
  switch (v.effective.validity.reason) {
    case Reason::None:
      TextWrapped(tr_fmt("consent.store.state.valid", {{"date", date}, {"expires", iso_date(v.effective.validity.expires_ms)}}));
      break;
    case Reason::NoRecord: TextWrapped(tr("consent.store.state.none")); break;
    case Reason::Expired: TextWrapped(tr_fmt("consent.store.state.expired", {{"date", date}})); break;
    case Reason::PolicyChanged:
    case Reason::RevisionChanged: TextWrapped(tr("consent.store.state.changed")); break;
    case Reason::Corrupt: TextWrapped(tr("consent.store.state.corrupt")); break;
  }
  if (v.effective.gpc_overrode) TextWrapped(tr("consent.store.gpc_overrode"), "status");
  else if (v.effective.gpc_applied) TextWrapped(tr("consent.gpc"), "status");
}

void draw_choices(const PrivacyView& v) {
  for (const auto& c : config().categories) {
    const bool on = v.effective.granted(c.id);
    ImGui::Spacing();
    Text(consent_text("category", consent::category_name(c.id), "name", c.name), "heading");
    ImGui::SameLine();
    TextColored(on ? kAllowed : kDenied, tr(on ? "consent.store.allowed" : "consent.store.not_allowed"), "status");
    for (const auto& s : config().services) {
      if (s.category != c.id) continue;
      const bool svc_on = v.effective.granted_service(config(), s.id);
      ImGui::Indent();
      TextWrapped(consent_text("service", s.id, "name", s.name) + ": " +
                      tr(svc_on ? "consent.store.allowed" : "consent.store.not_allowed"),
                  "listitem");
      ImGui::Unindent();
    }
  }
}

}  // namespace

PrivacyView make_privacy_view(const consent::Config& cfg, const std::string& record_text, bool gpc,
                              std::int64_t now_ms) {
  PrivacyView v;
  const consent::RecordDecode decoded = consent::decode_record(cfg, record_text);
  v.effective = consent::effective(cfg, decoded, gpc, now_ms);
  if (decoded.ok()) {
    v.decided_ms = decoded.record.last_decision_ms;
    v.consent_id = decoded.record.consent_id.str();
  }
  return v;
}

std::string iso_date(std::int64_t unix_ms) {
  const std::int64_t s = unix_ms / 1000 - (unix_ms % 1000 < 0 ? 1 : 0);  // floor: a moment before 1970 is its day
  return utc_date(s);
}

void privacy_header_button(std::vector<Action>& out) {
  const std::string label = std::string(tr("consent.store.privacy")) + "##privacy-open";
  if (Button(label.c_str())) out.push_back(action::PrivacyOpened{});
}

void draw_privacy_popup(const Model& m, ImFont* heading, std::vector<Action>& out) {
  if (!m.privacy) return;
  if (!ImGui::IsPopupOpen(kPopup)) ImGui::OpenPopup(kPopup);
  const ImVec2 vp = ImGui::GetMainViewport()->WorkSize;
  ImGui::SetNextWindowSize(ImVec2(vp.x < 640 ? vp.x - 16 : 600, vp.y < 600 ? vp.y - 40 : 560), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_NoTitleBar)) return;
  const ConsentSnapshot& read = *m.privacy;
  const PrivacyView v = make_privacy_view(config(), read.record_text, read.gpc, static_cast<std::int64_t>(read.read_at_ms));
  Heading(tr("consent.store.privacy_title"), heading);
  status_line(v);
  draw_choices(v);
  ImGui::Spacing();
  if (!v.consent_id.empty()) TextWrapped(tr_fmt("consent.store.consent_id", {{"id", v.consent_id}}));
  ImGui::Spacing();
  const std::string settings = std::string(tr("consent.settings")) + "##privacy-settings";
  const std::string close = std::string(tr("consent.close")) + "##privacy-close";
  if (Button(settings.c_str())) {
    ImGui::CloseCurrentPopup();
    out.push_back(action::CookieSettingsAsked{});
  }
  if (!m.embed.on) {
    same_line_if_fits(tr("privacy.title"));  // the buttons wrap on a phone in a long language
    if (Button((std::string(tr("privacy.title")) + "##privacy-centre").c_str())) {
      ImGui::CloseCurrentPopup();  // the centre's opening closes this screen (core/app.cpp)
      out.push_back(privacy_centre::Action{privacy_centre::action::Opened{}});
    }
  }
  same_line_if_fits(close.c_str());
  if (Button(close.c_str()) || ImGui::IsKeyPressed(ImGuiKey_Escape)) {
    ImGui::CloseCurrentPopup();
    out.push_back(action::PrivacyClosed{});
  }
  ImGui::EndPopup();
}

}  // namespace jupiter::ui
