// fuzz_privacy_centre.cpp: libFuzzer target for the privacy centre's codecs (core/privacy_centre): decode_summary,
// decode_restrictions and decode_erase never throw or crash; ok exactly when there is no error; what they accept
// keeps the documented ranges and survives its encoder unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/privacy_centre.hpp"

namespace {

namespace pc = jupiter::privacy_centre;

void check(bool ok) {
  if (!ok) std::abort();
}

void summary(std::string_view text) {
  const pc::Decoded<pc::Summary> d = pc::decode_summary(text);
  check(d.ok == d.error.empty());
  if (!d.ok) return check(d.value.email.empty() && d.value.orders == 0);
  check(!d.value.email.empty() && d.value.email.size() <= 320 && d.value.orders >= 0 && d.value.orders <= 1000000);
  const pc::Decoded<pc::Summary> again = pc::decode_summary(pc::encode_summary(d.value));
  check(again.ok && again.value.email == d.value.email && again.value.orders == d.value.orders &&
        again.value.marketing_opted_in == d.value.marketing_opted_in &&
        again.value.restrictions == d.value.restrictions);
}

void erase(std::string_view text) {
  const pc::Decoded<pc::EraseResult> d = pc::decode_erase(text);
  check(d.ok == d.error.empty());
  if (!d.ok) return check(d.value.kept.empty());
  check(d.value.erased >= 0 && d.value.queued >= 0 && d.value.kept.size() <= 50);
  const pc::Decoded<pc::EraseResult> again = pc::decode_erase(pc::encode_erase(d.value));
  check(again.ok && again.value.erased == d.value.erased && again.value.queued == d.value.queued &&
        again.value.kept == d.value.kept);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  summary(text);
  erase(text);
  const pc::Decoded<pc::Restrictions> r = pc::decode_restrictions(text);
  check(r.ok == r.error.empty());
  if (r.ok) check(pc::decode_restrictions(pc::encode_restrictions(r.value)).value == r.value);
  return 0;
}
