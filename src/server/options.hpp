// options.hpp: the server's command line.
#pragma once
#include <string>
#include <vector>

namespace jupiter::server {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;                             // 0: any free port
  std::string data_dir = "data";               // jupiter.sqlite3 and later state; created when missing
  std::string database;  // a db::Connection::open URL; '' means sqlite:<data_dir>/jupiter.sqlite3
  std::string web_dir = "build/web/site";      // the built web files
  std::string catalogue = "assets/catalogue.json";
  // Commerce (issues 4 and 5). Secrets not given here are read from (or created in) the data dir:
  // webhook-secret, processor-api-key, token-secret.
  std::string processor_url = "http://127.0.0.1:8081";
  std::string partner_url = "http://127.0.0.1:8082";
  std::string webhook_secret;
  std::string processor_key;
  std::string public_url;             // default http://HOST:<bound port>
  long long provision_deadline = 3600;  // seconds from payment to refund when no eSIM came
  long long orders_per_minute = 10;     // new orders per client address
  long long reconcile_interval = 600;   // seconds between reconciliations with the processor
  long long install_poll = 300;         // seconds between asking the partner whether an eSIM was installed
  long long details_expiry = 7 * 24 * 3600;  // seconds after installation the activation details are kept
  std::string demo_partner;           // an origin: partner "demo" exists and allows it (normalized)
  std::string trust_proxy;            // a load balancer's address: the client address of its requests is in X-Forwarded-For
  // Real e-mail delivery (issue 15, smtp_relay.hpp). '' keeps the outbox files as the only delivery.
  std::string smtp_url;               // smtp://HOST[:PORT] or smtps://HOST[:PORT]
  bool smtp_starttls = false;         // --smtp-starttls (a flag): smtp:// must upgrade to TLS before sending
  std::string smtp_credentials;       // a file holding user:password, readable by its owner only
  std::string smtp_ca;                // PEM certificates to trust for the relay's TLS instead of the system's
  std::string support_email = "support@jupiteresims.example";  // support messages are announced here (issue 15)
};

struct OptionsParse {
  enum class Outcome { Run, Help, Error };
  Outcome outcome = Outcome::Run;
  Options options;
  std::string error;  // when Error: "unknown option --foo", "--port needs a number from 0 to 65535"
};

// Accepts "--name value" and "--name=value".
OptionsParse parse_options(const std::vector<std::string>& args);

// The --help text.
std::string usage(const std::string& program);

}  // namespace jupiter::server
