// store.cpp: see store.hpp.
#include "server/store.hpp"

#include <sqlite3.h>

#include <map>
#include <utility>

#include "server/clock.hpp"
#include "server/encoding.hpp"
#include "server/file_io.hpp"

namespace jupiter::server {

namespace {

db::Error corrupt(std::string what) {
  return db::Error{SQLITE_CORRUPT, "stored catalogue is inconsistent: " + std::move(what)};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] import (each step inside import_catalogue's transaction; statements prepared once per import)
// ---------------------------------------------------------------------------------------------------------
db::Status import_regions(db::Connection& c, const std::vector<Region>& regions) {
  DB_TRY_LET(db::Statement region, c.prepare("INSERT INTO regions(id, name, position) VALUES (?, ?, ?)"));
  for (std::size_t i = 0; i < regions.size(); ++i)
    DB_TRY(region.bind_all(regions[i].id, regions[i].name, static_cast<std::int64_t>(i)).run());
  return {};
}

db::Status import_destinations(db::Connection& c, const std::vector<Destination>& destinations) {
  DB_TRY_LET(db::Statement dest, c.prepare("INSERT INTO destinations(code, name, region, position) VALUES (?, ?, ?, ?)"));
  DB_TRY_LET(db::Statement alias, c.prepare("INSERT INTO destination_aliases(code, position, alias) VALUES (?, ?, ?)"));
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    const Destination& d = destinations[i];
    const std::string code = to_string(d.code);
    DB_TRY(dest.bind_all(code, d.name, d.region, static_cast<std::int64_t>(i)).run());
    for (std::size_t a = 0; a < d.aliases.size(); ++a)
      DB_TRY(alias.bind_all(code, static_cast<std::int64_t>(a), d.aliases[a]).run());
  }
  return {};
}

// The statements that write one plan and its child rows.
struct PlanWriters {
  db::Statement plan, coverage, network, price;
};

db::Result<PlanWriters> plan_writers(db::Connection& c) {
  DB_TRY_LET(db::Statement plan, c.prepare(
      "INSERT INTO plans(id, position, retired, name, scope, region, unlimited, data_mb, fair_use, validity_days,"
      "                  validity_start, features)"
      " VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT(id) DO UPDATE SET position = excluded.position, retired = 0, name = excluded.name,"
      "   scope = excluded.scope, region = excluded.region, unlimited = excluded.unlimited,"
      "   data_mb = excluded.data_mb, fair_use = excluded.fair_use, validity_days = excluded.validity_days,"
      "   validity_start = excluded.validity_start, features = excluded.features"));
  DB_TRY_LET(db::Statement coverage, c.prepare("INSERT INTO plan_coverage(plan_id, country) VALUES (?, ?)"));
  DB_TRY_LET(db::Statement network, c.prepare("INSERT INTO plan_networks(plan_id, position, name) VALUES (?, ?, ?)"));
  DB_TRY_LET(db::Statement price, c.prepare("INSERT INTO plan_prices(plan_id, currency, amount_minor) VALUES (?, ?, ?)"));
  return PlanWriters{std::move(plan), std::move(coverage), std::move(network), std::move(price)};
}

// Plan `p` at `position` with its coverage, networks and prices.
db::Status import_plan(PlanWriters& w, const Plan& p, std::size_t position) {
  DB_TRY(w.plan
             .bind_all(p.id, static_cast<std::int64_t>(position), p.name, scope_name(p.scope), p.region,
                       p.unlimited ? 1 : 0, p.data_mb, p.fair_use, p.validity_days,
                       validity_start_name(p.validity_start), static_cast<int>(p.features))
             .run());
  for (CountryCode cc : p.coverage) DB_TRY(w.coverage.bind_all(p.id, to_string(cc)).run());
  for (std::size_t n = 0; n < p.networks.size(); ++n)
    DB_TRY(w.network.bind_all(p.id, static_cast<std::int64_t>(n), p.networks[n]).run());
  for (Currency cur : kCurrencies)
    if (auto m = p.prices.get(cur)) DB_TRY(w.price.bind_all(p.id, currency_code(cur), m->minor).run());
  return {};
}

db::Status import_plans(db::Connection& c, const std::vector<Plan>& plans) {
  DB_TRY_LET(PlanWriters writers, plan_writers(c));
  for (std::size_t i = 0; i < plans.size(); ++i) DB_TRY(import_plan(writers, plans[i], i));
  return {};
}

db::Status import_rows(db::Connection& c, const Catalogue& cat, const std::string& source_path,
                       const std::string& sha256, std::size_t skipped) {
  DB_TRY(c.exec("DELETE FROM plan_coverage; DELETE FROM plan_networks; DELETE FROM plan_prices;"
                "DELETE FROM destination_aliases; DELETE FROM destinations; DELETE FROM regions;"
                "UPDATE plans SET retired = 1;"));
  DB_TRY(import_regions(c, cat.regions));
  DB_TRY(import_destinations(c, cat.destinations));
  DB_TRY(import_plans(c, cat.plans));
  return c.exec("INSERT INTO catalogue_meta(id, schema, version, notice, source_path, source_sha256,"
                "  skipped, imported_at)"
                " VALUES (1, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET schema = excluded.schema, version = excluded.version,"
                "   notice = excluded.notice, source_path = excluded.source_path,"
                "   source_sha256 = excluded.source_sha256, skipped = excluded.skipped, imported_at = excluded.imported_at",
                cat.schema, cat.version, cat.notice, source_path, sha256, static_cast<std::int64_t>(skipped),
                rfc3339(now_ms()));
}

db::Status import_catalogue(db::Connection& c, const Catalogue& cat, const std::string& source_path,
                            const std::string& sha256, std::size_t skipped) {
  return db::in_transaction(c, [&](db::Connection& t) { return import_rows(t, cat, source_path, sha256, skipped); });
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] load
// ---------------------------------------------------------------------------------------------------------
// Runs `sql` and calls `f(row)` for each row; `f` returns an empty string or what is wrong with the row.
template <class F>
db::Status each_checked(db::Connection& c, std::string_view sql, F&& f) {
  return c.query(sql).each([&f](const db::Row& r) -> db::Status {
    if (std::string bad = f(r); !bad.empty()) return corrupt(std::move(bad));
    return {};
  });
}

db::Status load_meta(db::Connection& c, Catalogue& cat) {
  DB_TRY_LET(const auto found, c.query("SELECT schema, version, notice FROM catalogue_meta WHERE id = 1")
                                   .one([&cat](const db::Row& r) {
                                     cat.schema = r.integer(0);
                                     cat.version = r.text(1);
                                     cat.notice = r.text(2);
                                     return true;
                                   }));
  if (!found) return db::Error{SQLITE_NOTFOUND, "no catalogue has been imported"};
  return {};
}

db::Status load_places(db::Connection& c, Catalogue& cat) {
  DB_TRY(c.query("SELECT id, name FROM regions ORDER BY position").each([&](const db::Row& r) {
    cat.regions.push_back({r.text(0), r.text(1)});
  }));
  std::map<std::string, std::vector<std::string>> aliases;
  DB_TRY(c.query("SELECT code, alias FROM destination_aliases ORDER BY code, position").each([&](const db::Row& r) {
    aliases[r.text(0)].push_back(r.text(1));
  }));
  return each_checked(c, "SELECT code, name, region FROM destinations ORDER BY position", [&](const db::Row& r) {
    const std::string code = r.text(0);
    auto cc = parse_country_code(code);
    if (!cc) return "destination code \"" + code + "\"";
    Destination d{*cc, r.text(1), r.text(2), {}};
    if (auto it = aliases.find(code); it != aliases.end()) d.aliases = std::move(it->second);
    cat.destinations.push_back(std::move(d));
    return std::string();
  });
}

// A plan row of load_plans' query into `p`; an empty string or what is wrong with it.
std::string read_plan(const db::Row& r, Plan& p) {
  p.id = r.text(0);
  p.name = r.text(1);
  const auto scope = parse_scope(r.text(2));
  if (!scope) return "scope of plan \"" + p.id + "\"";
  p.scope = *scope;
  p.region = r.text(3);
  p.unlimited = r.boolean(4);
  p.data_mb = r.int64(5);
  p.fair_use = r.text(6);
  p.validity_days = r.integer(7);
  const auto start = parse_validity_start(r.text(8));
  if (!start) return "validity_start of plan \"" + p.id + "\"";
  p.validity_start = *start;
  const std::int64_t features = r.int64(9);
  if (features < 0 || features > 0xff) return "features of plan \"" + p.id + "\"";
  p.features = static_cast<std::uint8_t>(features);
  return {};
}

// Coverage, networks and prices of the plans `plan_for` finds by id (nullptr: not an active plan, corrupt).
template <class PlanFor>
db::Status load_plan_children(db::Connection& c, PlanFor&& plan_for) {
  DB_TRY(each_checked(c, "SELECT plan_id, country FROM plan_coverage ORDER BY plan_id, country", [&](const db::Row& r) {
    Plan* p = plan_for(r.text(0));
    const auto cc = parse_country_code(r.text(1));
    if (!p || !cc) return "coverage row of plan \"" + r.text(0) + "\"";
    p->coverage.push_back(*cc);
    return std::string();
  }));
  DB_TRY(each_checked(c, "SELECT plan_id, name FROM plan_networks ORDER BY plan_id, position", [&](const db::Row& r) {
    Plan* p = plan_for(r.text(0));
    if (!p) return "network row of plan \"" + r.text(0) + "\"";
    p->networks.push_back(r.text(1));
    return std::string();
  }));
  return each_checked(c, "SELECT plan_id, currency, amount_minor FROM plan_prices", [&](const db::Row& r) {
    Plan* p = plan_for(r.text(0));
    const auto cur = parse_currency(r.text(1));
    if (!p || !cur) return "price row of plan \"" + r.text(0) + "\"";
    p->prices.set(*cur, r.int64(2));
    return std::string();
  });
}

// The active plans, then their child rows (those of retired plans are gone: an import deletes them all first).
db::Status load_plans(db::Connection& c, Catalogue& cat) {
  std::map<std::string, std::size_t> index;
  DB_TRY(each_checked(c,
                      "SELECT id, name, scope, region, unlimited, data_mb, fair_use, validity_days, validity_start, "
                      "features FROM plans WHERE retired = 0 ORDER BY position",
                      [&](const db::Row& r) {
                        Plan p;
                        if (std::string bad = read_plan(r, p); !bad.empty()) return bad;
                        index.emplace(p.id, cat.plans.size());
                        cat.plans.push_back(std::move(p));
                        return std::string();
                      }));
  auto plan_for = [&](const std::string& id) -> Plan* {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &cat.plans[it->second];
  };
  return load_plan_children(c, plan_for);
}

db::Result<Catalogue> load(db::Connection& c) {
  Catalogue cat;
  DB_TRY(load_meta(c, cat));
  DB_TRY(load_places(c, cat));
  DB_TRY(load_plans(c, cat));
  cat.reindex();
  return cat;
}

// `out` (with the file's sha256) once `decoded`, read from `path`, is imported: what it holds, or what failed.
CatalogueSync imported(db::Database& database, const std::string& path, CatalogueDecode decoded, CatalogueSync out) {
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

  return imported(database, path, std::move(decoded), std::move(out));
}

db::Result<Catalogue> load_catalogue(db::Database& database) {
  return database.with([](db::Connection& c) { return load(c); });
}

}  // namespace jupiter::server
