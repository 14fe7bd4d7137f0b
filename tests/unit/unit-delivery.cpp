#include <doctest/doctest.h>

#include <string>

#include "core/delivery.hpp"

using namespace jupiter;
using namespace jupiter::delivery;

namespace {
constexpr const char* kIphone174 =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1";
constexpr const char* kIphone173 =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3.1 Mobile/15E148 Safari/604.1";
constexpr const char* kIphone18 =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.0 Mobile/15E148 Safari/604.1";
constexpr const char* kAndroid =
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile "
    "Safari/537.36";
constexpr const char* kMac =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Safari/605.1.15";
constexpr const char* kLinuxChrome =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

Order delivered(const std::string& code, const std::string& confirmation = "") {
  Order o;
  o.id = "ord_test1";
  o.state = OrderState::Delivered;
  o.plan.validity_start = ValidityStart::Installation;
  OrderEsim e;
  e.iccid = "8988247000001234567";
  e.smdp = "smdp.example.com";
  e.matching_id = "ABC-123";
  e.activation_code = code;
  e.confirmation_code = confirmation;
  e.confirmation_required = !confirmation.empty();
  o.esim = e;
  return o;
}
}  // namespace

TEST_CASE("the device comes from the user agent") {
  const Device iphone = detect_device(kIphone174, 5);
  CHECK(iphone.platform == Platform::Iphone);
  CHECK(iphone.os_major == 17);
  CHECK(iphone.os_minor == 4);
  CHECK(supports_ios_install_link(iphone));
  CHECK_FALSE(supports_ios_install_link(detect_device(kIphone173, 5)));
  CHECK(supports_ios_install_link(detect_device(kIphone18, 5)));
  const Device android = detect_device(kAndroid, 5);
  CHECK(android.platform == Platform::Android);
  CHECK(android.os_major == 14);
  CHECK(detect_device(kMac, 0).platform == Platform::Desktop);
  CHECK(detect_device(kMac, 5).platform == Platform::Ipad);  // iPadOS asking for the desktop site
  CHECK_FALSE(supports_ios_install_link(detect_device(kMac, 5)));
  CHECK(detect_device(kLinuxChrome, 0).platform == Platform::Desktop);
  CHECK_FALSE(detect_device(kLinuxChrome, 0).mobile());
  SUBCASE("garbage and hostile strings give a desktop with no version") {
    CHECK(detect_device("", 0).platform == Platform::Desktop);
    const Device odd = detect_device("iPhone OS 99999999999999_", 1);
    CHECK(odd.platform == Platform::Iphone);
    CHECK(odd.os_major == 9999);  // bounded read, no overflow
    CHECK(detect_device("iPhone OS ", 1).os_major == 0);
  }
}

TEST_CASE("a delivered order's view: canonical code, manual details and the install path by platform") {
  const Order o = delivered("lpa:1$smdp.example.com$ABC-123");
  ViewOptions opts;
  opts.order_page_url = "http://127.0.0.1:8080/?order=ord_test1#t=secret";

  SUBCASE("iPhone on 17.4 gets the one-tap link with the percent-encoded code") {
    const DeliveryView v = make_view(o, detect_device(kIphone174, 5), opts);
    REQUIRE(v.ok);
    CHECK(v.activation_code == "LPA:1$smdp.example.com$ABC-123");
    CHECK(v.smdp_address == "smdp.example.com");
    CHECK(v.iccid == "8988247000001234567");
    CHECK(v.ios_link ==
          "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=LPA%3A1%24smdp.example.com%24ABC-123");
    CHECK(v.android_link.empty());
    CHECK(v.order_qr_url.empty());
    CHECK(v.guide == Guide::Ios);
    CHECK(v.validity_start == ValidityStart::Installation);
    CHECK(v.confirmation_code.empty());
  }
  SUBCASE("an older iPhone gets no link, only the QR and the manual details") {
    const DeliveryView v = make_view(o, detect_device(kIphone173, 5), opts);
    REQUIRE(v.ok);
    CHECK(v.ios_link.empty());
  }
  SUBCASE("Android: the link only with the setting on") {
    CHECK(make_view(o, detect_device(kAndroid, 5), opts).android_link.empty());
    opts.android_link = true;
    const DeliveryView v = make_view(o, detect_device(kAndroid, 5), opts);
    CHECK(v.android_link ==
          "https://esimsetup.android.com/esim_qrcode_provisioning?carddata=LPA%3A1%24smdp.example.com%24ABC-123");
    CHECK(v.guide == Guide::Android);
  }
  SUBCASE("desktop: a second QR that opens the order on the phone, both guides") {
    const DeliveryView v = make_view(o, detect_device(kLinuxChrome, 0), opts);
    REQUIRE(v.ok);
    CHECK(v.order_qr_url == opts.order_page_url);
    CHECK(v.ios_link.empty());
    CHECK(v.guide == Guide::Both);
  }
}

TEST_CASE("a confirmation code is shown only when the code requires one, and its absence is a support case") {
  const Device desktop = detect_device(kLinuxChrome, 0);
  const DeliveryView with = make_view(delivered("LPA:1$smdp.example.com$ABC-123$$1", "4711"), desktop, {});
  REQUIRE(with.ok);
  CHECK(with.confirmation_code == "4711");
  CHECK(with.activation_code == "LPA:1$smdp.example.com$ABC-123$$1");

  const DeliveryView not_needed = make_view(delivered("LPA:1$smdp.example.com$ABC-123", "4711"), desktop, {});
  REQUIRE(not_needed.ok);
  CHECK(not_needed.confirmation_code.empty());

  const DeliveryView missing = make_view(delivered("LPA:1$smdp.example.com$ABC-123$$1"), desktop, {});
  CHECK_FALSE(missing.ok);
  CHECK(missing.problem_kind == "missing_confirmation_code");
  CHECK(missing.problem.find("ord_test1") != std::string::npos);
}

TEST_CASE("an invalid activation code never becomes a QR or a link: a support-ready problem instead") {
  const Device iphone = detect_device(kIphone174, 5);
  for (const char* bad : {"", "LPA:2$smdp.example.com$X", "LPA:1$smdp.example.com$", "LPA:1$smdp$X",
                          "LPA:1$smdp.example.com$A B", "1$smdp.example.com$X"}) {
    INFO("code: ", bad);
    const DeliveryView v = make_view(delivered(bad), iphone, {});
    CHECK_FALSE(v.ok);
    CHECK(v.activation_code.empty());
    CHECK(v.ios_link.empty());
    CHECK(v.problem.find("ord_test1") != std::string::npos);
    CHECK_FALSE(v.problem_kind.empty());
  }
  Order none = delivered("LPA:1$smdp.example.com$X");
  none.esim.reset();
  CHECK(make_view(none, iphone, {}).problem_kind == "no_esim");
}
