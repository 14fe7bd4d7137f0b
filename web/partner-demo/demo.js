// demo.js: the demo partner page's banner buttons and its log of the jupiter:* events from the embed.
(function (d) {
  "use strict";
  var log = d.getElementById("log");
  var cmp = d.getElementById("cmp");
  var stateText = d.getElementById("cmp-state");
  var EVENTS = ["ready", "plan-selected", "checkout-started", "order-paid", "error"];

  function note(text) {
    var li = d.createElement("li");
    li.textContent = new Date().toLocaleTimeString() + "  " + text;
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }
  EVENTS.forEach(function (name) {
    d.addEventListener("jupiter:" + name, function (e) {
      note("jupiter:" + name + " " + JSON.stringify(e.detail));
    });
  });

  function showState() {
    var a = window.demoCmp.answer();
    stateText.textContent = a === "accept" ? "You accepted all cookies on this page; the embedded store asks for its own choices." :
      a === "reject" ? "You rejected all cookies on this page: the embedded store does not ask again." :
      "No answer yet: the embedded store shows its own banner.";
    cmp.hidden = !!a;
  }
  // A new answer reaches the store the next time its frame opens: re-create the elements now, so it does.
  function reloadEmbeds() {
    [].forEach.call(d.querySelectorAll("jupiter-store"), function (el) { el.replaceWith(el.cloneNode(true)); });
    note("the embed was reopened with this page's new consent answer");
  }
  function decide(value) {
    window.demoCmp.decide(value);
    showState();
    if (value) reloadEmbeds();
  }
  d.getElementById("cmp-accept").addEventListener("click", function () { decide("accept"); });
  d.getElementById("cmp-reject").addEventListener("click", function () { decide("reject"); });
  d.getElementById("cmp-reset").addEventListener("click", function () { decide(null); });
  showState();
})(document);
