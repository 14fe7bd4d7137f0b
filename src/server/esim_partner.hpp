// esim_partner.hpp: the store's side of the eSIM wholesaler that makes the profiles.
//
// Ordering is idempotent per order reference (a retry never makes a second ICCID). A profile is "pending" until
// the partner has it ready, then "ready" with the ICCID, SM-DP+ address, matching ID, optional confirmation code
// and the activation code as the partner wrote it (the store validates it with the core's SGP.22 parser). Once a phone
// has downloaded it, the profile also says when (installed_at): the store then stops showing the activation code
// after a while (provisioning.hpp).
//
// [X] SandboxPartner: our local sandbox (src/sandbox/partner) over HTTP.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "server/remote.hpp"

namespace jupiter::server {

struct EsimProfile {
  std::string id;      // the partner's profile id
  std::string status;  // "pending", "ready" or "cancelled" (cancel_profile: it can never be installed)
  std::string iccid;
  std::string smdp;
  std::string matching_id;
  std::string confirmation_code;  // "" when none
  std::string activation_code;    // as received: not trusted until parsed
  std::int64_t installed_at = 0;  // Unix seconds when a phone installed the profile; 0: not (yet) installed
};

class EsimPartner {
 public:
  virtual ~EsimPartner() = default;
  virtual Remote<EsimProfile> order_profile(const std::string& reference, const std::string& plan) = 0;
  virtual Remote<EsimProfile> get_profile(const std::string& profile_id) = 0;
  // See refused_as_installed below.
  virtual Remote<EsimProfile> cancel_profile(const std::string& profile_id) = 0;
};

// Cancelling a profile (issue 15, the refund of an eSIM never installed): EsimPartner::cancel_profile answers the
// profile with status "cancelled" (again for a profile already cancelled: safe to repeat after a failure), or a
// failure; refused_as_installed(failure) is true when the partner refused because a phone installed the profile
// (HTTP 409 already_installed): the partner's word on that is the atomic check before any money goes back.
bool refused_as_installed(const Remote<EsimProfile>& cancel);

std::unique_ptr<EsimPartner> make_sandbox_partner(std::string base_url);

}  // namespace jupiter::server
