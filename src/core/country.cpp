#include "core/country.hpp"

#include <algorithm>

namespace jupiter {
namespace {
// All 249 officially assigned ISO 3166-1 alpha-2 codes, concatenated, sorted.
constexpr std::string_view kAssigned =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCY"
    "CZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISIT"
    "JEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNI"
    "NLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTK"
    "TLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSYEYTZAZMZW";
}  // namespace

bool is_assigned_country_code(std::string_view s) {
  if (s.size() != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') return false;
  // Binary search over the fixed-width pairs.
  std::size_t lo = 0, hi = kAssigned.size() / 2;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    const std::string_view code = kAssigned.substr(mid * 2, 2);
    if (code == s) return true;
    if (code < s) lo = mid + 1; else hi = mid;
  }
  return false;
}

}  // namespace jupiter
