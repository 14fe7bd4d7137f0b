// api-policy.cpp: /privacy and /privacy/v<V> serve the policy files of assets/policy/, their translations at
// ?lang=es|fr|de, /api/policy what changed; the version orders and receipts carry is the one in the newest file
// (issue 16 "Policy and terms as pages"). The "policy pages (pure)" cases test build_policy_pages on files given as
// data (the real ones, fixtures/policy/ v1.1 with a Changes block, and broken copies); they live here because the
// page builder is server code, which unit_tests (also built as WebAssembly) does not link.
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "commerce.hpp"
#include "server/policy_pages.hpp"

using namespace jupiter::test;

namespace {

httplib::Headers bearer(const Created& c) { return {{"Authorization", "Bearer " + c.token}}; }

int count_matches(const std::string& s, const std::regex& re) {
  return static_cast<int>(std::distance(std::sregex_iterator(s.begin(), s.end(), re), std::sregex_iterator()));
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE_MESSAGE(in, p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A translation as the repository has it, with the values of its header lines.
struct TranslationOnDisk {
  std::string lang, text, version, effective, title, notice_word;
};
std::vector<TranslationOnDisk> translations_on_disk(const PolicyOnDisk& policy) {
  std::vector<TranslationOnDisk> out;
  for (const auto& [lang, word] : {std::pair{"es", "traducción"}, {"fr", "traduction"}, {"de", "Übersetzung"}}) {
    TranslationOnDisk t{lang, read_text(fs::path(JUPITER_POLICY_DIR) / "translations" /
                                        ("privacy-policy-v" + policy.version + "." + lang + ".txt")), "", "", "", word};
    std::smatch m;
    if (std::regex_search(t.text, m, std::regex(R"(Version: *([0-9.]+))"))) t.version = m[1];
    if (std::regex_search(t.text, m, std::regex(R"(Effective Date: *([^\r\n]+))"))) t.effective = m[1];
    t.title = t.text.substr(0, t.text.find('\n'));
    out.push_back(std::move(t));
  }
  return out;
}

// Files given to build_policy_pages; keeps the texts alive.
struct Files {
  std::vector<std::pair<std::string, std::string>> named;  // name, text
  Files& add(std::string name, std::string text) {
    named.emplace_back(std::move(name), std::move(text));
    return *this;
  }
  std::vector<jupiter::server::PolicyFile> files() const {
    std::vector<jupiter::server::PolicyFile> out;
    for (const auto& [name, text] : named)
      out.push_back({name.c_str(), text.c_str(), static_cast<unsigned>(text.size())});
    return out;
  }
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

const jupiter::server::PolicyPage* page_of(const jupiter::server::PolicyPagesBuild& b, const std::string& version,
                                           const std::string& lang) {
  for (const auto& p : b.pages)
    if (p.version == version && p.lang == lang) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE("/privacy is the newest policy file, as a page with its version and effective date") {
  const PolicyOnDisk policy = policy_in_force();
  REQUIRE_FALSE(policy.version.empty());
  REQUIRE_FALSE(policy.effective.empty());
  Store store;
  auto res = store.server->client().Get("/privacy");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'none'") == 0);
  CHECK(res->body.find("Version " + policy.version) != std::string::npos);
  CHECK(res->body.find("Effective date: " + policy.effective) != std::string::npos);
  CHECK(res->body.find("English is the authoritative version") != std::string::npos);
  CHECK(res->body.find("<script") == std::string::npos);
  // Every numbered section of the file is a heading of the page, in the same number.
  const int sections = count_matches(policy.text, std::regex(R"((^|\n)[0-9]+\) )"));
  CHECK(sections >= 10);
  CHECK(count_matches(res->body, std::regex("<h2>")) == sections);
  SUBCASE("its permanent address serves the same page") {
    auto versioned = store.server->client().Get(("/privacy/v" + policy.version).c_str());
    REQUIRE(versioned);
    CHECK(versioned->status == 200);
    CHECK(versioned->body == res->body);
    CHECK(res->body.find("href=\"/privacy/v" + policy.version + "\"") != std::string::npos);
  }
}

TEST_CASE("unknown policy versions and malformed paths are a 404 page, never a file") {
  Store store;
  for (const char* path : {"/privacy/v0.1", "/privacy/1.0", "/privacy/v", "/privacy/v1.0.txt",
                           "/privacy/v..%2Fconsent.json", "/privacy/v1.0/extra", "/privacy/%00"}) {
    CAPTURE(path);
    auto res = store.server->client().Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->body.find("Version:") == std::string::npos);
  }
}

TEST_CASE("an order accepts only the terms version of the newest terms file, and keeps it; its receipt names the policy") {
  const PolicyOnDisk policy = policy_in_force(), terms = terms_in_force();
  Shop shop;
  auto refused = shop.post_order(order_body("jp-5gb-30d", "USD", {{"terms_version", "0.9"}}), new_key());
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json::parse(refused->body)["error"]["code"] == "terms_required");
  CHECK(refused->body.find("Terms of Sale v" + terms.version) != std::string::npos);  // the versions in force
  CHECK(refused->body.find("Privacy Policy v" + policy.version) != std::string::npos);
  const Created c = shop.paid_order("delivered");  // order_body sends terms_in_force().version
  auto data = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(), bearer(c));
  REQUIRE(data);
  REQUIRE(data->status == 200);
  const json d = json::parse(data->body);
  CHECK(d["order_settings"]["terms_version"] == terms.version);
  REQUIRE(d["consent_receipts"].size() >= 1);
  CHECK(d["consent_receipts"][0]["policy_version"] == policy.version);
  bool checkout_receipt = false;  // the checkout's confirmations: the policy in force, the terms the order accepted
  for (const json& r : d["consent_receipts"])
    if (r["choices"].is_object() && r["choices"].contains("terms_accepted")) {
      checkout_receipt = true;
      CHECK(r["choices"]["terms_accepted"] == terms.version);
      CHECK(r["policy_version"] == policy.version);
    }
  CHECK(checkout_receipt);
}

TEST_CASE("/privacy?lang=es|fr|de serves each translation, marked as one, linking to the authoritative English") {
  const PolicyOnDisk policy = policy_in_force();
  const int sections = count_matches(policy.text, std::regex(R"((^|\n)[0-9]+\) )"));
  Store store;
  auto english = store.server->client().Get("/privacy");
  REQUIRE(english);
  for (const TranslationOnDisk& t : translations_on_disk(policy)) {
    CAPTURE(t.lang);
    // The translation is of the version in force, with its effective date (the test reads both files).
    CHECK(t.version == policy.version);
    CHECK(t.effective == policy.effective);
    CHECK(english->body.find("href=\"/privacy/v" + policy.version + "?lang=" + t.lang + "\" hreflang=\"" + t.lang + "\"") !=
          std::string::npos);
    for (const std::string& path : {"/privacy?lang=" + t.lang, "/privacy/v" + policy.version + "?lang=" + t.lang}) {
      CAPTURE(path);
      auto res = store.server->client().Get(path.c_str());
      REQUIRE(res);
      CHECK(res->status == 200);
      CHECK(res->get_header_value("Content-Language") == t.lang);
      CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'none'") == 0);
      CHECK(res->body.find("<html lang=\"" + t.lang + "\">") != std::string::npos);
      CHECK(res->body.find("<h1>" + t.title + "</h1>") != std::string::npos);
      // The notice, in the language and in English, before the title; both link to the English text.
      const std::size_t notice = res->body.find(t.notice_word);
      CHECK(notice < res->body.find("<h1>"));
      CHECK(res->body.find("<p lang=\"en\">This page is a translation of version " + policy.version + " (effective " +
                           policy.effective + "). The English text is the authoritative version") < res->body.find("<h1>"));
      CHECK(count_matches(res->body, std::regex("href=\"/privacy/v" + std::regex_replace(policy.version, std::regex("\\."),
                                                                                         "\\.") + "\" hreflang=\"en\"")) == 2);
      CHECK(res->body.find("<time datetime=\"") != std::string::npos);  // the date, shown in the language
      CHECK(count_matches(res->body, std::regex("<h2>")) == sections);
      CHECK(res->body.find("<script") == std::string::npos);
      CHECK(res->body != english->body);
    }
  }
}

TEST_CASE("a language with no translation is a 404 page listing those there are; Accept-Language picks nothing") {
  const PolicyOnDisk policy = policy_in_force();
  Store store;
  auto english = store.server->client().Get("/privacy");
  REQUIRE(english);
  for (const char* path : {"/privacy?lang=xx", "/privacy?lang=ES", "/privacy/v1.0?lang=it", "/privacy?lang=es-ES",
                           "/privacy?lang=%3Cb%3E"}) {
    CAPTURE(path);
    auto res = store.server->client().Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->get_header_value("Cache-Control") == "no-store");
    CHECK(res->body.find("No translation in that language") != std::string::npos);
    CHECK(res->body.find("?lang=fr\" hreflang=\"fr\">Français</a>") != std::string::npos);
    CHECK(res->body.find("<b>") == std::string::npos);
  }
  auto unknown_version = store.server->client().Get("/privacy/v0.1?lang=es");
  REQUIRE(unknown_version);
  CHECK(unknown_version->status == 404);
  CHECK(unknown_version->body.find("No such version of the privacy policy") != std::string::npos);
  for (const char* path : {"/privacy?lang=en", "/privacy?lang="}) {
    auto res = store.server->client().Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == english->body);
  }
  auto asked = store.server->client().Get("/privacy", {{"Accept-Language", "es-ES,es;q=0.9,fr;q=0.8"}});
  REQUIRE(asked);
  CHECK(asked->body == english->body);
  CHECK(asked->get_header_value("Content-Language") == "en");
}

TEST_CASE("GET /api/policy names the version in force, its date, what changed and the translations") {
  const PolicyOnDisk policy = policy_in_force();
  Store store;
  auto res = store.server->client().Get("/api/policy");
  REQUIRE(res);
  CHECK(res->status == 200);
  const json doc = json::parse(res->body);
  CHECK(doc["version"] == policy.version);
  CHECK(doc["effective_date"] == policy.effective);
  const bool has_changes = policy.text.find("\nChanges since ") != std::string::npos;
  CHECK(doc["changes_since"].is_null() == !has_changes);
  CHECK(doc["changes"].is_array());
  CHECK(doc["changes"].empty() == !has_changes);
  CHECK(doc["translations"] == json::array({"es", "fr", "de"}));
  CHECK(doc["url"] == "/privacy");
}

TEST_CASE("policy pages (pure): a Changes block becomes a dated 'What changed' box on its version's page") {
  using namespace jupiter::server;
  const PolicyOnDisk policy = policy_in_force();
  const fs::path fixtures = fs::path(JUPITER_API_FIXTURES) / "policy";
  Files files;
  files.add("privacy-policy-v1.0.txt", policy.text)
      .add("privacy-policy-v1.1.txt", read_text(fixtures / "privacy-policy-v1.1.txt"))
      .add("privacy-policy-v1.1.es.txt", read_text(fixtures / "privacy-policy-v1.1.es.txt"));
  const PolicyPagesBuild b = build_policy_pages(files.files(), "1.1");
  REQUIRE_MESSAGE(b.error.empty(), b.error);
  REQUIRE(b.pages.size() == 3);
  const PolicyPage* v11 = page_of(b, "1.1", "en");
  REQUIRE(v11);
  CHECK(v11->effective == "June 1, 2026");
  CHECK(v11->changes.since == "1.0");
  REQUIRE(v11->changes.changes.size() == 2);
  CHECK(v11->changes.changes[0] == "7) Data Retention: each kind of data now has a stated period.");
  CHECK(v11->html.find("What changed on <time datetime=\"2026-06-01\">June 1, 2026</time> (since version 1.0)") !=
        std::string::npos);
  CHECK(v11->html.find("in the privacy centre &lt;without&gt; writing to support &amp; waiting") != std::string::npos);
  CHECK(v11->html.find("What changed") < v11->html.find("<h2>"));  // at the top
  CHECK(count_matches(v11->html, std::regex("<h2>")) == 3);         // the block is not a section
  CHECK(v11->html.find("Changes since") == std::string::npos);
  const PolicyPage* es = page_of(b, "1.1", "es");
  REQUIRE(es);
  CHECK(es->html.find("Qué cambió el <time datetime=\"2026-06-01\">1 de junio de 2026</time> (desde la versión 1.0)") !=
        std::string::npos);
  CHECK(es->html.find("/privacy/v1.1?lang=es") != std::string::npos);  // in force: its permanent address
  const PolicyPage* v10 = page_of(b, "1.0", "en");
  REQUIRE(v10);
  CHECK(v10->html.find("What changed") == std::string::npos);
  CHECK(v10->html.find("This version is no longer in force. The version in force is version <a href=\"/privacy\">1.1</a>") !=
        std::string::npos);
}

TEST_CASE("policy pages (pure): a malformed Changes block or header area is refused") {
  using namespace jupiter::server;
  const std::string head = "Title\nEffective Date: June 1, 2026\nVersion: 1.1\n";
  const std::string body = "\n1) One\nText.\n";
  CHECK(read_policy_changes(head + body).since.empty());
  CHECK(read_policy_changes(head + body).error.empty());
  const PolicyChanges ok = read_policy_changes(head + "Changes since 1.0:\n- a\n- b\n" + body);
  CHECK(ok.error.empty());
  CHECK(ok.changes == std::vector<std::string>{"a", "b"});
  CHECK(read_policy_changes(head + "Changes since 1.0:\n" + body).error.find("no '- ' line") != std::string::npos);
  CHECK_FALSE(read_policy_changes(head + "Changes since one:\n- a\n" + body).error.empty());
  CHECK_FALSE(read_policy_changes(head + "Changes since 1.0:\n- a\nChanges since 0.9:\n- b\n" + body).error.empty());
  CHECK(read_policy_changes(head + "A stray paragraph\n" + body).error.find("line 4") == 0);
  CHECK_FALSE(read_policy_changes(head + "Changes since 1.0:\n- a\nnot an item\n" + body).error.empty());
  // A Changes block must name a version kept; the build refuses the file otherwise.
  const PolicyOnDisk policy = policy_in_force();
  for (const char* since : {"0.9", "1.1"}) {
    Files files;
    files.add("privacy-policy-v1.0.txt", policy.text)
        .add("privacy-policy-v1.1.txt", head + "Changes since " + since + ":\n- a\n" + body);
    const PolicyPagesBuild b = build_policy_pages(files.files(), "1.1");
    CHECK(b.error.find("privacy-policy-v1.1.txt: 'Changes since " + std::string(since)) == 0);
  }
}

TEST_CASE("policy pages (pure): a translation unlike its English file refuses the start") {
  using namespace jupiter::server;
  const PolicyOnDisk policy = policy_in_force();
  const std::vector<TranslationOnDisk> translations = translations_on_disk(policy);
  const std::string es = translations.at(0).text, es_name = "privacy-policy-v" + policy.version + ".es.txt";
  const std::string en_name = "privacy-policy-v" + policy.version + ".txt";
  const auto build = [&](const std::string& name, const std::string& text) {
    Files files;
    files.add(en_name, policy.text).add(name, text);
    return build_policy_pages(files.files(), policy.version);
  };
  SUBCASE("the real translations build, one page each, the English page listing them") {
    Files files;
    files.add(en_name, policy.text);
    for (const TranslationOnDisk& t : translations)
      files.add("privacy-policy-v" + policy.version + "." + t.lang + ".txt", t.text);
    const PolicyPagesBuild b = build_policy_pages(files.files(), policy.version);
    REQUIRE_MESSAGE(b.error.empty(), b.error);
    CHECK(b.pages.size() == 4);
    CHECK(page_of(b, policy.version, "en")->html.find(">Deutsch</a>") != std::string::npos);
  }
  SUBCASE("a dropped list item") {
    const std::string e = build(es_name, replaced(es, "- Recordar preferencias\n", "")).error;
    CHECK(e.find(es_name + ": not the outline of the English file: after 10): the English has a '- ' item") == 0);
  }
  SUBCASE("an item made a paragraph") {
    const std::string e = build(es_name, replaced(es, "- Prevenir contracargos abusivos", "Prevenir contracargos")).error;
    CHECK(e.find("after 3) C): the English has a '- ' item where this has a paragraph") != std::string::npos);
  }
  SUBCASE("a section numbered differently") {
    const std::string e = build(es_name, replaced(es, "\n8) Seguridad", "\n9) Seguridad")).error;
    CHECK(e.find("the English has section 8) where this has section 9)") != std::string::npos);
  }
  SUBCASE("a section left out") {
    const std::string e = build(es_name, replaced(es, "11) Privacidad de los menores\n", "")).error;
    CHECK(e.find("after 10)") != std::string::npos);
  }
  SUBCASE("another version or effective date") {
    CHECK(build(es_name, replaced(es, "Version: " + policy.version, "Version: 9.9")).error.find("header says version 9.9") !=
          std::string::npos);
    CHECK(build(es_name, replaced(es, "Effective Date: " + policy.effective, "Effective Date: 1 de marzo de 2026"))
              .error.find("its 'Effective Date:' (1 de marzo de 2026) is not the English file's") != std::string::npos);
  }
  SUBCASE("no English file of its version, a language not served, a name of another shape") {
    CHECK(build("privacy-policy-v7.0.es.txt", replaced(es, "Version: " + policy.version, "Version: 7.0"))
              .error.find("which does not exist") != std::string::npos);
    CHECK(build("privacy-policy-v" + policy.version + ".it.txt", es).error.find("no translation into 'it'") !=
          std::string::npos);
    CHECK(build("privacy-policy-v" + policy.version + ".en.txt", es).error.find("no translation into 'en'") !=
          std::string::npos);
    CHECK_FALSE(build("privacy-policy-v" + policy.version + ".ES.txt", es).error.empty());
  }
  CHECK(translation_outline_mismatch(policy.text, es).empty());
}
