// consent-stub.js: the synchronous <head> part of the consent manager. Runs before any tag on the page:
// - Google Consent Mode v2: every type denied with wait_for_update, region-scoped defaults from
//   assets/consent.json (the unit test "the head stub's Consent Mode defaults match the config" keeps them equal);
// - the public API window.JupiterConsent, queuing calls until web/consent.js and its WebAssembly module are up;
// - the Global Privacy Control signal (navigator.globalPrivacyControl).
// Nothing is stored or sent here. No inline script is needed (the page's CSP forbids them).
(function (w) {
  "use strict";
  if (w.JupiterConsent) return;
  var dl = (w.dataLayer = w.dataLayer || []);
  var gtag = w.gtag || (w.gtag = function () { dl.push(arguments); });
  // BEGIN consent-mode-defaults (generated from assets/consent.json; checked by the unit tests)
  var DEFAULTS = [
    {"ad_personalization":"denied","ad_storage":"denied","ad_user_data":"denied","analytics_storage":"denied","functionality_storage":"denied","personalization_storage":"denied","security_storage":"denied","wait_for_update":500},
    {"ad_personalization":"denied","ad_storage":"denied","ad_user_data":"denied","analytics_storage":"denied","functionality_storage":"denied","personalization_storage":"denied","region":["AT","BE","BG","HR","CY","CZ","DK","EE","FI","FR","DE","GR","HU","IS","IE","IT","LV","LI","LT","LU","MT","NL","NO","PL","PT","RO","SK","SI","ES","SE","GB","CH"],"security_storage":"denied","wait_for_update":1000},
    {"ad_personalization":"denied","ad_storage":"denied","ad_user_data":"denied","analytics_storage":"denied","functionality_storage":"denied","personalization_storage":"denied","region":["US"],"security_storage":"granted","wait_for_update":500}
  ];
  // END consent-mode-defaults
  for (var i = 0; i < DEFAULTS.length; i++) gtag("consent", "default", DEFAULTS[i]);

  var queue = [];
  var later = function (name) {
    return function () { queue.push([name, [].slice.call(arguments)]); };
  };
  // Until the module answers, only necessary storage is allowed: the opt-in default.
  w.JupiterConsent = {
    gpc: navigator.globalPrivacyControl === true,
    accepted: function (category) { return category === "necessary"; },
    acceptedService: function () { return false; },
    show: later("show"),
    showPreferences: later("showPreferences"),
    withdraw: later("withdraw"),
    hide: later("hide"),
    on: later("on"),
    _queue: queue,
  };
})(window);
