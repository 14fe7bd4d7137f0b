// policy_notice.hpp: tells a returning visitor, once, that the privacy policy changed (issue 16).
//
//   Checked{stored}  -> nothing stored or unreadable: the current version is recorded, no notice (a first visit)
//                    -> the current version: nothing
//                    -> another version: effect::FetchPolicy (GET /api/policy), then Answer shows the notice
//   Answer{200, {"version","effective_date","changes":[..]}} -> Shown (date and list)
//   Answer otherwise (failed, junk, another version) -> Quiet, nothing recorded: the next visit asks again
//   Dismissed (OK, Enter, Escape) -> Quiet, the current version recorded as seen
//
// Where the seen version is kept: its own localStorage key (kSeenKey), strictly necessary (it only stops the notice
// from repeating). The consent record names a policy version too, but the consent manager rewrites it as soon as the
// visitor answers the banner, which it asks again under a new policy: it cannot tell what the visitor was told.
// Pure: no clock, no I/O; the platform performs the effects (src/app/main.cpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jupiter::policy_notice {

inline constexpr const char* kSeenKey = "jupiter.policy.seen";  // localStorage: the version last shown, "1.0"
inline constexpr const char* kApiUrl = "/api/policy";
inline constexpr std::size_t kMaxChanges = 20;  // items of the list shown; more are dropped

enum class State : std::uint8_t { Unchecked = 0, Quiet, Asking, Shown };

struct Model {
  State state = State::Unchecked;
  std::string effective;             // "March 1, 2026", as the server writes it (Shown)
  std::vector<std::string> changes;  // what changed, in the policy's own words (English); may be empty
};

// GET /api/policy's answer, decoded. Never throws: anything unexpected gives ok == false.
struct PolicyInfo {
  bool ok = false;
  std::string error;
  std::string version;    // valid_document_version
  std::string effective;  // 1..64 bytes
  std::vector<std::string> changes;  // at most kMaxChanges non-empty strings of at most 500 bytes
};
PolicyInfo decode_policy(std::string_view json);

// The stored seen-version: the text when it is a valid document version ("1.0"), else nullopt (garbage = unknown).
std::optional<std::string> read_seen(const std::optional<std::string>& stored);

namespace action {
struct Checked { std::optional<std::string> stored; };  // the first screen is visible: the stored seen-version
struct Answer { int status = 0; std::string body; };     // GET /api/policy finished (0: network failure)
struct Dismissed {};                                      // "OK", Enter or Escape on the notice
}  // namespace action
using Action = std::variant<action::Checked, action::Answer, action::Dismissed>;

namespace effect {
struct FetchPolicy { std::string url; };   // -> action::Answer
struct RememberSeen { std::string version; };  // localStorage kSeenKey = version
}  // namespace effect
using Effect = std::variant<effect::FetchPolicy, effect::RememberSeen>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};
// current: the policy version this build implements (kPolicyVersion); a parameter for the tests.
Update update(Model m, Action a, std::string_view current);

}  // namespace jupiter::policy_notice
