// refund_ui.hpp: the order page's refund section (issue 15): for a delivered eSIM never installed, within 14 days
// of the purchase, "Refund this eSIM" with its deadline, then an inline confirmation with the price, and the outcome
// said in the live region.
//
//   ui::draw_refund(model, out);  // every frame on the order page, after its state's section
// The decisions are core/refund's (the server's answer, the pure update); this file only draws them and emits
// refund actions, including refund::action::Check when the page shows a delivered order not asked about yet.
#pragma once
#include <vector>

#include "core/app.hpp"

namespace jupiter::ui {

void draw_refund(const Model& m, std::vector<Action>& out);

}  // namespace jupiter::ui
