// support_ui.cpp: the eSIM page's "Help with this eSIM" section (see support_ui.hpp).
#include "ui/support_ui.hpp"

#include <algorithm>
#include <string>

#include "ui/i18n.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {

namespace sp = support;
namespace sa = support::action;

namespace {

struct Frame {
  const Model* model = nullptr;
  std::vector<Action>* out = nullptr;
  std::vector<TextField>* fields = nullptr;
  sp::Device device;
};
Frame g_frame;  // set by SupportFrame for one frame's drawing

void emit(sp::Action a) { g_frame.out->push_back(std::move(a)); }

const char* problem_key(sp::Problem p) {
  switch (p) {
    case sp::Problem::Network: return "support.problem.network";
    case sp::Problem::Server: return "support.problem.server";
    case sp::Problem::BadResponse: return "support.problem.bad_response";
    case sp::Problem::RateLimited: return "support.problem.rate_limited";
    case sp::Problem::Empty: return "support.problem.empty";
    case sp::Problem::TooLong: return "support.problem.too_long";
    case sp::Problem::Rejected: return "support.problem.rejected";
    case sp::Problem::NotFound: return "support.problem.not_found";
    case sp::Problem::None: break;
  }
  return nullptr;
}

// The outcome or problem of the last request, in the live region (status or alert).
void draw_result(const sp::Model& s) {
  if (const char* key = problem_key(s.problem)) {
    const std::int64_t minutes = std::max<std::int64_t>(1, (s.retry_after_s + 59) / 60);
    return TextColored(ErrorInk(), tr_fmt(key, {{"minutes", std::to_string(minutes)}}), "alert");
  }
  if (s.pending > 0 && s.loaded) return TextColored(Muted(), tr("support.sending"), "status");
  if (s.outcome == sp::Outcome::Sent) TextColored(OkInk(), tr("support.outcome.sent"), "status");
  else if (s.outcome == sp::Outcome::Refreshed) TextColored(OkInk(), tr("support.outcome.refreshed"), "status");
}

// One message: who and when (UTC, to the minute), the text as typed, and the device details it carried.
void draw_message(const sp::Message& msg) {
  const bool mine = msg.author == sp::Author::Customer;
  // "2026-12-07T03:05:00.000Z" -> "2026-12-07 03:05"
  const std::string& at = msg.created_at;
  const std::string when = at.size() >= 16 ? at.substr(0, 10) + " " + at.substr(11, 5) : at;
  ImGui::Spacing();
  TextColored(Muted(), tr_fmt("support.meta", {{"who", tr(mine ? "support.from.customer" : "support.from.support")},
                                              {"when", when}}));
  TextWrapped(msg.body);
  if (msg.device) TextColored(Muted(), tr_fmt("support.device", {{"device", sp::device_label(*msg.device)}}));
}

void draw_thread(const sp::Model& s) {
  if (!s.loaded) {
    if (s.problem == sp::Problem::None) Text(tr("support.loading"), "status");
    return;
  }
  if (s.messages.empty()) return TextColored(Muted(), tr("support.empty"));
  for (const sp::Message& msg : s.messages) draw_message(msg);
}

void draw_form(const sp::Model& s) {
  ImGui::Spacing();
  const bool invalid = s.problem == sp::Problem::Empty || s.problem == sp::Problem::TooLong;
  LabelledField({kSupportFieldTag, TextKind::Multiline, "support-message", tr("support.field"), s.draft, 0, 0, 0, 0, invalid,
                 tr("support.placeholder")},
                640.0f, *g_frame.fields);
  bool attach = s.attach_device;
  if (Checkbox((std::string(tr("support.attach")) + "##support-attach").c_str(), &attach))
    emit(sa::AttachToggled{attach});
  const std::string details = sp::device_label(g_frame.device);
  // The exact details, before anything is sent: what a tick attaches, then what will be sent.
  TextWrapped(tr_fmt(s.attach_device ? "support.attach.shows" : "support.attach.preview", {{"device", details}}));
  TextColored(Muted(), tr("support.attach.note"));
  ImGui::Spacing();
  if (Button((std::string(tr("support.send")) + "##support-send").c_str(), s.pending == 0))
    emit(sa::SendAsked{g_frame.device});
  ImGui::SameLine();
  if (Button((std::string(tr("support.refresh")) + "##support-refresh").c_str(), s.pending == 0))
    emit(sa::RefreshAsked{});
  draw_result(s);
}

}  // namespace

SupportFrame::SupportFrame(const Model& m, std::vector<Action>& out, std::vector<TextField>& fields,
                           const delivery::Device& device) {
  g_frame = {&m, &out, &fields, sp::device_of(device)};
}

SupportFrame::~SupportFrame() { g_frame = {}; }

SupportSectionLast::~SupportSectionLast() {
  if (!g_frame.model) return;
  const Model& m = *g_frame.model;
  const sp::Model& s = m.support;
  if (s.order_id != order_.id || s.token != m.checkout.token)  // the first frame of this order's page
    emit(sa::Shown{order_.id, m.checkout.token});
  ImGui::Spacing();
  ImGui::Separator();
  Heading(tr("support.title"), nullptr);
  TextWrapped(tr("support.intro"));
  draw_thread(s);
  draw_form(s);
}

}  // namespace jupiter::ui
