// fixtures.hpp: small catalogues written in the tests themselves, so they do not depend on the sample data.
#pragma once
#include <string>

namespace fixtures {

inline std::string plan_json(const std::string& id, const std::string& coverage, const std::string& extra = "",
                             const std::string& data = R"({"mb":5120})", int days = 30,
                             const std::string& prices = R"({"USD":1299,"EUR":1199,"GBP":1049})") {
  return R"({"id":")" + id + R"(","name":"Plan )" + id + R"(","scope":"local","coverage":[)" + coverage +
         R"(],"networks":["Testnet"],"data":)" + data + R"(,"validity_days":)" + std::to_string(days) +
         R"(,"validity_start":"first_connection","prices":)" + prices + extra + "}";
}

inline std::string catalogue_json(const std::string& plans) {
  return R"({"schema":1,"version":"t1","notice":"test data","regions":[{"id":"europe","name":"Europe"},{"id":"asia","name":"Asia"},{"id":"oceania","name":"Oceania"}],
  "destinations":[
    {"code":"JP","name":"Japan","region":"asia","aliases":["Nippon"]},
    {"code":"AT","name":"Austria","region":"europe"},
    {"code":"AU","name":"Australia","region":"oceania"},
    {"code":"GB","name":"United Kingdom","region":"europe","aliases":["UK","Great Britain","England"]},
    {"code":"NL","name":"Netherlands","region":"europe","aliases":["Holland"]},
    {"code":"CW","name":"Curaçao","region":"europe"},
    {"code":"IS","name":"Iceland","region":"europe"},
    {"code":"IE","name":"Ireland","region":"europe"},
    {"code":"CZ","name":"Czechia","region":"europe","aliases":["Czech Republic"]}
  ],
  "plans":[)" + plans + "]}";
}

}  // namespace fixtures
