// commerce.hpp: what the order, payment, provisioning and outbox tests share: a shop of three real processes (the
// processor sandbox, the eSIM partner sandbox and jupiter-server, wired with a fresh secret and API key), and
// steps of the buyer's way through it over real HTTP (create, pay on the hosted page, poll).
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "helpers.hpp"

namespace jupiter::test {

using json = nlohmann::json;

inline constexpr const char* kCardOk = "4242 4242 4242 4242";
inline constexpr const char* kCardDeclined = "4000 0000 0000 0002";
inline constexpr const char* kCardChallenge = "4000 0000 0000 3220";

// A valid POST /api/orders body for `plan` in `currency`, with `changes` merged over it.
std::string order_body(const std::string& plan = "jp-5gb-30d", const std::string& currency = "USD",
                       const json& changes = json::object());
// A fresh Idempotency-Key.
std::string new_key();

struct Created {
  std::string id, token;
  json order;
};

class Shop {
 public:
  // `store_args` go to jupiter-server after the usual ones ("--provision-deadline", "3", ...).
  explicit Shop(std::vector<std::string> store_args = {}, const std::string& partner_mode = "instant",
                int partner_delay = 0);

  TempDir dir;
  fs::path data_dir;
  std::string secret, api_key;
  std::unique_ptr<ServerProcess> processor, partner, store;
  std::vector<std::string> store_argv;  // what the store was started with after the usual arguments

  // Starts the store again on its port with the same data and arguments (after a stop or a kill).
  void restart_store();
  // A client of the processor's server-to-server API (Authorization: Bearer <api key>), 10 s time-outs.
  httplib::Client processor_api() const;
  // A checkout session made directly at the processor for `reference` ("an older checkout page"), with its webhooks
  // going to `notify_url` (default: the store's): the session JSON.
  json direct_session(const std::string& reference, long long amount = 1299, const std::string& currency = "USD",
                      const std::string& notify_url = "") const;
  // GET /v1/checkout/sessions/:id at the processor.
  json processor_session(const std::string& id) const;

  // POST /api/orders with `body` and `key` (no header when empty).
  httplib::Result post_order(const std::string& body, const std::string& key) const;
  // Creates an order (REQUIREs 201).
  Created create(const std::string& body = order_body());
  // POST /api/orders/:id/payment with the token; the response.
  httplib::Result start_payment(const Created& c) const;
  // The hosted page's path ("/pay/cs_...") for a new or open session (REQUIREs 200).
  std::string checkout_path(const Created& c) const;
  // Submits a card on the hosted page: the processor's response (303 + Location, or a page).
  httplib::Result submit_card(const std::string& path, const std::string& number, const std::string& exp = "12/34",
                              const std::string& cvc = "123") const;
  // GET /api/orders/:id with `token`.
  httplib::Result get(const std::string& id, const std::string& token) const;
  json order(const Created& c) const;  // REQUIREs 200
  // Polls the order until `done` holds (returns it) or `timeout` passes (returns the last one).
  json wait_for(const Created& c, const std::function<bool(const json&)>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  json wait_for_state(const Created& c, const std::string& state,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // Create, pay with 4242 and wait for `state` (default delivered).
  Created paid_order(const std::string& state = "delivered");
  // POST /sandbox/behaviour on the partner.
  void partner_mode(const std::string& mode, int delay_seconds = 0, bool confirmation_code = false) const;
  // POST /api/webhooks/processor with `body` and a Jupiter-Signature header (none when empty).
  httplib::Result webhook(const std::string& body, const std::string& signature) const;
  // The header value the processor would send for `body` signed at Unix time `t`.
  std::string sign(const std::string& body, long long t) const;
  // Everything the three processes wrote so far.
  std::string logs() const;
  // The e-mail whose file name ends with `suffix`, waiting up to 5 s for it (mails are written right after the
  // state change they report); "" when none came.
  std::string wait_for_mail(const std::string& suffix) const;
  // The outbox's messages (file name -> content), sorted by name.
  std::vector<std::pair<std::string, std::string>> outbox() const;
};

long long unix_now();
std::string read_all(const fs::path& p);

// The privacy policy in force as the test reads it from assets/policy/ itself (not through the core): the file
// with the highest version in its name, and its "Version:" and "Effective Date:" lines.
struct PolicyOnDisk {
  fs::path file;
  std::string version, effective, text;
};
PolicyOnDisk policy_in_force();
// The terms of sale in force, read the same way from assets/terms/ (issue 15): what an order's terms_version is.
PolicyOnDisk terms_in_force();
// The decoded bytes of every base64 MIME part of `mail` whose Content-Type starts with `type`.
std::vector<std::string> mime_parts(const std::string& mail, const std::string& type);

}  // namespace jupiter::test
