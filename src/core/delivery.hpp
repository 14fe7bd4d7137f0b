// delivery.hpp: what the eSIM delivery screen shows for a delivered order, decided without any UI.
//
// Input: the order's eSIM details as the backend sent them, the plan's validity rule, the device the page runs on
// (from the user agent, detected here from the string the platform layer passes in) and the order page's URL.
// Output: a DeliveryView value: either a validated activation code with everything derived from it (QR payload,
// install links by platform, manual details), or a support-ready problem. An activation code that fails SGP.22
// validation, or one that needs a confirmation code the order does not have, never becomes a QR or a link.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/activation_code.hpp"
#include "core/catalogue.hpp"
#include "core/order.hpp"

namespace jupiter::delivery {

// ---------------------------------------------------------------------------------------------------------
// Device
// ---------------------------------------------------------------------------------------------------------
enum class Platform : std::uint8_t { Desktop = 0, Iphone, Ipad, Android, OtherMobile };

struct Device {
  Platform platform = Platform::Desktop;
  int os_major = 0;  // iOS/iPadOS or Android version when the user agent says it, else 0
  int os_minor = 0;
  bool mobile() const { return platform != Platform::Desktop; }
};

// From navigator.userAgent and navigator.maxTouchPoints. iPadOS 13+ asks for desktop sites and says "Macintosh":
// a Mac user agent with more than one touch point is taken as an iPad (version unknown).
Device detect_device(std::string_view user_agent, int max_touch_points);

// The iOS one-tap install link needs an iPhone on iOS 17.4 or later.
bool supports_ios_install_link(const Device& d);

// ---------------------------------------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------------------------------------
// Google's link form; Android does not document it, so the screen offers it only behind a setting.
inline constexpr std::string_view kAndroidInstallLinkBase =
    "https://esimsetup.android.com/esim_qrcode_provisioning?carddata=";

enum class Guide : std::uint8_t { Ios = 0, Android, Both };

struct DeliveryView {
  bool ok = false;
  // When !ok: what support needs (English, with the order id) and the parser's error kind name.
  std::string problem;
  std::string problem_kind;

  // When ok:
  ActivationCode code;
  std::string activation_code;    // canonical "LPA:1$..." (the QR payload and the Copy button's text)
  std::string smdp_address;
  std::string iccid;
  std::string confirmation_code;  // shown only when the code requires one ("" otherwise)
  std::string ios_link;           // non-empty only on an iPhone with iOS 17.4+
  std::string android_link;       // non-empty only on Android with the setting on
  std::string order_qr_url;       // desktop: a second QR that opens this order's page on the phone
  ValidityStart validity_start = ValidityStart::Unknown;
  Guide guide = Guide::Both;      // which install guide to open first
};

struct ViewOptions {
  bool android_link = false;     // the "undocumented Android link" setting
  std::string order_page_url;    // absolute URL of this order's page (with its secret): for the desktop QR
};

DeliveryView make_view(const Order& order, const Device& device, const ViewOptions& options);

}  // namespace jupiter::delivery
