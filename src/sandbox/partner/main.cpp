// main.cpp: jupiter-partner-sandbox, a local stand-in for an eSIM wholesaler's API.
//
//   POST /v1/profiles      {reference, plan, data_mb, validity_days} -> 201 a profile (the same one again for a
//                          known reference); data_mb 0 = unlimited; both optional (0 and 30 when absent)
//   GET  /v1/profiles/:id  the profile: "pending" until it is ready, then "ready" with the ICCID (19 digits, Luhn),
//                          SM-DP+ address, matching ID, confirmation code (when asked for) and activation code
//                          and "installed_at" (Unix seconds, null until the eSIM was installed on a phone)
//   POST /sandbox/profiles/:iccid/install {"installed_at":N}  marks the profile installed (now when N is not given),
//                          as the partner learns it from the SM-DP+ when a phone downloads the profile; 409
//                          profile_cancelled for a cancelled profile
//   POST /v1/profiles/:id/cancel  the profile can no longer be installed: 200 the profile, status "cancelled"
//                          (again for a cancelled one); 409 already_installed once installed_at is set
//   GET  /v1/profiles/:id/usage  {"iccid","installed_at","data_total_mb" (0 = unlimited),"data_used_mb",
//                          "valid_until"}: valid_until (Unix seconds) counts the validity from the installation,
//                          null while the profile is not installed
//   POST /v1/profiles/:id/topups {reference, plan, data_mb, validity_days} -> 201 the usage after the top-up (200
//                          and no second top-up for a known reference): data_mb added to the total (an unlimited
//                          profile stays unlimited), validity_days added to the validity; 503 in mode fail
//   POST /sandbox/usage    {"iccid":"<19-20 digits>","used_mb":N} sets the data used (as if the phone had used it)
//   POST /sandbox/behaviour {"mode":"instant|delay|fail|bad_code","delay_seconds":N,"confirmation_code":false}
//   GET  /sandbox/behaviour
// Modes, applied to profiles ordered from then on: instant (ready at once), delay (pending for delay_seconds),
// fail (503 for every new order: the store retries), bad_code (ready, but the activation code fails SGP.22
// validation: the store must flag it for support). State is in memory.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>

#include "core/order_rules.hpp"
#include "sandbox/common/service.hpp"
#include "server/crypto.hpp"
#include "server/log.hpp"
#include "server/stop_signals.hpp"

using namespace jupiter;
using namespace jupiter::sandbox;
using json = nlohmann::json;
namespace slog = jupiter::server::log;

namespace {

constexpr const char* kName = "partner sandbox";
constexpr const char* kSmdp = "smdp.partner-sandbox.example";

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Behaviour {
  std::string mode = "instant";
  int delay_seconds = 5;
  bool confirmation_code = false;
  json to_json() const {
    return {{"mode", mode}, {"delay_seconds", delay_seconds}, {"confirmation_code", confirmation_code}};
  }
};

struct Profile {
  std::string id, reference, plan, iccid, matching_id, confirmation_code;
  std::int64_t ready_ms = 0;
  std::int64_t installed_at = 0;  // Unix seconds; 0: not installed
  bool bad_code = false;
  bool cancelled = false;  // POST /v1/profiles/:id/cancel: never installable again
  std::int64_t data_mb = 0;        // the total with top-ups; 0 = unlimited
  std::int64_t validity_days = 30; // the total with top-ups, counted from the installation
  std::int64_t used_mb = 0;        // set with POST /sandbox/usage
  std::map<std::string, std::string> topups;  // reference -> plan, each applied once

  json usage_json() const {
    const std::int64_t used = data_mb > 0 ? std::min(used_mb, data_mb) : used_mb;
    return {{"iccid", iccid}, {"installed_at", installed_at == 0 ? json(nullptr) : json(installed_at)},
            {"data_total_mb", data_mb}, {"data_used_mb", used},
            {"valid_until", installed_at == 0 ? json(nullptr) : json(installed_at + validity_days * 86400)}};
  }

  json to_json() const {
    json j = {{"id", id}, {"reference", reference}, {"plan", plan},
              {"installed_at", installed_at == 0 ? json(nullptr) : json(installed_at)}};
    if (unix_ms() < ready_ms) {
      j["status"] = "pending";
      return j;
    }
    j["status"] = cancelled ? "cancelled" : "ready";
    j["iccid"] = iccid;
    j["smdp_address"] = kSmdp;
    j["matching_id"] = matching_id;
    j["confirmation_code"] = confirmation_code.empty() ? json(nullptr) : json(confirmation_code);
    std::string code = std::string("LPA:1$") + kSmdp + "$" + matching_id + (confirmation_code.empty() ? "" : "$$1");
    if (bad_code) code = std::string("LPA:1$") + kSmdp + "$" + matching_id + " $";  // a space and a trailing '$'
    j["activation_code"] = code;
    return j;
  }
};

// Random digits from the CSPRNG's base64url output (biased a little; fine for test data).
std::string random_digits(std::size_t n, const char* alphabet, std::size_t alphabet_size) {
  const std::string raw = server::random_token(n);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += alphabet[static_cast<unsigned char>(raw[i % raw.size()]) % alphabet_size];
  return out;
}

std::string new_iccid() {
  // 89 (telecom) + 882 (international) + 47 (issuer) + 11 digits + the Luhn check digit = 19 digits.
  const std::string body = "8988247" + random_digits(11, "0123456789", 10);
  for (char d = '0'; d <= '9'; ++d)
    if (luhn_valid(body + d)) return body + d;
  return body + "0";
}

std::string new_matching_id() {
  const char* alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string id;
  for (int group = 0; group < 4; ++group) id += (group ? "-" : "") + random_digits(5, alphabet, 32);
  return id;
}

class Partner {
 public:
  void routes(httplib::Server& srv) {
    srv.Post("/v1/profiles", [this](const httplib::Request& req, httplib::Response& res) { order(req, res); });
    srv.Get(R"(/v1/profiles/([A-Za-z0-9_-]+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = profiles_.find(req.matches[1]);
      if (it == profiles_.end()) return reply_error(res, 404, "not_found", "no such profile");
      reply_json(res, 200, it->second.to_json());
    });
    usage_routes(srv);
    srv.Get("/sandbox/behaviour", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      reply_json(res, 200, behaviour_.to_json());
    });
    srv.Post("/sandbox/behaviour", [this](const httplib::Request& req, httplib::Response& res) { set(req, res); });
    srv.Post(R"(/sandbox/profiles/([0-9]{19,20})/install)", [this](const httplib::Request& req, httplib::Response& res) {
      install(req, res, req.matches[1]);
    });
    srv.Post(R"(/v1/profiles/([A-Za-z0-9_-]+)/cancel)", [this](const httplib::Request& req, httplib::Response& res) {
      cancel(res, req.matches[1]);
    });
    srv.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { reply_json(res, 200, {{"status", "ok"}}); });
    srv.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      slog::info(std::string(kName) + ": " + slog::printable(req.method, 8) + " " + slog::printable(req.path) + " " +
                std::to_string(res.status));
    });
  }

 private:
  void order(const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    const std::string reference = body.is_object() ? body.value("reference", std::string()) : std::string();
    if (reference.empty() || reference.size() > 64) return reply_error(res, 400, "invalid_request", "a reference is required");
    const auto data = size_field(body, "data_mb", 0, 10'000'000);
    const auto days = size_field(body, "validity_days", 1, 3650);
    if ((data && *data < 0) || (days && *days < 1))
      return reply_error(res, 400, "invalid_request", "data_mb is 0..10000000 and validity_days 1..3650");
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = by_reference_.find(reference); it != by_reference_.end())
      return reply_json(res, 200, profiles_.at(it->second).to_json());
    if (behaviour_.mode == "fail")
      return reply_error(res, 503, "partner_unavailable", "the sandbox is set to fail (POST /sandbox/behaviour)");
    Profile p;
    p.id = server::random_id("pp_", 12);
    p.reference = reference;
    p.plan = body.value("plan", std::string());
    p.iccid = new_iccid();
    p.matching_id = new_matching_id();
    if (behaviour_.confirmation_code) p.confirmation_code = random_digits(4, "0123456789", 10);
    p.ready_ms = unix_ms() + (behaviour_.mode == "delay" ? behaviour_.delay_seconds * 1000LL : 0);
    p.bad_code = behaviour_.mode == "bad_code";
    p.data_mb = data.value_or(0);
    p.validity_days = days.value_or(30);
    slog::info(std::string(kName) + ": profile " + p.id + " for " + reference + " (" + behaviour_.mode + ")");
    by_reference_[reference] = p.id;
    reply_json(res, 201, p.to_json());
    profiles_.emplace(p.id, std::move(p));
  }

  // [SECTION] usage and top-ups (issue 15)
  void usage_routes(httplib::Server& srv) {
    srv.Get(R"(/v1/profiles/([A-Za-z0-9_-]+)/usage)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = profiles_.find(req.matches[1]);
      if (it == profiles_.end() || unix_ms() < it->second.ready_ms)
        return reply_error(res, 404, "not_found", "no ready profile with this id");
      reply_json(res, 200, it->second.usage_json());
    });
    srv.Post(R"(/v1/profiles/([A-Za-z0-9_-]+)/topups)", [this](const httplib::Request& req, httplib::Response& res) {
      topup(req, res, req.matches[1]);
    });
    srv.Post("/sandbox/usage", [this](const httplib::Request& req, httplib::Response& res) { set_usage(req, res); });
  }

  // An integer field lo..hi: nullopt when absent; lo - 1 when present but not an integer in range.
  static std::optional<std::int64_t> size_field(const json& body, const char* name, std::int64_t lo, std::int64_t hi) {
    if (!body.is_object() || !body.contains(name)) return std::nullopt;
    const json& v = body[name];
    if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi) return lo - 1;
    return v.get<std::int64_t>();
  }

  void topup(const httplib::Request& req, httplib::Response& res, const std::string& id) {
    const json body = json::parse(req.body, nullptr, false);
    const std::string reference = body.is_object() ? body.value("reference", std::string()) : std::string();
    const std::string plan = body.is_object() && body.contains("plan") && body["plan"].is_string() ? body["plan"].get<std::string>() : "";
    const auto data = size_field(body, "data_mb", 0, 10'000'000);
    const auto days = size_field(body, "validity_days", 1, 3650);
    if (reference.empty() || reference.size() > 64 || plan.empty() || !data || *data < 0 || !days || *days < 1)
      return reply_error(res, 400, "invalid_request", "reference, plan, data_mb (0..10000000) and validity_days are required");
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = profiles_.find(id);
    if (it == profiles_.end() || unix_ms() < it->second.ready_ms)
      return reply_error(res, 404, "not_found", "no ready profile with this id");
    Profile& p = it->second;
    if (p.topups.count(reference)) return reply_json(res, 200, p.usage_json());
    if (!accepts_topups(p)) return reply_error(res, 409, "profile_cancelled", "this profile was cancelled");
    if (behaviour_.mode == "fail")
      return reply_error(res, 503, "partner_unavailable", "the sandbox is set to fail (POST /sandbox/behaviour)");
    p.topups[reference] = plan;
    if (p.data_mb > 0) p.data_mb += *data;  // an unlimited profile stays unlimited
    p.validity_days += *days;
    slog::info(std::string(kName) + ": profile " + p.id + " topped up (" + reference + ")");
    reply_json(res, 201, p.usage_json());
  }

  // Whether a top-up may still be added to `p` (not once the profile was cancelled).
  static bool accepts_topups(const Profile& p) { return !p.cancelled; }

  void set_usage(const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return reply_error(res, 400, "invalid_json", "the body must be a JSON object");
    const json iccid = body.value("iccid", json());
    const auto used = size_field(body, "used_mb", 0, 10'000'000);
    if (!iccid.is_string() || !valid_iccid(iccid.get<std::string>()))
      return reply_error(res, 400, "invalid_iccid", "iccid is 19 or 20 digits with a valid check digit");
    if (!used || *used < 0) return reply_error(res, 400, "invalid_used_mb", "used_mb is an integer 0..10000000");
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [pid, p] : profiles_) {
      if (p.iccid != iccid.get<std::string>() || unix_ms() < p.ready_ms) continue;
      p.used_mb = *used;
      return reply_json(res, 200, p.usage_json());
    }
    reply_error(res, 404, "not_found", "no ready profile with this ICCID");
  }

  void install(const httplib::Request& req, httplib::Response& res, const std::string& iccid) {
    const json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
    if (!body.is_object()) return reply_error(res, 400, "invalid_json", "the body must be a JSON object or empty");
    const json at = body.value("installed_at", json(unix_ms() / 1000));
    if (!at.is_number_integer() || at.get<std::int64_t>() < 1'000'000'000 || at.get<std::int64_t>() > unix_ms() / 1000 + 60)
      return reply_error(res, 400, "invalid_time", "installed_at is Unix seconds, not in the future");
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, p] : profiles_) {
      if (p.iccid != iccid || unix_ms() < p.ready_ms) continue;
      if (p.cancelled) return reply_error(res, 409, "profile_cancelled", "this profile was cancelled");
      p.installed_at = at.get<std::int64_t>();
      slog::info(std::string(kName) + ": profile " + p.id + " installed");
      return reply_json(res, 200, p.to_json());
    }
    reply_error(res, 404, "not_found", "no ready profile with this ICCID");
  }

  // [SECTION] cancelling a profile (issue 15: the refund of an eSIM never installed)
  void cancel(httplib::Response& res, const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = profiles_.find(id);
    if (it == profiles_.end()) return reply_error(res, 404, "not_found", "no such profile");
    Profile& p = it->second;
    if (p.installed_at != 0) return reply_error(res, 409, "already_installed", "the profile was installed on a phone");
    if (!p.cancelled) slog::info(std::string(kName) + ": profile " + p.id + " cancelled");
    p.cancelled = true;
    reply_json(res, 200, p.to_json());
  }

  void set(const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return reply_error(res, 400, "invalid_json", "the body must be a JSON object");
    Behaviour b;
    b.mode = body.value("mode", std::string());
    if (b.mode != "instant" && b.mode != "delay" && b.mode != "fail" && b.mode != "bad_code")
      return reply_error(res, 400, "invalid_mode", "mode is one of instant, delay, fail, bad_code");
    const json delay = body.value("delay_seconds", json(5));
    if (!delay.is_number_integer() || delay.get<int>() < 0 || delay.get<int>() > 86400)
      return reply_error(res, 400, "invalid_delay", "delay_seconds is 0..86400");
    b.delay_seconds = delay.get<int>();
    b.confirmation_code = body.value("confirmation_code", false);
    std::lock_guard<std::mutex> lock(mutex_);
    behaviour_ = b;
    slog::info(std::string(kName) + ": behaviour " + b.to_json().dump());
    reply_json(res, 200, b.to_json());
  }

  std::mutex mutex_;
  Behaviour behaviour_;
  std::map<std::string, Profile> profiles_;
  std::map<std::string, std::string> by_reference_;
};

}  // namespace

int main(int argc, char** argv) {
  const CommandLine cl = parse_command_line(argc, argv, {});
  if (!cl.error.empty()) {
    std::fprintf(stderr, "%s\nusage: jupiter-partner-sandbox [--host ADDR] [--port N]\n"
                         "A local eSIM partner: profiles with ICCID, SM-DP+ address and activation code.\n",
                 cl.error.c_str());
    return 2;
  }
  server::block_stop_signals();
  Partner partner;
  httplib::Server server;
  server.set_payload_max_length(64 * 1024);
  partner.routes(server);
  return serve(server, cl, kName);
}
