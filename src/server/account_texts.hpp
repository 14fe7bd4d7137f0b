// account_texts.hpp: the words of the sign-in e-mail and of the sign-in link's page, in the store's four languages.
//
// The store sends its active language with the sign-in request (POST /api/account/sign-in {"language"}); the e-mail
// is written in it and its link carries it (`&lang=xx`, a language code, nothing personal), so the page the link
// opens speaks the same language. English is the default and the fallback for anything else.
#pragma once
#include <string_view>

#include "core/i18n.hpp"

namespace jupiter::server {

struct SignInWords {
  std::string_view code;         // "es": the page's <html lang>
  std::string_view subject;      // the e-mail's subject
  std::string_view mail_intro;   // "Open this link to sign in ..."
  std::string_view mail_link;    // the HTML part's link text
  std::string_view mail_expiry;  // "It works once, for {minutes} minutes. ..." ({minutes}: the link's lifetime)
  std::string_view page_title;   // the link's page: its title and heading
  std::string_view page_intro;   // "Press the button ..."
  std::string_view page_button;  // "Sign in"
  std::string_view bad_title;    // a link that is not complete or not valid
  std::string_view bad_body;     // "... {link}Ask for a new one{end}." ({link}/{end}: where the store link goes)
};

// The words for `l`; English for Language::Unknown. Placeholders are filled with core's format_text (i18n.hpp).
const SignInWords& sign_in_words(Language l);

}  // namespace jupiter::server
