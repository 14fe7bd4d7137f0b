// options.cpp: see options.hpp.
#include "server/options.hpp"

#include <charconv>

#include "core/contact.hpp"
#include "server/partners.hpp"

namespace jupiter::server {

namespace {

// --demo-partner's origin normalized in place (partners.hpp); false when it is given and not an origin.
bool normalize_demo_partner(Options& o) {
  if (o.demo_partner.empty()) return true;
  const auto origin = normalize_origin(o.demo_partner);
  if (origin) o.demo_partner = *origin;
  return origin.has_value();
}

// The field of a text option, nullptr when `name` is not one.
std::string* text_option(Options& o, const std::string& name) {
  if (name == "--host") return &o.host;
  if (name == "--data") return &o.data_dir;
  if (name == "--database") return &o.database;
  if (name == "--web") return &o.web_dir;
  if (name == "--catalogue") return &o.catalogue;
  if (name == "--processor-url") return &o.processor_url;
  if (name == "--partner-url") return &o.partner_url;
  if (name == "--webhook-secret") return &o.webhook_secret;
  if (name == "--processor-key") return &o.processor_key;
  if (name == "--public-url") return &o.public_url;
  if (name == "--demo-partner") return &o.demo_partner;
  if (name == "--trust-proxy") return &o.trust_proxy;
  if (name == "--smtp-url") return &o.smtp_url;
  if (name == "--smtp-credentials") return &o.smtp_credentials;
  if (name == "--smtp-ca") return &o.smtp_ca;
  if (name == "--support-email") return &o.support_email;
  return nullptr;
}

// The field of a whole-number option (seconds or a count), nullptr when `name` is not one.
long long* number_option(Options& o, const std::string& name) {
  if (name == "--provision-deadline") return &o.provision_deadline;
  if (name == "--orders-per-minute") return &o.orders_per_minute;
  if (name == "--reconcile-interval") return &o.reconcile_interval;
  if (name == "--install-poll") return &o.install_poll;
  if (name == "--details-expiry") return &o.details_expiry;
  return nullptr;
}

bool known_option(Options& o, const std::string& name) {
  return name == "--port" || text_option(o, name) || number_option(o, name);
}

// Sets option `name` (a known one) to the non-empty `value`; "" or what is wrong with the value.
std::string set_option(Options& o, const std::string& name, const std::string& value) {
  const char* first = value.data();
  const char* last = value.data() + value.size();
  if (std::string* text = text_option(o, name)) {
    *text = value;
  } else if (long long* number = number_option(o, name)) {
    long long n = -1;
    const auto [end, ec] = std::from_chars(first, last, n);
    if (ec != std::errc() || end != last || n < 1 || n > 365LL * 24 * 3600)
      return name + " needs a positive whole number, not \"" + value + "\"";
    *number = n;
  } else {
    int port = -1;
    const auto [end, ec] = std::from_chars(first, last, port);
    if (ec != std::errc() || end != last || port < 0 || port > 65535)
      return "--port needs a number from 0 to 65535, not \"" + value + "\"";
    o.port = port;
  }
  return {};
}

}  // namespace

OptionsParse parse_options(const std::vector<std::string>& args) {
  OptionsParse out;
  auto fail = [&out](std::string message) {
    out.outcome = OptionsParse::Outcome::Error;
    out.error = std::move(message);
    return out;
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    if (const std::size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    if (name == "--help" || name == "-h") {
      if (has_value) return fail("--help takes no value");
      out.outcome = OptionsParse::Outcome::Help;
      return out;
    }
    if (name == "--smtp-starttls") {  // the one flag: no value
      if (has_value) return fail("--smtp-starttls takes no value");
      out.options.smtp_starttls = true;
      continue;
    }
    if (!known_option(out.options, name)) return fail("unknown option " + name);
    if (!has_value) {
      if (i + 1 >= args.size()) return fail(name + " needs a value");
      value = args[++i];
    }
    if (value.empty()) return fail(name + " needs a non-empty value");
    if (std::string bad = set_option(out.options, name, value); !bad.empty()) return fail(bad);
  }
  if (!normalize_demo_partner(out.options))
    return fail("--demo-partner needs an origin like http://127.0.0.1:8083, not \"" + out.options.demo_partner + "\"");
  if (!validate_email(out.options.support_email).ok())  // it becomes a To: header: no line breaks get through
    return fail("--support-email needs an e-mail address, not \"" + out.options.support_email + "\"");
  return out;
}

std::string usage(const std::string& program) {
  const Options d;
  return "usage: " + program + " [options]\n"
         "\n"
         "The JupiterEsims backend: serves the store's web files, the catalogue API and /healthz.\n"
         "\n"
         "  --host ADDR       address to listen on (default " + d.host + ")\n"
         "  --port N          port, 0 for any free one (default " + std::to_string(d.port) + ")\n"
         "  --data DIR        where the database and other state live, created when missing (default " +
         d.data_dir + ")\n"
         "  --database URL    sqlite:PATH or postgresql://user@host:port/db (default sqlite:DATA/jupiter.sqlite3)\n"
         "  --web DIR         the built web files (default " + d.web_dir + ")\n"
         "  --catalogue PATH  catalogue JSON, imported when its content changes (default " + d.catalogue + ")\n"
         "  --processor-url URL     the payment processor (default " + d.processor_url + ")\n"
         "  --partner-url URL       the eSIM partner (default " + d.partner_url + ")\n"
         "  --webhook-secret S      the processor's webhook signing secret (default: DATA/webhook-secret, created)\n"
         "  --processor-key K       the processor's API key (default: DATA/processor-api-key, created)\n"
         "  --public-url URL        the store's address in links and callbacks (default http://HOST:PORT)\n"
         "  --provision-deadline S  seconds after payment before an undelivered eSIM is refunded (default " +
         std::to_string(d.provision_deadline) + ")\n"
         "  --orders-per-minute N   new orders per client address and minute (default " +
         std::to_string(d.orders_per_minute) + ")\n"
         "  --reconcile-interval S  seconds between comparisons of the processor's sessions with the orders (default " +
         std::to_string(d.reconcile_interval) + ")\n"
         "  --install-poll S        seconds between asking the partner whether a delivered eSIM was installed (default " +
         std::to_string(d.install_poll) + ")\n"
         "  --details-expiry S      seconds after installation that the activation code stays readable (default " +
         std::to_string(d.details_expiry) + ")\n"
         "  --demo-partner ORIGIN   make sure partner \"demo\" exists and may frame the store on ORIGIN\n"
         "  --trust-proxy ADDR      requests from ADDR (a load balancer such as nginx) carry the client's address in\n"
         "                          X-Forwarded-For, which rate limits then count (default: none trusted)\n"
         "  --smtp-url URL          send the outbox's e-mails through this relay: smtp://HOST:PORT or smtps://HOST:PORT\n"
         "                          (default: none, the e-mails stay files in DATA/outbox)\n"
         "  --smtp-starttls         with smtp://: require STARTTLS, never send in clear\n"
         "  --smtp-credentials FILE user:password for the relay's AUTH, one line; FILE must be readable by its owner only\n"
         "  --smtp-ca FILE          PEM certificate(s) to verify the relay's TLS with (default: the system's CAs)\n"
         "  --support-email ADDR    where customers' support messages are announced (default " + d.support_email + ")\n"
         "  --help            this text\n"
         "\n"
         "Once it accepts connections it prints \"listening on http://HOST:PORT\". SIGINT or SIGTERM stops it.\n";
}

}  // namespace jupiter::server
