// remote.hpp: the answer of a call to another company's API (payment processor, eSIM partner): a value, or why
// there is none. `retryable` separates "try again later" (network, 5xx) from "this will not work" (4xx).
#pragma once
#include <optional>
#include <string>
#include <utility>

namespace jupiter::server {

template <class T>
struct Remote {
  std::optional<T> value;
  std::string error;  // when there is no value: for logs, never shown to buyers
  bool retryable = false;

  bool ok() const { return value.has_value(); }
  static Remote success(T v) { return Remote{std::move(v), {}, false}; }
  static Remote failure(std::string why, bool retry) { return Remote{std::nullopt, std::move(why), retry}; }
};

}  // namespace jupiter::server
