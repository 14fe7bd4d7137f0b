// consent_api.cpp: see consent_api.hpp.
#include "server/consent_api.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>

#include "core/consent.hpp"
#include "core/consent_config.hpp"
#include "server/consent_store.hpp"
#include "server/http_util.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/rate_counts.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;
constexpr const char* kCookie = "jupiter_consent";

// When this server's statement of GPC support was made: the GPC support resource's lastUpdate. It MUST change
// (to the day of the change) whenever the server's handling of GPC changes: what Sec-GPC does here, what the
// consent core does with the signal, or what the well-known resource says.
constexpr const char* kGpcLastUpdate = "2026-11-26";

// The consent config, compiled in from assets/consent.json (core/consent_config.hpp).
const consent::Config& config() { return consent::embedded_config(); }

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A receipt body -> the row to store, or a reason it is refused.
struct Parsed {
  std::string problem;
  ConsentReceipt receipt;
  std::string key;  // the proof of holding receipt.consent_id (consent_store.hpp), never stored in the receipt
};

Parsed parse_receipt(const std::string& body) {
  static const std::set<std::string> kFields = {"receipt_schema", "consent_id", "time_ms", "action", "categories",
                                                "services", "policy_version", "revision", "banner_hash",
                                                "ui_version", "language", "gpc", "source", "consent_key"};
  Parsed out;
  const json j = json_object_text(body, kMaxReceiptBytes);
  if (!j.is_object()) return {"the body is not one JSON object", {}, {}};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!kFields.count(it.key())) return {"unknown field \"" + it.key() + "\" (receipts carry no personal data)", {}, {}};
  const auto schema = j.find("receipt_schema");
  if (schema == j.end() || !schema->is_number_integer() || *schema != consent::kReceiptSchema)
    return {"receipt_schema must be 1", {}, {}};
  // The choices follow the record's rules: decode them as a record made at the receipt's time.
  json as_record = {{"schema", consent::kRecordSchema}};
  for (const char* k : {"consent_id", "policy_version", "revision", "categories", "services", "language", "gpc",
                        "action"})
    if (j.contains(k)) as_record[k] = j[k];
  if (j.contains("time_ms")) as_record["first_decision_ms"] = as_record["last_decision_ms"] = j["time_ms"];
  const consent::RecordDecode rec = consent::decode_record(config(), as_record.dump());
  if (!rec.ok()) return {"not a valid decision: " + std::string(rec.detail), {}, {}};
  ConsentReceipt& r = out.receipt;
  const auto text = [&j](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
  out.key = text("consent_key");
  if (j.contains("consent_key") && !consent::valid_consent_key(out.key))
    return {"consent_key must be 16..64 characters of [A-Za-z0-9_-]", {}, {}};
  r.source = j.contains("source") ? text("source") : "banner";
  if (r.source != "banner" && r.source != "store") return {"source must be banner or store", {}, {}};
  r.consent_id = rec.record.consent_id.str();
  r.time_ms = rec.record.last_decision_ms;
  r.action = std::string(consent::action_name(rec.record.action));
  r.choices_json = json{{"categories", j["categories"]}, {"services", j["services"]}}.dump();
  r.policy_version = rec.record.policy_version.str();
  r.revision = rec.record.revision;
  r.text_hash = text("banner_hash");
  r.ui_version = text("ui_version");
  r.language = rec.record.language.str();
  r.gpc = rec.record.gpc;
  out.problem = receipt_problem(r);
  return out;
}

// encodeURIComponent's encoding, as web/consent.js writes the cookie.
std::string uri_component(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                      std::string_view("-_.!~*'()").find(c) != std::string_view::npos;
    if (keep) out.push_back(c);
    else out += {'%', kHex[u >> 4], kHex[u & 15]};
  }
  return out;
}

// decodeURIComponent's decoding; nullopt for a broken escape (the cookie is then not ours to re-issue).
std::optional<std::string> uri_decode(std::string_view s) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// The consent cookie of the request, when it holds a record of `consent_id` that is valid now: re-issued with
// the rest of its validity as Max-Age. The cookie's value is percent-encoded as web/consent.js writes it (a
// value that is already plain JSON decodes to itself unless it holds a '%').
// Sec-GPC plays no part here, on purpose: a record made without GPC that grants analytics or marketing is
// re-issued even when the request carries Sec-GPC: 1. The record is the user's own choice, which the core never
// rewrites for the signal (core/consent.hpp, "GPC"): while GPC is sent the page denies those categories anyway
// (gpc_overrode) and may offer to confirm the opt-in again. Not re-issuing would deny nothing more; it would only
// let a browser's 7-day cap on script-set cookies cut the user's record short.
void reissue_cookie(const httplib::Request& req, httplib::Response& res, const std::string& consent_id) {
  const std::string header = req.get_header_value("Cookie");
  const std::string prefix = std::string(kCookie) + "=";
  std::size_t at = 0;
  while (at < header.size()) {
    const std::size_t end = std::min(header.find(';', at), header.size());
    std::string_view pair = std::string_view(header).substr(at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    at = end + 1;
    if (pair.substr(0, prefix.size()) != prefix) continue;
    const std::optional<std::string> value = uri_decode(pair.substr(prefix.size()));
    if (!value) return;
    const consent::RecordDecode rec = consent::decode_record(config(), *value);
    const consent::Validity v = consent::validity(config(), rec, now_ms());
    if (!v.valid || rec.record.consent_id != consent_id) return;
    const std::int64_t max_age_s = (v.expires_ms - now_ms()) / 1000;
    res.set_header("Set-Cookie", std::string(kCookie) + "=" + uri_component(*value) + "; Max-Age=" + std::to_string(max_age_s) +
                                     "; Path=/; SameSite=Lax");
    return;
  }
}

// Why a receipt's decision time cannot be true ("" when it can): the banner sends a receipt when the decision is
// made, and retries a queued one on later visits, so it may be late by up to kReceiptMaxAge but never early by
// more than a skewed clock explains.
std::string time_problem(std::int64_t time_ms, std::int64_t now) {
  if (time_ms > now + kReceiptMaxSkewMs) return "time_ms is in the future of the server's clock";
  if (time_ms < now - kReceiptMaxAgeMs) return "time_ms is more than 30 days before the server's clock";
  return "";
}

// Whether the receipt may join its consent id's history: its key proves the id, or the id is unused and the
// receipt comes from a banner older than keys. Otherwise 403 (or 503) is answered.
bool proven(db::Database& db, const Parsed& p, httplib::Response& res) {
  auto proof = prove_consent_id(db, p.receipt.consent_id, p.key);
  if (!proof) {
    log::error("consent receipt: " + proof.error().message);
    send_error(res, 503, "unavailable", "the receipt could not be stored; send it again later");
    return false;
  }
  if (proof.value() != ConsentProof::Refused) return true;
  send_error(res, 403, "consent_key_mismatch",
             "this consent id is held by another browser: a receipt for it needs the key kept in its record");
  return false;
}

void post_receipt(db::Database& db, const std::string& client_key, const httplib::Request& req, httplib::Response& res) {
  const RateLimit limit{"consent receipts", static_cast<std::int64_t>(kReceiptsPerMinute), 60};
  auto wait = take_client_rate(db, limit, client_key, req.remote_addr, now_ms() / 1000);
  if (!wait) {
    log::error("consent receipt: " + wait.error().message);
    res.set_header("Retry-After", "5");
    return send_error(res, 503, "unavailable", "the receipt could not be stored; send it again later");
  }
  if (wait.value() > 0) {
    res.set_header("Retry-After", std::to_string(wait.value()));
    return send_error(res, 429, "rate_limited", "too many consent receipts from this address; try again later");
  }
  const std::string type = req.get_header_value("Content-Type");
  const bool ok_type = type.rfind("text/plain", 0) == 0 || type.rfind("application/json", 0) == 0;
  if (!ok_type) return send_error(res, 415, "send the receipt as text/plain or application/json");
  if (req.body.size() > kMaxReceiptBytes) return send_error(res, 413, "a receipt is at most 16 KB");
  Parsed p = parse_receipt(req.body);
  if (p.problem.empty()) p.problem = time_problem(p.receipt.time_ms, now_ms());
  if (!p.problem.empty()) return send_error(res, 400, "bad_receipt", p.problem);
  // Stored as sent (it proves what the page showed, "gpc" included), plus what the request said: a receipt with
  // "gpc": false delivered with Sec-GPC: 1 was decided while the browser sent the signal the page did not see.
  p.receipt.gpc_header = sends_gpc(req);
  if (!proven(db, p, res)) return;
  auto stored = append_consent_receipt(db, p.receipt);
  if (!stored) {
    log::error("consent receipt: " + stored.error().message);
    return send_error(res, 503, "unavailable", "the receipt could not be stored; send it again later");
  }
  const ReceiptAppend& a = stored.value();
  if (a.outcome == ReceiptAppend::Outcome::Invalid) return send_error(res, 400, "bad_receipt", a.problem);
  reissue_cookie(req, res, p.receipt.consent_id);
  const bool fresh = a.outcome == ReceiptAppend::Outcome::Stored;
  send_json(res, fresh ? 201 : 200, json{{"id", a.id}, {"stored", fresh}}.dump());
}

void get_receipts(db::Database& db, std::string_view consent_id, httplib::Response& res) {
  if (!consent::valid_consent_id(consent_id)) return send_error(res, 400, "bad_consent_id", "not a consent id");
  auto rows = list_consent_receipts(db, consent_id);
  if (!rows) {
    log::error("consent receipts: " + rows.error().message);
    return send_error(res, 503, "unavailable", "the receipts could not be read");
  }
  json list = json::array();
  for (const StoredReceipt& s : rows.value()) {
    const ConsentReceipt& r = s.receipt;
    list.push_back({{"id", s.id}, {"received_ms", s.received_ms}, {"time_ms", r.time_ms}, {"source", r.source},
                    {"action", r.action}, {"choices", json::parse(r.choices_json, nullptr, false)},
                    {"policy_version", r.policy_version}, {"revision", r.revision}, {"text_hash", r.text_hash},
                    {"ui_version", r.ui_version}, {"language", r.language}, {"gpc", r.gpc},
                    {"gpc_header", r.gpc_header}});
  }
  send_json(res, 200, json{{"consent_id", consent_id}, {"receipts", list}}.dump());
}

// The GPC support resource (/.well-known/gpc.json): this origin abides by GPC requests. The same for everyone,
// so public and cacheable for a day, with an ETag.
void get_gpc_support(const httplib::Request& req, httplib::Response& res) {
  static const EncodedBody body =
      EncodedBody::make(json{{"gpc", true}, {"lastUpdate", kGpcLastUpdate}}.dump(), /*compressible=*/false);
  send_encoded(req, res, body, kJsonType, "public, max-age=86400");
}

}  // namespace

void add_consent_routes(Router& router, db::Database& db, const std::string& client_key) {
  router.get("/.well-known/gpc.json", [](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    get_gpc_support(req, res);
  });
  router.post("/api/consent/receipts",
              [&db, client_key](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
                post_receipt(db, client_key, req, res);
              });
  router.get("/api/consent/receipts/:consent_id",
             [&db](const httplib::Request&, httplib::Response& res, const RouteParams& p) {
               get_receipts(db, p.get("consent_id"), res);
             });
}

}  // namespace jupiter::server
