// store.cpp: see store.hpp.
#include "server/store.hpp"

#include <sqlite3.h>

#include <map>
#include <utility>

#include "server/encoding.hpp"
#include "server/file_io.hpp"

namespace jupiter::server {

namespace {

// Runs `sql` once with `args` bound to its parameters.
template <class... Args>
db::Status run(db::Connection& c, std::string_view sql, const Args&... args) {
  auto stmt = c.prepare(sql);
  if (!stmt) return stmt.error();
  return stmt.value().bind_all(args...).run();
}

db::Error corrupt(std::string what) {
  return db::Error{SQLITE_CORRUPT, "stored catalogue is inconsistent: " + std::move(what)};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] import
// ---------------------------------------------------------------------------------------------------------
db::Status import_catalogue(db::Connection& c, const Catalogue& cat, const std::string& source_path,
                            const std::string& sha256, std::size_t skipped) {
  auto tx = db::Transaction::begin(c);
  if (!tx) return tx.error();

  if (db::Status s = c.exec("DELETE FROM plan_coverage; DELETE FROM plan_networks; DELETE FROM plan_prices;"
                            "DELETE FROM destination_aliases; DELETE FROM destinations; DELETE FROM regions;"
                            "UPDATE plans SET retired = 1;");
      !s)
    return s;

  auto region = c.prepare("INSERT INTO regions(id, name, position) VALUES (?, ?, ?)");
  if (!region) return region.error();
  for (std::size_t i = 0; i < cat.regions.size(); ++i) {
    const Region& r = cat.regions[i];
    if (db::Status s = region.value().bind_all(r.id, r.name, static_cast<std::int64_t>(i)).run(); !s) return s;
  }

  auto dest = c.prepare("INSERT INTO destinations(code, name, region, position) VALUES (?, ?, ?, ?)");
  auto alias = c.prepare("INSERT INTO destination_aliases(code, position, alias) VALUES (?, ?, ?)");
  if (!dest) return dest.error();
  if (!alias) return alias.error();
  for (std::size_t i = 0; i < cat.destinations.size(); ++i) {
    const Destination& d = cat.destinations[i];
    const std::string code = to_string(d.code);
    if (db::Status s = dest.value().bind_all(code, d.name, d.region, static_cast<std::int64_t>(i)).run(); !s)
      return s;
    for (std::size_t a = 0; a < d.aliases.size(); ++a)
      if (db::Status s = alias.value().bind_all(code, static_cast<std::int64_t>(a), d.aliases[a]).run(); !s)
        return s;
  }

  auto plan = c.prepare(
      "INSERT INTO plans(id, position, retired, name, scope, region, unlimited, data_mb, fair_use, validity_days,"
      "                  validity_start, features)"
      " VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT(id) DO UPDATE SET position = excluded.position, retired = 0, name = excluded.name,"
      "   scope = excluded.scope, region = excluded.region, unlimited = excluded.unlimited,"
      "   data_mb = excluded.data_mb, fair_use = excluded.fair_use, validity_days = excluded.validity_days,"
      "   validity_start = excluded.validity_start, features = excluded.features");
  auto coverage = c.prepare("INSERT INTO plan_coverage(plan_id, country) VALUES (?, ?)");
  auto network = c.prepare("INSERT INTO plan_networks(plan_id, position, name) VALUES (?, ?, ?)");
  auto price = c.prepare("INSERT INTO plan_prices(plan_id, currency, amount_minor) VALUES (?, ?, ?)");
  if (!plan) return plan.error();
  if (!coverage) return coverage.error();
  if (!network) return network.error();
  if (!price) return price.error();
  for (std::size_t i = 0; i < cat.plans.size(); ++i) {
    const Plan& p = cat.plans[i];
    db::Status s = plan.value()
                       .bind_all(p.id, static_cast<std::int64_t>(i), p.name, scope_name(p.scope), p.region,
                                 p.unlimited ? 1 : 0, p.data_mb, p.fair_use, p.validity_days,
                                 validity_start_name(p.validity_start), static_cast<int>(p.features))
                       .run();
    if (!s) return s;
    for (CountryCode cc : p.coverage)
      if (s = coverage.value().bind_all(p.id, to_string(cc)).run(); !s) return s;
    for (std::size_t n = 0; n < p.networks.size(); ++n)
      if (s = network.value().bind_all(p.id, static_cast<std::int64_t>(n), p.networks[n]).run(); !s) return s;
    for (Currency cur : kCurrencies)
      if (auto m = p.prices.get(cur))
        if (s = price.value().bind_all(p.id, currency_code(cur), m->minor).run(); !s) return s;
  }

  db::Status s = run(c,
                     "INSERT OR REPLACE INTO catalogue_meta(id, schema, version, notice, source_path, source_sha256,"
                     "  skipped, imported_at)"
                     " VALUES (1, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                     cat.schema, cat.version, cat.notice, source_path, sha256, static_cast<std::int64_t>(skipped));
  if (!s) return s;
  return tx.value().commit();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] load
// ---------------------------------------------------------------------------------------------------------
db::Result<Catalogue> load(db::Connection& c) {
  Catalogue cat;
  {
    auto meta = c.prepare("SELECT schema, version, notice FROM catalogue_meta WHERE id = 1");
    if (!meta) return meta.error();
    auto row = meta.value().step();
    if (!row) return row.error();
    if (!row.value()) return db::Error{SQLITE_NOTFOUND, "no catalogue has been imported"};
    cat.schema = static_cast<int>(meta.value().column_int64(0));
    cat.version = meta.value().column_text(1);
    cat.notice = meta.value().column_text(2);
  }

  // Runs `sql` and calls `f(stmt)` for each row; `f` returns an empty string or what is wrong with the row.
  auto each = [&c](std::string_view sql, auto&& f) -> db::Status {
    auto stmt = c.prepare(sql);
    if (!stmt) return stmt.error();
    for (;;) {
      auto row = stmt.value().step();
      if (!row) return row.error();
      if (!row.value()) return {};
      if (std::string bad = f(stmt.value()); !bad.empty()) return corrupt(std::move(bad));
    }
  };

  db::Status s = each("SELECT id, name FROM regions ORDER BY position", [&](db::Statement& st) {
    cat.regions.push_back({st.column_text(0), st.column_text(1)});
    return std::string();
  });
  if (!s) return s.error();

  std::map<std::string, std::vector<std::string>> aliases;
  s = each("SELECT code, alias FROM destination_aliases ORDER BY code, position", [&](db::Statement& st) {
    aliases[st.column_text(0)].push_back(st.column_text(1));
    return std::string();
  });
  if (!s) return s.error();
  s = each("SELECT code, name, region FROM destinations ORDER BY position", [&](db::Statement& st) {
    const std::string code = st.column_text(0);
    auto cc = parse_country_code(code);
    if (!cc) return "destination code \"" + code + "\"";
    Destination d{*cc, st.column_text(1), st.column_text(2), {}};
    if (auto it = aliases.find(code); it != aliases.end()) d.aliases = std::move(it->second);
    cat.destinations.push_back(std::move(d));
    return std::string();
  });
  if (!s) return s.error();

  std::map<std::string, std::size_t> plan_index;
  s = each(
      "SELECT id, name, scope, region, unlimited, data_mb, fair_use, validity_days, validity_start, features"
      " FROM plans WHERE retired = 0 ORDER BY position",
      [&](db::Statement& st) {
        Plan p;
        p.id = st.column_text(0);
        p.name = st.column_text(1);
        const auto scope = parse_scope(st.column_text(2));
        if (!scope) return "scope of plan \"" + p.id + "\"";
        p.scope = *scope;
        p.region = st.column_text(3);
        p.unlimited = st.column_int64(4) != 0;
        p.data_mb = st.column_int64(5);
        p.fair_use = st.column_text(6);
        p.validity_days = static_cast<int>(st.column_int64(7));
        const auto start = parse_validity_start(st.column_text(8));
        if (!start) return "validity_start of plan \"" + p.id + "\"";
        p.validity_start = *start;
        const std::int64_t features = st.column_int64(9);
        if (features < 0 || features > 0xff) return "features of plan \"" + p.id + "\"";
        p.features = static_cast<std::uint8_t>(features);
        plan_index.emplace(p.id, cat.plans.size());
        cat.plans.push_back(std::move(p));
        return std::string();
      });
  if (!s) return s.error();

  // Child rows of retired plans are gone (an import deletes them all before inserting the new ones).
  auto plan_for = [&](const std::string& id) -> Plan* {
    auto it = plan_index.find(id);
    return it == plan_index.end() ? nullptr : &cat.plans[it->second];
  };
  s = each("SELECT plan_id, country FROM plan_coverage ORDER BY plan_id, country", [&](db::Statement& st) {
    Plan* p = plan_for(st.column_text(0));
    const auto cc = parse_country_code(st.column_text(1));
    if (!p || !cc) return "coverage row of plan \"" + st.column_text(0) + "\"";
    p->coverage.push_back(*cc);
    return std::string();
  });
  if (!s) return s.error();
  s = each("SELECT plan_id, name FROM plan_networks ORDER BY plan_id, position", [&](db::Statement& st) {
    Plan* p = plan_for(st.column_text(0));
    if (!p) return "network row of plan \"" + st.column_text(0) + "\"";
    p->networks.push_back(st.column_text(1));
    return std::string();
  });
  if (!s) return s.error();
  s = each("SELECT plan_id, currency, amount_minor FROM plan_prices", [&](db::Statement& st) {
    Plan* p = plan_for(st.column_text(0));
    const auto cur = parse_currency(st.column_text(1));
    if (!p || !cur) return "price row of plan \"" + st.column_text(0) + "\"";
    p->prices.set(*cur, st.column_int64(2));
    return std::string();
  });
  if (!s) return s.error();

  cat.reindex();
  return cat;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] public
// ---------------------------------------------------------------------------------------------------------
CatalogueSync sync_catalogue(db::Database& database, const std::filesystem::path& file) {
  CatalogueSync out;
  const std::string path = file.string();

  auto stored = database.with([](db::Connection& c) {
    return c.query_text("SELECT source_sha256 FROM catalogue_meta WHERE id = 1");
  });
  if (!stored) {
    out.error = "database: " + stored.error().message;
    return out;
  }
  const std::optional<std::string> stored_sha = stored.value();

  // Without a stored catalogue a bad file is fatal; with one, it is a warning and the stored one is served.
  auto unusable = [&](std::string why) {
    if (stored_sha) {
      out.ok = true;
      out.outcome = CatalogueSync::Outcome::KeptStored;
      out.warning = "catalogue " + path + ": " + why + "; serving the catalogue imported earlier";
    } else {
      out.error = "catalogue " + path + ": " + why;
    }
    return out;
  };

  FileRead read = read_file(file, kMaxCatalogueBytes);
  if (!read.ok) return unusable("cannot read it: " + read.error);
  out.sha256 = sha256_hex(read.data);
  if (stored_sha && *stored_sha == out.sha256) {
    out.ok = true;
    out.outcome = CatalogueSync::Outcome::Unchanged;
    return out;
  }

  CatalogueDecode decoded = decode_catalogue(read.data);
  if (!decoded.ok) return unusable(decoded.error);
  if (decoded.catalogue.plans.empty())
    return unusable("no valid plan in it (" + std::to_string(decoded.skipped.size()) + " entries skipped)");

  const Catalogue& cat = decoded.catalogue;
  db::Status s = database.with([&](db::Connection& c) {
    return import_catalogue(c, cat, path, out.sha256, decoded.skipped.size());
  });
  if (!s) {
    out.error = "importing catalogue " + path + ": " + s.error().message;
    return out;
  }
  auto retired = database.with(
      [](db::Connection& c) { return c.query_int64("SELECT count(*) FROM plans WHERE retired = 1"); });
  if (!retired) {
    out.error = "database: " + retired.error().message;
    return out;
  }
  out.ok = true;
  out.outcome = CatalogueSync::Outcome::Imported;
  out.regions = cat.regions.size();
  out.destinations = cat.destinations.size();
  out.plans = cat.plans.size();
  out.retired_plans = static_cast<std::size_t>(retired.value().value_or(0));
  out.skipped = std::move(decoded.skipped);
  return out;
}

db::Result<Catalogue> load_catalogue(db::Database& database) {
  return database.with([](db::Connection& c) { return load(c); });
}

}  // namespace jupiter::server
