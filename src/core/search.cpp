#include "core/search.hpp"

#include <algorithm>
#include <limits>

namespace jupiter {
namespace {

// Base letter for the Latin-1 Supplement and Latin Extended-A code points we meet in destination names.
char fold_code_point(std::uint32_t cp) {
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
    return ' ';
  }
  // Latin-1 Supplement (U+00C0..U+00FF).
  static constexpr std::string_view kLatin1 =
      "aaaaaaaceeeeiiiidnooooo ouuuuyts"   // U+00C0..U+00DF
      "aaaaaaaceeeeiiiidnooooo ouuuuyty";  // U+00E0..U+00FF
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  // Latin Extended-A (U+0100..U+017F), pairs of upper/lower case.
  static constexpr std::string_view kExtA =
      "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllllllln"
      "nnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
  if (cp >= 0x100 && cp <= 0x17F) return kExtA[cp - 0x100];
  return ' ';
}

// Decodes one UTF-8 sequence at s[i]; advances i. Returns U+FFFD-like 0xFFFFFFFF for invalid bytes.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFFFFFFu;
  }
  std::uint32_t cp = len == 1 ? b0 : (b0 & (0x7Fu >> len));
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFFFFFFu;
    }
    cp = (cp << 6) | (b & 0x3Fu);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool word_prefix(std::string_view text, std::string_view q) {
  for (std::size_t pos = text.find(' '); pos != std::string_view::npos; pos = text.find(' ', pos + 1))
    if (starts_with(text.substr(pos + 1), q)) return true;
  return false;
}

}  // namespace

std::string normalize_for_search(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::uint32_t cp = next_code_point(text, i);
    if (cp == 0xFFFFFFFFu) continue;
    if (cp == 0xDF) {  // German sharp s
      out += "ss";
      continue;
    }
    const char c = fold_code_point(cp);
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

int edit_distance(std::string_view a, std::string_view b, int max) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > max) return max + 1;
  // Three rolling rows: i-2, i-1, i.
  std::vector<int> prev2(static_cast<std::size_t>(m) + 1), prev(static_cast<std::size_t>(m) + 1),
      cur(static_cast<std::size_t>(m) + 1);
  for (int j = 0; j <= m; ++j) prev[static_cast<std::size_t>(j)] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const auto uj = static_cast<std::size_t>(j);
      const int cost = a[static_cast<std::size_t>(i - 1)] == b[uj - 1] ? 0 : 1;
      int v = std::min({prev[uj] + 1, cur[uj - 1] + 1, prev[uj - 1] + cost});
      if (i > 1 && j > 1 && a[static_cast<std::size_t>(i - 1)] == b[uj - 2] &&
          a[static_cast<std::size_t>(i - 2)] == b[uj - 1])
        v = std::min(v, prev2[uj - 2] + 1);
      cur[uj] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > max) return max + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[static_cast<std::size_t>(m)], max + 1);
}

DestinationIndex::DestinationIndex(const Catalogue& cat, const std::vector<std::string>& local_names)
    : DestinationIndex(cat) {
  if (local_names.size() != cat.destinations.size()) return;
  std::vector<Key> keys;
  keys.reserve(keys_.size() + local_names.size());
  for (std::size_t i = 0; i < keys_.size(); ++i) {  // keys stay grouped by destination, the local name first
    const std::size_t d = keys_[i].destination;
    const std::string& local = local_names[d];
    if ((i == 0 || keys_[i - 1].destination != d) && !local.empty() && local != cat.destinations[d].name)
      keys.push_back({d, normalize_for_search(local), local, false});
    keys.push_back(std::move(keys_[i]));
  }
  keys_ = std::move(keys);
}

DestinationIndex::DestinationIndex(const Catalogue& cat) {
  for (std::size_t d = 0; d < cat.destinations.size(); ++d) {
    const Destination& dest = cat.destinations[d];
    keys_.push_back({d, normalize_for_search(dest.name), dest.name, false});
    const std::string code = to_string(dest.code);
    keys_.push_back({d, normalize_for_search(code), code, true});
    for (const auto& alias : dest.aliases) keys_.push_back({d, normalize_for_search(alias), alias, false});
  }
}

std::vector<SearchHit> DestinationIndex::search(std::string_view query, std::size_t limit) const {
  const std::string q = normalize_for_search(query);
  if (q.empty() || limit == 0) return {};
  const int max_typos = q.size() >= 6 ? 2 : q.size() >= 3 ? 1 : 0;

  // Best (kind, distance) per destination; keys are grouped by destination, name first.
  struct Best {
    int rank = std::numeric_limits<int>::max();
    const Key* key = nullptr;
  };
  std::vector<SearchHit> hits;
  std::vector<int> ranks;
  Best best;
  auto flush = [&]() {
    if (best.key) {
      const int kind = best.rank / 16;
      hits.push_back({best.key->destination, static_cast<MatchKind>(kind), best.key->original});
      ranks.push_back(best.rank);
    }
    best = Best{};
  };
  std::size_t current = std::numeric_limits<std::size_t>::max();
  for (const Key& k : keys_) {
    if (k.destination != current) {
      flush();
      current = k.destination;
    }
    int rank = -1;
    if (k.text == q) rank = 0;
    else if (k.is_code) continue;
    else if (starts_with(k.text, q)) rank = 16 * 1;
    else if (word_prefix(k.text, q)) rank = 16 * 2;
    else if (q.size() >= 3 && k.text.find(q) != std::string::npos) rank = 16 * 3;
    else if (max_typos > 0) {
      // Compare against the whole key and against its prefix of the query's length (typing in progress).
      int dist = edit_distance(q, k.text, max_typos);
      if (k.text.size() > q.size())
        dist = std::min(dist, edit_distance(q, std::string_view(k.text).substr(0, q.size()), max_typos) + 1);
      if (dist <= max_typos) rank = 16 * 4 + dist;
    }
    if (rank >= 0 && rank < best.rank) best = {rank, &k};
  }
  flush();

  // Stable: equal ranks keep destination (name) order.
  std::vector<std::size_t> order(hits.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return ranks[a] < ranks[b]; });
  std::vector<SearchHit> out;
  for (std::size_t i = 0; i < order.size() && out.size() < limit; ++i) out.push_back(std::move(hits[order[i]]));
  return out;
}

}  // namespace jupiter
