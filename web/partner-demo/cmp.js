// cmp.js: the demo partner page's fake consent manager. Synchronous in <head> (before embed.js reads it): Google
// Consent Mode entries in window.dataLayer and an IAB TCF v2.2 __tcfapi stub answering purpose 1. The answer is
// kept in this origin's localStorage ("demo.cmp" = "accept" | "reject"); window.demoCmp.decide() changes it.
(function (w) {
  "use strict";
  var KEY = "demo.cmp", listeners = [], nextId = 1;
  var answer = null;
  try { answer = w.localStorage.getItem(KEY); } catch (e) { answer = null; }
  var dl = (w.dataLayer = w.dataLayer || []);
  function gtag() { dl.push(arguments); }
  function modeUpdate() {
    var v = answer === "accept" ? "granted" : "denied";
    gtag("consent", "update", { analytics_storage: v, ad_storage: v, ad_user_data: v, ad_personalization: v });
  }
  if (answer) modeUpdate();  // no answer yet: the page says nothing (no Consent Mode default either)

  function tcData(status) {
    var yes = answer === "accept";
    return { tcfPolicyVersion: 4, gdprApplies: true, cmpStatus: "loaded", eventStatus: status,
             listenerId: undefined, purpose: { consents: { 1: yes, 7: yes, 8: yes, 9: yes }, legitimateInterests: {} } };
  }
  w.__tcfapi = function (command, version, callback, parameter) {
    if (version !== 2 || typeof callback !== "function") return;
    if (command === "ping") return callback({ gdprApplies: true, cmpLoaded: true, cmpStatus: "loaded" }, true);
    if (command === "removeEventListener") {
      listeners = listeners.filter(function (l) { return l.id !== parameter; });
      return callback(true, true);
    }
    if (command !== "addEventListener") return callback(null, false);
    var l = { id: nextId++, fn: callback };
    listeners.push(l);
    var data = tcData(answer ? "tcloaded" : "cmpuishown");
    data.listenerId = l.id;
    callback(data, true);
  };
  w.demoCmp = {
    answer: function () { return answer; },
    decide: function (value) {  // "accept" | "reject" | null (ask again)
      answer = value;
      try { value ? w.localStorage.setItem(KEY, value) : w.localStorage.removeItem(KEY); } catch (e) { /* memory */ }
      if (!value) return;
      modeUpdate();
      listeners.forEach(function (l) {
        var data = tcData("useractioncomplete");
        data.listenerId = l.id;
        l.fn(data, true);
      });
    },
  };
})(window);
