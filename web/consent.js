// consent.js: the consent manager's DOM layer. The decisions come from the consent WebAssembly module (the core's
// consent model, src/consent/); this file only draws the banner and the preferences, and does the I/O:
//   [X] banner (Accept all / Reject all / Customize, equal prominence) and preferences per category and service
//   [X] tagged scripts, iframes and images (type="text/plain" data-category, data-src) released once allowed,
//       also when added later (MutationObserver); withdrawal tears down cookies, storage, Consent Mode, and
//       reloads once when a released script ran
//   [X] the record in localStorage and a cookie; every storage access guarded (SecurityError: page-life only)
//   [X] cross-tab sync (storage event + BroadcastChannel); receipts by fetch keepalive / sendBeacon, retried
//   [X] public API on window.JupiterConsent (see consent-stub.js, which queues calls until this runs)
// Load with <script src="consent.js" data-wasm="consent.wasm" data-texts="en=consent-en.json de=..." defer>:
// data-texts lists the banner texts per language (the page fetches only its own); data-endpoint overrides the
// receipt URL; data-lang="browser" takes the language from the browser, not from <html lang>.
(function (w, d) {
  "use strict";
  var me = d.currentScript;
  var WASM = me.getAttribute("data-wasm");
  var TEXTS = {};  // language -> URL of its texts
  (me.getAttribute("data-texts") || "").split(" ").forEach(function (pair) {
    var i = pair.indexOf("=");
    if (i > 0) TEXTS[pair.slice(0, i)] = pair.slice(i + 1);
  });
  var ENDPOINT = me.getAttribute("data-endpoint") || "/api/consent/receipts";
  var UI_VERSION = "consent-1";
  var KEY = "jupiter.consent";
  var QUEUE_KEY = "jupiter.consent.queue";
  var COOKIE = "jupiter_consent";
  var CATS = [], ACTIONS = {};  // from the module (jc_names): CATS[i] is the category of mask bit i + 1
  var api = w.JupiterConsent;
  var pending = api._queue;
  var listeners = [];
  var gpc = api.gpc;
  var ex, mem, config, T, lang, state, record = "", memQueue = [], ran = false;
  var root, banner, prefs, settingsBtn, lastFocus, channel, bannerHash = "";

  // ---- theme: <html data-theme="dark|light"> as the store chooses (ui/theme.hpp choose_dark): in a partner's
  // frame the element's theme attribute (window.jupiterEmbed, also when it changes), on a page ?theme=, then the
  // system. consent.css and the page's style.css take their colours from it.
  function pickTheme() {
    var emb = w.jupiterEmbed, t = emb ? emb.config.theme : safe(function () {
      return new URLSearchParams(location.search).get("theme");
    }, null);
    if (t === "dark" || t === "light") return t;
    return w.matchMedia && w.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function applyTheme() { d.documentElement.setAttribute("data-theme", pickTheme()); }

  // ---- guarded storage: a SecurityError (blocked storage) leaves the decision in memory for the page's life --
  function safe(f, fallback) {
    try { return f(); } catch (e) { return fallback; }
  }
  function lsGet(k) { return safe(function () { return w.localStorage.getItem(k); }, null); }
  function lsSet(k, v) { safe(function () { w.localStorage.setItem(k, v); }); }
  function cookies() {
    return safe(function () { return d.cookie; }, "").split(/; */).filter(Boolean).map(function (c) {
      var i = c.indexOf("=");
      return [i < 0 ? c : c.slice(0, i), i < 0 ? "" : c.slice(i + 1)];
    });
  }
  function readRecord() {
    var r = lsGet(KEY);
    if (r) return r;
    var c = cookies().filter(function (p) { return p[0] === COOKIE; })[0];
    return c ? safe(function () { return decodeURIComponent(c[1]); }, "") : record;
  }

  // ---- the module: strings in and out as UTF-8 --------------------------------------------------------------
  var enc = new TextEncoder(), dec = new TextDecoder();
  function put(s) {
    var b = enc.encode(s), p = ex.jc_input(b.length);
    if (p) new Uint8Array(mem.buffer, p, b.length).set(b);  // 0: over the module's 64 KB, so it reads no input
  }
  function get(ptr) { return dec.decode(new Uint8Array(mem.buffer, ptr, ex.jc_output_size())); }
  function computeState(rec) {
    put(rec || "");
    return JSON.parse(get(ex.jc_state(gpc ? 1 : 0, Date.now())));
  }

  // ---- applying a state: tagged elements, Consent Mode, teardown ---------------------------------------------
  function allowed(el) {
    var svc = el.getAttribute("data-service");
    return !!state && state.categories[el.getAttribute("data-category")] === true &&
      (!svc || state.services.indexOf(svc) >= 0);
  }
  function release(el) {
    if (el.getAttribute("data-consent") === "released" || !allowed(el)) return;
    el.setAttribute("data-consent", "released");
    if (el.tagName === "SCRIPT") {
      var s = d.createElement("script");
      for (var i = 0; i < el.attributes.length; i++) {
        var a = el.attributes[i];
        if (a.name !== "type" && a.name !== "data-src") s.setAttribute(a.name, a.value);
      }
      var src = el.getAttribute("data-src") || el.getAttribute("src");
      if (src) s.src = src;
      else s.text = el.text;
      ran = true;
      el.parentNode.replaceChild(s, el);
    } else if (el.hasAttribute("data-src")) {
      el.src = el.getAttribute("data-src");
    }
  }
  function unrelease(el) {
    if (el.getAttribute("data-consent") !== "released" || allowed(el) || el.tagName === "SCRIPT") return;
    el.removeAttribute("data-consent");
    el.removeAttribute("src");
  }
  var TAGGED = "script[type='text/plain'][data-category],[data-category][data-src],[data-consent=released]";
  function scan(node) {
    if (node.nodeType !== 1) return;
    var list = [].slice.call(node.querySelectorAll(TAGGED));
    if (node.matches(TAGGED)) list.unshift(node);
    list.forEach(function (el) { allowed(el) ? release(el) : unrelease(el); });
  }
  function names(kind, present) {
    put(record + "\n" + present.join("\n"));
    return get(ex.jc_remove(kind, gpc ? 1 : 0, Date.now())).split("\n").filter(Boolean);
  }
  // Deletes a cookie in every domain and path variant it may have been set with.
  function dropCookie(name) {
    var host = location.hostname.split("."), domains = [""], paths = ["/"];
    for (var i = 0; i < host.length - 1; i++) domains.push("; domain=" + host.slice(i).join("."));
    location.pathname.split("/").reduce(function (acc, part) {
      if (part) { acc += "/" + part; paths.push(acc, acc + "/"); }
      return acc;
    }, "");
    domains.forEach(function (dm) {
      paths.forEach(function (p) { safe(function () { d.cookie = name + "=; Max-Age=0; path=" + p + dm; }); });
    });
  }
  function teardown() {
    names(0, cookies().map(function (c) { return c[0]; })).forEach(dropCookie);
    ["localStorage", "sessionStorage"].forEach(function (kind) {
      safe(function () {
        var st = w[kind], keys = [];
        for (var i = 0; i < st.length; i++) keys.push(st.key(i));
        names(1, keys).forEach(function (k) { st.removeItem(k); });
      });
    });
  }
  function apply(next) {
    var before = state, withdrew = false;
    state = next;
    if (before) CATS.forEach(function (c) { if (before.categories[c] && !next.categories[c]) withdrew = true; });
    if (next.valid || before) w.gtag("consent", "update", next.consent_mode);
    teardown();
    scan(d.documentElement);
    settingsBtn.hidden = !next.valid;
    if (before) emit(next);
    // A script that ran cannot be stopped: one reload brings the page back without it (in every tab).
    if (withdrew && ran) location.reload();
  }
  function emit(s) {
    listeners.forEach(function (fn) { safe(function () { fn(s); }); });
  }

  // ---- deciding ---------------------------------------------------------------------------------------------
  function uuid() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    return [].map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function decideNow(action, cats, services) {
    var mask = 0, over = [];
    (cats || []).forEach(function (c) { if (CATS.indexOf(c) >= 0) mask |= 1 << (CATS.indexOf(c) + 1); });
    for (var id in services || {}) over.push(id + "=" + (services[id] ? 1 : 0));
    put([readRecord(), uuid(), lang, bannerHash || "none", UI_VERSION, over.join(" "), uuid()].join("\n"));
    var out = get(ex.jc_decide(ACTIONS[action], mask, gpc ? 1 : 0, Date.now())).split("\n");
    if (out.length < 2) return;
    record = out[0];
    lsSet(KEY, record);
    safe(function () {
      d.cookie = COOKIE + "=" + encodeURIComponent(record) + "; Max-Age=" + 86400 * config.validity_days +
        "; Path=/; SameSite=Lax" + (location.protocol === "https:" ? "; Secure" : "");
    });
    if (channel) safe(function () { channel.postMessage(record); });  // other tabs; never back to this one
    hideAll();
    enqueue(out[1]);  // before a possible reload: the queue is stored
    apply(computeState(record));
  }

  // ---- receipts: queued (storage or memory), sent without waiting, retried with backoff ----------------------
  var retryMs = 1000, timer = 0;
  function loadQueue() {
    var raw = safe(function () { return w.localStorage.getItem(QUEUE_KEY); }, memQueue);
    if (raw === memQueue) return memQueue;  // storage blocked: this page's queue only
    var q = safe(function () { return JSON.parse(raw); }, null);
    return Array.isArray(q) ? q.filter(function (b) { return typeof b === "string"; }) : [];
  }
  function saveQueue(q) { memQueue = q; lsSet(QUEUE_KEY, JSON.stringify(q)); }
  function enqueue(receipt) {
    saveQueue(loadQueue().concat([receipt]));
    flush();
  }
  function flush() {
    clearTimeout(timer);
    loadQueue().forEach(function (body) {
      fetch(ENDPOINT, { method: "POST", body: body, keepalive: true, credentials: "same-origin",
                        headers: { "Content-Type": "text/plain" } })
        .then(function (r) {
          // 2xx stored; 5xx, 408 and 429 (rate limited: after its Retry-After): try again. Other 4xx will never be
          // accepted: drop it (the server logs it).
          if (r.status >= 500 || r.status === 408 || r.status === 429)
            throw +(r.headers.get("Retry-After") || 0) * 1000;
          saveQueue(loadQueue().filter(function (b) { return b !== body; }));
          retryMs = 1000;
        })
        .catch(function (wait) {
          clearTimeout(timer);
          timer = setTimeout(flush, Math.max(retryMs, Math.min(+wait || 0, 60000)));
          retryMs = Math.min(retryMs * 2, 60000);
        });
    });
  }
  w.addEventListener("online", flush);
  w.addEventListener("pagehide", function () {
    if (navigator.sendBeacon) loadQueue().forEach(function (b) {
      navigator.sendBeacon(ENDPOINT, new Blob([b], { type: "text/plain" }));
    });
  });

  // ---- DOM ---------------------------------------------------------------------------------------------------
  function el(tag, attrs, kids) {
    var e = d.createElement(tag);
    for (var k in attrs || {}) k === "text" ? (e.textContent = attrs[k]) : e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function button(label, onclick, cls) {
    var b = el("button", { type: "button", class: cls || "jc-btn", text: label });
    b.addEventListener("click", onclick);
    return b;
  }
  function firstLayerButtons() {
    return el("div", { class: "jc-actions" }, [
      button(T.accept, function () { decideNow("accept_all"); }),
      button(T.reject, function () { decideNow(state.valid ? "withdraw" : "reject_all"); }),
    ]);
  }
  function buildBanner() {
    var gpcNote = state.gpc_applied ? el("p", { class: "jc-gpc", id: "jc-gpc", text: T.gpc }) : null;
    var actions = firstLayerButtons();
    actions.appendChild(button(T.customize, showPreferences));
    return el("div", { class: "jc-banner", role: "dialog", "aria-modal": "false", "aria-labelledby": "jc-title",
                       "aria-describedby": "jc-body" }, [
      el("h2", { id: "jc-title", text: T.title }),
      el("p", { id: "jc-body", text: T.body + " " }, [el("a", { href: "/privacy", text: T.policy })]),
      gpcNote,
      actions,
    ]);
  }
  function toggle(id, label, checked, disabled) {
    var input = el("input", { type: "checkbox", role: "switch", id: id });
    input.checked = checked;
    input.disabled = disabled;
    return el("label", { class: "jc-toggle", for: id }, [input, el("span", { text: label })]);
  }
  // The categories and services, with their words in the page's language, come with the texts
  // (consent-<lang>.json, built from assets/consent.json); the module decides with the same config built in.
  function serviceDetails(s) {
    var rows = [[T.provider, s.provider], [T.cookies, (s.cookies || []).join(", ")],
                [T.storage, (s.storage || []).join(", ")], [T.retention, s.retention]];
    return el("dl", {}, [].concat.apply([], rows.filter(function (r) { return r[1]; }).map(function (r) {
      return [el("dt", { text: r[0] }), el("dd", { text: r[1] })];
    })));
  }
  function buildPreferences() {
    var body = [el("h2", { id: "jc-prefs-title", text: T.prefs_title }), el("p", { text: T.prefs_body })];
    if (state.gpc_applied) body.push(el("p", { class: "jc-gpc", text: T.gpc }));
    config.categories.forEach(function (c) {
      var necessary = c.id === "necessary";
      var services = config.services.filter(function (s) { return s.category === c.id; });
      body.push(el("fieldset", { class: "jc-cat" }, [
        el("legend", {}, [toggle("jc-cat-" + c.id, c.name,
                                 necessary || (state.valid && state.categories[c.id]), necessary)]),
        el("p", { text: c.description }),
        necessary ? el("p", { class: "jc-always", text: T.always_on }) : null,
        el("ul", {}, services.map(function (s) {
          return el("li", {}, [
            toggle("jc-svc-" + s.id, s.name,
                   necessary || (state.valid && state.services.indexOf(s.id) >= 0), necessary),
            el("p", { text: s.purpose }), serviceDetails(s)]);
        })),
      ]));
    });
    var actions = firstLayerButtons();
    actions.appendChild(button(T.save, save));
    body.push(actions);
    var close = button("×", hidePreferences, "jc-close");
    close.setAttribute("aria-label", T.close);
    body.unshift(close);
    var p = el("div", { class: "jc-prefs", role: "dialog", "aria-modal": "true", "aria-labelledby": "jc-prefs-title" },
               body);
    // A service switched on turns its category on; a category switched off turns its services off.
    p.addEventListener("change", function (e) {
      var id = e.target.id;
      config.services.forEach(function (s) {
        var svc = d.getElementById("jc-svc-" + s.id), cat = d.getElementById("jc-cat-" + s.category);
        if (id === svc.id && svc.checked) cat.checked = true;
        if (id === cat.id && s.category !== "necessary") svc.checked = cat.checked;
      });
    });
    return p;
  }
  function save() {
    var cats = [], services = {};
    CATS.forEach(function (c) {
      var t = d.getElementById("jc-cat-" + c);
      if (t && t.checked) cats.push(c);
    });
    config.services.forEach(function (s) { services[s.id] = d.getElementById("jc-svc-" + s.id).checked; });
    decideNow(state.valid && cats.length === 1 ? "withdraw" : "custom", cats, services);
  }

  // Focus: moved into a dialog, kept there by Tab, given back when it closes.
  function trap(box, e) {
    var f = [].slice.call(box.querySelectorAll("button,input:not([disabled])"));
    if (e.key === "Tab" && f.length) {
      var i = f.indexOf(d.activeElement);
      if (e.shiftKey && i <= 0) { f[f.length - 1].focus(); e.preventDefault(); }
      else if (!e.shiftKey && i === f.length - 1) { f[0].focus(); e.preventDefault(); }
    }
  }
  function open(box) {
    if (!lastFocus || !root.contains(d.activeElement)) lastFocus = d.activeElement;
    root.appendChild(box);
    box.addEventListener("keydown", function (e) { trap(box, e); });
    var first = box.querySelector(".jc-btn,input:not([disabled])");
    if (first && self === top) first.focus();  // never pull the focus out of a partner's page into our frame
  }
  function restoreFocus() {
    if (lastFocus && lastFocus.focus && d.contains(lastFocus)) lastFocus.focus();
    lastFocus = null;
  }
  function show() {
    hideAll();
    banner = buildBanner();
    open(banner);
    hashText(banner.textContent);
  }
  function showPreferences() {
    if (banner) { banner.remove(); banner = null; }
    if (prefs) prefs.remove();
    prefs = buildPreferences();
    open(prefs);
    prefs.addEventListener("keydown", function (e) { if (e.key === "Escape") hidePreferences(); });
    hashText(prefs.textContent);
  }
  function hidePreferences() {
    if (prefs) { prefs.remove(); prefs = null; }
    if (!state.valid) show();
    else restoreFocus();
  }
  function hideAll() {
    var had = banner || prefs;
    [banner, prefs].forEach(function (b) { if (b) b.remove(); });
    banner = prefs = null;
    if (had) restoreFocus();
  }
  // The receipt proves which text was shown: SHA-256 of the dialog's text, base64.
  function hashText(text) {
    bannerHash = "";
    if (!w.crypto || !crypto.subtle) return;
    crypto.subtle.digest("SHA-256", enc.encode(text)).then(function (h) {
      bannerHash = "sha256-" + btoa(String.fromCharCode.apply(null, new Uint8Array(h)));
    }, function () {});
  }

  // ---- start ------------------------------------------------------------------------------------------------
  function pickLanguage() {
    // The page's own language first, unless it picks one from the browser itself (data-lang="browser": the store).
    var tags = (me.getAttribute("data-lang") == "browser" ? [] : [d.documentElement.lang])
      .concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < tags.length; i++) {
      var t = String(tags[i] || "").slice(0, 2).toLowerCase();
      if (TEXTS[t]) return t;
    }
    return "en";
  }
  function start(instance, texts) {
    ex = instance.exports;
    mem = ex.memory;
    if (ex._initialize) ex._initialize();
    var names = get(ex.jc_names()).split("\n");  // the core's numbering: categories and actions from 1
    CATS = names[0].split(" ");
    names[1].split(" ").forEach(function (a, i) { ACTIONS[a] = i + 1; });
    config = T = texts;
    root = el("div", { id: "jc-root", class: "jc", lang: lang, dir: T.dir || "ltr" });
    // A page can give the control a place in its own layout (the store's footer), so it never covers content.
    var slot = d.getElementById("jc-settings-slot");
    settingsBtn = button(T.settings, showPreferences, slot ? "jc-settings jc-docked" : "jc-settings");
    (slot || root).appendChild(settingsBtn);
    d.body.appendChild(root);
    record = readRecord() || "";
    apply(computeState(record));
    if (!state.valid) show();
    new MutationObserver(function (muts) {
      muts.forEach(function (m) { [].forEach.call(m.addedNodes, scan); });
    }).observe(d.documentElement, { childList: true, subtree: true });
    w.addEventListener("storage", function (e) { if (e.key === KEY) sync(e.newValue || ""); });
    if (w.BroadcastChannel) safe(function () {
      channel = new BroadcastChannel(KEY);
      channel.onmessage = function (e) { sync(String(e.data)); };
    });
    api.accepted = function (c) { return !!state.categories[c]; };
    api.acceptedService = function (id) { return state.services.indexOf(id) >= 0; };
    api.show = show;
    api.showPreferences = showPreferences;
    api.withdraw = function (c) {  // one category off, the rest as decided (the store's privacy centre)
      var cats = CATS.filter(function (k) { return k !== c && state.categories[k]; });
      if (state.categories[c]) decideNow(cats.length < 2 ? "withdraw" : "custom", cats);
    };
    api.hide = hideAll;
    api.on = function (ev, fn) { if (ev === "change") listeners.push(fn); };
    api.state = function () { return state; };
    api.record = function () { return record; };
    pending.forEach(function (call) { api[call[0]].apply(null, call[1]); });
    pending.length = 0;
    flush();
    d.dispatchEvent(new CustomEvent("jupiter:consent-ready", { detail: state }));
  }
  // Another tab decided: take its record (memory too, for when storage is blocked here) and apply it.
  function sync(rec) {
    if (rec === record) return;
    record = rec;
    var next = computeState(record);
    if (next.valid) hideAll();
    else if (!banner && !prefs) show();
    apply(next);
  }

  var imports = { env: { emscripten_notify_memory_growth: function () {} },
                  wasi_snapshot_preview1: { proc_exit: function () { throw new Error("consent module exited"); } } };
  var instantiate = function (r) {
    var copy = r.clone();  // for servers that do not send application/wasm: compile from the bytes instead
    return WebAssembly.instantiateStreaming(r, imports).catch(function () {
      return copy.arrayBuffer().then(function (b) { return WebAssembly.instantiate(b, imports); });
    });
  };
  applyTheme();
  if (w.jupiterEmbed) w.jupiterEmbed.onAttributes(applyTheme);
  lang = pickLanguage();
  Promise.all([fetch(WASM, { credentials: "same-origin" }).then(instantiate),
               fetch(TEXTS[lang], { credentials: "same-origin" }).then(function (r) { return r.json(); })])
    .then(function (both) {
      var go = function () { start(both[0].instance, both[1]); };
      if (d.body) go();
      else d.addEventListener("DOMContentLoaded", go);
    })
    .catch(function (e) { console.error("consent manager failed to start:", e); });
})(window, document);
