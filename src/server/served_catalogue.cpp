// served_catalogue.cpp: see served_catalogue.hpp.
#include "server/served_catalogue.hpp"

#include "server/body_cache.hpp"
#include "server/log.hpp"
#include "server/store.hpp"

namespace jupiter::server {

ServedCatalogue::ServedCatalogue(db::Database& db, std::filesystem::path cache_dir)
    : db_(db), cache_dir_(std::move(cache_dir)) {}

ServedCatalogue::~ServedCatalogue() { stop(); }

db::Result<std::optional<std::string>> ServedCatalogue::stored_version() {
  return db_.with([](db::Connection& c) { return c.query_text("SELECT source_sha256 FROM catalogue_meta WHERE id = 1"); });
}

db::Result<std::size_t> ServedCatalogue::load() {
  // The version first: an import between the two reads makes the next refresh load once more, never miss one.
  DB_TRY_LET(const std::optional<std::string> version, stored_version());
  DB_TRY_LET(const Catalogue catalogue, load_catalogue(db_));
  auto body = std::make_shared<const EncodedBody>(make_cached_body(encode_catalogue(catalogue), cache_dir_, "catalogue"));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = std::move(body);
  }
  version_ = version.value_or("");
  return catalogue.plans.size();
}

std::shared_ptr<const EncodedBody> ServedCatalogue::body() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return body_;
}

bool ServedCatalogue::refresh() {
  auto version = stored_version();
  if (!version) return log::error("catalogue: refresh: " + version.error().message), false;
  if (version.value().value_or("") == version_) return false;
  auto plans = load();
  if (!plans) return log::error("catalogue: refresh: " + plans.error().message), false;
  log::info("catalogue: another process imported version " + version_.substr(0, 12) + ": serving its " +
            std::to_string(plans.value()) + " plans");
  return true;
}

void ServedCatalogue::start(std::chrono::milliseconds period) { loop_.start(period, [this] { refresh(); }); }

void ServedCatalogue::stop() { loop_.stop(); }

}  // namespace jupiter::server
