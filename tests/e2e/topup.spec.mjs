// topup.spec.mjs: usage and top-ups on the eSIM page (issue 15). A guest buys a top-up-able eSIM, sees its usage
// with the time it was read, moves the usage with the partner sandbox's knob and sees it after Refresh, then starts a
// top-up by keyboard alone, pays it on the processor's page with the test card and, back in the store, finds the
// same eSIM (the same QR payload) with the total grown. Also: 390x844 without sideways overflow, and es/fr/de with no
// missing text. Everything is found through the accessible mirror (role and name) or the QA API.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { findItem, items, openStore, repoRoot, startServer } from "./helpers.mjs";
import { api, focused, paidOrder, tabTo } from "./shop.mjs";

// JUPITER_SHOTS: another folder for the screenshots (results/ is emptied by every Playwright run that starts).
const shots = process.env.JUPITER_SHOTS || path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

const PLAN = "jp-10gb-30d";   // 10 GB, with the topup feature (assets/catalogue.json)
const TOPUP = "jp-1gb-30d";   // 1 GB, topup, the same coverage: compatible

let stack;
test.beforeAll(async () => {
  stack = await startServer();
});
test.afterAll(async () => stack && stack.stop());

async function delivered(id, token) {
  let last;
  await expect.poll(async () => {
    last = (await api(stack, "GET", `/api/orders/${id}`, { token })).json;
    return last.state;
  }, { timeout: 30_000, message: `order ${id} delivered` }).toBe("delivered");
  return last;
}

// The partner sandbox's knob: the eSIM has used `mb` megabytes.
async function setUsage(iccid, mb) {
  const res = await fetch(`${stack.partnerUrl}/sandbox/usage`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ iccid, used_mb: mb }),
  });
  expect(res.status, await res.text()).toBe(200);
}

// A delivered eSIM of PLAN bought as a guest; the page then shows its order link with the test API on.
async function esimPage(page) {
  const { order, token } = await paidOrder(stack, page, { plan: PLAN, email: "topup@example.com" });
  const done = await delivered(order.id, token);
  await openStore(page, stack.url, `&order=${order.id}#t=${token}`);
  const reject = page.getByRole("button", { name: /^(Reject all|Rechazar todo|Tout refuser|Alle ablehnen)$/ });
  if (await reject.isVisible().catch(() => false)) await reject.click();
  return { order, token, done };
}

// Scrolls the canvas until a widget the QA API lists matches `test` and is wholly on screen (it lists only those).
async function scrollToItem(page, test, what) {
  const { width, height } = page.viewportSize();
  await expect.poll(async () => {
    if ((await items(page)).some((i) => test(i) && i.y >= 0 && i.y + i.h <= height - 60)) return true;
    await page.mouse.move(width / 2, height / 2);
    await page.mouse.wheel(0, 250);
    return false;
  }, { timeout: 15_000, intervals: [150], message: `scrolled to ${what}` }).toBe(true);
}

const inMirror = (page, text) => expect(page.locator("#a11y-mirror").getByText(text, { exact: true })).toHaveCount(1, { timeout: 20_000 });

test("usage with its time, Refresh after the partner's knob, and a top-up bought onto the same eSIM", async ({ page }) => {
  test.setTimeout(180_000);
  const { order, token, done } = await esimPage(page);
  const qrBefore = await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 20_000 });
  expect(qrBefore.value).toBe(done.esim.activation_code);

  // The usage, read from the partner when the page opened, with the time it was read.
  await expect(page.getByRole("heading", { name: "Data usage" })).toHaveCount(1, { timeout: 20_000 });
  await inMirror(page, "0 MB used of 10 GB");
  await inMirror(page, "10 GB left");
  await expect(page.locator("#a11y-mirror").getByText(/^Read at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/)).toHaveCount(1);

  // The partner reports 1.5 GB used: Refresh shows it.
  await setUsage(done.esim.iccid, 1536);
  await page.getByRole("button", { name: "Refresh usage" }).press("Enter");
  await inMirror(page, "1.5 GB used of 10 GB");
  await inMirror(page, "8.5 GB left");

  // Keyboard only: Tab to "Top up", Enter; Tab to the 1 GB plan's Buy, Enter.
  await page.getByRole("button", { name: "Refresh usage" }).focus();
  await tabTo(page, /^Top up$/);
  await page.keyboard.press("Enter");
  await inMirror(page, "Add data to this eSIM");
  const buy = /^Buy .*1 GB.* for \$6\.99$/;
  await expect(page.getByRole("button", { name: buy })).toHaveCount(1, { timeout: 20_000 });
  await tabTo(page, buy);
  expect(await focused(page)).toMatch(buy);
  await page.keyboard.press("Enter");

  // The checkout reviews it as a top-up and asks no contact details: review -> confirmations -> payment.
  await inMirror(page, "Top-up for your eSIM: the data is added to the eSIM you have, with no new QR code.");
  await inMirror(page, "Step 1 of 3");  // three steps: no contact details step is counted
  await page.getByRole("button", { name: "Continue" }).press("Enter");
  await expect(page.getByRole("heading", { name: "Confirmations" })).toHaveCount(1);
  await inMirror(page, "Step 2 of 3");
  await expect(page.getByRole("checkbox", { name: /travel offers/ })).toHaveCount(0);
  await page.getByRole("checkbox", { name: "I am 18 or older" }).press("Space");
  await page.getByRole("checkbox", { name: /^I accept the Terms/ }).press("Space");
  await expect(page.getByRole("checkbox", { name: /^I accept the Terms/ })).toBeChecked();
  await page.getByRole("button", { name: "Continue" }).press("Enter");
  await expect(page.getByRole("heading", { name: "Payment" })).toHaveCount(1);
  await inMirror(page, "Step 3 of 3");
  await page.getByRole("button", { name: /^Pay \$6\.99/ }).press("Enter");

  // The processor's page, then back in the store on the top-up's page.
  await page.waitForURL((u) => u.href.startsWith(stack.processorUrl));
  await page.fill("#number", "4242 4242 4242 4242");
  await page.fill("#exp", "12/34");
  await page.fill("#cvc", "123");
  await Promise.all([page.waitForURL((u) => u.href.startsWith(stack.url)), page.click("button[type=submit]")]);
  await inMirror(page, "Top-up added to your eSIM");
  const topupId = new URL(page.url()).searchParams.get("order");
  expect(topupId).not.toBe(order.id);

  // Back to the eSIM: the same eSIM (the same QR payload), the total grown by 1 GB, the usage kept.
  await page.getByRole("button", { name: "Back to your eSIM" }).press("Enter");
  await inMirror(page, "1.5 GB used of 11 GB");
  await inMirror(page, "9.5 GB left");
  const qrAfter = await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 20_000 });
  expect(qrAfter.value).toBe(qrBefore.value);
  const parent = (await api(stack, "GET", `/api/orders/${order.id}`, { token })).json;
  expect(parent.esim.iccid).toBe(done.esim.iccid);
  expect(parent.esim.activation_code).toBe(done.esim.activation_code);
  await scrollToItem(page, (i) => i.id.endsWith("##topup-open"), "Top up");
  await page.screenshot({ path: path.join(shots, "topup-after-1280.png") });
});

test("at 390x844 the usage and the top-up list fit the screen", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await esimPage(page);
  await inMirror(page, "0 MB used of 10 GB");
  await page.getByRole("button", { name: "Top up" }).press("Enter");
  await expect(page.getByRole("button", { name: /^Buy .*1 GB.* for \$6\.99$/ })).toHaveCount(1, { timeout: 20_000 });
  const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  expect(width).toBeLessThanOrEqual(390);
  const past = (await items(page)).filter((i) => i.visible && i.x + i.w > 390.5).map((i) => i.label);
  expect(past).toEqual([]);
  await page.screenshot({ path: path.join(shots, "topup-390x844.png") });
  await scrollToItem(page, (i) => i.id.endsWith("##topup-buy"), "the list's Buy buttons");
  await page.screenshot({ path: path.join(shots, "topup-390x844-list.png") });
});

const languages = {
  es: { title: "Consumo de datos", used: "0 MB usados de 10 GB", button: "Recargar", list: "Añadir datos a esta eSIM",
        buy: /^Comprar .+ por .+/ },
  fr: { title: "Consommation de données", used: "0 Mo utilisés sur 10 Go", button: "Recharger",
        list: "Ajouter des données à cette eSIM", buy: /^Acheter .+ pour .+/ },
  de: { title: "Datenverbrauch", used: "0 MB von 10 GB verbraucht", button: "Aufladen", list: "Daten zu dieser eSIM hinzufügen",
        buy: /^.+ für .+ kaufen$/ },
};

test("the texts this spec uses are the shipped ones", () => {
  for (const [lang, t] of Object.entries(languages)) {
    const file = JSON.parse(fs.readFileSync(path.join(repoRoot, `assets/i18n/topup/${lang}.json`), "utf8"));
    const en = JSON.parse(fs.readFileSync(path.join(repoRoot, "assets/i18n/topup/en.json"), "utf8"));
    expect(Object.keys(file).sort(), lang).toEqual(Object.keys(en).sort());
    expect([file["topup.usage.title"], file["topup.button"], file["topup.list.title"]]).toEqual([t.title, t.button, t.list]);
  }
});

for (const [lang, t] of Object.entries(languages)) {
  test.describe(() => {
    test.use({ locale: { es: "es-ES", fr: "fr-FR", de: "de-DE" }[lang] });
    test(`usage and the top-up list in ${lang}, with no missing text`, async ({ page }) => {
      test.setTimeout(120_000);
      const warnings = [];
      page.on("console", (m) => { if (/i18n/.test(m.text())) warnings.push(m.text()); });
      await esimPage(page);
      await expect(page.getByRole("heading", { name: t.title })).toHaveCount(1, { timeout: 20_000 });
      await inMirror(page, t.used);
      await page.getByRole("button", { name: t.button }).press("Enter");
      await inMirror(page, t.list);
      await expect(page.getByRole("button", { name: t.buy }).first()).toBeAttached({ timeout: 20_000 });
      await scrollToItem(page, (i) => i.id.endsWith("##topup-buy"), "the list's Buy buttons");
      await page.screenshot({ path: path.join(shots, `topup-${lang}.png`) });
      expect(warnings).toEqual([]);
    });
  });
}
