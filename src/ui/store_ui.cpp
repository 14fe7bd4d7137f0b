// store_ui.cpp: the store's screens.
//
// [SECTION] helpers
// [SECTION] header (brand, currency)
// [SECTION] search
// [SECTION] destination plans
// [SECTION] home (featured destinations)
// [SECTION] loading and error states
// [SECTION] draw_store
#include "ui/store_ui.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/plan_query.hpp"
#include "ui/i18n.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui {
namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] helpers
// ---------------------------------------------------------------------------------------------------------
const ImVec4 kInk{0.09f, 0.11f, 0.17f, 1.0f};
const ImVec4 kMuted{0.33f, 0.36f, 0.43f, 1.0f};
const ImVec4 kAccent{0.75f, 0.30f, 0.05f, 1.0f};
const ImVec4 kError{0.70f, 0.10f, 0.10f, 1.0f};

std::string data_label(const Plan& p) {
  if (p.unlimited) return tr("store.plan.unlimited");
  char buf[32];
  if (p.data_mb % 1024 == 0) std::snprintf(buf, sizeof buf, "%lld GB", static_cast<long long>(p.data_mb / 1024));
  else if (p.data_mb >= 1024) std::snprintf(buf, sizeof buf, "%.1f GB", static_cast<double>(p.data_mb) / 1024.0);
  else std::snprintf(buf, sizeof buf, "%lld MB", static_cast<long long>(p.data_mb));
  return buf;
}

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
  const Region* r = cat.find_region(p.region);
  return tr_fmt("store.plan.regional", {{"region", r ? r->name : p.region}, {"n", n}});
}

float content_width() { return std::min(ImGui::GetContentRegionAvail().x, 920.0f); }

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
  const float needed = language_w + ImGui::CalcTextSize(tr("store.header.language")).x + currency_w +
                       ImGui::CalcTextSize(tr("store.header.currency")).x + 2 * st.ItemInnerSpacing.x +
                       st.ItemSpacing.x;
  const float right = ImGui::GetWindowContentRegionMax().x;
  const float x = right - needed;
  if (x > ImGui::GetCursorPosX() + 12.0f) ImGui::SetCursorPosX(x);
  else ImGui::NewLine();  // a narrow window: the switches go under the brand
  ImGui::SetNextItemWidth(language_w);
  const std::string language(language_endonym(m.language));
  if (BeginCombo(language_label.c_str(), language.c_str())) {
    for (Language l : kLanguages) {
      const std::string name = std::string(language_endonym(l)) + "##lang-" + std::string(language_code(l));
      if (Selectable(name.c_str(), l == m.language)) out.push_back(action::LanguageChosen{l});
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(currency_w);
  const std::string current(currency_code(m.currency));
  if (BeginCombo(currency_label.c_str(), current.c_str())) {
    for (Currency c : kCurrencies) {
      const std::string code(currency_code(c));
      if (Selectable(code.c_str(), c == m.currency)) out.push_back(action::CurrencyChosen{c});
    }
    ImGui::EndCombo();
  }
  TextColored(kMuted, tr("store.tagline"));
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
                              cat->find_destination(*m.destination)->name == m.query;
  if (!cat || m.query.empty() || showing_choice) return;

  if (m.hits.empty()) {
    TextColored(kMuted, tr_fmt("store.search.none", {{"query", m.query}}));
    return;
  }
  ImGui::PushID("hits");
  for (const SearchHit& h : m.hits) {
    const Destination& d = cat->destinations[h.destination];
    const Region* r = cat->find_region(d.region);
    // Similar names (Austria / Australia) are told apart by ISO code and region.
    std::string label = d.name + "  (" + to_string(d.code) + (r ? " · " + r->name : "") + ")";
    if (h.matched != d.name && h.kind != MatchKind::Typo) label += "  " + tr_fmt("store.search.matches", {{"alias", h.matched}});
    label += "##" + to_string(d.code);
    if (Selectable(label.c_str(), m.destination && *m.destination == d.code)) {
      out.push_back(action::DestinationChosen{d.code});
      out.push_back(action::QueryChanged{d.name});
    }
  }
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

// A combo over an enum's values; `filter_for(v)` is the filter that choosing v would give, to count its plans.
template <class E, class Label, class FilterFor>
void filter_combo(const char* id, E current, int count_of_values, Label label, FilterFor filter_for,
                  const Catalogue& cat, CountryCode country, Currency currency, std::vector<Action>& out) {
  ImGui::SetNextItemWidth(190.0f);
  if (BeginCombo(id, label(current))) {
    for (int i = 0; i < count_of_values; ++i) {
      const E v = static_cast<E>(i);
      const PlanFilter f = filter_for(v);
      const std::string option =
          tr_fmt("store.filter.option", {{"label", label(v)}, {"n", std::to_string(count_plans(cat, country, f, currency))}}) +
          "##" + std::to_string(i);
      if (Selectable(option.c_str(), v == current)) out.push_back(action::FilterChanged{f});
    }
    ImGui::EndCombo();
  }
}

void draw_filters(const Model& m, const Catalogue& cat, CountryCode country, std::vector<Action>& out) {
  const PlanFilter& f = m.filter;
  filter_combo(
      "##data", f.data, static_cast<int>(DataBand::Unlimited) + 1, data_band_label,
      [&](DataBand b) { PlanFilter g = f; g.data = b; return g; }, cat, country, m.currency, out);
  ImGui::SameLine();
  filter_combo(
      "##validity", f.validity, static_cast<int>(ValidityBand::Over30Days) + 1, validity_band_label,
      [&](ValidityBand b) { PlanFilter g = f; g.validity = b; return g; }, cat, country, m.currency, out);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(170.0f);
  const std::string sort_preview = tr_fmt("store.sort.preview", {{"key", sort_option_label(m.sort)}});
  if (BeginCombo("##sort", sort_preview.c_str())) {
    for (int i = 0; i <= static_cast<int>(SortKey::Validity); ++i) {
      const auto k = static_cast<SortKey>(i);
      if (Selectable(sort_option_label(k), k == m.sort)) out.push_back(action::SortChanged{k});
    }
    ImGui::EndCombo();
  }

  struct FeatureBox {
    Feature bit;
    const char* key;
    const char* id;
  };
  const FeatureBox boxes[] = {{kFeature5G, "store.feature.5g", "5g"},
                              {kFeatureHotspot, "store.feature.hotspot", "hotspot"},
                              {kFeatureTopUp, "store.feature.topup", "topup"},
                              {kFeatureVoice, "store.feature.voice", "voice"},
                              {kFeatureSms, "store.feature.sms", "sms"}};
  bool first = true;
  for (const auto& b : boxes) {
    PlanFilter toggled = f;
    toggled.required_features = static_cast<std::uint8_t>(f.required_features ^ b.bit);
    bool on = (f.required_features & b.bit) != 0;
    // The count is what the list would hold with this box ticked (for a ticked box: as it is now).
    const PlanFilter with = on ? f : toggled;
    const std::string label =
        tr_fmt("store.filter.option", {{"label", tr(b.key)}, {"n", std::to_string(count_plans(cat, country, with, m.currency))}}) +
        "##feature-" + b.id;
    if (!first) ImGui::SameLine();
    first = false;
    if (Checkbox(label.c_str(), &on)) out.push_back(action::FilterChanged{toggled});
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] destination plans
// ---------------------------------------------------------------------------------------------------------
bool draw_plans(const Model& m, const Context& ctx, std::vector<Action>& out) {
  const Catalogue& cat = *m.catalogue.catalogue;
  const Destination* d = cat.find_destination(*m.destination);
  if (!d) return false;
  ImGui::Spacing();
  Heading(tr_fmt("store.plans.heading", {{"country", d->name}, {"code", to_string(d->code)}}), ctx.heading);
  if (Button((std::string(tr("store.plans.change")) + "##change").c_str())) {
    out.push_back(action::DestinationCleared{});
    out.push_back(action::QueryChanged{""});
  }
  draw_filters(m, cat, *m.destination, out);
  if (m.plans.empty()) {
    TextColored(kMuted,
                tr_fmt("store.plans.none", {{"country", d->name}, {"currency", currency_code(m.currency)}}),
                "status");
    return false;
  }
  Text(m.plans.size() == 1 ? tr_fmt("store.plans.count_one", {{"sort", sort_label(m.sort)}})
                           : tr_fmt("store.plans.count_other",
                                    {{"n", std::to_string(m.plans.size())}, {"sort", sort_label(m.sort)}}),
       "status");
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_PadOuterX;
  const bool narrow = content_width() < 560.0f;
  if (ImGui::BeginTable("plans", narrow ? 2 : 4, flags, ImVec2(content_width(), 0))) {
    ImGui::TableSetupColumn(tr("store.plans.column.plan"), ImGuiTableColumnFlags_WidthStretch);
    if (!narrow) {
      ImGui::TableSetupColumn(tr("store.plans.column.data"), ImGuiTableColumnFlags_WidthFixed, 120.0f);
      ImGui::TableSetupColumn(tr("store.plans.column.validity"), ImGuiTableColumnFlags_WidthFixed, 90.0f);
    }
    ImGui::TableSetupColumn(tr("store.plans.column.price"), ImGuiTableColumnFlags_WidthFixed, 100.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(10.0f, 3.0f));
    ImGuiListClipper clipper;  // long lists draw only the visible rows
    clipper.Begin(static_cast<int>(m.plans.size()));
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const Plan& p = cat.plans[m.plans[static_cast<std::size_t>(row)]];
        ImGui::PushID(p.id.c_str());
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        Text(p.name, "listitem");
        TextColored(kMuted, coverage_label(cat, p));
        const std::string feats = features_label(p);
        if (!feats.empty()) TextColored(kMuted, feats);
        if (narrow) TextColored(kMuted, data_label(p) + ", " + validity_label(p));
        TextColored(kMuted, validity_start_label(p.validity_start));
        if (p.unlimited) TextColored(kMuted, tr_fmt("store.plan.fair_use", {{"terms", p.fair_use}}));
        if (!narrow) {
          ImGui::TableNextColumn();
          Text(data_label(p));
          ImGui::TableNextColumn();
          Text(validity_label(p));
        }
        ImGui::TableNextColumn();
        if (auto price = p.prices.get(m.currency)) Text(ctx.format_money(*price), "price");
        ImGui::PopID();
      }
    }
    ImGui::PopStyleVar();
    ImGui::EndTable();
  }
  return true;
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
  for (const Featured& f : m.featured) {
    const Destination& d = cat.destinations[f.destination];
    std::string label = d.name;
    if (auto from = f.from.get(m.currency)) {
      label += "\n" + tr_fmt("store.home.from", {{"price", ctx.format_money(*from)}});
      drew_price = true;
    }
    label += "##featured-" + to_string(d.code);
    if (column > 0) ImGui::SameLine();
    if (Button(label.c_str(), true, ImVec2(card_w, 64.0f))) {
      out.push_back(action::DestinationChosen{d.code});
      out.push_back(action::QueryChanged{d.name});
    }
    column = card_w < width ? (column + 1) % 3 : 0;
  }
  return drew_price;
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
  TextColored(kError, tr("store.error.title"), "alert");
  TextWrapped(error_headline(m.catalogue), "alert");
  TextColored(kMuted, tr_fmt("store.error.details", {{"detail", describe(m.catalogue)}}));
  if (Button((std::string(tr("store.error.retry")) + "##retry").c_str())) out.push_back(action::RetryCatalogue{});
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] draw_store
// ---------------------------------------------------------------------------------------------------------
FrameInfo draw_store(const Model& m, Scratch& s, const Context& ctx, std::vector<Action>& out) {
  FrameInfo info;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const float margin = std::max(16.0f, (vp->WorkSize.x - 920.0f) * 0.5f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(margin, 20.0f));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("JupiterEsims store", nullptr, flags);
  ImGui::PopStyleVar();

  draw_header(m, ctx, out);
  switch (m.catalogue.state) {
    case LoadState::Idle:
    case LoadState::Loading:
      if (!m.catalogue.catalogue) {
        Text(tr("store.loading"), "status");
        break;
      }
      [[fallthrough]];
    case LoadState::Ready:
      draw_search(m, s, out);
      if (m.destination) info.catalogue_visible = draw_plans(m, ctx, out);
      else info.catalogue_visible = draw_home(m, ctx, out);
      break;
    case LoadState::Failed: draw_failed(m, out); break;
  }

  if (m.catalogue.catalogue) {
    ImGui::Spacing();
    ImGui::Separator();
    if (!m.catalogue.catalogue->notice.empty()) TextColored(kMuted, m.catalogue.catalogue->notice);
    if (!m.catalogue.skipped.empty())
      TextColored(kMuted, tr_fmt("store.footer.skipped", {{"n", std::to_string(m.catalogue.skipped.size())}}));
  }
  TextColored(kMuted, tr("store.footer.taxes"));
  ImGui::End();
  return info;
}

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
  c[ImGuiCol_Text] = kInk;
  c[ImGuiCol_TextDisabled] = kMuted;
  c[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.98f, 0.99f, 1.0f);
  c[ImGuiCol_PopupBg] = ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
  c[ImGuiCol_FrameBg] = ImVec4(1.0f, 1.0f, 1.0f, 1.0f);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.95f, 0.95f, 0.97f, 1.0f);
  c[ImGuiCol_Border] = ImVec4(0.80f, 0.82f, 0.86f, 1.0f);
  st.FrameBorderSize = 1.0f;
  c[ImGuiCol_Button] = ImVec4(0.93f, 0.94f, 0.97f, 1.0f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.99f, 0.90f, 0.82f, 1.0f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.98f, 0.82f, 0.68f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.99f, 0.90f, 0.82f, 1.0f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.99f, 0.90f, 0.82f, 1.0f);
  c[ImGuiCol_HeaderActive] = ImVec4(0.98f, 0.82f, 0.68f, 1.0f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(0.95f, 0.96f, 0.98f, 1.0f);
  c[ImGuiCol_NavHighlight] = kAccent;
}

}  // namespace jupiter::ui
