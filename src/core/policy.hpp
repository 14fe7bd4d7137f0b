// policy.hpp: the privacy policy and the terms of sale in force, one source for each version
// (assets/policy/privacy-policy-v<V>.txt, assets/terms/terms-of-sale-v<V>.txt).
//
// The build reads the newest policy file's "Version:" line (src/core/CMakeLists.txt; it must equal the <V> in the
// file's name) into JUPITER_POLICY_VERSION. Orders accept exactly this version, consent receipts and the checkout
// name it, the texts show it, and the server serves the file itself at /privacy (server/policy_pages.hpp).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#ifndef JUPITER_POLICY_VERSION
#error "JUPITER_POLICY_VERSION comes from the build (src/core/CMakeLists.txt reads assets/policy/)"
#endif

namespace jupiter {

// The version this code implements, e.g. "1.0": [0-9.]+, 1..32 bytes.
inline constexpr std::string_view kPolicyVersion = JUPITER_POLICY_VERSION;

// The terms of sale this code implements (the newest assets/terms/terms-of-sale-v<V>.txt): the version an order
// must accept (its terms_version), served at /terms. Same shape as kPolicyVersion. Defined in policy.cpp, the one
// file the build gives JUPITER_TERMS_VERSION (src/core/CMakeLists.txt), so that a new terms version recompiles one
// file; a constant-initialized string_view, safe to read from any static initializer.
extern const std::string_view kTermsVersion;

// A policy file's header: its first lines name the version ("Version: 1.0") and the date it took effect
// ("Effective Date: March 1, 2026"), both before the first numbered section.
struct PolicyHeader {
  std::string title;      // the first non-empty line
  std::string version;    // as written after "Version:", trimmed; [0-9.]+, 1..32 bytes
  std::string effective;  // as written after "Effective Date:", trimmed; 1..64 bytes
};

// The header of a policy text, or nullopt when a line is missing or malformed. Never throws.
std::optional<PolicyHeader> read_policy_header(std::string_view text);

// True for "1", "1.0", "2.10" ...: digits separated by single dots, 1..32 bytes.
bool valid_document_version(std::string_view v);

// The version in a document file's name: ("terms-of-sale-v1.0.txt", "terms-of-sale") -> "1.0"; "" when the name
// has another shape.
std::string document_version_of_file(std::string_view file_name, std::string_view prefix);

// The version in a policy file's name: "privacy-policy-v1.0.txt" -> "1.0"; "" when the name has another shape.
inline std::string policy_version_of_file(std::string_view file_name) {
  return document_version_of_file(file_name, "privacy-policy");
}

}  // namespace jupiter
