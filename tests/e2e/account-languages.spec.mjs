// account-languages.spec.mjs: My eSIMs in Spanish, French and German (issue 15: "all four languages render the new
// screens with no missing key"). A traveller whose browser speaks the language signs in from the store by the
// e-mailed link, sees the list (state, price and date in the language) and opens the eSIM page of the paid order
// (with its usage, refund and support sections);
// the store reports no missing text on the way, and at 390x844 nothing leaves the screen sideways.
// English is covered by account.spec.mjs.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { findItem, items, openStore, repoRoot, startServer } from "./helpers.mjs";
import { newOrder, paidOrder, scrollTo, signInLink } from "./shop.mjs";

const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

// The account texts the test presses or reads, as assets/i18n/account/<lang>.json has them, and the sign-in link
// page's button (server/account_texts.cpp).
const texts = {
  es: { title: "Mis eSIM", email: "Correo electrónico", send: "Enviar enlace de acceso", sent: "Revisa tu correo",
        open: "Abrir la página de la eSIM", enter: "Entrar", waiting: "Pendiente de pago" },
  fr: { title: "Mes eSIM", email: "Adresse e-mail", send: "Envoyer le lien de connexion", sent: "Consultez vos e-mails",
        open: "Ouvrir la page de l’eSIM", enter: "Se connecter", waiting: "En attente de paiement" },
  de: { title: "Meine eSIMs", email: "E-Mail-Adresse", send: "Anmeldelink senden", sent: "Sehen Sie in Ihr E-Mail-Postfach",
        open: "eSIM-Seite öffnen", enter: "Anmelden", waiting: "Wartet auf Zahlung" },
};

let stack;
test.beforeAll(async () => {
  stack = await startServer();
});
test.afterAll(async () => stack && stack.stop());

test("the texts this spec uses are the shipped ones", () => {
  for (const [lang, t] of Object.entries(texts)) {
    const file = JSON.parse(fs.readFileSync(path.join(repoRoot, `assets/i18n/account/${lang}.json`), "utf8"));
    expect([file["account.title"], file["account.sign_in.email"], file["account.sign_in.send"], file["account.sent.title"],
            file["account.order.open"], file["account.state.pending_payment"]], lang)
      .toEqual([t.title, t.email, t.send, t.sent, t.open, t.waiting]);
  }
});

async function pageWidth(page) {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
}

const pastRightEdge = async (page, width) =>
  (await items(page)).filter((i) => i.visible && i.x + i.w > width + 0.5).map((i) => i.label);

async function signIn(page, lang, t, email) {
  await page.locator(".jc-banner .jc-actions button").nth(1).click();  // reject, in any language
  await page.getByRole("button", { name: t.title, exact: true }).press("Enter");
  await page.getByRole("textbox", { name: t.email }).fill(email);
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: t.email })).value).toBe(email);
  await page.getByRole("button", { name: t.send }).press("Enter");
  await findItem(page, { label: t.sent });
  let link;
  await expect.poll(() => (link = signInLink(stack.dataDir, email)), { message: "a sign-in mail in the outbox" }).toBeTruthy();
  expect(link).toMatch(new RegExp(`&lang=${lang}$`));  // the e-mail and its link in the store's language
  await page.goto(link);
  expect(await page.locator("html").getAttribute("lang")).toBe(lang);
  await Promise.all([page.waitForURL(/\/\?account=orders$/),
                     page.getByRole("button", { name: t.enter, exact: true }).click()]);
}

for (const [lang, t] of Object.entries(texts)) {
  test.describe(() => {
    test.use({ locale: { es: "es-ES", fr: "fr-FR", de: "de-DE" }[lang] });
    test(`My eSIMs in ${lang}: sign in, the list, the eSIM page, at 390x844, with no missing text`, async ({ page }) => {
      test.setTimeout(150_000);
      const warnings = [];
      page.on("console", (m) => { if (/i18n/.test(m.text())) warnings.push(m.text()); });
      const email = `langs.${lang}.${crypto.randomBytes(4).toString("hex")}@example.com`;
      await paidOrder(stack, page, { plan: "jp-5gb-30d", email });
      await newOrder(stack, { plan: "ke-1gb-7d", email });

      await page.setViewportSize({ width: 390, height: 844 });
      await openStore(page, stack.url);
      await signIn(page, lang, t, email);

      // The list: the unpaid order's state in the language; each order has its open button, named with its plan.
      await expect.poll(async () => (await items(page)).some((i) => i.label.startsWith(`${t.waiting} · `)),
                        { message: "the unpaid order in the list", timeout: 20_000 }).toBe(true);
      const opens = (await items(page)).filter((i) => i.role === "button" && i.label.startsWith(`${t.open}, `));
      expect(opens.length).toBe(2);  // the unpaid order's page is where it can still be paid
      const japan = opens.find((i) => /, Jap(an|ón|on) 5 G[Bo]/.test(i.label));
      expect(japan, opens.map((i) => i.label).join(" | ")).toBeTruthy();
      await page.waitForTimeout(300);
      expect(await pastRightEdge(page, 390), "list widgets past the right edge").toEqual([]);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(shots, `account-orders-390-${lang}.png`) });

      // The eSIM page of the paid order, opened from the list.
      // Opening an order loads its page in this tab (?order=...#t=...): wait for that load before reading the page.
      await Promise.all([page.waitForURL(/\/\?order=[^#]+#t=/),
                         page.getByRole("button", { name: japan.label, exact: true }).press("Enter")]);
      await expect.poll(async () => (await items(page)).some((i) => i.role === "qr"),
                        { message: "the eSIM page with its QR", timeout: 30_000 }).toBe(true);
      await page.waitForTimeout(300);
      expect(await pastRightEdge(page, 390), "eSIM page widgets past the right edge").toEqual([]);
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(shots, `account-esim-page-390-${lang}.png`), fullPage: true });

      // The eSIM page's own sections (usage, refund, support) are there in the language too.
      const words = (domain) => JSON.parse(fs.readFileSync(path.join(repoRoot, `assets/i18n/${domain}/${lang}.json`), "utf8"));
      for (const [domain, key] of [["topup", "topup.usage.title"], ["refund", "refund.button"], ["support", "support.title"]]) {
        const label = words(domain)[key];
        await page.mouse.wheel(0, -100_000);  // from the top: the page lists only the widgets in view
        await scrollTo(page, (i) => i.label === label, label);
        expect(await pastRightEdge(page, 390), `widgets past the right edge around "${label}"`).toEqual([]);
      }

      expect(warnings, "texts the store had to show in English or as keys").toEqual([]);
    });
  });
}
