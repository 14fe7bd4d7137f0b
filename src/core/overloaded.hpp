// overloaded.hpp: one lambda per alternative for std::visit. Without a catch-all lambda, a variant alternative
// that no lambda takes is a compile error, so a new action or effect cannot be forgotten silently.
#pragma once

namespace jupiter {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

}  // namespace jupiter
