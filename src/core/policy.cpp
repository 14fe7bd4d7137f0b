// policy.cpp: see policy.hpp.
#include "core/policy.hpp"

#ifndef JUPITER_TERMS_VERSION
#error "JUPITER_TERMS_VERSION comes from the build (src/core/CMakeLists.txt reads assets/terms/)"
#endif

namespace jupiter {

const std::string_view kTermsVersion = JUPITER_TERMS_VERSION;  // constant-initialized (constexpr constructor)

namespace {

constexpr std::size_t kMaxVersion = 32;
constexpr std::size_t kMaxEffective = 64;
constexpr std::size_t kHeaderLines = 12;  // the header is at the top; a policy without one is refused quickly

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

bool valid_document_version(std::string_view v) {
  if (v.empty() || v.size() > kMaxVersion || v.front() == '.' || v.back() == '.') return false;
  char previous = 0;
  for (char c : v) {
    const bool digit = c >= '0' && c <= '9';
    if (!digit && (c != '.' || previous == '.')) return false;
    previous = c;
  }
  return true;
}

std::optional<PolicyHeader> read_policy_header(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  PolicyHeader h;
  for (std::size_t line_no = 0; line_no < kHeaderLines && !text.empty(); ++line_no) {
    const std::size_t end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (h.title.empty()) h.title = std::string(line);
    else if (starts_with(line, "Version:")) h.version = std::string(trim(line.substr(8)));
    else if (starts_with(line, "Effective Date:")) h.effective = std::string(trim(line.substr(15)));
  }
  if (h.title.empty() || !valid_document_version(h.version) || h.effective.empty() ||
      h.effective.size() > kMaxEffective)
    return std::nullopt;
  return h;
}

std::string document_version_of_file(std::string_view name, std::string_view document) {
  const std::string prefix = std::string(document) + "-v";
  constexpr std::string_view suffix = ".txt";
  if (name.size() <= prefix.size() + suffix.size() || !starts_with(name, prefix) ||
      name.substr(name.size() - suffix.size()) != suffix)
    return "";
  const std::string_view v = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  return valid_document_version(v) ? std::string(v) : "";
}

}  // namespace jupiter
