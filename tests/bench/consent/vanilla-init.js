// vanilla-init.js: vanilla-cookieconsent 3.1.0 configured like ours (four categories, the same English texts),
// for the banner-visible benchmark. Its documented run() API; nothing tuned for speed either way.
// hideFromBots: false, because it otherwise hides itself from automated browsers (navigator.webdriver).
CookieConsent.run({
  hideFromBots: false,
  categories: { necessary: { enabled: true, readOnly: true }, preferences: {}, analytics: {}, marketing: {} },
  language: {
    default: "en",
    translations: {
      en: {
        consentModal: {
          title: "Cookies and your privacy",
          description: "We use cookies and similar storage for the store to work. With your consent we also remember your preferences, measure how the store is used, and see which ads brought you here. Nothing optional runs until you choose. You can change your mind at any time under \u201cCookie settings\u201d.",
          acceptAllBtn: "Accept all", acceptNecessaryBtn: "Reject all", showPreferencesBtn: "Customize",
        },
        preferencesModal: {
          title: "Cookie settings", acceptAllBtn: "Accept all", acceptNecessaryBtn: "Reject all",
          savePreferencesBtn: "Save choices", closeIconLabel: "Close",
          sections: [
            { title: "Strictly necessary", description: "Needed for the store to work.", linkedCategory: "necessary" },
            { title: "Preferences", description: "Remember settings you chose.", linkedCategory: "preferences" },
            { title: "Analytics", description: "Help us understand how the store is used.", linkedCategory: "analytics" },
            { title: "Marketing", description: "Measure which partners brought you to us.", linkedCategory: "marketing" },
          ],
        },
      },
    },
  },
});
