// httplib_fwd.hpp: forward declarations of cpp-httplib's Request and Response, for headers that only name them.
#pragma once

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib
