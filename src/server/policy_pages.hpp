// policy_pages.hpp: GET /privacy (the privacy policy in force) and GET /privacy/v<V> (every version kept), as
// plain HTML pages generated from the policy files in assets/policy/, built into the server (policy_texts.py).
//
// [X] /privacy: the version the code implements (core/policy.hpp kPolicyVersion), with its version and effective
//     date; /privacy/v1.0 the same text at a URL that never changes; an older version says which one is in force.
// [X] English is authoritative (the page says so); no translation exists yet, so none is offered.
// [X] Unknown version, malformed path: 404 HTML page. No script; CSP default-src 'none'.
// [X] A policy file whose header is malformed or whose "Version:" differs from its file name: the server refuses
//     to start (check_policy_files), as does a build without the version it implements.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/router.hpp"

namespace jupiter::server {

struct PolicyFile {
  const char* name;  // "privacy-policy-v1.0.txt"
  const char* text;  // UTF-8, NUL-terminated
  unsigned size;     // without the NUL
};

// One version's page.
struct PolicyPage {
  std::string version;  // "1.0"
  std::string html;
};

// The pages of `files`, or an error naming the file that is wrong (bad header, version unlike its name, the
// version in force missing). `current` is the version the code implements.
struct PolicyPagesBuild {
  std::vector<PolicyPage> pages;
  std::string error;  // "" when pages are good
};
PolicyPagesBuild build_policy_pages(const std::vector<PolicyFile>& files, std::string_view current);

// The HTML page of one policy text (pure): title, version, effective date, whether it is in force, the text with
// its numbered sections as headings and "- " lines as lists, all escaped.
std::string policy_html(std::string_view text, std::string_view version, std::string_view effective,
                        std::string_view current);

// The policy files built into this server.
std::vector<PolicyFile> built_in_policy_files();

class PolicyPages {
 public:
  explicit PolicyPages(std::vector<PolicyPage> pages, std::string current);
  void add_routes(Router& router);

 private:
  const PolicyPage* find(std::string_view version) const;

  std::vector<PolicyPage> pages_;
  std::string current_;
};

}  // namespace jupiter::server
