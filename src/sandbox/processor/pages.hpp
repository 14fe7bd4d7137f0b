// pages.hpp: the processor sandbox's hosted pages (plain HTML and CSS, no script): the card form, the extra
// confirmation step of the challenge card, and the "nothing to pay here" page.
#pragma once
#include <string>

namespace jupiter::sandbox {

struct PageContext {
  std::string session;      // "cs_..."
  std::string merchant;     // "JupiterEsims"
  std::string description;  // the plan's name
  std::string amount;       // "12.99 USD"
  std::string error;        // shown above the form, "" for none
};

std::string card_page(const PageContext& c);
std::string challenge_page(const PageContext& c, const std::string& brand, const std::string& last4);
std::string closed_page(const std::string& message);

}  // namespace jupiter::sandbox
