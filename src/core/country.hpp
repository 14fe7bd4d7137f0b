// country.hpp: the set of assigned ISO 3166-1 alpha-2 codes (data, not I/O), used to validate coverage lists.
#pragma once
#include <string_view>

namespace jupiter {

// True when s is exactly two upper-case letters forming an officially assigned ISO 3166-1 alpha-2 code.
bool is_assigned_country_code(std::string_view s);

}  // namespace jupiter
