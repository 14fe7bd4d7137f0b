// commerce.cpp: see commerce.hpp.
#include "commerce.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <thread>

namespace jupiter::test {

namespace {

std::string hex(const unsigned char* data, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  REQUIRE(RAND_bytes(raw.data(), static_cast<int>(bytes)) == 1);
  return hex(raw.data(), bytes);
}

httplib::Client client_for(const ServerProcess& p) { return p.client(); }

}  // namespace

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

PolicyOnDisk document_in_force(const fs::path& dir, const std::string& prefix) {
  PolicyOnDisk best;
  std::vector<int> best_parts;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::regex file_name(prefix + R"(-v([0-9]+(\.[0-9]+)*)\.txt)");
    std::smatch m;
    if (!std::regex_match(name, m, file_name)) continue;
    std::vector<int> parts;
    std::stringstream version(m[1].str());
    for (std::string part; std::getline(version, part, '.');) parts.push_back(std::stoi(part));
    if (!best.file.empty() && parts <= best_parts) continue;
    best_parts = parts;
    best.file = entry.path();
  }
  if (best.file.empty()) throw std::runtime_error("no " + prefix + " file in " + dir.string());
  best.text = read_all(best.file);
  std::smatch m;
  if (std::regex_search(best.text, m, std::regex(R"(\nVersion: ([^\r\n]+))"))) best.version = m[1];
  if (std::regex_search(best.text, m, std::regex(R"(\nEffective Date: ([^\r\n]+))"))) best.effective = m[1];
  return best;
}

PolicyOnDisk policy_in_force() { return document_in_force(JUPITER_POLICY_DIR, "privacy-policy"); }

PolicyOnDisk terms_in_force() { return document_in_force(JUPITER_TERMS_DIR, "terms-of-sale"); }

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string order_body(const std::string& plan, const std::string& currency, const json& changes) {
  json body = {{"plan", plan},        {"currency", currency},   {"email", "ada@example.com"},
               {"name", "Ada Lovelace"}, {"phone", "+4915112345678"}, {"adult", true},
               {"terms_version", terms_in_force().version}, {"marketing", false},    {"language", "en"}};
  body.merge_patch(changes);
  return body.dump();
}

std::string new_key() { return "key-" + random_hex(12); }

Shop::Shop(std::vector<std::string> store_args, const std::string& partner_mode_name, int partner_delay) {
  data_dir = dir / "data";
  write_web_fixture(dir / "web");
  secret = random_hex(24);
  api_key = random_hex(24);
  write_file(dir / "processor-api-key", api_key + "\n");
  write_file(dir / "webhook-secret", secret + "\n");
  processor = std::make_unique<ServerProcess>(
      JUPITER_PROCESSOR_BINARY,
      std::vector<std::string>{"--port", "0", "--api-key-file", (dir / "processor-api-key").string(),
                               "--webhook-secret-file", (dir / "webhook-secret").string()});
  REQUIRE_MESSAGE(processor->wait_until_listening(), processor->output());
  partner = std::make_unique<ServerProcess>(JUPITER_PARTNER_BINARY, std::vector<std::string>{"--port", "0"});
  REQUIRE_MESSAGE(partner->wait_until_listening(), partner->output());
  partner_mode(partner_mode_name, partner_delay);
  std::vector<std::string> args = {"--processor-url", "http://127.0.0.1:" + std::to_string(processor->port()),
                                   "--partner-url", "http://127.0.0.1:" + std::to_string(partner->port()),
                                   "--webhook-secret", secret, "--processor-key", api_key};
  args.insert(args.end(), store_args.begin(), store_args.end());
  store_argv = args;
  store = std::make_unique<ServerProcess>(ServerConfig{data_dir, dir / "web", fixture("catalogue.json"), args});
  REQUIRE_MESSAGE(store->wait_until_listening(), store->output());
}

void Shop::restart_store() {
  const int port = store->port();
  std::vector<std::string> args = store_argv;
  args.insert(args.end(), {"--port", std::to_string(port)});
  store.reset();
  store = std::make_unique<ServerProcess>(ServerConfig{data_dir, dir / "web", fixture("catalogue.json"), args});
  REQUIRE_MESSAGE(store->wait_until_listening(), store->output());
  REQUIRE(store->port() == port);
}

httplib::Client Shop::processor_api() const {
  httplib::Client c("127.0.0.1", processor->port());
  c.set_connection_timeout(10);
  c.set_read_timeout(10);
  c.set_bearer_token_auth(api_key.c_str());
  return c;
}

json Shop::direct_session(const std::string& reference, long long amount, const std::string& currency,
                          const std::string& notify_url) const {
  const std::string store_url = "http://127.0.0.1:" + std::to_string(store->port());
  const json body = {{"amount", amount}, {"currency", currency}, {"reference", reference},
                     {"return_url", store_url + "/?order=" + reference},
                     {"notify_url", notify_url.empty() ? store_url + "/api/webhooks/processor" : notify_url}};
  auto res = processor_api().Post("/v1/checkout/sessions", body.dump(), "application/json");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body);
}

json Shop::processor_session(const std::string& id) const {
  auto res = processor_api().Get(("/v1/checkout/sessions/" + id).c_str());
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body);
}

httplib::Result Shop::post_order(const std::string& body, const std::string& key) const {
  httplib::Headers h;
  if (!key.empty()) h.emplace("Idempotency-Key", key);
  return store->client().Post("/api/orders", h, body, "application/json");
}

Created Shop::create(const std::string& body) {
  auto res = post_order(body, new_key());
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 201, res->body);
  const json doc = json::parse(res->body);
  return {doc["order"]["id"], doc["token"], doc["order"]};
}

httplib::Result Shop::start_payment(const Created& c) const {
  return store->client().Post(("/api/orders/" + c.id + "/payment").c_str(), {{"Authorization", "Bearer " + c.token}},
                              "", "application/json");
}

std::string Shop::checkout_path(const Created& c) const {
  auto res = start_payment(c);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  const std::string url = json::parse(res->body)["checkout_url"];
  const std::string origin = "http://127.0.0.1:" + std::to_string(processor->port());
  REQUIRE(url.rfind(origin + "/pay/", 0) == 0);
  return url.substr(origin.size());
}

httplib::Result Shop::submit_card(const std::string& path, const std::string& number, const std::string& exp,
                                  const std::string& cvc) const {
  const httplib::Params form = {{"number", number}, {"exp", exp}, {"cvc", cvc}, {"cardholder", "Ada Lovelace"}};
  return client_for(*processor).Post(path.c_str(), form);
}

httplib::Result Shop::get(const std::string& id, const std::string& token) const {
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  return store->client().Get(("/api/orders/" + id).c_str(), h);
}

json Shop::order(const Created& c) const {
  auto res = get(c.id, c.token);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body);
}

json Shop::wait_for(const Created& c, const std::function<bool(const json&)>& done,
                    std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json o = order(c);
  while (!done(o) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    o = order(c);
  }
  return o;
}

json Shop::wait_for_state(const Created& c, const std::string& state, std::chrono::milliseconds timeout) const {
  return wait_for(c, [&](const json& o) { return o["state"] == state; }, timeout);
}

Created Shop::paid_order(const std::string& state) {
  Created c = create();
  auto res = submit_card(checkout_path(c), kCardOk);
  REQUIRE(res);
  REQUIRE(res->status == 303);
  const json o = wait_for_state(c, state);
  REQUIRE_MESSAGE(o["state"] == state, o.dump());
  return c;
}

void Shop::partner_mode(const std::string& mode, int delay_seconds, bool confirmation_code) const {
  const json body = {{"mode", mode}, {"delay_seconds", delay_seconds}, {"confirmation_code", confirmation_code}};
  auto res = client_for(*partner).Post("/sandbox/behaviour", body.dump(), "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
}

httplib::Result Shop::webhook(const std::string& body, const std::string& signature) const {
  httplib::Headers h;
  if (!signature.empty()) h.emplace("Jupiter-Signature", signature);
  return store->client().Post("/api/webhooks/processor", h, body, "application/json");
}

std::string Shop::sign(const std::string& body, long long t) const {
  const std::string signed_text = std::to_string(t) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &n);
  return "t=" + std::to_string(t) + ",v1=" + hex(mac, n);
}

std::string Shop::logs() const { return store->output() + processor->output() + partner->output(); }

std::vector<std::pair<std::string, std::string>> Shop::outbox() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(data_dir / "outbox", ec))
    if (e.path().extension() == ".eml") out.emplace_back(e.path().filename().string(), read_all(e.path()));
  std::sort(out.begin(), out.end());
  return out;
}

std::string Shop::wait_for_mail(const std::string& suffix) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    for (const auto& [name, mail] : outbox())
      if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        return mail;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return {};
}

std::vector<std::string> mime_parts(const std::string& mail, const std::string& type) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<std::string> out;
  for (std::size_t at = mail.find("Content-Type: " + type); at != std::string::npos;
       at = mail.find("Content-Type: " + type, at + 1)) {
    const std::size_t body = mail.find("\r\n\r\n", at);
    if (body == std::string::npos) break;
    const std::size_t end = mail.find("\r\n--", body + 4);
    std::string decoded;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : mail.substr(body + 4, end - body - 4)) {
      const std::size_t v = alphabet.find(c);
      if (v == std::string::npos) continue;
      buffer = (buffer << 6) | static_cast<unsigned>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        decoded += static_cast<char>((buffer >> bits) & 0xFF);
      }
    }
    out.push_back(decoded);
  }
  return out;
}

}  // namespace jupiter::test
