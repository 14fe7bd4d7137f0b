// api-outbox.cpp: the e-mails in data/outbox: order confirmation on payment, eSIM delivery with the QR as a PNG
// and the manual details, and "Resend" (same profile, rate-limited).
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdio>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

httplib::Result resend(const Shop& shop, const Created& c) {
  return shop.store->client().Post(("/api/orders/" + c.id + "/resend").c_str(), {{"Authorization", "Bearer " + c.token}},
                                   "", "application/json");
}

// The text/plain part of a mail.
std::string text_of(const std::string& mail) {
  const auto parts = mime_parts(mail, "text/plain");
  return parts.empty() ? std::string() : parts[0];
}

}  // namespace

TEST_CASE("payment and delivery write a confirmation and an eSIM e-mail with the QR as a PNG") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const json o = shop.order(c);
  const std::string confirmation = shop.wait_for_mail(c.id + "-confirmation.eml");
  REQUIRE_FALSE(confirmation.empty());
  CHECK(confirmation.find("To: ada@example.com") != std::string::npos);
  CHECK(confirmation.find("MIME-Version: 1.0") != std::string::npos);
  const std::string ctext = text_of(confirmation);
  CHECK(ctext.find(c.id) != std::string::npos);
  CHECK(ctext.find("12.99 USD") != std::string::npos);
  CHECK(ctext.find("ending in 4242") != std::string::npos);
  CHECK(ctext.find("/?order=" + c.id + "#t=" + c.token) != std::string::npos);  // the secret link, in the fragment
  CHECK(mime_parts(confirmation, "text/html").size() == 1);

  const std::string delivery = shop.wait_for_mail(c.id + "-delivery.eml");
  REQUIRE_FALSE(delivery.empty());
  const std::string dtext = text_of(delivery);
  CHECK(dtext.find(o["esim"]["activation_code"].get<std::string>()) != std::string::npos);
  CHECK(dtext.find(o["esim"]["smdp"].get<std::string>()) != std::string::npos);
  CHECK(dtext.find(o["esim"]["iccid"].get<std::string>()) != std::string::npos);
  CHECK(dtext.find("Plan: Japan 5 GB (validity starts: first_connection)") != std::string::npos);
  CHECK(delivery.find("Content-Disposition: attachment; filename=\"esim-qr.png\"") != std::string::npos);
  const auto pngs = mime_parts(delivery, "image/png");
  REQUIRE(pngs.size() == 2);  // inline for the HTML, and attached
  CHECK(pngs[0] == pngs[1]);
  const std::string& png = pngs[0];
  REQUIRE(png.size() > 33);
  CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(png.substr(12, 4) == "IHDR");
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) | (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  CHECK(be32(16) == be32(20));          // square
  CHECK(be32(16) % 8 == 0);             // whole 8-pixel modules
  CHECK(be32(16) >= (21 + 8) * 8);      // at least version 1 plus the quiet zone
  CHECK(png.find("IEND") != std::string::npos);
  SUBCASE("an independent decoder (zbarimg) reads exactly the activation code") {
    const fs::path file = shop.dir / "qr.png";
    write_file(file, png);
    std::string decoded;
    FILE* pipe = popen(("zbarimg --quiet --raw '" + file.string() + "' 2>/dev/null").c_str(), "r");
    REQUIRE(pipe);
    char buffer[512];
    while (const std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) decoded.append(buffer, n);
    CHECK(pclose(pipe) == 0);
    while (!decoded.empty() && decoded.back() == '\n') decoded.pop_back();
    CHECK(decoded == o["esim"]["activation_code"].get<std::string>());
  }
  for (const auto& [name, mail] : shop.outbox()) CHECK(mail.find("4242424242424242") == std::string::npos);
}

TEST_CASE("resend sends the same profile again, at most once a minute") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const std::string iccid = shop.order(c)["esim"]["iccid"];
  auto first = resend(shop, c);
  REQUIRE(first);
  CHECK(first->status == 202);
  CHECK(json::parse(first->body) == json({{"sent", true}}));
  const std::string again = shop.wait_for_mail(c.id + "-resend.eml");
  REQUIRE_FALSE(again.empty());
  CHECK(text_of(again).find(iccid) != std::string::npos);
  CHECK(mime_parts(again, "image/png").size() == 2);
  CHECK(shop.order(c)["esim"]["iccid"] == iccid);  // no new profile

  auto second = resend(shop, c);
  REQUIRE(second);
  CHECK(second->status == 429);
  CHECK(json_error_code(second->body) == "rate_limited");
  CHECK(std::stoi(second->get_header_value("Retry-After")) > 0);
  std::size_t resends = 0;
  for (const auto& [name, mail] : shop.outbox()) resends += name.find("-resend.eml") != std::string::npos;
  CHECK(resends == 1);
}

TEST_CASE("resend is only for delivered orders and needs the token") {
  Shop shop;
  const Created c = shop.create();
  auto early = resend(shop, c);
  REQUIRE(early);
  CHECK(early->status == 409);
  CHECK(json_error_code(early->body) == "not_delivered");
  auto wrong = shop.store->client().Post(("/api/orders/" + c.id + "/resend").c_str(), {{"Authorization", "Bearer x"}},
                                         "", "application/json");
  REQUIRE(wrong);
  CHECK(wrong->status == 404);
}

TEST_CASE("the data folder is 0700 and every file the server writes in it is 0600 (personal data and secrets)") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  REQUIRE_FALSE(shop.wait_for_mail(c.id + "-delivery.eml").empty());
  const auto mode = [](const fs::path& p) { return fs::status(p).permissions() & fs::perms::all; };
  CHECK(mode(shop.data_dir) == fs::perms::owner_all);
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(shop.data_dir)) {
    CAPTURE(entry.path().string());
    if (entry.is_directory()) CHECK((mode(entry.path()) & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
    if (!entry.is_regular_file()) continue;
    ++files;
    CHECK((mode(entry.path()) & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  }
  CHECK(files >= 4);  // the database, its WAL, the token secret and the outbox's e-mails at least
  if (on_postgres()) skipped_on_postgres("the SQLite file's mode (the database is the cluster's; its files are its own)");
  else CHECK(fs::exists(shop.data_dir / "jupiter.sqlite3"));
}
