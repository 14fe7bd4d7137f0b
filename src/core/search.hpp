// search.hpp: destination search as you type, by name, ISO code and alias, tolerant of small typos.
//
// Ranking (best first): exact match, prefix of the name or an alias, prefix of a word in it, substring,
// then typo-tolerant matches (one edit for short queries, two from 6 letters). Ties keep the name order.
// Matching ignores case and Latin accents ("Curacao" finds "Curaçao").
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"

namespace jupiter {

enum class MatchKind : std::uint8_t { Exact = 0, Prefix, WordPrefix, Substring, Typo };

struct SearchHit {
  std::size_t destination = 0;  // index into Catalogue::destinations
  MatchKind kind = MatchKind::Exact;
  std::string matched;          // the name, code or alias that matched (to show why: "UK -> United Kingdom")
};

// Normalized search keys for every destination; build once per catalogue.
class DestinationIndex {
 public:
  DestinationIndex() = default;
  explicit DestinationIndex(const Catalogue& cat);
  // Also finds each destination by its name in the traveller's language: local_names[i] for destinations[i]
  // ("Deutschland"); empty entries (or a list of another length) add nothing.
  DestinationIndex(const Catalogue& cat, const std::vector<std::string>& local_names);

  // At most `limit` hits, best first. An empty or blank query gives no hits.
  std::vector<SearchHit> search(std::string_view query, std::size_t limit = 20) const;

  std::size_t size() const { return keys_.size(); }

 private:
  struct Key {
    std::size_t destination;
    std::string text;        // normalized
    std::string original;    // as written in the catalogue
    bool is_code;            // ISO code: only exact matches count
  };
  std::vector<Key> keys_;
};

// Lower-case ASCII, Latin-1/Latin Extended-A letters folded to their base letter, punctuation to spaces,
// runs of spaces collapsed and trimmed. Invalid UTF-8 bytes are dropped.
std::string normalize_for_search(std::string_view text);

// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), stopping early
// when it exceeds max; returns max + 1 in that case.
int edit_distance(std::string_view a, std::string_view b, int max);

}  // namespace jupiter
