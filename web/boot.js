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

  var Module = (window.Module = {
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
