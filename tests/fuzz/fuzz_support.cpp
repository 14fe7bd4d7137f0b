// fuzz_support.cpp: libFuzzer target for the support thread's codec and message rules (core/support): decode_thread
// and decode_message never throw or crash; ok exactly when there is no error; what they accept keeps the message
// rules (1..4000 characters of UTF-8, printable device fields of at most 64 characters) and survives its encoder
// unchanged; trim is idempotent and check_body agrees with utf8_length.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/support.hpp"

namespace {

namespace sp = jupiter::support;

void check(bool ok) {
  if (!ok) std::abort();
}

void message_rules(const sp::Message& m) {
  check(sp::check_body(m.body) == sp::BodyProblem::None);
  check(m.author == sp::Author::Customer || m.author == sp::Author::Support);
  if (m.device) check(sp::valid_device(*m.device));
}

void thread(std::string_view text) {
  const sp::Decoded<std::vector<sp::Message>> d = sp::decode_thread(text);
  check(d.ok == d.error.empty());
  if (!d.ok) return check(d.value.empty());
  check(d.value.size() <= sp::kMaxThreadMessages);
  for (const sp::Message& m : d.value) message_rules(m);
  const sp::Decoded<std::vector<sp::Message>> again = sp::decode_thread(sp::encode_thread(d.value));
  check(again.ok && again.value == d.value);
}

void one(std::string_view text) {
  const sp::Decoded<sp::Message> d = sp::decode_message(text);
  check(d.ok == d.error.empty());
  if (!d.ok) return check(d.value.id.empty() && d.value.body.empty());
  message_rules(d.value);
  const sp::Decoded<sp::Message> again = sp::decode_message(sp::message_json(d.value));
  check(again.ok && again.value == d.value);
}

void rules(std::string_view text) {
  const std::string t = sp::trim(text);
  check(sp::trim(t) == t);
  const auto n = sp::utf8_length(t);
  const sp::BodyProblem p = sp::check_body(t);
  if (!n) return check(p == sp::BodyProblem::InvalidUtf8);
  check(p == (*n == 0 ? sp::BodyProblem::Empty : *n > sp::kMaxBodyChars ? sp::BodyProblem::TooLong : sp::BodyProblem::None));
  if (sp::valid_device_field(text, true)) check(sp::utf8_length(text).value_or(999) <= sp::kMaxDeviceChars);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  thread(text);
  one(text);
  rules(text);
  return 0;
}
