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

  // Start the catalogue request now, in parallel with the module's download and compilation; the module's
  // first fetch of the same URL (with the same If-None-Match) takes this response instead of asking again.
  var prefetch = {};
  if (typeof fetch === "function" && document.querySelector('meta[name="jupiter:prefetch"]')) {
    var url = document.querySelector('meta[name="jupiter:prefetch"]').content;
    var headers = cachedEtag ? { "If-None-Match": cachedEtag } : {};
    // Read the body too, so that it is in memory before the module's first frame.
    var response = fetch(url, { headers: headers, cache: "no-cache", credentials: "same-origin" }).then(function (r) {
      return r.arrayBuffer().then(function (body) {
        return { status: r.status, etag: r.headers.get("ETag"), body: new Uint8Array(body) };
      });
    });
    response.catch(function () {}); // a failure is reported when the module takes the response
    prefetch[url] = { inm: cachedEtag, response: response };
  }

  // Intl formatters are slow to create the first time; make the default currency's one while the module loads.
  var moneyFormats = {};
  try {
    var locale = navigator.language || "en";
    moneyFormats[locale + "|USD"] = new Intl.NumberFormat(locale, { style: "currency", currency: "USD" });
  } catch (e) { /* the module makes its own */ }

  // main() waits (a little) for the catalogue, so that the first frame can show it instead of a loading state.
  var waitForCatalogue = function () {
    if (cachedEtag) return; // the kept catalogue is shown at once
    var pending = Object.keys(prefetch).map(function (k) { return prefetch[k].response; });
    if (!pending.length || !Module.addRunDependency) return;
    var done = false;
    var release = function () {
      if (done) return;
      done = true;
      Module.removeRunDependency("jupiter:catalogue");
    };
    Module.addRunDependency("jupiter:catalogue");
    Promise.all(pending).then(release, release);
    setTimeout(release, 400); // a slow backend gets the loading screen instead
  };

  var Module = (window.Module = {
    preRun: [waitForCatalogue],
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
    Module.canvas.focus();
  });

  // QA: window.jupiterTest with ?test=1. items(): widgets of the last rendered frame, frames(): frames so far.
  if (params.get("test") === "1") {
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
    };
  }
})();
