// esim_partner.hpp: the store's side of the eSIM wholesaler that makes the profiles.
//
// Ordering is idempotent per order reference (a retry never makes a second ICCID). A profile is "pending" until
// the partner has it ready, then "ready" with the ICCID, SM-DP+ address, matching ID, optional confirmation code
// and the activation code as the partner wrote it (the store validates it with the core's SGP.22 parser). Once a phone
// has downloaded it, the profile also says when (installed_at): the store then stops showing the activation code
// after a while (provisioning.hpp).
// A ready profile also has its usage (data used of the total, validity end) and takes top-ups: more data and more
// days on the same profile (same ICCID, no new activation code), applied once per top-up order reference.
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

// The plan's size as sold, so that the partner counts the profile's totals.
struct ProfileSize {
  std::int64_t data_mb = 0;  // 0 = unlimited
  int validity_days = 0;
};

// A ready profile's usage as the partner counts it.
struct EsimUsage {
  std::string iccid;
  std::int64_t installed_at = 0;   // Unix seconds; 0: not (yet) installed
  std::int64_t data_total_mb = 0;  // with the top-ups; 0 = unlimited
  std::int64_t data_used_mb = 0;   // 0..data_total_mb (any when unlimited)
  std::int64_t valid_until = 0;    // Unix seconds; 0: not known yet (the validity starts at the first connection)
};

// One top-up: `size` more on the profile; `reference` (the top-up order's id) makes it idempotent.
struct TopupOrder {
  std::string reference;
  std::string plan;
  ProfileSize size;
};

class EsimPartner {
 public:
  virtual ~EsimPartner() = default;
  virtual Remote<EsimProfile> order_profile(const std::string& reference, const std::string& plan,
                                            const ProfileSize& size) = 0;
  virtual Remote<EsimProfile> get_profile(const std::string& profile_id) = 0;
  // See refused_as_installed below.
  virtual Remote<EsimProfile> cancel_profile(const std::string& profile_id) = 0;
  virtual Remote<EsimUsage> usage(const std::string& profile_id) = 0;
  // The usage after the top-up. Not retryable (4xx): the profile is unknown or cancelled at the partner.
  virtual Remote<EsimUsage> topup(const std::string& profile_id, const TopupOrder& t) = 0;
};

// Cancelling a profile (issue 15, the refund of an eSIM never installed): EsimPartner::cancel_profile answers the
// profile with status "cancelled" (again for a profile already cancelled: safe to repeat after a failure), or a
// failure; refused_as_installed(failure) is true when the partner refused because a phone installed the profile
// (HTTP 409 already_installed): the partner's word on that is the atomic check before any money goes back.
bool refused_as_installed(const Remote<EsimProfile>& cancel);

std::unique_ptr<EsimPartner> make_sandbox_partner(std::string base_url);

}  // namespace jupiter::server
