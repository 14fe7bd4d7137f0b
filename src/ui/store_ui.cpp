// store_ui.cpp: the store's screens.
//
// [SECTION] helpers
// [SECTION] header (brand, currency)
// [SECTION] search
// [SECTION] filters and sorting
// [SECTION] plan lists (a destination's, a region's)
// [SECTION] plan detail (coverage, terms, price and Buy, "Will my phone work?")
// [SECTION] home (featured destinations, regions)
// [SECTION] cached prices and offline
// [SECTION] loading and error states
// [SECTION] draw_store
#include "ui/store_ui.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

#include "core/plan_name.hpp"
#include "core/plan_query.hpp"
#include "ui/flags.hpp"
#include "ui/i18n.hpp"
#include "ui/account_ui.hpp"
#include "ui/privacy_centre_ui.hpp"
#include "ui/privacy_ui.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {
namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] helpers
// ---------------------------------------------------------------------------------------------------------
const ImVec4 kInk{0.09f, 0.11f, 0.17f, 1.0f};

std::string data_label(const Plan& p) {
  if (p.unlimited) return tr("store.plan.unlimited");
  return data_amount(p, active_language());
}

// A region's name in the active language (the catalogue's for a region the core has no words for).
std::string region_label(const Catalogue& cat, const std::string& id) {
  const Region* r = cat.find_region(id);
  return region_display_name(id, r ? r->name : id, active_language());
}

// The label colour on the accent ("Best value"): the palette's ink for it.
ImVec4 best_value_ink() { return Ink(ActivePalette().accent_ink); }

std::string validity_label(const Plan& p) {
  if (p.validity_days == 1) return tr("store.plan.days_one");
  return tr_fmt("store.plan.days_other", {{"n", std::to_string(p.validity_days)}});
}

std::string validity_start_label(ValidityStart v) {
  switch (v) {
    case ValidityStart::FirstConnection: return tr("store.plan.start.first_connection");
    case ValidityStart::Installation: return tr("store.plan.start.installation");
    case ValidityStart::Purchase: return tr("store.plan.start.purchase");
    case ValidityStart::Unknown: break;
  }
  return "";
}

std::string features_label(const Plan& p) {
  std::string out;
  auto add = [&](Feature f, const char* name) {
    if (!p.has(f)) return;
    if (!out.empty()) out += " · ";
    out += name;
  };
  add(kFeature5G, tr("store.feature.5g"));
  add(kFeatureHotspot, tr("store.feature.hotspot"));
  add(kFeatureTopUp, tr("store.feature.topup"));
  add(kFeatureVoice, tr("store.feature.voice"));
  add(kFeatureSms, tr("store.feature.sms"));
  return out;
}

std::string coverage_label(const Catalogue& cat, const Plan& p) {
  if (p.scope == Scope::Local) return tr("store.plan.local");
  const std::string n = std::to_string(p.coverage.size());
  if (p.scope == Scope::Global) return tr_fmt("store.plan.global", {{"n", n}});
  return tr_fmt("store.plan.regional", {{"region", region_label(cat, p.region)}, {"n", n}});
}

// The index of a destination the catalogue has (callers checked find_destination).
std::size_t dest_index(const Catalogue& cat, CountryCode c) {
  return static_cast<std::size_t>(cat.find_destination(c) - cat.destinations.data());
}

float content_width() { return std::min(ImGui::GetContentRegionAvail().x, 920.0f); }

// Below this content width (CSS px) the store lays out for a phone.
constexpr float kNarrow = 560.0f;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] header (brand, language, currency)
// ---------------------------------------------------------------------------------------------------------
void draw_header(const Model& m, const Context& ctx, std::vector<Action>& out) {
  Heading(tr("store.brand"), ctx.heading);
  ImGui::SameLine();
  const ImGuiStyle& st = ImGui::GetStyle();
  const float currency_w = 96.0f;
  const float language_w = 124.0f;
  const std::string currency_label = std::string(tr("store.header.currency")) + "##currency";
  const std::string language_label = std::string(tr("store.header.language")) + "##language";
  const float language_group = language_w + st.ItemInnerSpacing.x + ImGui::CalcTextSize(tr("store.header.language")).x;
  const float currency_group = currency_w + st.ItemInnerSpacing.x + ImGui::CalcTextSize(tr("store.header.currency")).x;
  const float right = ImGui::GetWindowContentRegionMax().x;
  const float x = right - (language_group + st.ItemSpacing.x + currency_group);
  const bool beside = x > ImGui::GetCursorPosX() + 12.0f;
  if (beside) ImGui::SetCursorPosX(x);
  else ImGui::NewLine();  // a narrow window: the switches go under the brand, on two rows if need be
  FlowRow flow;
  flow.fit(language_group);
  ImGui::SetNextItemWidth(language_w);
  const std::string language(language_endonym(m.language));
  if (BeginCombo(language_label.c_str(), language.c_str())) {
    for (Language l : kLanguages) {
      const std::string name = std::string(language_endonym(l)) + "##lang-" + std::string(language_code(l));
      if (Selectable(name.c_str(), l == m.language)) out.push_back(action::LanguageChosen{l});
    }
    ImGui::EndCombo();
  }
  if (beside) ImGui::SameLine();
  else flow.fit(currency_group);
  ImGui::SetNextItemWidth(currency_w);
  const std::string current(currency_code(m.currency));
  if (BeginCombo(currency_label.c_str(), current.c_str())) {
    for (Currency c : kCurrencies) {
      const std::string code(currency_code(c));
      if (Selectable(code.c_str(), c == m.currency)) out.push_back(action::CurrencyChosen{c});
    }
    ImGui::EndCombo();
  }
  TextColored(Muted(), tr("store.tagline"));
  privacy_header_button(out);  // the privacy screen (issue 6): choices read through the consent core
  if (!m.embed.on) ImGui::SameLine();
  account_header_button(m, out);  // My eSIMs (issue 15): sign in, the account's orders
  draw_privacy_popup(m, ctx.heading, out);
  ImGui::Spacing();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] search
// ---------------------------------------------------------------------------------------------------------
void draw_search(const Model& m, Scratch& s, std::vector<Action>& out) {
  if (s.last_query != m.query) {  // the model changed the query (a destination was picked): show it
    std::snprintf(s.query, sizeof s.query, "%s", m.query.c_str());
    s.last_query = m.query;
  }
  ImGui::SetNextItemWidth(content_width());
  if (InputTextWithHint("##destination-search", tr("store.search.placeholder"), s.query,
                        sizeof s.query)) {
    s.last_query = s.query;
    out.push_back(action::QueryChanged{s.query});
  }
  const Catalogue* cat = m.catalogue.catalogue.get();
  const bool showing_choice = m.destination && cat && cat->find_destination(*m.destination) &&
                              (cat->find_destination(*m.destination)->name == m.query ||
                               destination_name(m, dest_index(*cat, *m.destination)) == m.query);
  if (!cat || m.query.empty() || showing_choice) return;

  if (m.hits.empty()) {
    TextColored(Muted(), tr_fmt("store.search.none", {{"query", m.query}}));
    return;
  }
  ImGui::PushID("hits");
  const float flag_h = ImGui::GetTextLineHeight() * 0.8f, flag_gap = flag_width(flag_h) + 8.0f;
  ImGui::Indent(flag_gap);  // each hit's flag sits left of its row
  for (const SearchHit& h : m.hits) {
    const Destination& d = cat->destinations[h.destination];
    // Similar names (Austria / Australia) are told apart by ISO code and region.
    const std::string& name = destination_name(m, h.destination);
    std::string label = name + "  (" + to_string(d.code) + (cat->find_region(d.region) ? " · " + region_label(*cat, d.region) : "") + ")";
    if (h.matched != name && h.kind != MatchKind::Typo) label += "  " + tr_fmt("store.search.matches", {{"alias", h.matched}});
    label += "##" + to_string(d.code);
    const ImVec2 row = ImGui::GetCursorScreenPos();
    draw_flag(ImGui::GetWindowDrawList(), ImVec2(row.x - flag_gap, row.y + ImGui::GetTextLineHeight() * 0.1f), flag_h,
              to_string(d.code));
    if (Selectable(label.c_str(), m.destination && *m.destination == d.code)) {
      out.push_back(action::DestinationChosen{d.code});
      out.push_back(action::QueryChanged{name});
    }
  }
  ImGui::Unindent(flag_gap);
  ImGui::PopID();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] filters and sorting (each choice shows how many plans it leaves)
// ---------------------------------------------------------------------------------------------------------
const char* data_band_label(DataBand b) {
  switch (b) {
    case DataBand::Any: return tr("store.filter.data.any");
    case DataBand::UpTo3GB: return tr("store.filter.data.upto3");
    case DataBand::From3To10GB: return tr("store.filter.data.3to10");
    case DataBand::From10To20GB: return tr("store.filter.data.10to20");
    case DataBand::Over20GB: return tr("store.filter.data.over20");
    case DataBand::Unlimited: return tr("store.filter.data.unlimited");
  }
  return "";
}

const char* validity_band_label(ValidityBand b) {
  switch (b) {
    case ValidityBand::Any: return tr("store.filter.validity.any");
    case ValidityBand::UpTo7Days: return tr("store.filter.validity.upto7");
    case ValidityBand::From8To15Days: return tr("store.filter.validity.8to15");
    case ValidityBand::From16To30Days: return tr("store.filter.validity.16to30");
    case ValidityBand::Over30Days: return tr("store.filter.validity.over30");
  }
  return "";
}

std::string sort_label(SortKey k) {
  switch (k) {
    case SortKey::Price: return tr("store.sort.status.price");
    case SortKey::PricePerGB: return tr("store.sort.status.price_per_gb");
    case SortKey::Data: return tr("store.sort.status.data");
    case SortKey::Validity: return tr("store.sort.status.validity");
  }
  return "";
}

const char* sort_option_label(SortKey k) {
  switch (k) {
    case SortKey::Price: return tr("store.sort.price");
    case SortKey::PricePerGB: return tr("store.sort.price_per_gb");
    case SortKey::Data: return tr("store.sort.data");
    case SortKey::Validity: return tr("store.sort.validity");
  }
  return "";
}

std::string option_label(const char* label, std::size_t n, const std::string& id) {
  return tr_fmt("store.filter.option", {{"label", label}, {"n", std::to_string(n)}}) + "##" + id;
}

// A combo over an enum's values; counts[v] is how many plans choosing v leaves (precomputed by the core).
template <class E, std::size_t N, class Label, class Choose>
void filter_combo(FlowRow& flow, const char* id, E current, const std::array<std::size_t, N>& counts, Label label,
                  Choose choose, std::vector<Action>& out) {
  ImGui::SetNextItemWidth(flow.fit(225.0f));  // "Beliebiges Datenvolumen"; narrower on a phone
  if (BeginCombo(id, label(current))) {
    for (std::size_t i = 0; i < N; ++i) {
      const E v = static_cast<E>(i);
      if (Selectable(option_label(label(v), counts[i], std::to_string(i)).c_str(), v == current))
        out.push_back(action::FilterChanged{choose(v)});
    }
    ImGui::EndCombo();
  }
}

// Checkboxes; each shows how many plans the list would hold with it ticked (for a ticked box: as it is now).
struct Box {
  const char* key;  // text
  const char* id;
  bool on;
  std::size_t count;
  PlanFilter toggled;
};
void draw_boxes(FlowRow& flow, const std::vector<Box>& boxes, std::vector<Action>& out) {
  for (const Box& b : boxes) {
    const std::string label = option_label(tr(b.key), b.count, b.id);
    flow.fit(ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x +
             ImGui::CalcTextSize(label.c_str(), nullptr, true).x);
    bool on = b.on;
    if (Checkbox(label.c_str(), &on)) out.push_back(action::FilterChanged{b.toggled});
  }
}

void draw_sort(const Model& m, FlowRow& flow, std::vector<Action>& out) {
  const std::string sort_preview = tr_fmt("store.sort.preview", {{"key", sort_option_label(m.sort)}});
  ImGui::SetNextItemWidth(flow.fit(std::max(170.0f, ImGui::CalcTextSize(sort_preview.c_str()).x + 60.0f)));
  if (BeginCombo("##sort", sort_preview.c_str())) {
    for (int i = 0; i <= static_cast<int>(SortKey::Validity); ++i) {
      const auto k = static_cast<SortKey>(i);
      const std::string label = std::string(sort_option_label(k)) + "##sort-" + std::string(sort_key_name(k));
      if (Selectable(label.c_str(), k == m.sort)) out.push_back(action::SortChanged{k});
    }
    ImGui::EndCombo();
  }
}

// How many filters differ from the defaults (shown on the phone's "Filters" button).
int active_filters(const PlanFilter& f) {
  const PlanFilter d;
  int n = (f.data != d.data) + (f.validity != d.validity);
  for (unsigned bits = f.required_features; bits; bits &= bits - 1) ++n;
  return n + (f.include_local != d.include_local) + (f.include_regional != d.include_regional) +
         (f.include_global != d.include_global);
}

// On a wide screen the filters stand in rows that wrap; on a phone they fold under a "Filters" button (a sheet
// that opens in place), and only the sort stays out.
void draw_filters(const Model& m, Scratch& s, bool with_scope, std::vector<Action>& out) {
  const PlanFilter& f = m.filter;
  FlowRow flow;
  if (content_width() < kNarrow) {
    const int n = active_filters(f);
    const std::string label = (n ? tr_fmt("store.filter.button_n", {{"n", std::to_string(n)}})
                                 : std::string(tr("store.filter.button"))) + "###filters";
    const std::string text = label.substr(0, label.find("###"));
    flow.fit(ImGui::CalcTextSize(text.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x);
    if (Button(label.c_str())) s.filters_open = !s.filters_open;
    draw_sort(m, flow, out);
    if (!s.filters_open) return;
    flow = FlowRow();
  }
  filter_combo(
      flow, "##data", f.data, m.counts.data, data_band_label,
      [&](DataBand b) { PlanFilter g = f; g.data = b; return g; }, out);
  filter_combo(
      flow, "##validity", f.validity, m.counts.validity, validity_band_label,
      [&](ValidityBand v) { PlanFilter g = f; g.validity = v; return g; }, out);
  if (content_width() >= kNarrow) draw_sort(m, flow, out);

  const Feature bits[] = {kFeature5G, kFeatureHotspot, kFeatureTopUp, kFeatureVoice, kFeatureSms};
  const char* keys[] = {"store.feature.5g", "store.feature.hotspot", "store.feature.topup", "store.feature.voice",
                        "store.feature.sms"};
  const char* ids[] = {"feature-5g", "feature-hotspot", "feature-topup", "feature-voice", "feature-sms"};
  std::vector<Box> boxes;
  for (std::size_t i = 0; i < 5; ++i) {
    PlanFilter g = f;
    g.required_features = static_cast<std::uint8_t>(f.required_features ^ bits[i]);
    boxes.push_back({keys[i], ids[i], (f.required_features & bits[i]) != 0, m.counts.features[i], g});
  }
  draw_boxes(flow, boxes, out);
  if (!with_scope) return;
  // A country's list has local plans and the regional and global plans that cover it: each kind can be hidden;
  // each box counts the plans of its kind that pass the other filters.
  bool PlanFilter::*scopes[] = {&PlanFilter::include_local, &PlanFilter::include_regional,
                                &PlanFilter::include_global};
  const char* scope_keys[] = {"store.scope.local", "store.scope.regional", "store.scope.global"};
  const char* scope_ids[] = {"scope-local", "scope-regional", "scope-global"};
  boxes.clear();
  for (std::size_t i = 0; i < 3; ++i) {
    PlanFilter g = f;
    g.*scopes[i] = !(f.*scopes[i]);
    boxes.push_back({scope_keys[i], scope_ids[i], f.*scopes[i], m.counts.scope[i], g});
  }
  draw_boxes(flow, boxes, out);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] plan lists (a destination's, a region's)
// ---------------------------------------------------------------------------------------------------------
std::string region_name(const Catalogue& cat, const std::string& region) {
  if (region == kGlobalSelection) return tr("store.scope.global");
  return region_label(cat, region);
}

// One plan as a store card: name, data and validity as badges (and "Best value"), coverage and features in grey;
// the price large on the right (under the badges on a phone) with the Details button. Every card has the same
// height, `h`, so the clipper can skip the cards it does not draw.
void draw_plan_card(const Model& m, const Plan& p, bool best, const Context& ctx, float w, float h,
                    std::vector<Action>& out) {
  const Catalogue& cat = *m.catalogue.catalogue;
  const ImGuiStyle& st = ImGui::GetStyle();
  const bool narrow = w < kNarrow;
  const ImVec2 a = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, ImVec2(a.x + w, a.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), 10.0f);
  dl->AddRect(a, ImVec2(a.x + w, a.y + h), ImGui::GetColorU32(best ? ImGuiCol_NavHighlight : ImGuiCol_Border), 10.0f,
              0, best ? 2.0f : 1.0f);
  const float pad = 14.0f;
  const float price_w = narrow ? 0.0f : 190.0f;
  const std::string title = plan_title(m, p);
  ImGui::SetCursorScreenPos(ImVec2(a.x + pad, a.y + pad));
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - 2 * pad - price_w);
  Text(title, "listitem");
  ImGui::PopTextWrapPos();
  ImGui::SetCursorScreenPos(ImVec2(a.x + pad, ImGui::GetCursorScreenPos().y));
  const ImVec4 chip = ImGui::GetStyleColorVec4(ImGuiCol_Button);
  const ImVec4 ink = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  Badge(data_amount(p, m.language), chip, ink);
  ImGui::SameLine(0.0f, 6.0f);
  Badge(validity_days_text(p.validity_days, m.language), chip, ink);
  if (best) {
    ImGui::SameLine(0.0f, 6.0f);
    Badge(tr("store.plan.best_value"), ImGui::GetStyleColorVec4(ImGuiCol_NavHighlight), best_value_ink());
  }
  ImGui::SetCursorScreenPos(ImVec2(a.x + pad, ImGui::GetCursorScreenPos().y));
  const std::string feats = features_label(p);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - 2 * pad - price_w);
  TextColored(Muted(), coverage_label(cat, p) + (feats.empty() ? "" : " · " + feats));
  ImGui::PopTextWrapPos();

  // The price and Details: on the right of a wide card, at the card's foot on a phone.
  const auto price = p.prices.get(m.currency);
  const std::string price_text = price ? ctx.format_money(*price) : std::string();
  const std::string details = std::string(tr("store.plans.details")) + "##details-" + p.id;
  const float button_w = ImGui::CalcTextSize(tr("store.plans.details")).x + 2 * st.FramePadding.x;
  const float button_h = ImGui::GetFrameHeight();
  if (ctx.heading) ImGui::PushFont(ctx.heading);
  const float price_tw = ImGui::CalcTextSize(price_text.c_str()).x;
  const float price_th = ImGui::GetTextLineHeight();
  const ImVec2 price_at = narrow ? ImVec2(a.x + pad, a.y + h - pad - button_h + (button_h - price_th) * 0.5f)
                                 : ImVec2(a.x + w - pad - price_tw, a.y + pad);
  ImGui::SetCursorScreenPos(price_at);
  if (!price_text.empty()) Text(price_text, "price");
  if (ctx.heading) ImGui::PopFont();
  ImGui::SetCursorScreenPos(ImVec2(a.x + w - pad - button_w, a.y + h - pad - button_h));
  // Two regional plans can share a name (Asia for 18 and for 6 countries): their coverage tells them apart.
  const std::string named = p.scope == Scope::Local ? title : title + ", " + coverage_label(cat, p);
  if (NamedButton(details.c_str(), tr_fmt("store.plans.details_named", {{"plan", named}})))
    out.push_back(action::PlanOpened{p.id});
  ImGui::SetCursorScreenPos(a);
  ImGui::Dummy(ImVec2(w, h));
}

void draw_plan_rows(const Model& m, const Context& ctx, std::vector<Action>& out) {
  const Catalogue& cat = *m.catalogue.catalogue;
  const float w = content_width();
  const float h = w < kNarrow ? 168.0f : 126.0f;  // room for a wrapped name and coverage line
  const std::optional<std::size_t> best = best_value(cat.plans, m.plans, m.currency);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(m.plans.size()), h + ImGui::GetStyle().ItemSpacing.y);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const auto i = static_cast<std::size_t>(row);
      const Plan& p = cat.plans[m.plans[i]];
      ImGui::PushID(p.id.c_str());
      draw_plan_card(m, p, best && *best == i, ctx, w, h, out);
      ImGui::PopID();
    }
  }
  clipper.End();
}

bool draw_plans(const Model& m, Scratch& s, const Context& ctx, std::vector<Action>& out) {
  const Catalogue& cat = *m.catalogue.catalogue;
  const Destination* d = m.destination ? cat.find_destination(*m.destination) : nullptr;
  ImGui::Spacing();
  std::string place;
  if (d) {
    place = destination_name(m, dest_index(cat, d->code));
    Heading(tr_fmt("store.plans.heading", {{"country", place}, {"code", to_string(d->code)}}), ctx.heading);
  } else {
    place = region_name(cat, m.region);
    Heading(m.region == kGlobalSelection ? std::string(tr("store.region.global_heading"))
                                         : tr_fmt("store.region.heading", {{"region", place}}),
            ctx.heading);
  }
  if (Button((std::string(tr("store.plans.change")) + "##change").c_str())) {
    out.push_back(action::DestinationCleared{});
    out.push_back(action::QueryChanged{""});
  }
  draw_filters(m, s, d != nullptr, out);
  if (m.plans.empty()) {
    TextColored(Muted(), tr_fmt("store.plans.none", {{"country", place}, {"currency", currency_code(m.currency)}}),
                "status");
    return false;
  }
  Text(m.plans.size() == 1 ? tr_fmt("store.plans.count_one", {{"sort", sort_label(m.sort)}})
                           : tr_fmt("store.plans.count_other",
                                    {{"n", std::to_string(m.plans.size())}, {"sort", sort_label(m.sort)}}),
       "status");
  draw_plan_rows(m, ctx, out);
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] plan detail (coverage, terms, price and Buy, "Will my phone work?")
// ---------------------------------------------------------------------------------------------------------
// A search box over a list of strings: draws the matching ones in a scrolling box of at most `max_h` pixels.
void draw_searchable_list(const char* id, const char* hint, char* buf, std::size_t size,
                          const std::vector<std::string>& lines, const char* none_key, float max_h) {
  ImGui::SetNextItemWidth(std::min(content_width(), 420.0f));
  InputTextWithHint(id, hint, buf, size);
  const std::string needle = normalize_for_search(buf);
  std::vector<const std::string*> shown;
  for (const std::string& line : lines)
    if (needle.empty() || normalize_for_search(line).find(needle) != std::string::npos) shown.push_back(&line);
  if (shown.empty()) {
    TextColored(Muted(), tr_fmt(none_key, {{"query", buf}}), "status");
    return;
  }
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float h = std::min(max_h, line_h * static_cast<float>(shown.size()) + 2 * ImGui::GetStyle().WindowPadding.y);
  ImGui::BeginChild(id, ImVec2(std::min(content_width(), 520.0f), h), true);
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(shown.size()));
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) Text(*shown[static_cast<std::size_t>(i)], "listitem");
  ImGui::EndChild();
}

// "Validity   15 days": a label column wide enough for the longest label in any of the four languages.
void fact(const char* label_key, const std::string& value) {
  TextColored(Muted(), tr(label_key));
  ImGui::SameLine(ImGui::GetCursorStartPos().x + 230.0f);
  TextWrapped(value);
}

void draw_buy(const Model& m, const Plan& p, const Context& ctx, std::vector<Action>& out) {
  const auto price = p.prices.get(m.currency);
  if (!price) {
    TextColored(ErrorInk(), tr_fmt("store.detail.not_sold", {{"currency", currency_code(m.currency)}}), "alert");
    return;
  }
  Text(ctx.format_money(*price), "price");
  const bool allowed = buying_allowed(m);
  const std::string buy = tr_fmt("store.detail.buy", {{"price", ctx.format_money(*price)}}) + "##buy";
  ImGui::PushStyleColor(ImGuiCol_Button, Ink(allowed ? ActivePalette().cta : ActivePalette().cta_off));
  const bool pressed = Button(buy.c_str(), allowed);
  ImGui::PopStyleColor();
  if (pressed && allowed) out.push_back(action::BuyPlan{p.id});
  if (is_offline(m)) TextColored(ErrorInk(), tr("store.detail.offline"), "alert");
  else if (!allowed) TextColored(Muted(), tr("store.cache.checking"), "status");
}

void draw_phone_check(const Context& ctx, Scratch& s) {
  ImGui::Spacing();
  Heading(tr("store.phone.heading"), ctx.heading);
  TextWrapped(tr("store.phone.intro"));
  for (const char* key : {"store.phone.unlocked", "store.phone.iphone", "store.phone.android"})
    TextWrapped(std::string("• ") + tr(key));
  if (!ctx.phones || ctx.phones->empty()) return;
  TextColored(Muted(), tr("store.phone.models"));
  std::vector<std::string> models;
  for (const PhoneBrand& b : *ctx.phones)
    for (const std::string& model : b.models)
      models.push_back(model.rfind(b.brand, 0) == 0 ? model : b.brand + " " + model);
  draw_searchable_list("##phone-search", tr("store.phone.search"), s.phone_query, sizeof s.phone_query, models,
                       "store.phone.none", 180.0f);
}

void draw_plan_detail(const Model& m, const Plan& p, const Context& ctx, Scratch& s, std::vector<Action>& out) {
  const Catalogue& cat = *m.catalogue.catalogue;
  if (s.detail_for != p.id) {  // another plan: its searches start empty
    s.detail_for = p.id;
    s.coverage_query[0] = s.phone_query[0] = '\0';
  }
  ImGui::Spacing();
  if (Button((std::string(tr("store.detail.back")) + "##back").c_str())) out.push_back(action::PlanClosed{});
  Heading(plan_title(m, p), ctx.heading);
  TextColored(Muted(), coverage_label(cat, p));
  draw_buy(m, p, ctx, out);
  ImGui::Spacing();
  fact("store.detail.data", data_label(p));
  fact("store.detail.validity", validity_label(p));
  fact("store.detail.validity_start", validity_start_label(p.validity_start));
  std::string networks;
  for (const std::string& n : p.networks) networks += (networks.empty() ? "" : ", ") + n;
  fact("store.detail.networks", networks);
  if (p.unlimited) fact("store.detail.fair_use", p.fair_use);
  ImGui::Spacing();
  Text(tr("store.detail.features"), "heading");
  TextWrapped(std::string("• ") + tr(p.has(kFeatureHotspot) ? "store.detail.hotspot_yes" : "store.detail.hotspot_no"));
  TextWrapped(std::string("• ") + tr(p.has(kFeatureTopUp) ? "store.detail.topup_yes" : "store.detail.topup_no"));
  TextWrapped(std::string("• ") + tr(p.has(kFeature5G) ? "store.detail.5g_yes" : "store.detail.5g_no"));
  const bool voice = p.has(kFeatureVoice) || p.has(kFeatureSms);
  TextWrapped(std::string("• ") + tr(voice ? "store.detail.voice_yes" : "store.detail.voice_no"));

  ImGui::Spacing();
  Text(tr("store.detail.coverage"), "heading");
  TextColored(Muted(), tr_fmt("store.detail.coverage_count", {{"n", std::to_string(p.coverage.size())}}));
  std::vector<std::string> countries;
  for (CountryCode c : p.coverage) {
    const Destination* d = cat.find_destination(c);
    countries.push_back((d ? destination_name(m, dest_index(cat, c)) : to_string(c)) + " (" + to_string(c) + ")");
  }
  std::sort(countries.begin(), countries.end());
  if (p.coverage.size() > 1)
    draw_searchable_list("##coverage-search", tr("store.detail.coverage_search"), s.coverage_query,
                         sizeof s.coverage_query, countries, "store.detail.coverage_none", 220.0f);
  else
    Text(countries.front(), "listitem");
  draw_phone_check(ctx, s);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] home (featured destinations)
// ---------------------------------------------------------------------------------------------------------
bool draw_home(const Model& m, const Context& ctx, std::vector<Action>& out) {
  const Catalogue& cat = *m.catalogue.catalogue;
  ImGui::Spacing();
  Heading(tr("store.home.popular"), ctx.heading);
  const float width = content_width();
  const float card_w = width < 560.0f ? width : (width - 2 * ImGui::GetStyle().ItemSpacing.x) / 3.0f;
  int column = 0;
  bool drew_price = false;
  // The label left-aligned after a flag slot (the slot stays while the flag atlas loads: nothing moves).
  const ImVec2 pad = ImGui::GetStyle().FramePadding;
  const float flag_h = 24.0f;
  ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(pad.x * 2.0f + flag_width(flag_h), pad.y));
  for (const Featured& f : m.featured) {
    const Destination& d = cat.destinations[f.destination];
    std::string label = destination_name(m, f.destination);
    if (auto from = f.from.get(m.currency)) {
      label += "\n" + tr_fmt("store.home.from", {{"price", ctx.format_money(*from)}});
      drew_price = true;
    }
    label += "##featured-" + to_string(d.code);
    if (column > 0) ImGui::SameLine();
    if (Button(label.c_str(), true, ImVec2(card_w, 64.0f))) {
      out.push_back(action::DestinationChosen{d.code});
      out.push_back(action::QueryChanged{destination_name(m, f.destination)});
    }
    draw_flag(ImGui::GetWindowDrawList(), ImVec2(ImGui::GetItemRectMin().x + pad.x * 1.5f,
                                                 ImGui::GetItemRectMin().y + (64.0f - flag_h) * 0.5f),
              flag_h, to_string(d.code));
    column = card_w < width ? (column + 1) % 3 : 0;
  }
  ImGui::PopStyleVar(2);
  return drew_price;
}

// Regional and global plans, for trips through several countries: one button per region with its plan count.
void draw_regions(const Model& m, Scratch& s, const Context& ctx, std::vector<Action>& out) {
  const Catalogue& cat = *m.catalogue.catalogue;
  if (s.regions_for != &cat || s.regions_currency != m.currency) {
    s.regions_for = &cat;
    s.regions_currency = m.currency;
    s.region_counts.clear();
    for (const Region& r : cat.regions) s.region_counts.emplace_back(r.id, 0);
    s.region_counts.emplace_back(kGlobalSelection, 0);
    for (const Plan& p : cat.plans) {
      if (!p.prices.get(m.currency)) continue;
      for (auto& [id, n] : s.region_counts)
        if ((p.scope == Scope::Regional && p.region == id) || (p.scope == Scope::Global && id == kGlobalSelection)) ++n;
    }
  }
  ImGui::Spacing();
  Heading(tr("store.home.multi"), ctx.heading);
  bool first = true;
  for (const auto& [id, n] : s.region_counts) {
    if (n == 0) continue;
    const std::string text = id == kGlobalSelection
                                 ? tr_fmt("store.home.global", {{"n", std::to_string(n)}})
                                 : tr_fmt("store.home.region", {{"region", region_name(cat, id)}, {"n", std::to_string(n)}});
    const std::string label = text + "##region-" + id;
    const float w = ImGui::CalcTextSize(text.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x;
    if (!first && ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w <
                      ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x)
      ImGui::SameLine();
    first = false;
    if (Button(label.c_str())) out.push_back(action::RegionChosen{id});
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] cached prices and offline
// ---------------------------------------------------------------------------------------------------------
std::string cache_age(double checked_at_ms, double now_ms) {
  const double minutes = (now_ms - checked_at_ms) / 60000.0;
  if (minutes < 1.0) return tr("store.cache.checked_now");
  if (minutes < 60.0) return tr_fmt("store.cache.age_minutes", {{"n", std::to_string(static_cast<int>(minutes))}});
  if (minutes < 48.0 * 60.0)
    return tr_fmt("store.cache.age_hours", {{"n", std::to_string(static_cast<int>(minutes / 60.0))}});
  return tr_fmt("store.cache.age_days", {{"n", std::to_string(static_cast<int>(minutes / 1440.0))}});
}

void draw_freshness(const Model& m, const Context& ctx) {
  const CatalogueState& c = m.catalogue;
  if (!c.catalogue) return;
  if (is_offline(m)) TextColored(ErrorInk(), tr("store.offline.banner"), "alert");
  if (c.source == CatalogueSource::Cache && !c.confirmed) {
    TextColored(Muted(), cache_age(c.checked_at_ms, ctx.now_ms), "status");
    if (!is_offline(m) && c.state == LoadState::Loading) TextColored(Muted(), tr("store.cache.checking"));
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] loading and error states
// ---------------------------------------------------------------------------------------------------------
std::string error_headline(const CatalogueState& s) {
  switch (s.error) {
    case LoadError::Network: return tr("store.error.network");
    case LoadError::Http: return tr_fmt("store.error.http", {{"status", std::to_string(s.http_status)}});
    case LoadError::NotJson:
    case LoadError::NotCatalogue:
    case LoadError::Empty:
    case LoadError::None: break;
  }
  return tr("store.error.damaged");
}

void draw_failed(const Model& m, std::vector<Action>& out) {
  ImGui::Spacing();
  TextColored(ErrorInk(), tr("store.error.title"), "alert");
  TextWrapped(error_headline(m.catalogue), "alert");
  TextColored(Muted(), tr_fmt("store.error.details", {{"detail", describe(m.catalogue)}}));
  if (Button((std::string(tr("store.error.retry")) + "##retry").c_str())) out.push_back(action::RetryCatalogue{});
}

}  // namespace

std::string plan_title(const Model& m, const Plan& p) {
  const Catalogue* cat = m.catalogue.catalogue.get();
  const Destination* d = cat && p.scope == Scope::Local && !p.coverage.empty() ? cat->find_destination(p.coverage[0])
                                                                                 : nullptr;
  if (!cat || (p.scope == Scope::Local && !d)) return p.name;  // no country to name it after: the catalogue's name
  const std::string country = d ? destination_name(m, dest_index(*cat, d->code)) : std::string();
  const Region* r = cat->find_region(p.region);
  return plan_name(p, m.language, plan_place(p, m.language, country, r ? r->name : p.region));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] layout helpers for narrow screens (also used by the checkout)
// ---------------------------------------------------------------------------------------------------------
FlowRow::FlowRow() : left_(ImGui::GetCursorScreenPos().x), right_(left_ + content_width()) {}

float FlowRow::fit(float w) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  if (!first_ && ImGui::GetItemRectMax().x + spacing + w <= right_) ImGui::SameLine();
  first_ = false;
  return std::min(w, right_ - left_);
}

void same_line_if_fits(const char* button_label) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize(button_label, nullptr, true).x + 2 * st.FramePadding.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + st.ItemSpacing.x + w <= right) ImGui::SameLine();
}

std::string wrap_label(std::string_view text, float width) {
  std::string out, line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string word(text.substr(pos, end - pos));
    const std::string tried = line.empty() ? word : line + " " + word;
    if (!line.empty() && ImGui::CalcTextSize(tried.c_str()).x > width) {
      out += line + "\n";
      line = word;
    } else {
      line = tried;
    }
    pos = end + 1;
  }
  return out + line;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] draw_store
// ---------------------------------------------------------------------------------------------------------
FrameInfo draw_store(const Model& m, Scratch& s, const Context& ctx, std::vector<Action>& out) {
  FrameInfo info;
  BeginPage("JupiterEsims store", 920.0f);

  draw_header(m, ctx, out);
  if (m.embed.notice == EmbedNotice::BadAttribute) TextColored(Muted(), tr("store.embed.bad_attribute"), "status");
  draw_policy_notice(m, out);  // issue 16: a returning visitor, once, after a new policy version
  switch (m.catalogue.state) {
    case LoadState::Idle:
    case LoadState::Loading:
      if (!m.catalogue.catalogue) {
        Text(tr("store.loading"), "status");
        break;
      }
      [[fallthrough]];
    case LoadState::Ready: {
      draw_freshness(m, ctx);
      const Plan* open = m.open_plan.empty() ? nullptr : m.catalogue.catalogue->find_plan(m.open_plan);
      if (open) {
        draw_plan_detail(m, *open, ctx, s, out);
        info.catalogue_visible = true;
        break;
      }
      draw_search(m, s, out);
      if (m.destination || !m.region.empty()) {
        info.catalogue_visible = draw_plans(m, s, ctx, out);
      } else {
        info.catalogue_visible = draw_home(m, ctx, out);
        draw_regions(m, s, ctx, out);
      }
      break;
    }
    case LoadState::Failed: draw_failed(m, out); break;
  }

  if (m.catalogue.catalogue) {
    ImGui::Spacing();
    ImGui::Separator();
    if (!m.catalogue.catalogue->notice.empty()) TextColored(Muted(), m.catalogue.catalogue->notice);
    if (!m.catalogue.skipped.empty())
      TextColored(Muted(), tr_fmt("store.footer.skipped", {{"n", std::to_string(m.catalogue.skipped.size())}}));
  }
  TextColored(Muted(), tr_policy("store.footer.taxes"));
  if (!m.embed.on) privacy_centre_footer(out);  // issue 16 (in a partner's frame the session cookie is not ours)
  info.content_height = ImGui::GetCursorPosY() + 20.0f;  // 20: the bottom padding pushed above
  ImGui::End();
  return info;
}

namespace {

// The palette's colours (ui/theme.hpp, held to WCAG AA by its unit test) into ImGui's slots.
void set_palette(ImVec4* c, const Palette& p) {
  c[ImGuiCol_Text] = Ink(p.text);
  c[ImGuiCol_TextDisabled] = Ink(p.muted);  // secondary text (Muted())
  c[ImGuiCol_WindowBg] = Ink(p.background);
  c[ImGuiCol_PopupBg] = Ink(p.surface);
  c[ImGuiCol_FrameBg] = Ink(p.surface);
  c[ImGuiCol_Border] = Ink(p.border);
  c[ImGuiCol_Separator] = Ink(p.border);
  c[ImGuiCol_Button] = Ink(p.button);
  c[ImGuiCol_NavHighlight] = Ink(p.accent);
}
}  // namespace

void apply_style(ImGuiStyle& st) {
  ImGui::StyleColorsLight(&st);
  st.WindowRounding = 0.0f;
  st.FrameRounding = 8.0f;
  st.PopupRounding = 8.0f;
  st.GrabRounding = 8.0f;
  st.FramePadding = ImVec2(12.0f, 10.0f);  // touch targets well over 24 px
  st.ItemSpacing = ImVec2(10.0f, 10.0f);
  st.CellPadding = ImVec2(8.0f, 8.0f);
  st.ScrollbarSize = 14.0f;
  ImVec4* c = st.Colors;
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.95f, 0.95f, 0.97f, 1.0f);
  st.FrameBorderSize = 1.0f;
  c[ImGuiCol_ButtonHovered] = ImVec4(0.99f, 0.90f, 0.82f, 1.0f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.98f, 0.82f, 0.68f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.99f, 0.90f, 0.82f, 1.0f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.99f, 0.90f, 0.82f, 1.0f);
  c[ImGuiCol_HeaderActive] = ImVec4(0.98f, 0.82f, 0.68f, 1.0f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(0.95f, 0.96f, 0.98f, 1.0f);
  set_palette(c, light_palette());
}

namespace {
ImVec4 rgb(std::uint32_t v, float scale = 1.0f) {
  auto ch = [&](int shift) { return std::min(1.0f, static_cast<float>((v >> shift) & 0xffu) / 255.0f * scale); };
  return ImVec4(ch(16), ch(8), ch(0), 1.0f);
}

// A minimal dark variant of the store's style: the same metrics, dark surfaces, light text.
void dark_colours(ImVec4* c) {
  c[ImGuiCol_Text] = ImVec4(0.93f, 0.94f, 0.96f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.68f, 0.71f, 0.77f, 1.0f);  // secondary text, about 7:1 on the background
  c[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.10f, 0.12f, 1.0f);
  c[ImGuiCol_PopupBg] = ImVec4(0.13f, 0.14f, 0.17f, 1.0f);
  c[ImGuiCol_FrameBg] = ImVec4(0.14f, 0.15f, 0.18f, 1.0f);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.19f, 0.20f, 0.24f, 1.0f);
  c[ImGuiCol_Border] = ImVec4(0.32f, 0.34f, 0.40f, 1.0f);
  c[ImGuiCol_Button] = ImVec4(0.18f, 0.20f, 0.25f, 1.0f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.42f, 0.26f, 0.14f, 1.0f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.55f, 0.32f, 0.14f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.42f, 0.26f, 0.14f, 1.0f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.42f, 0.26f, 0.14f, 1.0f);
  c[ImGuiCol_HeaderActive] = ImVec4(0.55f, 0.32f, 0.14f, 1.0f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(0.12f, 0.13f, 0.16f, 1.0f);
  c[ImGuiCol_Separator] = ImVec4(0.32f, 0.34f, 0.40f, 1.0f);
  set_palette(c, dark_palette());
}
}  // namespace

void apply_theme(ImGuiStyle& st, bool dark, std::optional<std::uint32_t> accent) {
  st = ImGuiStyle();
  apply_style(st);
  if (dark) {
    ImGui::StyleColorsDark(&st);
    dark_colours(st.Colors);
  }
  SetActivePalette(dark ? dark_palette() : light_palette());
  if (!accent) return SetButtonTextColor(nullptr);
  ImVec4* c = st.Colors;
  c[ImGuiCol_Button] = rgb(*accent);
  c[ImGuiCol_ButtonHovered] = rgb(*accent, 1.15f);
  c[ImGuiCol_ButtonActive] = rgb(*accent, 0.85f);
  // The label in white or in ink, whichever reads better on the accent (relative luminance, roughly).
  const ImVec4 a = c[ImGuiCol_Button];
  const float luminance = 0.2126f * a.x * a.x + 0.7152f * a.y * a.y + 0.0722f * a.z * a.z;
  const ImVec4 label = luminance > 0.2f ? kInk : ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
  SetButtonTextColor(&label);
}

void apply_forced_theme(ImGuiStyle& st, const SystemColors& colours) {
  st = ImGuiStyle();
  apply_style(st);
  const Palette p = forced_palette(colours);
  ImVec4* c = st.Colors;
  for (int i = 0; i < ImGuiCol_COUNT; ++i) c[i] = Ink(p.background);  // no tint, gradient or shade of its own
  set_palette(c, p);
  for (ImGuiCol i : {ImGuiCol_ButtonHovered, ImGuiCol_ButtonActive, ImGuiCol_Header, ImGuiCol_HeaderHovered,
                     ImGuiCol_HeaderActive})
    c[i] = Ink(p.button);
  for (ImGuiCol i : {ImGuiCol_CheckMark, ImGuiCol_ScrollbarGrab, ImGuiCol_ScrollbarGrabHovered,
                     ImGuiCol_ScrollbarGrabActive, ImGuiCol_SliderGrab, ImGuiCol_SliderGrabActive})
    c[i] = Ink(p.text);
  c[ImGuiCol_FrameBgHovered] = c[ImGuiCol_FrameBgActive] = Ink(p.surface);
  c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_ModalWindowDimBg] = c[ImGuiCol_NavWindowingDimBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_TextSelectedBg] = Ink(p.accent);
  st.PopupBorderSize = 1.0f;
  SetActivePalette(p);
  const ImVec4 label = Ink(rgb_hex(colours.button_text));
  SetButtonTextColor(&label);
}

}  // namespace jupiter::ui
