// support.hpp: an order's support thread (issue 15): the message rules the server and the store share, the
// thread's JSON codec, and the eSIM page's "Help with this eSIM" section (model, actions, effects, pure update).
//
//   update(model, action) -> {model, effects}; effect::Http's answer comes back as action::Answer{call, ...}.
//
// The server's routes (src/server/support_messages.hpp), under the order's own Bearer token:
//   GET  /api/orders/:id/messages -> {"messages":[MESSAGE...]} oldest first
//   POST /api/orders/:id/messages {"body":"...","device":{"model","os"}?} -> 201 MESSAGE
// MESSAGE: {"id","author":"customer"|"support","body","created_at","device":{"model","os"}|null}.
// The device details (policy §2B) are what the customer saw before sending, kept with that one message only.
// No clock, randomness or I/O in here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/delivery.hpp"

namespace jupiter::support {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the message rules (the server enforces them; the store checks them before sending)
// ---------------------------------------------------------------------------------------------------------
inline constexpr std::size_t kMaxBodyChars = 4000;   // characters (Unicode code points) once trimmed
inline constexpr std::size_t kMaxDeviceChars = 64;   // each device field, characters
inline constexpr std::size_t kMaxThreadMessages = 1000;  // the most a thread answer may hold (decoder bound)
inline constexpr std::size_t kMaxAnswerBytes = 4u * 1024u * 1024u;

struct Device {
  std::string model;  // "iPhone", "Desktop": 1..64 printable characters
  std::string os;     // "iOS 17.4", or "" when unknown: 0..64 printable characters
  friend bool operator==(const Device& a, const Device& b) { return a.model == b.model && a.os == b.os; }
};

enum class BodyProblem : std::uint8_t { None = 0, Empty, TooLong, InvalidUtf8 };

// The number of code points of valid UTF-8 `s` (no overlongs, surrogates or values past U+10FFFF); nullopt when
// `s` is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s);
// `s` without leading and trailing white space (ASCII space, tab, CR, LF, VT, FF; U+00A0 and U+3000 too).
std::string trim(std::string_view s);
// A trimmed body's problem: Empty (0 characters), TooLong (over kMaxBodyChars), InvalidUtf8, or None.
BodyProblem check_body(std::string_view trimmed);
// True for valid UTF-8 of at most kMaxDeviceChars characters with no control character (C0, DEL, C1); empty
// only when `allow_empty`.
bool valid_device_field(std::string_view s, bool allow_empty);
inline bool valid_device(const Device& d) { return valid_device_field(d.model, false) && valid_device_field(d.os, true); }

// What the store attaches, from the user agent the delivery section already reads (delivery::detect_device):
// {"iPhone","iOS 17.4"}, {"iPad","iPadOS"}, {"Android phone","Android 14"}, {"Mobile phone",""}, {"Desktop",""}.
Device device_of(const delivery::Device& d);
// The details as the customer reads them before sending: "iPhone, iOS 17.4", "Desktop".
std::string device_label(const Device& d);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the thread's shape and codec
// ---------------------------------------------------------------------------------------------------------
enum class Author : std::uint8_t { Unknown = 0, Customer, Support };
std::string_view author_name(Author a);  // "customer", "support" ("" for Unknown)

struct Message {
  std::string id;          // "msg_..." (1..64 bytes)
  Author author = Author::Customer;
  std::string body;        // as typed, trimmed (1..4000 characters)
  std::string created_at;  // RFC 3339 UTC
  std::optional<Device> device;
  friend bool operator==(const Message& a, const Message& b) {
    return a.id == b.id && a.author == b.author && a.body == b.body && a.created_at == b.created_at &&
           a.device == b.device;
  }
};

template <class T>
struct Decoded {
  bool ok = false;
  std::string error;  // "" when ok
  T value;            // default when !ok
};

// MESSAGE as JSON text (the server answers with exactly this).
std::string message_json(const Message& m);
// Never throw: any text gives either a value keeping the rules above, or an error.
Decoded<Message> decode_message(std::string_view json_text);              // one MESSAGE (POST's 201)
Decoded<std::vector<Message>> decode_thread(std::string_view json_text);  // {"messages":[...]}
std::string encode_thread(const std::vector<Message>& messages);          // decode_thread gives them back
// POST's body: {"body":"..."} with "device" when given.
std::string request_body(std::string_view body, const std::optional<Device>& device);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the section's model
// ---------------------------------------------------------------------------------------------------------
// What went wrong last; the UI says it in words. Cleared by the next request.
enum class Problem : std::uint8_t {
  None = 0,
  Network,      // no answer (status 0)
  Server,       // 5xx or an unexpected status
  BadResponse,  // an answer the decoder refused
  RateLimited,  // 429: retry_after_s says how long
  Empty,        // Send with nothing typed (checked here, and the server's 400 empty_message)
  TooLong,      // over kMaxBodyChars (here, and 400 message_too_long)
  Rejected,     // another 400
  NotFound,     // 404: the order's link no longer opens it
};

enum class Outcome : std::uint8_t { None = 0, Sent, Refreshed };
enum class Call : std::uint8_t { Load = 0, Send };

struct Model {
  std::string order_id;            // the order whose thread is shown ("": none yet)
  std::string token;               // its secret (Bearer); never logged
  std::vector<Message> messages;   // oldest first
  bool loaded = false;             // messages holds an answer for order_id
  std::string draft;               // the text field as typed
  bool attach_device = false;      // "Attach device details"
  int pending = 0;                 // requests on their way: Send and Refresh wait while > 0
  Problem problem = Problem::None;
  std::int64_t retry_after_s = 0;  // with RateLimited
  Outcome outcome = Outcome::None;
  int outcome_seq = 0;             // +1 per outcome, so the same outcome twice is announced twice
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] actions and effects
// ---------------------------------------------------------------------------------------------------------
namespace action {
struct Shown { std::string order_id; std::string token; };  // the section is drawn for this order: load once
struct DraftChanged { std::string text; };
struct AttachToggled { bool on = false; };
struct SendAsked { Device device; };  // the details shown under the checkbox (sent only when attach_device)
struct RefreshAsked {};
struct Answer {
  Call call = Call::Load;
  int status = 0;  // 0: failed at the network level
  std::string body;
  std::int64_t retry_after_s = 0;
  std::string order_id;  // the order asked about: an answer for another order (the page changed) is dropped
};
}  // namespace action

using Action = std::variant<action::Shown, action::DraftChanged, action::AttachToggled, action::SendAsked,
                            action::RefreshAsked, action::Answer>;

namespace effect {
struct Http {  // a same-origin request with "Authorization: Bearer <token>"; the answer is action::Answer{call}
  Call call = Call::Load;
  std::string method;  // "GET" or "POST"
  std::string url;     // "/api/orders/<id>/messages"
  std::string token;
  std::string body;    // JSON for a POST, else ""
  std::string order_id;  // given back with the answer
};
}  // namespace effect

using Effect = std::variant<effect::Http>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};

Update update(Model model, Action action);

// "/api/orders/<id>/messages"
std::string messages_url(std::string_view order_id);

}  // namespace jupiter::support
