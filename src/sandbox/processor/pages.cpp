// pages.cpp: see pages.hpp.
#include "sandbox/processor/pages.hpp"

#include <cctype>

#include "server/html_escape.hpp"

namespace jupiter::sandbox {

namespace {

using server::html_escape;

constexpr const char* kStyle = R"css(
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: #f3f0ea; color: #1d1d1f; }
.banner { background: #8a4b00; color: #fff; text-align: center; padding: .5rem 1rem; font-weight: 600; }
main { max-width: 26rem; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 1.5rem;
       box-shadow: 0 2px 12px rgba(0,0,0,.08); }
h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
.merchant { color: #555; margin: 0 0 1rem; }
.amount { font-size: 1.75rem; font-weight: 700; margin: 0 0 1rem; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input { width: 100%; font: inherit; padding: .6rem .7rem; border: 1px solid #aaa; border-radius: 8px; }
.row { display: flex; gap: .75rem; } .row > div { flex: 1; }
button { width: 100%; margin-top: 1.25rem; font: inherit; font-weight: 700; padding: .75rem; border: 0;
         border-radius: 8px; background: #1a56db; color: #fff; cursor: pointer; }
button.secondary { background: #e5e7eb; color: #111; }
.error { background: #fde8e8; color: #9b1c1c; padding: .6rem .8rem; border-radius: 8px; }
.cancel { display: block; text-align: center; margin-top: 1rem; color: #444; }
.tests { font-size: .85rem; color: #555; margin-top: 1.25rem; border-top: 1px solid #eee; padding-top: .75rem; }
code { font-size: .85rem; }
)css";

std::string page(const std::string& title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + html_escape(title) +
         "</title>\n<style>" + kStyle + "</style></head>\n<body>\n"
         "<div class=\"banner\" role=\"note\">Sandbox payment processor — test mode. No real money moves.</div>\n"
         "<main>\n" + body + "</main>\n</body></html>\n";
}

std::string header(const PageContext& c) {
  return "<h1>Sandbox payment processor — test mode</h1>\n<p class=\"merchant\">Pay " + html_escape(c.merchant) +
         " for " + html_escape(c.description) + "</p>\n<p class=\"amount\">" + html_escape(c.amount) + "</p>\n";
}

}  // namespace

std::string card_page(const PageContext& c) {
  std::string body = header(c);
  if (!c.error.empty()) body += "<p class=\"error\" role=\"alert\">" + html_escape(c.error) + "</p>\n";
  body += "<form method=\"post\" action=\"/pay/" + html_escape(c.session) + "\" autocomplete=\"on\">\n"
          "<label for=\"number\">Card number</label>\n"
          "<input id=\"number\" name=\"number\" inputmode=\"numeric\" autocomplete=\"cc-number\" "
          "placeholder=\"4242 4242 4242 4242\" required maxlength=\"23\">\n"
          "<div class=\"row\"><div><label for=\"exp\">Expiry (MM/YY)</label>\n"
          "<input id=\"exp\" name=\"exp\" autocomplete=\"cc-exp\" placeholder=\"12/34\" required maxlength=\"7\"></div>\n"
          "<div><label for=\"cvc\">CVC</label>\n"
          "<input id=\"cvc\" name=\"cvc\" inputmode=\"numeric\" autocomplete=\"cc-csc\" placeholder=\"123\" required "
          "maxlength=\"4\"></div></div>\n"
          "<label for=\"cardholder\">Name on card</label>\n"
          "<input id=\"cardholder\" name=\"cardholder\" autocomplete=\"cc-name\">\n"
          "<button type=\"submit\">Pay " + html_escape(c.amount) + "</button>\n</form>\n"
          "<a class=\"cancel\" href=\"/pay/" + html_escape(c.session) + "/cancel\">Cancel and return to " +
          html_escape(c.merchant) + "</a>\n"
          "<div class=\"tests\">Test cards: <code>4242 4242 4242 4242</code> succeeds, "
          "<code>4000 0000 0000 0002</code> is declined, <code>4000 0000 0000 3220</code> asks for an extra "
          "confirmation. Any future expiry date and any 3-digit CVC.</div>\n";
  return page("Pay " + c.merchant + " — sandbox payment processor", body);
}

std::string challenge_page(const PageContext& c, const std::string& brand, const std::string& last4) {
  std::string shown = brand;
  if (!shown.empty()) shown[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(shown[0])));
  std::string body = header(c);
  body += "<h2>Confirm this payment</h2>\n<p>Your bank asks you to confirm the payment with your " +
          html_escape(shown) + " card ending in " + html_escape(last4) + " (test authentication).</p>\n"
          "<form method=\"post\" action=\"/pay/" + html_escape(c.session) + "/challenge\">\n"
          "<button type=\"submit\" name=\"decision\" value=\"approve\">Confirm payment</button>\n"
          "<button type=\"submit\" name=\"decision\" value=\"reject\" class=\"secondary\">Fail authentication</button>\n"
          "</form>\n";
  return page("Confirm payment — sandbox payment processor", body);
}

std::string closed_page(const std::string& message) {
  return page("Sandbox payment processor", "<h1>Sandbox payment processor — test mode</h1>\n<p>" +
                                               html_escape(message) + "</p>\n");
}

}  // namespace jupiter::sandbox
