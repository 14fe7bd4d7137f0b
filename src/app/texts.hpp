// texts.hpp: the interface texts a language needs, from the module (English) or from its bundle in the web root.
//
// The module embeds English only (embed_texts.py): it is the fallback of every other language. Spanish, French
// and German are one bundle each (texts_bundle.py), listed by the page's <meta name="jupiter:texts"
// content="es=URL fr=URL de=URL">; a bundle is fetched once, the first time its language is asked for (boot.js
// has usually asked already, and the fetch takes its response). A bundle that cannot be had (network, HTTP error,
// not a bundle) is logged and the language is shown in English; a damaged entry in it is logged and falls back
// to its English text.
#pragma once
#include <functional>

#include "core/i18n.hpp"

namespace jupiter::app {

// Installs lang's texts and money locale unless they are installed already, and returns true; or, when its
// bundle has not come yet, asks for it (once) and returns false. `arrived` is called on the frame thread when the
// bundle came or failed: the caller calls install_texts again then.
bool install_texts(Language lang, const std::function<void()>& arrived);

}  // namespace jupiter::app
