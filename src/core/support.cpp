// support.cpp: see support.hpp.
#include "core/support.hpp"

#include <utility>

#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/overloaded.hpp"

namespace jupiter::support {


// ---------------------------------------------------------------------------------------------------------
// [SECTION] the message rules
// ---------------------------------------------------------------------------------------------------------
namespace {

// The code point starting at s[i] and its length in bytes; length 0 when it is not valid UTF-8.
std::pair<char32_t, std::size_t> next_code_point(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return {b, 1};
  std::size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return {0, 0};
  char32_t cp = n == 2 ? b & 0x1F : n == 3 ? b & 0x0F : b & 0x07;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, n};
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 || c == 0x3000;
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto [cp, n] = next_code_point(s, i);
    if (n == 0) return std::nullopt;
    i += n;
  }
  return count;
}

std::string trim(std::string_view s) {
  std::size_t begin = 0, end = s.size();
  while (begin < end) {  // from the front, code point by code point
    const auto [cp, n] = next_code_point(s, begin);
    if (n == 0 || !is_space(cp)) break;
    begin += n;
  }
  while (end > begin) {  // from the back: ASCII, then the two-byte U+00A0 and the three-byte U+3000
    const unsigned char b = static_cast<unsigned char>(s[end - 1]);
    if (b < 0x80 && is_space(b)) --end;
    else if (end - begin >= 2 && s.substr(end - 2, 2) == "\xC2\xA0") end -= 2;
    else if (end - begin >= 3 && s.substr(end - 3, 3) == "\xE3\x80\x80") end -= 3;
    else break;
  }
  return std::string(s.substr(begin, end - begin));
}

BodyProblem check_body(std::string_view trimmed) {
  const std::optional<std::size_t> n = utf8_length(trimmed);
  if (!n) return BodyProblem::InvalidUtf8;
  if (*n == 0) return BodyProblem::Empty;
  return *n > kMaxBodyChars ? BodyProblem::TooLong : BodyProblem::None;
}

bool valid_device_field(std::string_view s, bool allow_empty) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto [cp, n] = next_code_point(s, i);
    if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
    i += n;
  }
  return count <= kMaxDeviceChars && (allow_empty || count > 0);
}

Device device_of(const delivery::Device& d) {
  using delivery::Platform;
  std::string version;
  if (d.os_major > 0) version = " " + std::to_string(d.os_major);
  if (d.os_major > 0 && d.os_minor > 0) version += "." + std::to_string(d.os_minor);
  switch (d.platform) {
    case Platform::Iphone: return {"iPhone", "iOS" + version};
    case Platform::Ipad: return {"iPad", "iPadOS" + version};
    case Platform::Android: return {"Android phone", "Android" + version};
    case Platform::OtherMobile: return {"Mobile phone", ""};
    case Platform::Desktop: break;
  }
  return {"Desktop", ""};
}

std::string device_label(const Device& d) { return d.os.empty() ? d.model : d.model + ", " + d.os; }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] codec
// ---------------------------------------------------------------------------------------------------------
std::string_view author_name(Author a) {
  switch (a) {
    case Author::Customer: return "customer";
    case Author::Support: return "support";
    case Author::Unknown: break;
  }
  return "";
}

// Keys in ascending order (json_writer.hpp).
void write_message(JsonWriter& w, const Message& m) {
  w.begin_object().field("author", author_name(m.author)).field("body", m.body).field("created_at", m.created_at);
  w.key("device");
  if (m.device) w.begin_object().field("model", m.device->model).field("os", m.device->os).end_object();
  else w.null();
  w.field("id", m.id).end_object();
}

std::string message_json(const Message& m) {
  JsonWriter w;
  write_message(w, m);
  return w.take();
}

namespace {

void read_message(JsonReader& r, Message& m) {
  m.id = r.string("id", true, 64);
  const std::string author = r.string("author", true, 16);
  m.author = author == "customer" ? Author::Customer : author == "support" ? Author::Support : Author::Unknown;
  if (r.ok() && m.author == Author::Unknown) r.fail("author: not customer or support");
  m.body = r.string("body", true, kMaxBodyChars * 4);
  if (r.ok() && check_body(m.body) != BodyProblem::None) r.fail("body: not 1..4000 characters of UTF-8");
  m.created_at = r.string("created_at", true, 40);
  if (const JsonValue d = r.object("device", false)) {
    JsonReader dr(d, "device: ");
    Device device{dr.string("model", true, kMaxDeviceChars * 4), dr.string("os", false, kMaxDeviceChars * 4)};
    if (!dr.ok()) r.fail(dr.error());
    else if (!valid_device(device)) r.fail("device: not printable text of at most 64 characters");
    else m.device = std::move(device);
  }
}

}  // namespace

Decoded<Message> decode_message(std::string_view text) {
  auto out = decode_object<Decoded<Message>>(text, kMaxAnswerBytes, [](JsonReader& r, JsonValue, auto& o) {
    read_message(r, o.value);
  });
  if (!out.ok) out.value = Message{};
  return out;
}

Decoded<std::vector<Message>> decode_thread(std::string_view text) {
  auto out = decode_object<Decoded<std::vector<Message>>>(text, kMaxAnswerBytes, [](JsonReader& r, JsonValue, auto& o) {
    const JsonValue list = r.field("messages", true);
    if (!list) return;
    if (!list.is(JsonType::Array) || json_size(list) > kMaxThreadMessages)
      return r.fail("messages: not a list of at most 1000");
    std::size_t i = 0;
    for (json_lite::Members item(list); item.next() && r.ok(); ++i) {
      if (!item.value().is(JsonType::Object)) return r.fail("messages[" + std::to_string(i) + "]: not an object");
      JsonReader mr(item.value(), "messages[" + std::to_string(i) + "]: ");
      Message m;
      read_message(mr, m);
      if (!mr.ok()) return r.fail(mr.error());
      o.value.push_back(std::move(m));
    }
  });
  if (!out.ok) out.value.clear();
  return out;
}

std::string encode_thread(const std::vector<Message>& messages) {
  JsonWriter w;
  w.begin_object().key("messages").begin_array();
  for (const Message& m : messages) write_message(w, m);
  return w.end_array().end_object().take();
}

std::string request_body(std::string_view body, const std::optional<Device>& device) {
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object().field("body", body);
  if (device) w.key("device").begin_object().field("model", device->model).field("os", device->os).end_object();
  return w.end_object().take();
}

std::string messages_url(std::string_view order_id) { return "/api/orders/" + std::string(order_id) + "/messages"; }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] update
// ---------------------------------------------------------------------------------------------------------
namespace {

void request(Update& u, Call call, std::string method, std::string body = "") {
  ++u.model.pending;
  u.model.problem = Problem::None;
  u.effects.push_back(effect::Http{call, std::move(method), messages_url(u.model.order_id), u.model.token,
                                   std::move(body), u.model.order_id});
}

void finish(Model& m, Outcome o) {
  m.outcome = o;
  ++m.outcome_seq;
}

// An error answer's code ({"error":{"code":...}}); "" when there is none.
std::string error_code(std::string_view body) {
  const JsonObjectParse p = parse_json_object(body, 64 * 1024);
  if (p.status != JsonObjectParse::Status::Ok) return "";
  JsonReader r(p.doc);
  JsonReader e(r.field("error", false));
  const JsonValue code = e.field("code", false);
  return code.is(JsonType::String) ? code.text() : "";
}

void refused(Model& m, const action::Answer& a) {
  if (a.status == 0) m.problem = Problem::Network;
  else if (a.status == 404) m.problem = Problem::NotFound;
  else if (a.status == 429) {
    m.problem = Problem::RateLimited;
    m.retry_after_s = a.retry_after_s;
  } else if (a.status == 400 || a.status == 413) {
    const std::string code = error_code(a.body);
    m.problem = code == "empty_message" ? Problem::Empty
                : code == "message_too_long" || a.status == 413 ? Problem::TooLong
                                                                : Problem::Rejected;
  } else m.problem = Problem::Server;
}

void answered(Update& u, action::Answer& a) {
  Model& m = u.model;
  if (!a.order_id.empty() && a.order_id != m.order_id) return;  // asked for the page shown before
  if (m.pending > 0) --m.pending;
  if (a.call == Call::Load && a.status == 200) {
    auto thread = decode_thread(a.body);
    if (!thread.ok) return void(m.problem = Problem::BadResponse);
    m.messages = std::move(thread.value);
    if (m.loaded) finish(m, Outcome::Refreshed);
    m.loaded = true;
    return;
  }
  if (a.call == Call::Send && a.status == 201) {
    auto message = decode_message(a.body);
    if (!message.ok) return void(m.problem = Problem::BadResponse);
    m.messages.push_back(std::move(message.value));
    m.draft.clear();
    m.attach_device = false;
    return finish(m, Outcome::Sent);
  }
  refused(m, a);
}

void send(Update& u, const action::SendAsked& a) {
  Model& m = u.model;
  if (m.pending > 0 || m.order_id.empty()) return;
  const std::string body = trim(m.draft);
  const BodyProblem p = check_body(body);
  if (p == BodyProblem::Empty) return void(m.problem = Problem::Empty);
  if (p == BodyProblem::TooLong) return void(m.problem = Problem::TooLong);
  if (p == BodyProblem::InvalidUtf8) return void(m.problem = Problem::Rejected);
  std::optional<Device> device;
  if (m.attach_device && valid_device(a.device)) device = a.device;
  request(u, Call::Send, "POST", request_body(body, device));
}

}  // namespace

Update update(Model model, Action action) {
  Update u{std::move(model), {}};
  Model& m = u.model;
  std::visit(overloaded{
                 [&](action::Shown& a) {
                   if (a.order_id == m.order_id && a.token == m.token) return;
                   m = Model{};
                   m.order_id = std::move(a.order_id);
                   m.token = std::move(a.token);
                   if (!m.order_id.empty()) request(u, Call::Load, "GET");
                 },
                 [&](action::DraftChanged& a) { m.draft = std::move(a.text); },
                 [&](action::AttachToggled& a) { m.attach_device = a.on; },
                 [&](action::SendAsked& a) { send(u, a); },
                 [&](action::RefreshAsked&) {
                   if (m.pending == 0 && !m.order_id.empty()) request(u, Call::Load, "GET");
                 },
                 [&](action::Answer& a) { answered(u, a); },
             },
             action);
  return u;
}

}  // namespace jupiter::support
