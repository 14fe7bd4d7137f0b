// unit-policy.cpp: the privacy policy's version has one source, the policy file in assets/policy/ (core/policy.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/consent_config.hpp"
#include "core/order_rules.hpp"
#include "core/policy.hpp"

using namespace jupiter;

namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::filesystem::path kPolicyDir = std::filesystem::path(JUPITER_SOURCE_DIR) / "assets" / "policy";

}  // namespace

TEST_CASE("policy headers: version and effective date from the top lines, or nothing") {
  const auto h = read_policy_header("\xEF\xBB\xBFJupiterEsims - Privacy Policy\r\nEffective Date: March 1, 2026\r\n"
                                    "Version: 1.0\r\n1) Overview\r\n");
  REQUIRE(h);
  CHECK(h->title == "JupiterEsims - Privacy Policy");
  CHECK(h->version == "1.0");
  CHECK(h->effective == "March 1, 2026");
  CHECK_FALSE(read_policy_header(""));
  CHECK_FALSE(read_policy_header("Title\nEffective Date: March 1, 2026\n"));             // no version
  CHECK_FALSE(read_policy_header("Title\nVersion: 1.0\n"));                              // no date
  CHECK_FALSE(read_policy_header("Title\nEffective Date: x\nVersion: 1.0; drop\n"));     // not a version
  CHECK_FALSE(read_policy_header("Title\nEffective Date: x\nVersion: 1..0\n"));
  CHECK_FALSE(read_policy_header("Title\nEffective Date: " + std::string(65, 'x') + "\nVersion: 1.0\n"));
  std::string late = "Title\nEffective Date: x\n";
  for (int i = 0; i < 20; ++i) late += "line\n";
  CHECK_FALSE(read_policy_header(late + "Version: 1.0\n"));  // the header is at the top
}

TEST_CASE("policy versions and file names") {
  for (const char* ok : {"1", "1.0", "2.10", "10.0.1"}) CHECK(valid_document_version(ok));
  for (const char* bad : {"", ".1", "1.", "1..0", "v1", "1.0-beta", "1 .0", "123456789012345678901234567890123"})
    CHECK_FALSE(valid_document_version(bad));
  CHECK(policy_version_of_file("privacy-policy-v1.0.txt") == "1.0");
  CHECK(policy_version_of_file("privacy-policy-v2.txt") == "2");
  CHECK(policy_version_of_file("privacy-policy-v.txt").empty());
  CHECK(policy_version_of_file("privacy-policy-v1.0.md").empty());
  CHECK(policy_version_of_file("terms-v1.0.txt").empty());
  CHECK(policy_version_of_file("privacy-policy-v../x.txt").empty());
  CHECK(document_version_of_file("terms-of-sale-v1.0.txt", "terms-of-sale") == "1.0");
  CHECK(document_version_of_file("privacy-policy-v1.0.txt", "terms-of-sale").empty());
  CHECK(document_version_of_file("terms-of-sale-v1.0.es.txt", "terms-of-sale").empty());  // a translation
}

TEST_CASE("the version the code implements is the policy file's, and everything that names it agrees") {
  const std::filesystem::path file = kPolicyDir / ("privacy-policy-v" + std::string(kPolicyVersion) + ".txt");
  REQUIRE_MESSAGE(std::filesystem::exists(file), file.string());
  const auto header = read_policy_header(read_file(file));
  REQUIRE(header);
  CHECK(header->version == kPolicyVersion);
  // No newer policy file lies beside it that the build did not pick.
  for (const auto& entry : std::filesystem::directory_iterator(kPolicyDir)) {
    const std::string v = policy_version_of_file(entry.path().filename().string());
    if (!v.empty()) CHECK_MESSAGE(v == kPolicyVersion, entry.path().string());
  }
  // The consent banner implements the same version (assets/consent.json, built into the table).
  CHECK(consent::embedded_config().policy_version == kPolicyVersion);
}

TEST_CASE("the terms of sale the code implements are the newest terms file, and an order accepts exactly them") {
  const std::filesystem::path dir = std::filesystem::path(JUPITER_SOURCE_DIR) / "assets" / "terms";
  const std::filesystem::path file = dir / ("terms-of-sale-v" + std::string(kTermsVersion) + ".txt");
  REQUIRE_MESSAGE(std::filesystem::exists(file), file.string());
  const auto header = read_policy_header(read_file(file));
  REQUIRE(header);
  CHECK(header->version == kTermsVersion);
  CHECK(header->title == "JupiterEsims — Terms of Sale");
  // Older versions stay beside it (each is served at /terms/v<V>); no newer file lies there that the build did not pick.
  const auto parts = [](const std::string& v) {
    std::vector<int> out;
    for (std::size_t i = 0; i < v.size();) {
      const std::size_t dot = std::min(v.find('.', i), v.size());
      out.push_back(std::stoi(v.substr(i, dot - i)));
      i = dot + 1;
    }
    return out;
  };
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string v = document_version_of_file(entry.path().filename().string(), "terms-of-sale");
    if (!v.empty()) CHECK_MESSAGE(parts(v) <= parts(std::string(kTermsVersion)), entry.path().string());
  }
  const auto body = [](const std::string& version) {
    return R"({"plan":"jp-1gb-7d","currency":"USD","email":"ana@example.com","name":"Ana Lima","phone":"",)"
           R"("adult":true,"marketing":false,"language":"en","terms_version":")" + version + R"("})";
  };
  const OrderRequestCheck accepted = check_order_request(body(std::string(kTermsVersion)));
  CHECK_MESSAGE(accepted.ok(), accepted.code);
  CHECK(accepted.request.terms_version == kTermsVersion);  // what the order keeps
  const OrderRequestCheck refused = check_order_request(body("0.9"));
  CHECK(refused.code == "terms_required");
  CHECK(refused.message.find("Terms of Sale v" + std::string(kTermsVersion)) != std::string::npos);
}
