// policy_pages.hpp: GET /privacy (the privacy policy in force) and GET /privacy/v<V> (every version kept), as
// plain HTML pages generated from the policy files in assets/policy/, built into the server (policy_texts.py);
// their translations; and GET /api/policy, what the store reads to tell a returning customer what changed.
// The terms of sale (assets/terms/terms-of-sale-v<V>.txt, issue 15) are a second document of the same kind, with
// the same checks and pages at /terms, /terms/v<V>, ?lang= and GET /api/terms: a DocumentKind names the files'
// prefix and the routes; everything below about "policy" holds for both.
//
// [X] /privacy: the version the code implements (core/policy.hpp kPolicyVersion), with its version and effective
//     date; /privacy/v1.0 the same text at a URL that never changes; an older version says which one is in force.
// [X] English is authoritative. Translations: /privacy?lang=es and /privacy/v1.0?lang=es (es, fr, de; a query,
//     so /privacy/<anything> stays a version): <html lang="es">, a notice at the top in that language and in
//     English that the page is a translation and the English text of the same version is authoritative, linked.
//     The English page lists its translations as links. Accept-Language is not used: a link names one page, and
//     a translation must never be what someone reads without having asked for it. ?lang=en or ?lang= is the
//     English page; a language with no translation of that version is a 404 page listing the ones there are.
// [X] "What changed": a policy file may carry a Changes block (syntax below); its page then shows a dated box
//     "What changed on <effective date>", and GET /api/policy lists the changes of the version in force.
// [X] Unknown version, malformed path: 404 HTML page. No script; CSP default-src 'none'.
// [X] The server refuses to start (build_policy_pages' error; policy_texts.py already refuses the build) when a
//     policy file's header is malformed, its "Version:" differs from its file name, the version in force is
//     missing, or a translation does not match its English file: another version or effective date, or another
//     outline (the sequence of numbered sections "1) ", lettered subsections "A) ", "- " items and paragraphs).
//
// Policy files (UTF-8, LF or CRLF):
//   assets/policy/privacy-policy-v<V>.txt                  English, authoritative
//   assets/policy/translations/privacy-policy-v<V>.<ll>.txt  a translation (<ll>: es, fr or de)
// Header: the title line, then "Effective Date: <date>" and "Version: <V>" (these two keys stay in English in a
// translation, with the English file's values: they are data, shown translated by the page), then optionally
//   Changes since <earlier version>:
//   - <one change per line>
//   - ...
// ending at the first line that does not start with "- " (a blank line or section 1). <earlier version> must be a
// version kept in assets/policy. Nothing else may stand before section "1) ".
//
// GET /api/policy -> 200 {"version":"1.0","effective_date":"March 1, 2026","changes_since":"1.0"|null,
//   "changes":["..."],"translations":["de","es","fr"],"url":"/privacy"}  (public, max-age=300)
// GET /api/terms  -> the same for the terms of sale, "url":"/terms".
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/router.hpp"

namespace jupiter::server {

// A versioned document served as pages: its files are <prefix>-v<V>.txt and translations/<prefix>-v<V>.<ll>.txt.
struct DocumentKind {
  const char* prefix;  // "privacy-policy"
  const char* folder;  // "assets/policy", for messages
  const char* path;    // "/privacy": the version in force; <path>/v<V> every version
  const char* api;     // "/api/policy"
  const char* title;   // "Privacy Policy": the page's title when the file has none
  const char* noun;    // "privacy policy", in the 404 page
};
inline constexpr DocumentKind kPrivacyPolicy{"privacy-policy", "assets/policy", "/privacy", "/api/policy",
                                             "Privacy Policy", "privacy policy"};
inline constexpr DocumentKind kTermsOfSale{"terms-of-sale", "assets/terms", "/terms", "/api/terms", "Terms of Sale",
                                           "terms of sale"};

struct PolicyFile {
  const char* name;  // "privacy-policy-v1.0.txt", or a translation's "privacy-policy-v1.0.es.txt"
  const char* text;  // UTF-8, NUL-terminated
  unsigned size;     // without the NUL
};

// A policy file's Changes block ("Changes since 1.0:" and its "- " lines), or none.
struct PolicyChanges {
  std::string since;                 // "1.0"; "" when the file has no Changes block
  std::vector<std::string> changes;  // one per "- " line, without the "- "; at least one when `since` is set
  std::string error;                 // "" unless the block or the lines before section 1 are malformed
};
PolicyChanges read_policy_changes(std::string_view text);

// "" when `translation` has the outline of `english` (same sections, subsections, items and paragraphs, in the
// same order, with the same numbers and letters); else what differs first, e.g. "after 3) B): the English has a
// '- ' item where this has a paragraph".
std::string translation_outline_mismatch(std::string_view english, std::string_view translation);

// One page: a version in one language.
struct PolicyPage {
  std::string version;    // "1.0"
  std::string lang;       // "en" (authoritative) or a translation's "es", "fr", "de"
  std::string effective;  // as written in the file: "March 1, 2026"
  PolicyChanges changes;  // error always ""
  std::string html;
};

// The pages of `files`, or an error naming the file that is wrong (see the checklist above). `current` is the
// version the code implements; `kind` the document the files are (their names must have its prefix).
struct PolicyPagesBuild {
  std::vector<PolicyPage> pages;
  std::string error;  // "" when pages are good
};
PolicyPagesBuild build_policy_pages(const std::vector<PolicyFile>& files, std::string_view current,
                                    const DocumentKind& kind = kPrivacyPolicy);

// The files of `kind` built into this server (English and translations).
std::vector<PolicyFile> built_in_document_files(const DocumentKind& kind);

class PolicyPages {
 public:
  PolicyPages(std::vector<PolicyPage> pages, std::string current, const DocumentKind& kind = kPrivacyPolicy);
  void add_routes(Router& router);

 private:
  const PolicyPage* find(std::string_view version, std::string_view lang) const;
  std::vector<std::string> translations(std::string_view version) const;  // its translations' codes, es fr de
  void serve(const httplib::Request& req, httplib::Response& res, std::string_view version,
             const char* cache) const;

  std::vector<PolicyPage> pages_;
  std::string current_;
  const DocumentKind& kind_;
};

}  // namespace jupiter::server
