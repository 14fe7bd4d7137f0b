// embed.js: the partner embed's loader; defines <jupiter-store>, which shows the JupiterEsims store in a frame.
//   <script src="STORE/embed.js" async></script>
//   <jupiter-store partner="demo" destination="JP" lang="fr" currency="EUR"></jupiter-store>
// [X] attributes checked (a bad value is dropped with a console warning; no partner: a short notice, no frame)
// [X] lazy: the frame is made when the element comes near the viewport (IntersectionObserver + loading=lazy);
//     an element in the first screen gets its frame at once, loading=eager (no lazy-load wait: issue 12's 1.2x)
// [X] the host's consent signals (GPC, IAB TCF v2.2, Google Consent Mode) read first, at most 300 ms, and passed
//     to the frame as hc=a0m0 (analytics/marketing refused: 0, granted: 1, absent: the host said nothing)
// [X] live: a later answer of the host's CMP (TCF event, Consent Mode update) is posted to the open frames
// [X] refused or broken frame (no "ready" within READY_MS): a link to the store's own page instead of an empty box
// [X] handshake: the frame's "hello" (exact store origin, from this very frame) gets a MessageChannel port
// [X] the frame's events re-dispatched on the element as jupiter:<name> CustomEvents, whitelisted fields only;
//     size messages set the frame's height; attribute changes sent to the frame
// [X] several elements per page, each with its own frame and channel; removal cleans up
// Children of the element (a plain link to the store) show only while this script has not run: a fallback.
(function (w, d) {
  "use strict";
  var NAME = "jupiter-store";
  if (!w.customElements || customElements.get(NAME)) return;
  var me = d.currentScript || d.querySelector("script[src$='/embed.js']");
  var STORE = new URL(me ? me.src : "/", location.href).origin;
  var WAIT_MS = 300, POLL_MS = 1000, READY_MS = 10000, MIN_H = 320, MAX_H = 4000;
  var ATTRS = ["partner", "destination", "plan", "lang", "currency", "theme", "test"];
  var SENT = ["destination", "plan", "lang", "currency", "theme"];
  var CHECK = {  // attribute -> normalizer; undefined means a bad value
    partner: function (v) { return /^[a-z0-9][a-z0-9-]{0,31}$/.test(v) ? v : undefined; },
    destination: function (v) { v = v.toUpperCase(); return /^[A-Z]{2}$/.test(v) ? v : undefined; },
    plan: function (v) { return /^[a-z0-9][a-z0-9-]{0,63}$/.test(v) ? v : undefined; },
    lang: function (v) { v = v.slice(0, 2).toLowerCase(); return /^[a-z]{2}$/.test(v) ? v : undefined; },
    currency: function (v) { v = v.toUpperCase(); return /^[A-Z]{3}$/.test(v) ? v : undefined; },
    theme: function (v) { return v === "light" || v === "dark" ? v : undefined; },
    test: function (v) { return v === "false" || v === "0" ? undefined : "1"; },
  };
  // Event name -> its detail's fields and their checks. Anything else from the frame is dropped.
  var STR = function (re) { return function (v) { return typeof v === "string" && re.test(v); }; };
  var PLAN = STR(/^[a-z0-9][a-z0-9-]{0,63}$/), CUR = STR(/^[A-Z]{3}$/);
  var AMOUNT = function (v) { return Number.isSafeInteger(v) && v >= 0; };
  var EVENTS = {
    ready: {},
    "plan-selected": { plan: PLAN, destination: STR(/^[A-Z]{2}$/) },
    "checkout-started": { plan: PLAN, currency: CUR, amount_minor: AMOUNT },
    "order-paid": { order: STR(/^[A-Za-z0-9_-]{1,64}$/), plan: PLAN, currency: CUR, amount_minor: AMOUNT },
    error: { code: STR(/^[a-z0-9_.-]{1,64}$/) },
  };
  var warn = function (t) { console.warn(NAME + ": " + t); };
  // The frame's connection is opened now, while the host page is still loading: the store's HTML, module and
  // catalogue then start without a DNS/TCP round trip of their own.
  var pre = d.createElement("link");
  pre.rel = "preconnect";
  pre.href = STORE;
  (d.head || d.documentElement).appendChild(pre);
  var live = new Set();

  // ---- the host's consent signals ---------------------------------------------------------------------------
  // Google Consent Mode: the last default/update that names a type wins.
  function consentMode() {
    var out = {};
    (Array.isArray(w.dataLayer) ? w.dataLayer : []).forEach(function (e) {
      if (e && e[0] === "consent" && (e[1] === "default" || e[1] === "update") && e[2] && typeof e[2] === "object") {
        if (e[2].analytics_storage) out.a = e[2].analytics_storage === "granted" ? 1 : 0;
        if (e[2].ad_storage) out.m = e[2].ad_storage === "granted" ? 1 : 0;
      }
    });
    return out;
  }
  // IAB TCF v2.2: the page's own __tcfapi, or a CMP in an ancestor frame found by its __tcfapiLocator frame.
  // done(true|false) once the CMP has loaded a decision or the user answered; done() when there is no CMP.
  function tcf(done) {
    var call = w.__tcfapi, f = w, id = "jupiter" + Math.random(), onReturn;
    var handle = function (data, ok) {  // called for each CMP event; the ones that carry a decision count
      if (!ok || !data || !/^(tcloaded|useractioncomplete)$/.test(data.eventStatus)) return;
      done(data.gdprApplies === false ? null : !!(data.purpose && data.purpose.consents && data.purpose.consents[1]));
    };
    while (typeof call !== "function") {
      try { if (f.frames.__tcfapiLocator) break; } catch (e) { /* keep walking */ }
      if (f === w.top) return done();
      f = f.parent;
    }
    if (typeof call !== "function") {
      onReturn = function (e) {
        var r = e.source === f && e.data && e.data.__tcfapiReturn;
        if (r && r.callId === id) handle(r.returnValue, r.success);
      };
      w.addEventListener("message", onReturn);
      return f.postMessage({ __tcfapiCall: { command: "addEventListener", version: 2, callId: id } }, "*");
    }
    try { call("addEventListener", 2, handle); } catch (e) { done(); }
  }
  // What the host page says about analytics and marketing: "a0m0" | "a1" | "" (nothing). The first answer is
  // ready within WAIT_MS; later changes (a TCF event, a Consent Mode update, checked every POLL_MS) go to the frames.
  var host = { p1: undefined, hc: undefined, waiting: null };
  function hostState() {
    var c = consentMode();
    if (host.p1 === false) c.a = c.m = 0;  // no consent to store or read on the device: refused
    if (navigator.globalPrivacyControl === true) c.m = 0;  // no sale or sharing: no marketing
    return (c.a === undefined ? "" : "a" + c.a) + (c.m === undefined ? "" : "m" + c.m);
  }
  function settle() {
    var hc = hostState(), first = host.hc === undefined;
    if (!first && hc === host.hc) return;
    host.hc = hc;
    if (!first) return live.forEach(function (el) { el.sendConsent(); });
    host.waiting.forEach(function (fn) { fn(hc); });
    setInterval(function () { if (live.size) settle(); }, POLL_MS);
  }
  function hostConsent(fn) {
    if (host.hc !== undefined) return fn(host.hc);
    if (host.waiting) return host.waiting.push(fn);
    host.waiting = [fn];
    setTimeout(settle, WAIT_MS);
    tcf(function (v) { if (v != null) host.p1 = v; settle(); });
  }

  // ---- the element ------------------------------------------------------------------------------------------
  class JupiterStore extends HTMLElement {
    static get observedAttributes() { return ATTRS; }

    connectedCallback() {
      live.add(this);
      var root = this.shadowRoot || this.attachShadow({ mode: "open" });
      root.innerHTML = "<style>:host{display:block;min-width:0}iframe{display:block;border:0;width:100%;" +
        "min-width:0;height:640px}p{margin:0;padding:1em;border:1px dashed #8a8f99}a{color:inherit}</style>";
      if (!CHECK.partner((this.getAttribute("partner") || "").trim())) {
        warn('the "partner" attribute is missing or malformed: no store shown');
        var p = d.createElement("p");
        p.textContent = "The JupiterEsims store cannot be shown here: this embed has no valid partner.";
        root.appendChild(p);
        return;
      }
      var self = this;
      var near = false, hc;
      var go = function () { if (near && hc !== undefined && self.isConnected && !self.iframe) self.frame(hc, eager); };
      // An element already near the viewport gets its frame at once; the observer (its first callback comes a
      // frame later) is for the ones further down the page, which stay lazy.
      var r = this.getBoundingClientRect();
      near = r.bottom > -600 && r.top < innerHeight + 600;
      var eager = r.bottom > 0 && r.top < innerHeight;  // in the first screen: no lazy-load wait for the frame
      hostConsent(function (v) { hc = v; go(); });
      if (near) return;
      this.io = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        self.io.disconnect();
        near = true;
        go();
      }, { rootMargin: "600px" });
      this.io.observe(this);
    }

    disconnectedCallback() {
      live.delete(this);
      if (this.io) this.io.disconnect();
      clearTimeout(this.timer);
      if (this.port) this.port.close();
      this.io = this.port = this.iframe = null;
      if (this.shadowRoot) this.shadowRoot.innerHTML = "";
    }

    attributeChangedCallback(name, was, now) {
      if (was === now || !this.isConnected || !this.shadowRoot) return;
      if (name === "partner" || name === "test") {  // a new frame for these
        this.disconnectedCallback();
        return this.connectedCallback();
      }
      if (!this.iframe) return;  // the frame, when made, reads the attributes then
      var a = this.attrs(), msg = { type: "attributes" };
      SENT.forEach(function (k) { msg[k] = a[k] || ""; });
      this.dirty = true;  // the frame's URL is out of date: a reloaded frame gets them again
      if (this.port) this.port.postMessage(msg);
    }

    // The valid attributes; a bad value is dropped with a warning.
    attrs() {
      var self = this, out = {};
      ATTRS.forEach(function (k) {
        var v = self.getAttribute(k);
        if (v === null) return;
        out[k] = CHECK[k](v.trim());
        if (out[k] === undefined && k !== "test") warn('ignoring ' + k + '="' + v.slice(0, 40) + '"');
      });
      return out;
    }

    frame(hc, eager) {
      var a = this.attrs(), q = new URLSearchParams({ parent: location.origin });
      ATTRS.forEach(function (k) { if (k !== "partner" && a[k]) q.set(k, a[k]); });
      if (hc) q.set("hc", hc);
      this.urlHc = hc;
      this.hello = false;
      this.timer = setTimeout(this.fallback.bind(this), READY_MS);
      var f = (this.iframe = d.createElement("iframe"));
      f.title = "JupiterEsims eSIM store";
      f.loading = eager ? "eager" : "lazy";
      f.referrerPolicy = "strict-origin";
      f.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups " +
        "allow-popups-to-escape-sandbox allow-downloads");
      f.src = STORE + "/embed/" + a.partner + "?" + q;
      this.dirty = false;
      this.shadowRoot.appendChild(f);
    }

    // No "ready" in time: the store's own page as a link. No hello at all (the store refused this origin, or the
    // page failed): the link replaces the frame; a store that is only slow keeps its frame, the link above it.
    fallback() {
      if (!this.iframe || this.shadowRoot.querySelector("a")) return;
      var p = d.createElement("p"), a = d.createElement("a");
      a.href = STORE + "/?" + new URLSearchParams({ partner: this.attrs().partner });
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = "Open the JupiterEsims store";
      p.appendChild(a);
      if (this.hello) return this.shadowRoot.insertBefore(p, this.iframe);
      warn("the store did not open in its frame (this page's origin may not be on the partner's list)");
      this.iframe.replaceWith(p);
      this.iframe = null;
    }

    // The host's consent answer changed since the frame's URL (or the last message) said it.
    sendConsent() {
      if (!this.port || host.hc === this.hc) return;
      this.hc = host.hc;
      this.port.postMessage({ type: "consent", hc: host.hc });
    }

    // The frame said hello: a fresh channel (a reloaded frame says hello again).
    connect() {
      this.hello = true;
      if (this.port) this.port.close();
      var ch = new MessageChannel(), self = this;
      this.port = ch.port1;
      this.port.onmessage = function (e) { self.receive(e.data); };
      this.iframe.contentWindow.postMessage({ jupiter: 1, type: "port" }, STORE, [ch.port2]);
      if (this.dirty) this.attributeChangedCallback("", 0, 1);  // attributes changed since the URL was made
      this.hc = this.urlHc;  // a reloaded frame reads its URL's answer again
      this.sendConsent();
    }

    receive(m) {
      var spec = m && m.type === "event" && EVENTS.hasOwnProperty(m.name) && EVENTS[m.name];
      if (m && m.type === "size" && typeof m.height === "number" && isFinite(m.height)) {
        this.iframe.style.height = Math.round(Math.min(MAX_H, Math.max(MIN_H, m.height))) + "px";
        return;
      }
      var detail = {}, src = spec && m.detail && typeof m.detail === "object" ? m.detail : null;
      for (var k in spec) {
        if (!src || (src[k] !== undefined && !spec[k](src[k]))) spec = null;
        else if (src[k] !== undefined) detail[k] = src[k];
      }
      if (!spec || !src) {
        this.bad = (this.bad || 0) + 1;
        return warn("ignored " + this.bad + " malformed message(s) from the store frame");
      }
      if (m.name === "ready") {
        clearTimeout(this.timer);
        var link = this.shadowRoot.querySelector("p");
        if (link) link.remove();
      }
      this.dispatchEvent(new CustomEvent("jupiter:" + m.name, { bubbles: true, composed: true, detail: detail }));
    }
  }

  // Only a hello from the store's origin, sent by one of our frames, gets a port.
  w.addEventListener("message", function (e) {
    if (e.origin !== STORE || !e.data || e.data.jupiter !== 1 || e.data.type !== "hello") return;
    live.forEach(function (el) {
      if (el.iframe && e.source === el.iframe.contentWindow) el.connect();
    });
  });
  customElements.define(NAME, JupiterStore);
})(window, document);
