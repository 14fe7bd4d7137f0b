// account_texts.cpp: see account_texts.hpp. The English words are the ones the e-mail and page had before.
#include "server/account_texts.hpp"

namespace jupiter::server {

namespace {

constexpr SignInWords kEnglish{
    "en",
    "Your JupiterEsims sign-in link",
    "Open this link to sign in to My eSIMs and see your orders:",
    "Sign in to JupiterEsims",
    "It works once, for {minutes} minutes. If you did not ask to sign in, ignore this e-mail: nothing happens "
    "without the link.",
    "Sign in to JupiterEsims",
    "Press the button to sign in and see your eSIMs.",
    "Sign in",
    "This link does not work",
    "The sign-in link is not complete or not valid. {link}Ask for a new one{end}.",
};

constexpr SignInWords kSpanish{
    "es",
    "Tu enlace de acceso a JupiterEsims",
    "Abre este enlace para entrar en Mis eSIM y ver tus pedidos:",
    "Entrar en JupiterEsims",
    "Funciona una sola vez, durante {minutes} minutos. Si no pediste entrar, ignora este correo: sin el enlace no "
    "ocurre nada.",
    "Entrar en JupiterEsims",
    "Pulsa el botón para entrar y ver tus eSIM.",
    "Entrar",
    "Este enlace no funciona",
    "El enlace de acceso está incompleto o no es válido. {link}Pide uno nuevo{end}.",
};

constexpr SignInWords kFrench{
    "fr",
    "Votre lien de connexion JupiterEsims",
    "Ouvrez ce lien pour vous connecter à Mes eSIM et voir vos commandes :",
    "Se connecter à JupiterEsims",
    "Il ne fonctionne qu’une fois, pendant {minutes} minutes. Si vous n’avez pas demandé à vous connecter, ignorez "
    "cet e-mail : rien ne se passe sans le lien.",
    "Se connecter à JupiterEsims",
    "Appuyez sur le bouton pour vous connecter et voir vos eSIM.",
    "Se connecter",
    "Ce lien ne fonctionne pas",
    "Le lien de connexion est incomplet ou n’est pas valide. {link}Demandez-en un nouveau{end}.",
};

constexpr SignInWords kGerman{
    "de",
    "Ihr Anmeldelink für JupiterEsims",
    "Öffnen Sie diesen Link, um sich bei Meine eSIMs anzumelden und Ihre Bestellungen zu sehen:",
    "Bei JupiterEsims anmelden",
    "Er funktioniert einmal, {minutes} Minuten lang. Wenn Sie keine Anmeldung angefordert haben, ignorieren Sie "
    "diese E-Mail: Ohne den Link passiert nichts.",
    "Bei JupiterEsims anmelden",
    "Drücken Sie die Schaltfläche, um sich anzumelden und Ihre eSIMs zu sehen.",
    "Anmelden",
    "Dieser Link funktioniert nicht",
    "Der Anmeldelink ist unvollständig oder ungültig. {link}Fordern Sie einen neuen an{end}.",
};

}  // namespace

const SignInWords& sign_in_words(Language l) {
  switch (l) {
    case Language::Es: return kSpanish;
    case Language::Fr: return kFrench;
    case Language::De: return kGerman;
    case Language::En:
    case Language::Unknown: break;
  }
  return kEnglish;
}

}  // namespace jupiter::server
