// topup_ui.hpp: the eSIM page's usage and top-ups (issue 15), drawn from core/topup's model; they emit its actions
// and the checkout's, and perform nothing.
//
//   ui::draw_esim_usage(app, env, out, place); // the order page, a delivered eSIM: usage, Refresh, Top up + the list
//   ui::draw_topup_done(app, out);            // the order page of a delivered top-up order (true when it is one)
//   ui::draw_topup_back(app, out);            // the checkout's review of a top-up: its note and "Back to your eSIM"
// Every outcome and problem is a status / alert text (the mirror's live regions); each plan's Buy button is named
// after its plan and price for screen readers.
#pragma once
#include <cstdint>
#include <vector>

#include "core/app.hpp"
#include "ui/checkout_ui.hpp"

namespace jupiter::ui {

// Where the order page asks for the section: an installed eSIM's usage comes before the install instructions (the
// QR, the one-tap link), a new eSIM's after them (installing it comes first).
enum class UsagePlace : std::uint8_t { BeforeInstall = 0, AfterInstall };

// The usage read for the shown eSIM (when it was read, data used and left, validity), "Refresh usage", "Top up",
// and while choosing the compatible plans of the catalogue in the store's currency, each with its Buy button.
// Draws nothing at the other place, or for an order that has no usage (not delivered, a top-up itself, gone).
void draw_esim_usage(const Model& app, const CheckoutEnv& env, std::vector<Action>& out, UsagePlace place);

// When the order page shows a top-up order: "Top-up added to your eSIM" (or that it is on its way) and, when this tab
// knows the eSIM's link, "Back to your eSIM". Returns false (drawing nothing) for any other order.
bool draw_topup_done(const Model& app, std::vector<Action>& out);

// On the checkout's review of a top-up: what a top-up is and "Back to your eSIM" (instead of "Back to store").
// Returns false (drawing nothing) for an ordinary checkout.
bool draw_topup_back(const Model& app, std::vector<Action>& out);

}  // namespace jupiter::ui
