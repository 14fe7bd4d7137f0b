// fuzz_catalogue.cpp: libFuzzer target for the catalogue codec (core/catalogue): decode_catalogue never throws or
// crashes, keeps only valid entries, and a decoded catalogue re-encodes canonically: decode(encode(c)) is ok with
// nothing skipped, and encoding it again gives the same text. decode_phone_list is fed the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/catalogue.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// What the decoder promises about every plan it keeps.
void check_plan(const jupiter::Catalogue& cat, const jupiter::Plan& p) {
  check(!p.id.empty() && p.id.size() <= 64 && !p.coverage.empty());
  check(p.validity_days >= 1 && p.validity_days <= 365);
  check(p.unlimited ? !p.fair_use.empty() : p.data_mb >= 1);
  for (std::size_t i = 0; i < p.coverage.size(); ++i) {
    check(cat.find_destination(p.coverage[i]) != nullptr);
    if (i > 0) check(p.coverage[i - 1] < p.coverage[i]);  // sorted, unique
  }
  if (p.scope == jupiter::Scope::Regional) check(cat.find_region(p.region) != nullptr);
  check(p.scope != jupiter::Scope::Unknown && p.validity_start != jupiter::ValidityStart::Unknown);
  check(cat.find_plan(p.id) != nullptr);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)jupiter::decode_phone_list(text);
  const jupiter::CatalogueDecode first = jupiter::decode_catalogue(text);
  check(first.ok == first.error.empty());
  if (!first.ok) {
    check(first.catalogue.plans.empty() && first.catalogue.destinations.empty());
    return 0;
  }
  for (const auto& d : first.catalogue.destinations) check(first.catalogue.find_destination(d.code) == &d);
  for (const auto& p : first.catalogue.plans) check_plan(first.catalogue, p);
  for (const auto& s : first.skipped) check(!s.where.empty() && !s.reason.empty());

  const std::string encoded = jupiter::encode_catalogue(first.catalogue);
  const jupiter::CatalogueDecode second = jupiter::decode_catalogue(encoded);
  check(second.ok && second.skipped.empty());
  check(second.catalogue.plans.size() == first.catalogue.plans.size());
  check(second.catalogue.destinations.size() == first.catalogue.destinations.size());
  check(second.catalogue.regions.size() == first.catalogue.regions.size());
  check(jupiter::encode_catalogue(second.catalogue) == encoded);
  return 0;
}
