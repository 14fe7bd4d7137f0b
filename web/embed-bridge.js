// embed-bridge.js: the framed store's side of the partner embed (web/embed.js is the host's side).
// Runs in <head> after consent-stub.js and before consent.js and the module. On the store's own page the
// <meta name="jupiter:embed"> is empty and this does nothing. In a partner's frame it provides window.jupiterEmbed:
//   config              the meta's JSON (partner, name, parent, theme colours, defaults) with the frame URL's
//                       destination, plan, lang, currency, theme, test over it
//   emit(name, json)    an event for the host (ready, plan-selected, checkout-started, order-paid, error)
//   size(px)            the store's content height, so the host sizes the frame (no inner scrollbar)
//   openPayment(url)    opens the processor's page in a new window/tab; false when the browser blocked it
//   onAttributes(fn)    fn(json) each time the host changes the element's attributes
// and it applies the host's consent answer (hc=): a host that refused analytics or marketing gets no second banner
// here, and with no decision recorded nothing but strictly necessary processing runs.
(function (w, d) {
  "use strict";
  var meta = d.querySelector('meta[name="jupiter:embed"]');
  var cfg = null;
  try { cfg = meta && meta.content ? JSON.parse(meta.content) : null; } catch (e) { console.warn("embed: bad config"); }
  if (!cfg || typeof cfg.parent !== "string" || w.parent === w) return;
  var EVENTS = /^(ready|plan-selected|checkout-started|order-paid|error)$/;
  var KEYS = ["destination", "plan", "lang", "currency", "theme"];
  var q = new URLSearchParams(location.search);
  KEYS.concat("test").forEach(function (k) {
    var v = q.get(k);
    if (v && v.length <= 64) cfg[k] = v;
  });

  // The host refused analytics or marketing (hc=a0, m0 or both): it already answered, so no banner here. Hiding it
  // through the consent API's queue (replayed as soon as consent.js starts, in the same task as its banner, so the
  // banner is never painted) records no decision: only strictly necessary processing, as before any choice.
  // Later answers of the host (a "consent" message) apply at once: a category the host refused is refused here too
  // (JupiterConsent.accepted says no, Consent Mode is updated to denied), whatever was decided in the frame.
  var HC = /^(a[01])?(m[01])?$/, refused = {};
  var DENY = { analytics: { analytics_storage: "denied" },
    marketing: { ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" } };
  function cap() {  // wraps the consent API's answer (again after consent.js replaces it)
    var api = w.JupiterConsent;
    if (!api || api.accepted._embed) return;
    var own = api.accepted;
    api.accepted = function (c) { return !refused[c] && own(c); };
    api.accepted._embed = true;
  }
  function denyRefused() {
    Object.keys(refused).forEach(function (c) { if (w.gtag) w.gtag("consent", "update", DENY[c]); });
  }
  function hostAnswer(hc, live) {
    var had = JSON.stringify(refused);
    refused = {};
    if (/a0/.test(hc)) refused.analytics = true;
    if (/m0/.test(hc)) refused.marketing = true;
    cap();
    if (/0/.test(hc) && w.JupiterConsent) w.JupiterConsent.hide();
    if (live && had !== JSON.stringify(refused)) denyRefused();
  }
  var hc = q.get("hc") || "";
  if (HC.test(hc)) hostAnswer(hc, false);
  d.addEventListener("jupiter:consent-ready", function () {
    cap();
    w.JupiterConsent.on("change", denyRefused);  // a choice made in the frame never lifts the host's refusal
  });

  // The frame is as tall as the store's content, so its bottom may be far below what the buyer sees: the consent
  // banner goes to the top of the frame instead (a constructed style sheet: the page's CSP allows no inline style).
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(".jc-banner{top:12px;bottom:auto}");
    d.adoptedStyleSheets = d.adoptedStyleSheets.concat(sheet);
  } catch (e) { /* an older browser: the banner stays at the bottom */ }

  // ---- the channel: hello to the exact parent origin; the port only from that origin and that window --------
  var port = null, queue = [], sizeMsg = null, listeners = [], bad = 0;
  function send(m) {
    if (port) port.postMessage(m);
    else if (m.type === "size") sizeMsg = m;  // only the latest height matters
    else queue.push(m);
  }
  function warn() { console.warn("embed: ignored " + ++bad + " malformed message(s) from the host page"); }
  function receive(e) {
    var m = e.data, attrs = {};
    if (m && m.type === "consent" && typeof m.hc === "string" && HC.test(m.hc)) return hostAnswer(m.hc, true);
    var ok = m && m.type === "attributes" && KEYS.every(function (k) {
      var v = m[k];
      attrs[k] = v === undefined ? "" : v;
      return v === undefined || (typeof v === "string" && v.length <= 64);
    });
    if (!ok) return warn();
    KEYS.forEach(function (k) { if (attrs[k]) cfg[k] = attrs[k]; else delete cfg[k]; });
    var json = JSON.stringify(attrs);
    listeners.forEach(function (fn) { try { fn(json); } catch (err) { console.error(err); } });
  }
  w.addEventListener("message", function (e) {
    var m = e.data;
    if (e.origin !== cfg.parent || e.source !== w.parent || !m || m.jupiter !== 1 || m.type !== "port" || !e.ports[0]) return;
    if (port) port.close();
    port = e.ports[0];
    port.onmessage = receive;
    queue.concat(sizeMsg || []).forEach(send);
    queue = [];
  });
  w.parent.postMessage({ jupiter: 1, type: "hello" }, cfg.parent);

  w.jupiterEmbed = {
    config: cfg,
    emit: function (name, json) {
      var detail = {};
      try { detail = json ? JSON.parse(json) : {}; } catch (e) { detail = null; }
      if (!EVENTS.test(name) || !detail || typeof detail !== "object") return console.warn("embed: bad event " + name);
      send({ type: "event", name: name, detail: detail });
    },
    size: function (px) {
      if (typeof px === "number" && isFinite(px) && px > 0) send({ type: "size", height: Math.ceil(px) });
    },
    // Called within the buyer's click (user activation), so the browser allows the new window.
    openPayment: function (url) {
      if (!/^https?:\/\//.test(String(url))) return false;
      var win = w.open(url, "_blank");
      if (!win) return false;
      try { win.opener = null; } catch (e) { /* the processor's page cannot reach back into the store */ }
      return true;
    },
    onAttributes: function (fn) { if (typeof fn === "function") listeners.push(fn); },
  };
})(window, document);
