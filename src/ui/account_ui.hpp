// account_ui.hpp: the store's "My eSIMs" screens (issue 15): sign in by an e-mailed link, then the account's
// orders with their state, plan, destination, price and date, the order's page, Cancel for unpaid ones, sign out.
//
//   ui::account_header_button(model, out);              // in the store's header: "My eSIMs"
//   ui::draw_account(model, ctx, out, fields);          // every frame while model.account.screen != Closed
// The screens read the model (core/account.hpp) and emit account actions; they perform nothing themselves. The
// e-mail field is a real <input type=email autocomplete=email> kept over its frame (platform/text_input.hpp);
// its changes come back with tag kAccountEmailTag.
#pragma once
#include <string>
#include <vector>

#include "core/app.hpp"
#include "core/text_field.hpp"
#include "ui/store_ui.hpp"

namespace jupiter::ui {

// The sign-in field's tag for platform::text_fields_init (between the checkout's fields and kWidgetFieldTag).
constexpr int kAccountEmailTag = 900;

// The plan of an account order (its plan as sold and region) as the store names it in the model's language ("Japon 5 Go, 30 jours"), and its
// destination (the country, the region's name, or the word for worldwide plans).
struct SoldPlanWords {
  std::string title;
  std::string destination;
};
SoldPlanWords sold_plan_words(const Model& m, const account::AccountOrder& o);

// "My eSIMs" in the header (nothing inside a partner's frame: the session cookie is the store's own).
void account_header_button(const Model& m, std::vector<Action>& out);

// Draws the open screen over the whole window; returns the content height in CSS px.
float draw_account(const Model& m, const Context& ctx, std::vector<Action>& out,
                   std::vector<TextField>& fields);

}  // namespace jupiter::ui
