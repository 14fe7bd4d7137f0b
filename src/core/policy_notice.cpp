// policy_notice.cpp: see policy_notice.hpp.
#include "core/policy_notice.hpp"

#include <utility>

#include "core/json_reader.hpp"
#include "core/overloaded.hpp"
#include "core/policy.hpp"

namespace jupiter::policy_notice {

PolicyInfo decode_policy(std::string_view json) {
  PolicyInfo out = decode_object<PolicyInfo>(json, 64 * 1024, [](JsonReader& r, JsonValue, PolicyInfo& p) {
    p.version = r.string("version", true, 32);
    p.effective = r.string("effective_date", true, 64);
    p.changes = r.strings("changes", false, kMaxChanges, 500);
    if (r.ok() && !valid_document_version(p.version)) r.fail("version is not a document version");
  });
  if (!out.ok) out.version.clear(), out.effective.clear(), out.changes.clear();
  return out;
}

std::optional<std::string> read_seen(const std::optional<std::string>& stored) {
  if (!stored || !valid_document_version(*stored)) return std::nullopt;
  return stored;
}

Update update(Model m, Action a, std::string_view current) {
  std::vector<Effect> fx;
  std::visit(overloaded{
                 [&](action::Checked& c) {
                   if (m.state != State::Unchecked) return;
                   const std::optional<std::string> seen = read_seen(c.stored);
                   if (seen && *seen != current) {
                     m.state = State::Asking;
                     fx.push_back(effect::FetchPolicy{kApiUrl});
                     return;
                   }
                   m.state = State::Quiet;
                   if (!seen) fx.push_back(effect::RememberSeen{std::string(current)});
                 },
                 [&](action::Answer& r) {
                   if (m.state != State::Asking) return;
                   PolicyInfo p = r.status == 200 ? decode_policy(r.body) : PolicyInfo{};
                   if (!p.ok || p.version != current) {
                     m.state = State::Quiet;  // nothing recorded: the next visit asks again
                     return;
                   }
                   m.state = State::Shown;
                   m.effective = std::move(p.effective);
                   m.changes = std::move(p.changes);
                 },
                 [&](action::Dismissed) {
                   if (m.state != State::Shown) return;
                   m = Model{State::Quiet, {}, {}};
                   fx.push_back(effect::RememberSeen{std::string(current)});
                 },
             },
             a);
  return {std::move(m), std::move(fx)};
}

}  // namespace jupiter::policy_notice
