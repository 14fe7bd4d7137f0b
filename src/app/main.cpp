// main.cpp: the store in the browser. Wires the pure core (model/update), the platform layer (fetch, Intl,
// marks), the ImGui web backend and the screens; draws a frame only when something changed.
//
// init -> (event | effect result) -> request frames -> frame: apply queued actions, draw, render.
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/eventloop.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>

#include "app/texts.hpp"
#include "core/app.hpp"
#include "core/json_writer.hpp"
#include "core/locale.hpp"
#include "core/overloaded.hpp"
#include "platform/appearance.hpp"
#include "platform/browser.hpp"
#include "platform/browser_state.hpp"
#include "platform/consent_bridge.hpp"
#include "platform/embed_bridge.hpp"
#include "platform/image.hpp"
#include "platform/imgui_impl_web.h"
#include "platform/mirror.hpp"
#include "platform/platform.hpp"
#include "platform/text_input.hpp"
#include "ui/a11y.hpp"
#include "ui/account_ui.hpp"
#include "ui/checkout_ui.hpp"
#include "ui/i18n.hpp"
#include "ui/privacy_centre_ui.hpp"
#include "ui/support_ui.hpp"
#include "ui/privacy_ui.hpp"
#include "ui/store_ui.hpp"
#include "ui/flags.hpp"
#include "ui/theme.hpp"
#include "ui/widgets.hpp"

extern "C" const unsigned char jupiter_font_data[];
extern "C" const unsigned int jupiter_font_data_size;
extern "C" const unsigned char jupiter_policy_text[];
extern "C" const unsigned int jupiter_policy_text_size;
extern "C" const unsigned char jupiter_phones_data[];
extern "C" const unsigned int jupiter_phones_data_size;

namespace {

using namespace jupiter;

struct App {
  Model model;
  std::deque<Action> queue;
  ui::Scratch scratch;
  ui::Context ctx;
  ui::CheckoutEnv checkout_env;
  ui::CheckoutScratch checkout_scratch;
  int frames_wanted = 0;
  bool frame_scheduled = false;
  unsigned frames_rendered = 0;
  bool texts_ready = false;    // some language's texts are installed (frames wait until then)
  Route route;                 // the view the address bar shows
  bool route_from_history = false;  // the last route change came from Back/Forward: no new entry
  std::vector<PhoneBrand> phones;
  const Catalogue* names_for = nullptr;          // the catalogue and language local names were asked for
  Language names_language = Language::Unknown;
  // In a partner's frame (window.jupiterEmbed with a readable config): see platform/embed_bridge.hpp.
  bool embedded = false;
  bool shown_dispatched = false;     // CatalogueShown sent (the "ready" announcement)
  int content_height = 0;            // the last height sent to the host (CSS px)
  bool themed = false;               // the partner's theme below is installed
  Theme theme = Theme::Light;
  std::optional<std::uint32_t> accent;
  bool flags_requested = false;      // the flag atlas was asked for
  bool policy_checked = false;       // the policy notice's core was told the seen version (after_frame_policy)
};
App g_app;
// For the benchmark, with the test API on: update() times (ms) of the actions that change what is listed, and the
// CPU time of each rendered frame (ms).
std::vector<std::pair<const char*, double>> g_timings;
std::vector<double> g_frame_ms;
std::vector<double> g_mirror_ms;  // the accessible mirror's upkeep per rendered frame (ms)

const char* action_name(const Action& a) {
  if (std::holds_alternative<action::QueryChanged>(a)) return "search";
  if (std::holds_alternative<action::FilterChanged>(a)) return "filter";
  if (std::holds_alternative<action::SortChanged>(a)) return "sort";
  if (std::holds_alternative<action::DestinationChosen>(a)) return "destination";
  if (std::holds_alternative<action::CurrencyChosen>(a)) return "currency";
  if (std::holds_alternative<action::CatalogueResponse>(a)) return "catalogue";  // decode + index (issue 14)
  return nullptr;
}

void request_frames(int n);

void dispatch(Action a) {
  g_app.queue.push_back(std::move(a));
  request_frames(1);
}

void save_catalogue_later(const effect::SaveCatalogue& c);
void save_catalogue(const effect::SaveCatalogue& c);
void load_local_names();

// ---- checkout effects: requests, the tab's session record, navigation, poll timers ----------------------
void on_poll_timer(void* timer) {
  dispatch(checkout::action::PollDue{static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(timer))});
}

// One lambda per effect and no catch-all: an effect type nobody performs does not compile.
void perform_checkout(const checkout::Effect& e) {
  namespace ce = checkout::effect;
  std::visit(overloaded{
                 [](const ce::Http& h) {
                   platform::request({h.method, h.url, h.headers, h.body}, [kind = h.kind, seq = h.seq](platform::HttpResponse r) {
                     dispatch(checkout::action::Response{kind, seq, r.status, std::move(r.body), r.retry_after_s,
                                                         std::move(r.error)});
                   });
                 },
                 [](const ce::SaveSession& s) { platform::session_set(checkout::kSessionKey, s.record); },
                 [](const ce::ClearSession&) { platform::session_remove(checkout::kSessionKey); },
                 [](const ce::Navigate& n) { platform::navigate(n.url); },
                 [](const ce::ReplaceUrl& u) { platform::replace_url(u.url); },
                 [](const ce::StartTimer& t) {
                   emscripten_set_timeout(on_poll_timer, t.ms, reinterpret_cast<void*>(static_cast<std::uintptr_t>(t.timer)));
                 },
                 [](const ce::SaveFile& f) { platform::save_file(f.name, f.type, f.body); },
                 [](const ce::OpenPayment& p) {  // within the buyer's click: the browser allows the window
                   const bool opened = g_app.embedded && platform::embed_open_payment(p.url);
                   dispatch(checkout::action::PaymentWindow{opened});
                 },
                 [](const ce::CopyText& c) {
                   platform::copy_text(c.text, [field = c.field](bool ok) { dispatch(checkout::action::Copied{field, ok}); });
                 },
                 [](const ce::OpenUrl& u) { platform::open_url(u.url, /*new_tab=*/true); },
             },
             e);
}

// My eSIMs (core/account.hpp): its requests carry the session cookie (same-origin credentials); the answer comes
// back as account::action::Answer.
void perform_account(const account::Effect& e) {
  std::visit(overloaded{
                 [](const account::effect::Http& h) {
                   platform::HttpRequest req{h.method, h.url, {}, h.body};
                   if (!h.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
                   platform::request(req, [call = h.call](platform::HttpResponse r) {
                     dispatch(account::Action{account::action::Answer{call, r.status, std::move(r.body)}});
                   });
                 },
                 [](const account::effect::Navigate& n) { platform::navigate(n.url); },
             },
             e);
}

// The privacy centre (core/privacy_centre.hpp): requests with the session cookie as My eSIMs', the data file saved
// by the browser, and the consent manager's part (an analytics objection withdraws that category; its settings).
void perform_privacy_centre(const privacy_centre::Effect& e) {
  namespace pe = privacy_centre::effect;
  std::visit(overloaded{
                 [](const pe::Http& h) {
                   platform::HttpRequest req{h.method, h.url, {}, h.body};
                   if (!h.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
                   platform::request(req, [call = h.call](platform::HttpResponse r) {
                     dispatch(privacy_centre::Action{privacy_centre::action::Answer{call, r.status, std::move(r.body)}});
                   });
                 },
                 [](const pe::SaveFile& f) { platform::save_file(f.name, f.type, f.body); },
                 [](const pe::WithdrawCookieCategory& w) { platform::withdraw_cookie_category(w.category); },
                 [](const pe::OpenCookieSettings&) { platform::open_cookie_settings(); },
                 [](const pe::OpenUrl& u) {  // a same-origin path: this page's origin before it
                   const std::string base = platform::page_base_url();
                   const std::size_t scheme = base.find("//");
                   const std::size_t path = scheme == std::string::npos ? scheme : base.find('/', scheme + 2);
                   platform::open_url(base.substr(0, path) + u.url, /*new_tab=*/true);
                 },
             },
             e);
}

// The eSIM page's support thread (core/support.hpp): with the order's own token; answers as support Answers.
void perform_support(const support::Effect& e) {
  std::visit(overloaded{
                 [](const support::effect::Http& h) {
                   platform::HttpRequest req{h.method, h.url, {{"Authorization", "Bearer " + h.token}}, h.body};
                   if (!h.body.empty()) req.headers.emplace_back("Content-Type", "application/json");
                   platform::request(req, [call = h.call, id = h.order_id](platform::HttpResponse r) {
                     dispatch(support::Action{
                         support::action::Answer{call, r.status, std::move(r.body), r.retry_after_s, id}});
                   });
                 },
             },
             e);
}

// The policy-change notice (core/policy_notice.hpp): /api/policy, and the seen version kept as strictly necessary
// storage (it only stops the notice from repeating).
void perform_policy_notice(const policy_notice::Effect& e) {
  std::visit(overloaded{
                 [](const policy_notice::effect::FetchPolicy& f) {
                   platform::request({"GET", f.url, {}, ""}, [](platform::HttpResponse r) {
                     dispatch(policy_notice::Action{policy_notice::action::Answer{r.status, std::move(r.body)}});
                   });
                 },
                 [](const policy_notice::effect::RememberSeen& r) {
                   if (!platform::storage_set(policy_notice::kSeenKey, r.version))
                     platform::log(LogLevel::Info, std::string("storage: could not keep ") + policy_notice::kSeenKey);
                 },
             },
             e);
}

// The eSIM page's usage and top-ups (core/topup.hpp): GETs with the order's own token; answers as topup Answers.
void perform_topup(const topup::Effect& e) {
  std::visit(overloaded{
                 [](const topup::effect::Http& h) {
                   platform::HttpRequest req{"GET", h.url, {{"Authorization", "Bearer " + h.token}}, ""};
                   platform::request(req, [call = h.call, id = h.order_id](platform::HttpResponse r) {
                     dispatch(topup::Action{topup::action::Answer{call, id, r.status, std::move(r.body), r.retry_after_s}});
                   });
                 },
             },
             e);
}

// The eSIM page's refund (core/refund.hpp): with the order's own token; answers as refund Answers.
void perform_refund(const refund::effect::Http& h) {
  platform::HttpRequest req{h.method, h.url, {{"Authorization", "Bearer " + h.token}}, ""};
  platform::request(req, [call = h.call](platform::HttpResponse r) {
    dispatch(refund::Action{refund::action::Answer{call, r.status, std::move(r.body)}});
  });
}

// A preference is kept only with the preferences consent; the model still holds it for this visit.
void store(const effect::Store& st) {
  if (st.kind == StorageKind::Preference && !platform::consent_allows("preferences")) return;
  if (st.value.empty()) platform::storage_remove(st.key);
  else if (!platform::storage_set(st.key, st.value)) platform::log(LogLevel::Info, "storage: could not keep " + st.key);
}

void perform(const Effect& e) {
  std::visit(overloaded{
                 [](const checkout::Effect& c) { perform_checkout(c); },
                 [](const account::Effect& a) { perform_account(a); },
                 [](const privacy_centre::Effect& p) { perform_privacy_centre(p); },
                 [](const support::Effect& s) { perform_support(s); },
                 [](const policy_notice::Effect& p) { perform_policy_notice(p); },
                 [](const topup::Effect& t) { perform_topup(t); },
                 [](const refund::effect::Http& h) { perform_refund(h); },
                 [](const effect::Fetch& f) {
                   platform::fetch(f.url, f.if_none_match, [](platform::FetchResult r) {
                     platform::mark("jupiter:catalogue-received");
                     dispatch(action::CatalogueResponse{r.status, std::move(r.body), std::move(r.etag),
                                                        std::move(r.error), platform::now_ms()});
                   });
                 },
                 [](const effect::Log& l) { platform::log(l.level, l.message); },
                 [](const effect::Store& st) { store(st); },
                 [](const effect::SaveCatalogue& c) { save_catalogue_later(c); },
                 [](const effect::Announce& a) {  // on the store's own page there is nobody to tell
                   if (g_app.embedded) platform::embed_emit(a.name, a.detail);
                 },
                 [](const effect::ReadConsent&) {
                   dispatch(action::ConsentRead{{platform::consent_record_text(), platform::gpc_signal(), platform::now_ms()}});
                 },
                 [](const effect::OpenCookieSettings&) { platform::open_cookie_settings(); },
             },
             e);
}

// Kept after the frame that shows the catalogue, not before it: the catalogue update's effects, this ~400 KB
// localStorage write above all, took 6–14 ms of the first visit's critical path here (issue 14). Timeouts of
// equal delay run in order, so saves keep theirs.
void save_catalogue_later(const effect::SaveCatalogue& c) {
  emscripten_set_timeout(
      [](void* p) {
        const std::unique_ptr<effect::SaveCatalogue> save(static_cast<effect::SaveCatalogue*>(p));
        save_catalogue(*save);
      },
      0, new effect::SaveCatalogue(c));
}

// The record names the body it describes, so it is written last and only once the body is in place: a failed
// write leaves no record, never a record with someone else's body.
void save_catalogue(const effect::SaveCatalogue& c) {
  if (!c.body.empty()) {
    platform::storage_remove(kCacheMetaKey);
    if (!platform::storage_set(kCacheBodyKey, c.body)) {
      platform::storage_remove(kCacheBodyKey);
      platform::log(LogLevel::Info, "catalogue cache: the browser refused " + std::to_string(c.body.size()) +
                                        " bytes; the store will need the network next time");
      return;
    }
  } else if (!platform::storage_get(kCacheBodyKey)) {
    return;
  }
  platform::storage_set(kCacheMetaKey, encode_cache_meta(c.etag, c.checked_at_ms));
}

std::optional<CatalogueCache> load_catalogue_cache() {
  auto meta = platform::storage_get(kCacheMetaKey);
  std::optional<CatalogueCache> cache = meta ? decode_cache_meta(*meta) : std::nullopt;
  if (!cache) return std::nullopt;
  auto body = platform::storage_get(kCacheBodyKey);
  if (!body) return std::nullopt;
  cache->body = std::move(*body);
  return cache;
}

// Destination names in the active language from the browser (Intl.DisplayNames), once per catalogue and language.
void load_local_names() {
  const Catalogue* cat = g_app.model.catalogue.catalogue.get();
  const Language lang = g_app.model.language;
  if (!cat || (cat == g_app.names_for && lang == g_app.names_language)) return;
  g_app.names_for = cat;
  g_app.names_language = lang;
  if (lang == Language::En) return;  // the catalogue's own names
  std::vector<std::string> codes;
  for (const Destination& d : cat->destinations) codes.push_back(to_string(d.code));
  std::vector<std::string> names = platform::region_names(std::string(language_code(lang)), codes);
  if (!names.empty()) dispatch(action::LocalNames{lang, std::move(names)});
}

// The address bar follows the view: a new place is a new history entry, a filter change replaces the entry.
void sync_url() {
  const Route r = route_of(g_app.model);
  if (r == g_app.route) return;
  // In a frame, history entries would land in the partner page's Back button: the frame only replaces its own.
  const bool push = !g_app.embedded && !g_app.route_from_history && is_new_place(g_app.route, r);
  platform::set_url_query(encode_route(r), kRouteKeys, push);
  g_app.route = r;
  g_app.route_from_history = false;
}

// The traveller's stored language and currency: read only with the preferences consent.
struct StoredPreferences {
  std::optional<Language> language;
  std::optional<Currency> currency;
};
StoredPreferences stored_preferences() {
  if (!platform::consent_allows("preferences")) return {};
  return {parse_language(platform::storage_get(kLanguageKey).value_or("")),
          parse_currency(platform::storage_get(kCurrencyKey).value_or(""))};
}

// Installs the model's language when it changed: texts and money locale (app/texts.hpp). A language whose
// bundle is still on its way keeps the texts installed before, and the first frame waits for the first texts.
void apply_language() {
  if (app::install_texts(g_app.model.language, [] { apply_language(); request_frames(2); })) g_app.texts_ready = true;
}

// Installs the look the page asks for when an input of it changed (`appearance`: the browser's colour scheme or
// forced-colors mode; else the partner's theme): forced colors win (the user's system colours), then the
// partner's theme and accent in a frame, then ?theme=, then prefers-color-scheme.
void install_theme(bool appearance) {
  const EmbedState& e = g_app.model.embed;
  const bool embed_changed = e.on && !(g_app.themed && g_app.theme == e.theme && g_app.accent == e.accent);
  if (!appearance && !embed_changed) return;
  if (e.on) {
    g_app.themed = true;
    g_app.theme = e.theme;
    g_app.accent = e.accent;
  }
  if (const std::optional<SystemColors> forced = platform::forced_colors())
    return ui::apply_forced_theme(ImGui::GetStyle(), *forced);
  const std::optional<bool> embed_dark = e.on ? std::optional<bool>(e.theme == Theme::Dark) : std::nullopt;
  ui::apply_theme(ImGui::GetStyle(), ui::choose_dark(embed_dark, platform::query_param("theme"), platform::prefers_dark()),
                  e.on ? e.accent : std::nullopt);
}

// In a partner's frame: the config at start, then the host's attribute changes as actions.
void init_embed() {
  const std::optional<std::string> config = platform::embed_config();
  if (!config) return;  // the store's own page
  EmbedDecode d = decode_embed(*config);
  if (!d.ok) {
    platform::log(LogLevel::Error, d.error + "; the store runs as on its own page");
    return;
  }
  for (const std::string& p : d.problems) platform::log(LogLevel::Warning, "embed config: " + p);
  g_app.embedded = true;
  dispatch(action::Embedded{std::move(d.settings)});
  platform::embed_on_attributes([](std::string json) {
    EmbedDecode a = decode_embed(json);
    if (!a.ok) return platform::log(LogLevel::Warning, a.error + " (attributes); ignored");
    for (const std::string& p : a.problems) platform::log(LogLevel::Warning, "embed attributes: " + p);
    a.settings.partner.clear();
    dispatch(action::EmbedAttributes{std::move(a.settings)});
  });
}

// In a partner's frame, after each frame: "ready" once the catalogue showed, and the content height when it
// changed (the host fits the frame to it). Neither asks for a frame of its own beyond the one "ready" needs.
void after_frame_embed(const ui::FrameInfo& info) {
  if (!g_app.embedded) return;
  if (info.catalogue_visible && !g_app.shown_dispatched) {
    g_app.shown_dispatched = true;
    dispatch(action::CatalogueShown{});
  }
  const int h = static_cast<int>(std::ceil(info.content_height));
  if (h > 0 && h != g_app.content_height) {
    g_app.content_height = h;
    platform::embed_size(h);
  }
}

// Once the first screen showed plans or prices (never before, never in a partner's frame): the stored policy
// version seen goes to the notice's core, which asks for /api/policy only when it is an older one.
void after_frame_policy(const ui::FrameInfo& info) {
  if (g_app.embedded || !info.catalogue_visible || g_app.policy_checked) return;
  g_app.policy_checked = true;
  dispatch(policy_notice::Action{policy_notice::action::Checked{platform::storage_get(policy_notice::kSeenKey)}});
}

void drain_actions() {
  while (!g_app.queue.empty()) {
    Action a = std::move(g_app.queue.front());
    g_app.queue.pop_front();
    const char* timed = ui::test_items().on ? action_name(a) : nullptr;
    const double t0 = timed ? emscripten_get_now() : 0.0;
    if (auto* co = std::get_if<checkout::Action>(&a))  // Pay carries the consent record's id and key (issue 19)
      if (auto* pay = std::get_if<checkout::action::Pay>(co)) pay->consent_record = platform::consent_record_text();
    Update u = update(std::move(g_app.model), std::move(a));
    if (timed && g_timings.size() < 10000) g_timings.emplace_back(timed, emscripten_get_now() - t0);
    g_app.model = std::move(u.model);
    for (const Effect& e : u.effects) perform(e);
  }
  apply_language();
  install_theme(false);
  sync_url();
  load_local_names();
}

void build_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  const float ratio = web::ImplWeb_PixelRatio();
  io.Fonts->Clear();
  static const ImWchar ranges[] = {0x0020, 0x017F, 0x2010, 0x205E, 0x20AC, 0x20AC, 0x2190, 0x2193, 0};
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;  // the data is a static array
  cfg.OversampleH = 1;               // rasterized at device pixels already: no oversampling needed
  cfg.OversampleV = 1;
  void* data = const_cast<unsigned char*>(jupiter_font_data);
  const int size = static_cast<int>(jupiter_font_data_size);
  g_app.ctx.body = io.Fonts->AddFontFromMemoryTTF(data, size, 16.0f * ratio, &cfg, ranges);
  g_app.ctx.heading = io.Fonts->AddFontFromMemoryTTF(data, size, 24.0f * ratio, &cfg, ranges);
  io.FontGlobalScale = 1.0f / ratio;  // glyphs are drawn at device pixels, laid out in CSS pixels
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

// The flag atlas, once, after the first screen with the catalogue is visible (it is not part of the first load:
// until it arrives the flags' places stay empty).
void load_flags() {
  if (g_app.flags_requested) return;
  g_app.flags_requested = true;
  const std::string url = platform::page_meta("jupiter:flags");
  if (url.empty()) return;
  platform::load_texture(url, [](unsigned texture) {
    if (texture) ui::set_flag_texture(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(texture)));
  });
}

// The screen in front: the privacy centre or My eSIMs over the store unless a checkout is open, else the checkout,
// else the store.
ui::FrameInfo draw_screen(std::vector<Action>& out, std::vector<TextField>& fields) {
  const Model& m = g_app.model;
  ui::FrameInfo info;
  if (m.privacy_centre.screen != privacy_centre::Screen::Closed && !m.checkout.open()) {
    info.content_height = ui::draw_privacy_centre(m, g_app.ctx, out, fields);
  } else if (m.account.screen != account::Screen::Closed && !m.checkout.open()) {
    info.content_height = ui::draw_account(m, g_app.ctx, out, fields);
  } else if (m.checkout.open()) {
    g_app.checkout_env.heading = g_app.ctx.heading;
    g_app.checkout_env.pixel_ratio = web::ImplWeb_PixelRatio();
    const ui::SupportFrame support(m, out, fields, g_app.checkout_env.device);  // the eSIM page's help section
    info.content_height = ui::draw_checkout(m, g_app.checkout_env, g_app.checkout_scratch, out, fields);
  } else {
    info = ui::draw_store(m, g_app.scratch, g_app.ctx, out);
  }
  return info;
}

void render_frame() {
  const double frame_start = emscripten_get_now();
  drain_actions();
  if (!g_app.texts_ready) return;  // the language's bundle is on its way: apply_language asks for frames then
  if (g_app.model.catalogue.catalogue) platform::mark("jupiter:catalogue-decoded");
  if (web::ImplWeb_PixelRatioChanged()) {
    platform::mark("jupiter:fonts-start");  // marks are set once: these time the first frame's phases
    build_fonts();
    platform::mark("jupiter:fonts-built");
  }
  g_app.ctx.now_ms = platform::now_ms();
  if (platform::appearance_changed()) install_theme(true);

  ui::TestItems& items = ui::test_items();
  items.begin_frame();
  ImGui_ImplOpenGL3_NewFrame();
  web::ImplWeb_NewFrame();
  ImGui::NewFrame();
  std::vector<Action> out;
  std::vector<TextField> fields;  // checkout text fields: real <input> elements go over them
  ui::widget_fields().clear();              // and the store's search fields
  const ui::FrameInfo info = draw_screen(out, fields);
  ImGui::Render();
  platform::mark("jupiter:layout-done");

  const ImGuiIO& io = ImGui::GetIO();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
             static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  platform::mark("jupiter:gl-drawn");
  items.end_frame();
  for (auto& f : ui::widget_fields()) fields.push_back(std::move(f));
  platform::text_fields_sync(fields);
  const double mirror_start = emscripten_get_now();
  const bool mirror_more = ui::a11y::sync(items.last_frame());
  if (ui::test_items().on && g_mirror_ms.size() < 10000) g_mirror_ms.push_back(emscripten_get_now() - mirror_start);
  ++g_app.frames_rendered;
  if (ui::test_items().on && g_frame_ms.size() < 10000) g_frame_ms.push_back(emscripten_get_now() - frame_start);

  platform::mark("jupiter:first-frame");
  if (info.catalogue_visible) {
    platform::mark("jupiter:catalogue-visible");
    load_flags();
  }
  after_frame_embed(info);
  after_frame_policy(info);
  for (auto& a : out) dispatch(std::move(a));
  if (!out.empty()) request_frames(2);  // the result of a click shows in the next frames
  if (mirror_more) request_frames(1);
}

EM_BOOL on_animation_frame(double, void*) {
  g_app.frame_scheduled = false;
  render_frame();
  if (--g_app.frames_wanted > 0) request_frames(0);
  return EM_FALSE;
}

void request_frames(int n) {
  g_app.frames_wanted = std::max(g_app.frames_wanted, n);
  if (g_app.frames_wanted <= 0 || g_app.frame_scheduled) return;
  g_app.frame_scheduled = true;
  emscripten_request_animation_frame(on_animation_frame, nullptr);
}

// The checkout's services, and where it resumes: the processor's return (?order=&checkout=), an order link
// (?order=#t=) or the tab's session record (a reload mid-checkout).
void init_checkout() {
  ui::CheckoutEnv& env = g_app.checkout_env;
  env.format_money = g_app.ctx.format_money;
  env.new_key = [] { return platform::random_token(18); };  // 24 base64url characters
  env.open_in_new_tab = [](const std::string& url) { platform::open_url(url, true); };
  env.page_base = platform::page_base_url();
  env.device = delivery::detect_device(platform::user_agent(), platform::max_touch_points());
  env.policy_text.assign(reinterpret_cast<const char*>(jupiter_policy_text), jupiter_policy_text_size);
  platform::text_fields_init([](int tag, std::string value) {
    if (tag >= ui::kWidgetFieldTag) {  // a store search field: its widget takes the value in the next frame
      ui::widget_field_changed(tag, std::move(value));
      return request_frames(1);
    }
    if (tag == ui::kAccountEmailTag) return dispatch(account::Action{account::action::EmailChanged{std::move(value)}});
    if (tag == ui::kSupportFieldTag) return dispatch(support::Action{support::action::DraftChanged{std::move(value)}});
    if (tag >= ui::kPrivacyFieldTag && tag < ui::kPrivacyFieldTag + ui::kPrivacyFieldCount)
      return dispatch(privacy_centre::Action{privacy_centre::action::FieldChanged{
          static_cast<privacy_centre::Field>(tag - ui::kPrivacyFieldTag), std::move(value)}});
    if (tag < 0 || tag > static_cast<int>(checkout::Field::Phone)) return;
    dispatch(checkout::action::FieldChanged{static_cast<checkout::Field>(tag), std::move(value)});
  });
  dispatch(checkout::action::Resume{platform::session_get(checkout::kSessionKey), platform::query_param("order"),
                                    platform::query_param("checkout"), platform::url_fragment()});
}

// A list of milliseconds as a JSON array.
std::string numbers_json(const std::vector<double>& list) {
  JsonWriter w;
  w.begin_array();
  for (double v : list) w.number(v);
  return w.end_array().take();
}

}  // namespace

// ---- the QA test API (window.jupiterTest, installed by the page when ?test=1) ----------------------------
extern "C" {
EMSCRIPTEN_KEEPALIVE const char* jupiter_test_items() {
  static std::string json;
  json = ui::test_items().to_json();
  return json.c_str();
}
EMSCRIPTEN_KEEPALIVE unsigned jupiter_test_frames() { return g_app.frames_rendered; }
EMSCRIPTEN_KEEPALIVE const char* jupiter_test_state() {
  static std::string json;
  const Model& m = g_app.model;
  const CatalogueState& c = m.catalogue;
  const char* states[] = {"idle", "loading", "ready", "failed"};
  const char* sources[] = {"none", "cache", "network"};
  JsonWriter w;  // keys in ascending order (core/json_writer.hpp)
  w.begin_object()
      .field("attempts", c.attempts)
      .field("buying_allowed", buying_allowed(m))
      .field("catalogue", states[static_cast<int>(c.state)])
      .field("checked_at", c.checked_at_ms)
      .field("confirmed", c.confirmed)
      .field("currency", currency_code(m.currency))
      .field("destination", m.destination ? to_string(*m.destination) : std::string())
      .field("language", language_code(m.language))
      .field("offline", is_offline(m))
      .field("open_plan", m.open_plan)
      .field("plans", c.catalogue ? c.catalogue->plans.size() : 0)
      .field("region", m.region)
      .field("route", encode_route(route_of(m)))
      .field("search_hits", m.hits.size())
      .field("shown_plans", m.plans.size())
      .field("skipped", c.skipped.size())
      .key("skipped_entries")
      .begin_array();
  for (std::size_t i = 0; i < c.skipped.size() && i < 100; ++i)
    w.begin_object().field("reason", c.skipped[i].reason).field("where", c.skipped[i].where).end_object();
  w.end_array().field("source", sources[static_cast<int>(c.source)]).end_object();
  json = w.take();
  return json.c_str();
}
// [[action, ms], ...] of update() since the last call, for the benchmark (search as you type, filters).
EMSCRIPTEN_KEEPALIVE const char* jupiter_test_timings() {
  static std::string json;
  JsonWriter w;
  w.begin_array();
  for (const auto& [name, ms] : g_timings) w.begin_array().string(name).number(ms).end_array();
  json = w.end_array().take();
  g_timings.clear();
  return json.c_str();
}
// CPU ms of each frame rendered since the last call.
EMSCRIPTEN_KEEPALIVE const char* jupiter_test_frame_times() {
  static std::string json;
  json = numbers_json(g_frame_ms);
  g_frame_ms.clear();
  return json.c_str();
}
// Milliseconds of mirror upkeep (diff and DOM writes) of each frame rendered since the last call.
EMSCRIPTEN_KEEPALIVE const char* jupiter_test_mirror_times() {
  static std::string json;
  json = numbers_json(g_mirror_ms);
  g_mirror_ms.clear();
  return json.c_str();
}
}

int main() {
  platform::mark("jupiter:main");
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing stored in the browser without a reason
  io.LogFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  install_theme(true);

  platform::set_redraw_hook(request_frames);  // clipboard results and other browser callbacks redraw
  if (!web::ImplWeb_Init("#canvas", request_frames)) {
    platform::log(LogLevel::Error, "WebGL2 is not available: the store cannot be drawn");
    platform::report_no_webgl();
    return 0;
  }
  ImGui_ImplOpenGL3_Init("#version 300 es");
  platform::mark("jupiter:gl-ready");  // WebGL context and ImGui's renderer (bench/trace.mjs times main's parts)
  g_app.ctx.format_money = [](Money m) -> const std::string& { return platform::format_money(m); };
  // The QA API: ?test=1, kept for the tab across the processor's round trip by boot.js (sessionStorage).
  ui::test_items().on = platform::query_param("test") == "1" || platform::session_get("jupiter.test") == "1";
  platform::mirror::init({[](std::uint32_t act) { ui::a11y::request_activate(act); request_frames(2); },
                          [](std::uint32_t act) { ui::a11y::dom_focus(act); request_frames(1); },
                          [] { ui::a11y::request_escape(); request_frames(2); }});
  ui::set_missing_text_reporter([](const std::string& m) { platform::log(LogLevel::Warning, m); });

  action::Start start;
  start.cached = load_catalogue_cache();
  const StoredPreferences prefs = stored_preferences();
  start.language = choose_language(prefs.language, platform::browser_languages());
  start.currency = choose_currency(prefs.currency, platform::browser_languages());  // core/locale.hpp
  start.partner = platform::query_param("partner");  // attribution for this visit (the model checks the id)
  dispatch(std::move(start));
  g_app.route = decode_route(platform::url_query());
  dispatch(action::RouteChanged{g_app.route});
  init_embed();  // before the checkout resumes: it pays in a window of its own when embedded
  if (!platform::is_online()) dispatch(action::ConnectivityChanged{false});
  platform::on_history([](std::string query) {
    g_app.route_from_history = true;
    dispatch(action::RouteChanged{decode_route(query)});
  });
  platform::on_connectivity([](bool online) { dispatch(action::ConnectivityChanged{online}); });
  // The consent manager may learn the stored choice after main(): the stored preferences are read then.
  platform::on_consent([] {
    const StoredPreferences p = stored_preferences();
    if (p.language || p.currency) dispatch(action::PreferencesLoaded{p.language, p.currency});
  });
  g_app.phones = decode_phone_list(
      std::string_view(reinterpret_cast<const char*>(jupiter_phones_data), jupiter_phones_data_size));
  g_app.ctx.phones = &g_app.phones;
  init_checkout();
  // The verify page sends the browser to /?account=orders; its error pages to /?account=sign-in.
  const std::string account_param = platform::query_param(account::kQueryParam);
  if (account_param == "orders" || account_param == "sign-in") dispatch(account::Action{account::action::Opened{}});
  // (account=privacy opens the privacy centre through the route above.)
  drain_actions();  // start the catalogue request now, not one frame later
  request_frames(1);
  platform::mark("jupiter:main-done");
  return 0;  // the runtime stays alive (EXIT_RUNTIME=0): frames come from events
}
