// fuzz_consent_record.cpp: libFuzzer target for the consent codecs (core/consent). The first byte picks one of:
//   even: decode_record with the built-in config (consent_config.hpp); a record it accepts re-encodes to the same
//         record, passes the receipt builder's checks, and a later decision over it succeeds;
//   odd:  decode_config on the rest; a config it accepts makes a valid record for every action, and that record
//         survives encode/decode unchanged.
// Never a crash, an exception or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/consent.hpp"
#include "core/consent_config.hpp"
#include "core/json_lite.hpp"

namespace consent = jupiter::consent;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr std::int64_t kNow = 1'790'000'000'000;  // a fixed clock (2026)

// decode(encode(r)) == r, and the encoding is one JSON object.
void check_round_trip(const consent::Config& config, const consent::Record& r) {
  const std::string text = consent::encode_record(config, r);
  check(jupiter::json_lite::check_object(text, consent::kMaxRecordBytes) == jupiter::json_lite::Status::Ok);
  const consent::RecordDecode again = consent::decode_record(config, text);
  check(again.ok() && again.record == r);
}

consent::Choices some_choices(const consent::Config& config, std::uint8_t seed) {
  consent::Choices c;
  for (consent::Category cat : consent::kCategories) c.categories.set(cat, (seed >> static_cast<int>(cat)) & 1u);
  for (std::size_t i = 0; i < config.services.size() && i < consent::kMaxServices; ++i) {
    c.overridden.set(i, (seed + i) % 3 == 0);
    c.on.set(i, (seed + i) % 2 == 0);
  }
  return c;
}

void fuzz_record(std::string_view text, std::uint8_t seed) {
  const consent::Config& config = consent::embedded_config();
  const consent::RecordDecode d = consent::decode_record(config, text);
  check(d.ok() == (d.get() != nullptr));
  (void)consent::validity(config, d, kNow);
  for (bool gpc : {false, true}) (void)consent::effective(config, d, gpc, kNow);
  if (!d.ok()) return;
  check_round_trip(config, d.record);
  const consent::Receipt receipt = consent::build_receipt(config, d.record, "sha256-AbC+/=", "1.0.0");
  check(receipt.ok());
  check(jupiter::json_lite::check_object(receipt.json, 1u << 16) == jupiter::json_lite::Status::Ok);
  const std::int64_t later = d.record.last_decision_ms < consent::kMaxTimeMs ? d.record.last_decision_ms + 1 : kNow;
  const consent::Decision next = consent::decide(config, &d.record, consent::Action::Custom, some_choices(config, seed),
                                                 later, "fuzz-consent-id", "en", (seed & 1u) != 0);
  check(next.ok() && next.record.consent_id == d.record.consent_id);
  check_round_trip(config, next.record);
}

void fuzz_config(std::string_view text, std::uint8_t seed) {
  const consent::ConfigDecode d = consent::decode_config(text);
  check(d.ok == d.error.empty());
  if (!d.ok) return;
  check(consent::same_config(d.config, d.config));
  check(d.config.find_category(consent::Category::Necessary) != nullptr);
  (void)consent::consent_mode_default_for(d.config, "US-CA");
  for (consent::Action a : {consent::Action::AcceptAll, consent::Action::RejectAll, consent::Action::Custom,
                            consent::Action::Withdraw}) {
    const consent::Decision r =
        consent::decide(d.config, nullptr, a, some_choices(d.config, seed), kNow, "fuzz-consent-id", "fr-CA", false);
    check(r.ok());
    check_round_trip(d.config, r.record);
    check(consent::validity(d.config, &r.record, kNow).valid);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) fuzz_record(text, data[0]);
  else fuzz_config(text, data[0]);
  return 0;
}
