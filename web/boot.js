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

  // Start the catalogue request now, in parallel with the module's download and compilation; the module's
  // first fetch of the same URL takes this response instead of asking again.
  var prefetch = {};
  if (typeof fetch === "function" && document.querySelector('meta[name="jupiter:prefetch"]')) {
    var url = document.querySelector('meta[name="jupiter:prefetch"]').content;
    // Read the body too, so that it is in memory before the module's first frame.
    prefetch[url] = fetch(url, { cache: "no-cache", credentials: "same-origin" }).then(function (r) {
      return r.arrayBuffer().then(function (body) {
        return { status: r.status, etag: r.headers.get("ETag"), body: new Uint8Array(body) };
      });
    });
    prefetch[url].catch(function () {}); // a failure is reported when the module takes the response
  }

  // Intl formatters are slow to create the first time; make the default currency's one while the module loads.
  var moneyFormats = {};
  try {
    var locale = navigator.language || "en";
    moneyFormats[locale + "|USD"] = new Intl.NumberFormat(locale, { style: "currency", currency: "USD" });
  } catch (e) { /* the module makes its own */ }

  // main() waits (a little) for the catalogue, so that the first frame can show it instead of a loading state.
  var waitForCatalogue = function () {
    var pending = Object.keys(prefetch).map(function (k) { return prefetch[k]; });
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
    };
  }
})();
