// embed-return.js: closes the payment window that the embedded store opened (embed-return.html). A tab the
// browser does not let a script close stays open with the page's message. Reads nothing from the URL.
window.close();
