// delivery_ui.cpp: see delivery_ui.hpp.
#include "ui/delivery_ui.hpp"

#include <algorithm>
#include <cmath>

#include "ui/i18n.hpp"
#include "ui/support_ui.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {

namespace {

constexpr float kQrMinCss = 200.0f;   // issue 5: at least 200 CSS pixels wide on desktop
constexpr float kQrMaxCss = 280.0f;
constexpr float kOrderQrMaxCss = 220.0f;
const ImVec4 kProblem{0.62f, 0.10f, 0.08f, 1.0f};

// Keeps the cached matrix in step with the payload; encodes at most once per distinct payload.
void ensure_qr(const std::string& payload, std::string& cached_payload, std::optional<qr::Matrix>& cached,
               std::string& error) {
  if (payload == cached_payload && (cached || !error.empty())) return;
  cached_payload = payload;
  auto r = qr::encode(payload);
  cached = std::move(r.matrix);
  error = r.error;
}

namespace co = checkout;
using Asked = std::optional<co::Action>;  // what the user asked for this frame (at most one click per frame)

// A read-only, selectable text field with a Copy button after it. `key` names the field for copy feedback.
void copy_field(const char* label, const char* key, const std::string& value, const DeliveryEnv& env, Asked& asked) {
  ImGui::PushID(key);
  Text(label);
  const char* copy_label = tr("delivery.copy");
  const float button_w = ImGui::CalcTextSize(copy_label).x + ImGui::GetStyle().FramePadding.x * 2 + 8;
  ImGui::SetNextItemWidth(std::max(120.0f, ImGui::GetContentRegionAvail().x - button_w - 8));
  // ImGui never writes to a read-only buffer; the field is rebuilt from `value` each frame.
  std::string buffer = value;
  const std::string id = std::string("##field-") + key;
  ImGui::InputText(id.c_str(), buffer.data(), buffer.size() + 1, ImGuiInputTextFlags_ReadOnly);
  test_items().add_last(std::string(label) + "##field-" + key, "textbox", true, -1, value);
  ImGui::SameLine();
  const std::string button_id = std::string(copy_label) + "##copy-" + key;
  if (Button(button_id.c_str())) asked = co::action::Copy{key, value};
  if (env.copied == key)
    TextColored(env.copy_ok ? Muted() : kProblem, env.copy_ok ? tr("delivery.copied") : tr("delivery.copy_failed"),
                "status");
  ImGui::PopID();
}

void link_button(const char* label_id, const std::string& url, Asked& asked) {
  if (Button(label_id)) asked = co::action::OpenLink{url};
  test_items().add_last(std::string(label_id) + "##href", "link", true, -1, url);
}

void bullet(const char* key) {
  ImGui::Bullet();
  ImGui::SameLine();
  TextWrapped(tr(key));
}

void steps(const char* prefix, int count) {
  for (int i = 1; i <= count; ++i) {
    const std::string key = std::string(prefix) + std::to_string(i);
    TextWrapped(std::to_string(i) + ". " + tr(key));
  }
}

const char* validity_key(ValidityStart v) {
  switch (v) {
    case ValidityStart::Installation: return "delivery.validity.installation";
    case ValidityStart::FirstConnection: return "delivery.validity.first_connection";
    case ValidityStart::Purchase: return "delivery.validity.purchase";
    case ValidityStart::Unknown: break;
  }
  return "delivery.validity.unknown";
}

void draw_problem(const Order& order, const delivery::DeliveryView& v) {
  TextColored(kProblem, tr("delivery.problem.title"), "alert");
  TextWrapped(tr_fmt("delivery.problem.body", {{"order", order.id}}));
  // The technical reason, for support; English on purpose (it is quoted in tickets as is).
  TextColored(Muted(), v.problem, "text");
}

void draw_guides(delivery::Guide guide) {
  const bool ios_first = guide != delivery::Guide::Android;
  const bool android_first = guide != delivery::Guide::Ios;
  ImGui::SetNextItemOpen(ios_first && guide == delivery::Guide::Ios, ImGuiCond_Appearing);
  if (ImGui::CollapsingHeader(tr("delivery.guide.ios.title"))) steps("delivery.guide.ios.step", 5);
  test_items().add_last(tr("delivery.guide.ios.title"), "button");
  ImGui::SetNextItemOpen(android_first && guide == delivery::Guide::Android, ImGuiCond_Appearing);
  if (ImGui::CollapsingHeader(tr("delivery.guide.android.title"))) steps("delivery.guide.android.step", 5);
  test_items().add_last(tr("delivery.guide.android.title"), "button");
}

}  // namespace

void draw_qr(const char* label, const std::string& payload, const qr::Matrix& m, const qr::Fit& fit,
             float pixel_ratio) {
  const float r = pixel_ratio > 0 ? pixel_ratio : 1.0f;
  const ImVec2 cursor = ImGui::GetCursorScreenPos();
  // Snap the top-left corner to the device-pixel grid; every module then covers whole device pixels.
  const float x0 = std::ceil(cursor.x * r) / r;
  const float y0 = std::ceil(cursor.y * r) / r;
  const float module = static_cast<float>(fit.module_px) / r;
  const float side = static_cast<float>(fit.side_px) / r;
  ImGui::SetCursorScreenPos(ImVec2(x0, y0));  // the item's rectangle is then exactly the code, quiet zone included
  ImGui::Dummy(ImVec2(side, side));
  test_items().add_last(label, "qr", true, -1, payload);
  if (!ImGui::IsItemVisible()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x0 + side, y0 + side), IM_COL32(255, 255, 255, 255));
  const float origin_x = x0 + module * qr::kQuietZone;
  const float origin_y = y0 + module * qr::kQuietZone;
  // One rectangle per horizontal run of dark modules: fewer vertices than one per module.
  for (int y = 0; y < m.size; ++y) {
    int x = 0;
    while (x < m.size) {
      if (!m.dark(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < m.size && m.dark(x, y)) ++x;
      dl->AddRectFilled(ImVec2(origin_x + module * static_cast<float>(start), origin_y + module * static_cast<float>(y)),
                        ImVec2(origin_x + module * static_cast<float>(x), origin_y + module * static_cast<float>(y + 1)),
                        IM_COL32(0, 0, 0, 255));
    }
  }
}

namespace {

// A QR code fitted to the width left (min_css..max_css CSS pixels), snapped to device pixels.
void draw_fitted_qr(const char* label, const std::string& payload, const qr::Matrix& m, float max_css,
                    const DeliveryEnv& env) {
  const float avail = ImGui::GetContentRegionAvail().x;
  draw_qr(label, payload, m, qr::fit_modules(m.size, kQrMinCss, max_css, avail, env.pixel_ratio), env.pixel_ratio);
}

// The install paths: the iOS one-tap link (when the device has it), then the activation code's QR.
void draw_install(const Order& order, const delivery::DeliveryView& v, const DeliveryEnv& env,
                  const DeliveryScratch& s, Asked& asked) {
  if (!v.ios_link.empty()) {
    TextWrapped(tr("delivery.ios.intro"));
    link_button(tr("delivery.ios.install"), v.ios_link, asked);
    ImGui::Spacing();
  }
  TextWrapped(env.device.mobile() ? tr("delivery.qr.mobile") : tr("delivery.qr.desktop"));
  if (s.qr) {
    draw_fitted_qr(tr("delivery.qr.label"), v.activation_code, *s.qr, kQrMaxCss, env);
  } else {
    TextColored(kProblem, tr_fmt("delivery.problem.body", {{"order", order.id}}), "alert");
    TextColored(Muted(), s.qr_error, "text");
  }
}

// The notes, then the fields for typing the code by hand, each with its Copy button.
void draw_manual(const delivery::DeliveryView& v, const DeliveryEnv& env, Asked& asked) {
  ImGui::Spacing();
  Heading(tr("delivery.notes.title"), nullptr);
  bullet("delivery.notes.once");
  bullet(validity_key(v.validity_start));
  bullet("delivery.notes.keep");

  ImGui::Spacing();
  Heading(tr("delivery.manual.title"), nullptr);
  copy_field(tr("delivery.manual.smdp"), "smdp", v.smdp_address, env, asked);
  copy_field(tr("delivery.manual.code"), "code", v.activation_code, env, asked);
  if (!v.confirmation_code.empty()) {
    TextWrapped(tr("delivery.manual.confirmation_note"));
    copy_field(tr("delivery.manual.confirmation"), "confirmation", v.confirmation_code, env, asked);
  }
  copy_field(tr("delivery.manual.iccid"), "iccid", v.iccid, env, asked);
}

// Android's install-link setting, and the order page's QR for opening it on a phone.
void draw_other_devices(const delivery::DeliveryView& v, const DeliveryEnv& env, DeliveryScratch& s, Asked& asked) {
  if (env.device.platform == delivery::Platform::Android) {
    ImGui::Spacing();
    Checkbox(tr("delivery.android.setting"), &s.android_link);
    if (!v.android_link.empty()) link_button(tr("delivery.android.install"), v.android_link, asked);
  }
  if (v.order_qr_url.empty()) return;
  ensure_qr(v.order_qr_url, s.order_qr_payload, s.order_qr, s.qr_error);
  if (!s.order_qr) return;
  ImGui::Spacing();
  Heading(tr("delivery.phone.title"), nullptr);
  TextWrapped(tr("delivery.phone.body"));
  draw_fitted_qr(tr("delivery.phone.label"), v.order_qr_url, *s.order_qr, kOrderQrMaxCss, env);
}

// The e-mail again (none after the customer had their personal data erased).
void draw_resend(const Order& order, const DeliveryEnv& env, Asked& asked) {
  if (order.customer.email.empty()) return;
  ImGui::Spacing();
  TextWrapped(tr_fmt("delivery.resend.body", {{"email", order.customer.email}}));
  if (Button(tr("delivery.resend.button"), !env.resend_busy)) asked = co::action::ResendEmail{};
  if (!env.resend_message.empty()) TextWrapped(env.resend_message, "status");
}

}  // namespace

Asked draw_esim_delivery(const Order& order, const DeliveryEnv& env, DeliveryScratch& s) {
  Asked asked;
  const SupportSectionLast help(order);  // issue 15: "Help with this eSIM", drawn last on every path (support_ui.hpp)
  if (order.esim && order.esim->details_expired) {  // installed a while ago: the server no longer gives out the code
    TextWrapped(tr_fmt("delivery.installed", {{"date", order.esim->installed_at.substr(0, 10)}, {"iccid", order.esim->iccid}}));
    return asked;
  }
  delivery::ViewOptions options;
  options.android_link = s.android_link;
  options.order_page_url = env.order_page_url;
  const delivery::DeliveryView v = delivery::make_view(order, env.device, options);
  if (!v.ok) {
    draw_problem(order, v);
    return asked;
  }
  ensure_qr(v.activation_code, s.qr_payload, s.qr, s.qr_error);

  // The order page above this section already says the eSIM is ready (its heading); no second title here.
  draw_install(order, v, env, s, asked);
  draw_manual(v, env, asked);
  draw_other_devices(v, env, s, asked);
  ImGui::Spacing();
  draw_guides(v.guide);
  draw_resend(order, env, asked);
  return asked;
}

}  // namespace jupiter::ui
