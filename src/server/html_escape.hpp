// html_escape.hpp: escaping text for HTML bodies and attribute values, shared by the server's pages and e-mails
// and the sandboxes' pages (it lives in the small jupiter_server_common library, not behind a page).
#pragma once
#include <string>
#include <string_view>

namespace jupiter::server {

// `s` with & < > " ' replaced by their entities; safe inside element text and single- or double-quoted
// attribute values. Any byte string in, the same bytes out apart from those five.
std::string html_escape(std::string_view s);

}  // namespace jupiter::server
