// boot.js: configures the store's WebAssembly module before it loads, and installs the QA test API.
// Loaded synchronously before the module script; no inline scripts (the page's CSP forbids them).
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var wasmMeta = document.querySelector('meta[name="jupiter:wasm"]');
  var running = false; // the module's exports may be called only once its runtime is up
  var statusEl = function () { return document.getElementById("status"); };

  function showStatus(text, isError) {
    var el = statusEl();
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
    el.classList.toggle("error", !!isError);
  }

  // The catalogue kept from the last visit (strictly necessary storage, see src/core/app.hpp): the module shows
  // it at once and asks the server only whether it changed (If-None-Match).
  var cachedEtag = "";
  try {
    var meta = JSON.parse(window.localStorage.getItem("jupiter.catalogue.meta") || "null");
    if (meta && typeof meta.etag === "string" && window.localStorage.getItem("jupiter.catalogue.body") !== null) {
      cachedEtag = meta.etag;
    }
  } catch (e) { cachedEtag = ""; } // storage blocked or the record damaged: load normally

  // The catalogue request: shell/store.html preloads /api/catalogue from its first bytes (<link rel=preload
  // as=fetch crossorigin>); this fetch has the same URL, mode (cors), credentials (same-origin) and no extra headers,
  // so Chromium hands it the preloaded response instead of asking again. The server says no-cache, so the HTTP cache
  // revalidates by ETag itself; an answer whose ETag is the kept catalogue's is given to the module as the 304 it
  // asked for (If-None-Match), so it does not decode the same catalogue twice. The module's first fetch of the URL
  // with the same If-None-Match takes this response (src/platform/platform_web.cpp).
  var prefetch = {};
  if (typeof fetch === "function" && document.querySelector('meta[name="jupiter:prefetch"]')) {
    var url = document.querySelector('meta[name="jupiter:prefetch"]').content;
    // Read the body too, so that it is in memory before the module's first frame.
    var response = fetch(url, { credentials: "same-origin" }).then(function (r) {
      var etag = r.headers.get("ETag");
      if (cachedEtag && etag === cachedEtag && r.ok) return { status: 304, etag: etag, body: new Uint8Array(0) };
      return r.arrayBuffer().then(function (body) {
        return { status: r.status, etag: etag, body: new Uint8Array(body) };
      });
    });
    response.catch(function () {}); // a failure is reported when the module takes the response
    prefetch[url] = { inm: cachedEtag, response: response };
  }

  // The texts of the language the store will likely show, when the module does not embed them (it embeds English;
  // shell/store.html lists the other languages' bundles): asked for now, beside the module, and taken by the
  // module's own fetch of the URL (src/app/main.cpp). The module decides (core/i18n.hpp choose_language): a
  // partner's lang, then a stored choice (read only with the preferences consent), then the browser's list; this
  // guess follows the same order and is only a head start: a wrong guess costs one request later, not a wrong text.
  function likelyLanguage(supported) {
    var pick = function (tag) {
      var m = /^([a-zA-Z]{2})(?:[-_]|$)/.exec(String(tag || ""));
      var code = m && m[1].toLowerCase();
      return code && (code === "en" || supported[code]) ? code : "";
    };
    var embed = window.jupiterEmbed && window.jupiterEmbed.config;
    var chosen = pick(embed && embed.lang);
    try {
      var api = window.JupiterConsent;
      if (!chosen && api && typeof api.accepted === "function" && api.accepted("preferences") === true) {
        chosen = pick(window.localStorage.getItem("jupiter.prefs.language"));
      }
    } catch (e) { /* no consent manager or storage: the browser's list decides */ }
    var tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (var i = 0; !chosen && i < tags.length; ++i) chosen = pick(tags[i]);
    return chosen || "en";
  }
  var textsMeta = document.querySelector('meta[name="jupiter:texts"]');
  if (textsMeta && typeof fetch === "function") {
    var bundles = {};
    textsMeta.content.split(/\s+/).forEach(function (pair) {
      var eq = pair.indexOf("=");
      if (eq > 0) bundles[pair.slice(0, eq)] = pair.slice(eq + 1);
    });
    var textsUrl = bundles[likelyLanguage(bundles)];
    if (textsUrl) {
      var texts = fetch(textsUrl, { credentials: "same-origin" }).then(function (r) {
        return r.arrayBuffer().then(function (body) {
          return { status: r.status, etag: r.headers.get("ETag"), body: new Uint8Array(body) };
        });
      });
      texts.catch(function () {}); // the module reports a failure when it takes the response
      prefetch[textsUrl] = { inm: "", response: texts };
    }
  }

  // The store's WebAssembly is compiled from here, while the module's JS is still downloading: compileStreaming
  // takes the preloaded .wasm (same URL, mode and credentials as the <link rel=preload>) and compiles it as it
  // arrives; the module's instantiateWasm hook below only instantiates the compiled module.
  var compiled = null;
  if (wasmMeta && typeof WebAssembly === "object" && typeof WebAssembly.compileStreaming === "function" &&
      typeof fetch === "function") {
    compiled = WebAssembly.compileStreaming(fetch(wasmMeta.content, { credentials: "same-origin" }));
    compiled.catch(function () {}); // instantiateWasm falls back to an ArrayBuffer compile
  }
  function instantiateWasm(imports, receive) {
    var fromBytes = function () {
      return fetch(wasmMeta.content, { credentials: "same-origin" })
        .then(function (r) { return r.arrayBuffer(); })
        .then(function (bytes) { return WebAssembly.compile(bytes); });
    };
    // main() needs the canvas (Module.canvas, set at DOMContentLoaded): an early compile must not start it sooner.
    var parsed = document.readyState !== "loading" ? null : new Promise(function (done) {
      document.addEventListener("DOMContentLoaded", done);
    });
    Promise.all([compiled.catch(fromBytes), parsed]).then(function (got) {
      var module = got[0];
      return WebAssembly.instantiate(module, imports).then(function (instance) { receive(instance, module); });
    }).catch(function (e) { Module.onAbort(String((e && e.message) || e)); });
    return {}; // the exports arrive through receive()
  }

  // Intl formatters are slow to create the first time; make the default currency's one while the module loads.
  var moneyFormats = {};
  try {
    var locale = navigator.language || "en";
    moneyFormats[locale + "|USD"] = new Intl.NumberFormat(locale, { style: "currency", currency: "USD" });
  } catch (e) { /* the module makes its own */ }

  // main() waits (a little) for the catalogue and the texts, so that the first frame can show them instead of a
  // loading state.
  var waitForFirstScreen = function () {
    var pending = Object.keys(prefetch).filter(function (k) { return !cachedEtag || k === textsUrl; })
      .map(function (k) { return prefetch[k].response; }); // a kept catalogue is shown at once
    if (!pending.length || !Module.addRunDependency) return;
    var done = false;
    var release = function () {
      if (done) return;
      done = true;
      Module.removeRunDependency("jupiter:first-screen");
    };
    Module.addRunDependency("jupiter:first-screen");
    Promise.all(pending).then(release, release);
    setTimeout(release, 400); // a slow backend gets the loading screen instead
  };

  // The accessible mirror (src/ui/a11y.hpp): after each rendered frame the module calls frame() once with what
  // changed (upserts, rects, scroll, order, live texts) and focus() when the keyboard's focus moved; this keeps one
  // real element per widget in <main id="a11y-mirror">, in drawing order, each over its widget's rectangle
  // (opacity 0), and sends clicks, focus and Escape back by widget id.
  function makeMirror(root) {
    if (!root) {  // not parsed yet: asked again next frame; a page without the container: nothing to keep
      if (document.readyState === "loading") return null;
      var nothing = function () {};
      return { frame: nothing, focus: nothing };
    }
    var els = new Map();  // key -> element
    var groups = new Map();  // first item's key -> its role=list / role=listbox wrapper (a run of items / options)
    var statusEl = document.getElementById("a11y-status"), alertEl = document.getElementById("a11y-alert");
    var GROUP = { listitem: "list", option: "listbox" };
    var call = function (name, act) { if (running) Module["_jupiter_a11y_" + name](act >>> 0); };

    function tagFor(role, level, field) {
      if (role === "textbox" && field) return "field";
      if (role === "heading") return "h" + Math.min(Math.max(level || 3, 1), 3);
      if (role === "button" || role === "combobox") return "button";
      if (role === "link") return "a";
      if (role === "checkbox") return "checkbox";
      if (role === "option" || role === "qr" || role === "listitem") return "div";
      return "p";
    }
    function create(tag, field) {
      if (tag === "field") return document.getElementById("jupiter-field-" + field) || document.createElement("span");
      var el;
      if (tag === "checkbox") {
        el = document.createElement("input");
        el.type = "checkbox";
      } else {
        el = document.createElement(tag);
        if (tag === "button") el.type = "button";
      }
      el.className = "m";
      return el;
    }
    function setAttr(el, name, value) {
      if (value === null) { if (el.hasAttribute(name)) el.removeAttribute(name); }
      else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
    }
    function upsert(key, act, role, name, value, level, flags, field) {
      var tag = tagFor(role, level, field), el = els.get(key);
      // A field first listed off-screen got a stand-in <span> (its <input> exists only while in view): swap it in.
      var late = tag === "field" && el && el.tagName === "SPAN" && document.getElementById("jupiter-field-" + field);
      if (!el || el.jTag !== tag || late) {
        var fresh = create(tag, field);
        if (el && el.parentNode) el.parentNode.replaceChild(fresh, el);
        el = fresh;
        el.jTag = tag;
        els.set(key, el);
      }
      el.jAct = act;
      el.jRole = role;
      el.jName = name;
      el.jGroup = GROUP[role] || null;
      if (tag === "field") { fieldShift(el); return; }
      var enabled = (flags & 1) !== 0, known = (flags & 4) !== 0, on = (flags & 2) !== 0;
      if (tag === "checkbox") {
        setAttr(el, "aria-label", name);
        el.checked = on;
      } else if (role === "combobox") {
        setAttr(el, "role", "combobox");
        setAttr(el, "aria-haspopup", "listbox");
        setAttr(el, "aria-expanded", (flags & 8) ? "true" : "false");
        setAttr(el, "aria-label", name);
        if (el.textContent !== value) el.textContent = value;
      } else {
        if (el.textContent !== name) el.textContent = name;
        if (role === "option") {
          setAttr(el, "role", "option");
          setAttr(el, "tabindex", "0");
          setAttr(el, "aria-selected", known && on ? "true" : "false");
        } else if (role === "listitem") setAttr(el, "role", "listitem");
        else if (role === "qr") setAttr(el, "role", "img");
        if (role === "qr") setAttr(el, "aria-label", name);
        if (tag === "a") setAttr(el, "href", value || name);
      }
      if (act) setAttr(el, "aria-disabled", enabled ? null : "true");
    }
    var scrollY = 0;
    function rect(key, x, y, w, h) {
      var el = els.get(key);
      if (!el || el.jTag === "field") return;
      var s = el.style;
      s.transform = "translate(" + x + "px," + y + "px)";
      if (el.jW !== w) s.width = (el.jW = w) + "px";
      if (el.jH !== h) s.height = (el.jH = h) + "px";
    }
    // Elements sit at page y (y + scroll); the whole mirror moves with the page's scroll. The real text fields
    // are placed by platform/text_input in viewport pixels: they move back by the same amount.
    function fieldShift(el) { el.style.translate = scrollY ? "0 " + scrollY + "px" : ""; }
    function scroll(y) {
      scrollY = y;
      root.style.transform = y ? "translateY(" + -y + "px)" : "";
      els.forEach(function (el) { if (el.jTag === "field") fieldShift(el); });
    }
    // Puts el where the parent's cursor is (a cursor walks the children once: no index lookups, which cost
    // O(n) each on a changed live collection) and returns the next cursor.
    function place(parent, el, cursor) {
      if (cursor === el) return el.nextElementSibling;
      parent.insertBefore(el, cursor);
      return cursor;
    }
    function release(el) {  // a real <input> goes back to the page (platform/text_input keeps it), others go
      if (el.jTag === "field") {
        el.style.translate = "";
        if (el.parentNode !== document.body) document.body.appendChild(el);
      } else el.remove();
    }
    function releaseFrom(cursor) {
      while (cursor) { var next = cursor.nextElementSibling; release(cursor); cursor = next; }
    }
    function order(keys) {
      var seen = new Set(keys);
      els.forEach(function (el, key) { if (!seen.has(key)) { release(el); els.delete(key); } });
      // Wrappers that will not start a run this time go first, so that the cursor never stops at one.
      var starts = new Set(), prev = null;
      for (var j = 0; j < keys.length; j++) {
        var e = els.get(keys[j]), role = e ? e.jGroup : null;
        if (role && role !== prev) starts.add(keys[j]);
        prev = role;
      }
      groups.forEach(function (g, key) { if (!starts.has(key)) g.remove(); });
      var rc = root.firstElementChild, gc = null, group = null, groupRole = null, lastCombo = null;
      var lastName = "", used = new Map();
      for (var i = 0; i < keys.length; i++) {
        var el = els.get(keys[i]);
        if (!el) continue;
        if (el.jGroup !== groupRole) {
          if (group) releaseFrom(gc);
          groupRole = el.jGroup;
          group = null;
          if (groupRole) {
            group = groups.get(keys[i]) || document.createElement("div");
            used.set(keys[i], group);
            group.className = "g";
            setAttr(group, "role", groupRole);
            setAttr(group, "aria-label", groupRole === "listbox" ? lastName || null : null);
            group.jOwner = groupRole === "listbox" ? lastCombo : null;
            rc = place(root, group, rc);
            gc = group.firstElementChild;
          }
        }
        if (group) gc = place(group, el, gc);
        else rc = place(root, el, rc);
        if (el.jRole === "combobox" || el.jRole === "textbox") {
          lastName = el.jName;
          lastCombo = el;
        }
      }
      if (group) releaseFrom(gc);
      releaseFrom(rc);
      groups = used;
    }
    function find(act) {
      var found = null;
      els.forEach(function (el) { if (!found && el.jAct === act && el.jTag !== "p") found = el; });
      return found;
    }
    function focus(act) {
      var el = find(act);
      if (el && document.activeElement !== el) el.focus({ preventScroll: true });
    }
    function live(status, alert) {
      if (statusEl && statusEl.textContent !== status) statusEl.textContent = status;
      if (alertEl && alertEl.textContent !== alert) alertEl.textContent = alert;
    }
    // One frame's writes, packed by src/platform/mirror_web.cpp: 32-bit words (an op code, then its fields; floats
    // as their bits, strings as indexes into `text`'s NUL-ended UTF-8 strings). Read before anything calls the
    // module (the views are on its memory). An unknown op ends the frame.
    var decoder = typeof TextDecoder === "function" ? new TextDecoder() : null;
    function frame(w, text) {
      var f = new Float32Array(w.buffer, w.byteOffset, w.length);
      var s = text.length && decoder ? decoder.decode(text).split("\0") : [];
      for (var i = 0; i < w.length;) {
        var op = w[i];
        if (op === 1) {
          upsert(w[i + 1], w[i + 2], s[w[i + 5]] || "", s[w[i + 6]] || "", s[w[i + 7]] || "", w[i + 3] | 0, w[i + 4] | 0,
                 s[w[i + 8]] || "");
          i += 9;
        } else if (op === 2) { rect(w[i + 1], f[i + 2], f[i + 3], f[i + 4], f[i + 5]); i += 6; }
        else if (op === 3) { scroll(f[i + 1]); i += 2; }
        else if (op === 4) { order(w.subarray(i + 2, i + 2 + w[i + 1])); i += 2 + w[i + 1]; }
        else if (op === 5) { live(s[w[i + 1]] || "", s[w[i + 2]] || ""); i += 3; }
        else return;
      }
    }
    function owner(el) { return el && el.jAct ? el : null; }
    function siblingOption(el, step) {
      var n = step > 0 ? el.nextElementSibling : el.previousElementSibling;
      return n && n.jRole === "option" ? n : null;
    }
    // The drop-down that owns a list's element (the list closes): the DOM focus goes back to it at once, so that
    // a key typed right after lands there, not on the page while the list's elements are removed.
    function focusOwner(el) {
      var g = el && el.parentNode;
      if (g && g.jOwner && g.jOwner.isConnected) g.jOwner.focus();
    }
    root.addEventListener("click", function (e) {
      var el = owner(e.target.closest(".m"));
      if (!el) return;
      if (el.jTag === "a") e.preventDefault();  // the widget opens it (in a new tab)
      call("activate", el.jAct);
      if (el.jRole === "option") focusOwner(el);
    });
    root.addEventListener("keydown", function (e) {
      var el = e.target.closest(".m");
      if (e.key === "Escape") {
        call("escape", 0);
        focusOwner(el);
        return;
      }
      if (!el || !el.jAct) return;
      if (el.jRole === "option") {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); call("activate", el.jAct); focusOwner(el); }
        var next = e.key === "ArrowDown" ? siblingOption(el, 1) : e.key === "ArrowUp" ? siblingOption(el, -1) : null;
        if (next) { e.preventDefault(); next.focus(); }
      } else if (el.jRole === "combobox" && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
        e.preventDefault();
        var list = el.nextElementSibling;
        if (el.getAttribute("aria-expanded") === "true" && list && list.jOwner === el) {
          var pick = list.querySelector('[aria-selected="true"]') || list.firstElementChild;
          if (pick) pick.focus();
        } else call("activate", el.jAct);
      }
    });
    root.addEventListener("focusin", function (e) {
      var el = e.target.closest(".m");
      call("focus", el && el.jAct ? el.jAct : 0);
    });
    root.addEventListener("focusout", function (e) {
      if (!e.relatedTarget || !root.contains(e.relatedTarget)) call("focus", 0);
    });
    return { frame: frame, focus: focus };
  }

  var Module = (window.Module = {
    jupiterMirrorInit: function () { return makeMirror(document.getElementById("a11y-mirror")); },
    preRun: [waitForFirstScreen],
    instantiateWasm: compiled ? instantiateWasm : undefined,
    jupiterPrefetch: prefetch,
    jupiterMoneyFormats: moneyFormats,
    canvas: null,
    locateFile: function (path) {
      return path.endsWith(".wasm") && wasmMeta ? wasmMeta.content : path;
    },
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    onRuntimeInitialized: function () {
      running = true;
      showStatus("");
    },
    onNoWebGL: function () {
      showStatus("Your browser cannot show the store: WebGL2 is turned off or not supported.", true);
    },
    onAbort: function (what) {
      console.error("store module aborted:", what);
      showStatus("The store stopped unexpectedly. Please reload the page.", true);
    },
  });
  document.addEventListener("DOMContentLoaded", function () {
    Module.canvas = document.getElementById("canvas");
    // In a partner's frame the store never takes the focus from the host page on load (a keyboard or screen
    // reader user would be pulled into the frame); the store's own page starts on it.
    if (window.parent === window) Module.canvas.focus();
  });

  // QA: window.jupiterTest with ?test=1. items(): widgets of the last rendered frame, frames(): frames so far.
  // The flag is kept for this tab in sessionStorage (QA only, no personal data), so that the API stays on across
  // the payment processor's round trip (its return URL is the server's PUBLIC/?order=ID, without ?test=1).
  var testOn = params.get("test") === "1";
  try {
    if (testOn) window.sessionStorage.setItem("jupiter.test", "1");
    else testOn = window.sessionStorage.getItem("jupiter.test") === "1";
  } catch (e) { /* storage blocked: only ?test=1 counts */ }
  if (testOn) {
    var call = function (name) {
      return running ? Module.UTF8ToString(Module["_" + name]()) : null;
    };
    window.jupiterTest = {
      items: function () { var s = call("jupiter_test_items"); return s ? JSON.parse(s) : []; },
      state: function () { var s = call("jupiter_test_state"); return s ? JSON.parse(s) : null; },
      frames: function () { return running ? Module._jupiter_test_frames() : 0; },
      // [action, ms] of the store's update() since the last call: search, filter, sort, ... (benchmark).
      timings: function () { var s = call("jupiter_test_timings"); return s ? JSON.parse(s) : []; },
      // CPU ms of each frame rendered since the last call (benchmark).
      frameTimes: function () { var s = call("jupiter_test_frame_times"); return s ? JSON.parse(s) : []; },
      // ms of accessible-mirror upkeep of each frame rendered since the last call (benchmark).
      mirrorTimes: function () { var s = call("jupiter_test_mirror_times"); return s ? JSON.parse(s) : []; },
    };
  }
})();
