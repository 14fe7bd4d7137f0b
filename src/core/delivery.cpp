// delivery.cpp: see delivery.hpp.
#include "core/delivery.hpp"

#include <cctype>

namespace jupiter::delivery {

namespace {

// Reads "<major>[_.]<minor>" at the start of s; missing parts stay 0. Bounded: at most 4 digits per part.
void read_version(std::string_view s, int& major, int& minor) {
  auto number = [&s](int& out) {
    int n = 0, digits = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.front())) && digits < 4) {
      n = n * 10 + (s.front() - '0');
      s.remove_prefix(1);
      ++digits;
    }
    if (digits) out = n;
    return digits > 0;
  };
  if (!number(major)) return;
  if (!s.empty() && (s.front() == '_' || s.front() == '.')) {
    s.remove_prefix(1);
    number(minor);
  }
}

// The text right after `token` in ua, or npos-empty when absent.
std::optional<std::string_view> after(std::string_view ua, std::string_view token) {
  const auto pos = ua.find(token);
  if (pos == std::string_view::npos) return std::nullopt;
  return ua.substr(pos + token.size());
}

}  // namespace

Device detect_device(std::string_view ua, int max_touch_points) {
  Device d;
  if (ua.find("iPhone") != std::string_view::npos) {
    d.platform = Platform::Iphone;
    if (auto v = after(ua, "iPhone OS ")) read_version(*v, d.os_major, d.os_minor);
  } else if (ua.find("iPad") != std::string_view::npos) {
    d.platform = Platform::Ipad;
    if (auto v = after(ua, "CPU OS ")) read_version(*v, d.os_major, d.os_minor);
  } else if (ua.find("Android") != std::string_view::npos) {
    d.platform = Platform::Android;
    if (auto v = after(ua, "Android ")) read_version(*v, d.os_major, d.os_minor);
  } else if (ua.find("Macintosh") != std::string_view::npos && max_touch_points > 1) {
    d.platform = Platform::Ipad;
  } else if (ua.find("Mobile") != std::string_view::npos) {
    d.platform = Platform::OtherMobile;
  }
  return d;
}

bool supports_ios_install_link(const Device& d) {
  return d.platform == Platform::Iphone && (d.os_major > 17 || (d.os_major == 17 && d.os_minor >= 4));
}

DeliveryView make_view(const Order& order, const Device& device, const ViewOptions& options) {
  DeliveryView v;
  v.validity_start = order.plan.validity_start;
  if (!order.esim) {
    v.problem = "Order " + order.id + ": no eSIM details yet";
    v.problem_kind = "no_esim";
    return v;
  }
  const OrderEsim& esim = *order.esim;
  const ActivationCodeResult parsed = parse_activation_code(esim.activation_code);
  if (!parsed.ok()) {
    v.problem = "Order " + order.id + ": the activation code failed validation (" +
                std::string(activation_code_error_name(parsed.error.kind)) + "): " + parsed.error.message;
    v.problem_kind = std::string(activation_code_error_name(parsed.error.kind));
    return v;
  }
  if (parsed.code->confirmation_code_required && esim.confirmation_code.empty()) {
    v.problem = "Order " + order.id + ": the activation code requires a confirmation code, and none was delivered";
    v.problem_kind = "missing_confirmation_code";
    return v;
  }
  v.ok = true;
  v.code = *parsed.code;
  v.activation_code = v.code.to_string();
  v.smdp_address = v.code.smdp_address;
  v.iccid = esim.iccid;
  if (v.code.confirmation_code_required) v.confirmation_code = esim.confirmation_code;
  if (supports_ios_install_link(device)) v.ios_link = ios_install_link(v.code);
  if (device.platform == Platform::Android && options.android_link)
    v.android_link = std::string(kAndroidInstallLinkBase) + percent_encode_for_url(v.activation_code);
  if (!device.mobile()) v.order_qr_url = options.order_page_url;
  switch (device.platform) {
    case Platform::Iphone:
    case Platform::Ipad: v.guide = Guide::Ios; break;
    case Platform::Android: v.guide = Guide::Android; break;
    default: v.guide = Guide::Both; break;
  }
  return v;
}

}  // namespace jupiter::delivery
