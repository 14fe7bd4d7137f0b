// privacy-centre.spec.mjs: the privacy centre (issue 16) in the browser, against the real server. A guest buys two
// orders with one e-mail (one paid), opens the privacy centre from the store's footer by role and name, signs in
// with the e-mailed link (read from the outbox; it lands on ?account=privacy), sees the summary, downloads the data
// (the file's JSON holds both orders), corrects the phone, objects to marketing and analytics (the analytics cookie
// category is withdrawn in the consent manager), opens Cookie settings, and erases by keyboard alone, seeing what was
// kept. axe finds nothing on the signed-in screen; at 390x844 nothing overflows sideways, from the header's Privacy
// popup to the centre and back through My eSIMs (screenshots kept). The cookie banner links /privacy, and
// ?account=privacy follows Back/Forward.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test, expect } from "@playwright/test";
import { findItem, items, openStore, repoRoot, startServer } from "./helpers.mjs";
import { api, focused, newOrder, paidOrder, signInLink, tabTo } from "./shop.mjs";

const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

let stack;
test.beforeAll(async () => {
  stack = await startServer();
});
test.afterAll(async () => stack && stack.stop());

async function noSidewaysOverflow(page, width) {
  const w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  expect(w, "page width").toBeLessThanOrEqual(width);
}

async function axeClean(page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function signIn(page, email) {
  const field = page.getByRole("textbox", { name: "E-mail address" });
  await expect(field).toHaveAttribute("type", "email");
  await field.fill(email);
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: "E-mail address" })).value).toBe(email);
  await page.getByRole("button", { name: "Send sign-in link" }).press("Enter");
  await findItem(page, { role: "status", label: "Check your e-mail" });
  let link;
  await expect.poll(() => (link = signInLink(stack.dataDir, email)), { message: "a sign-in mail in the outbox" }).toBeTruthy();
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/\?account=privacy$/), page.getByRole("button", { name: "Sign in" }).click()]);
}

test("every right from the footer: sign in by link, summary, download, correct, restrict, cookie settings, erase by keyboard", async ({ page }) => {
  test.setTimeout(180_000);
  const email = `privacy.${crypto.randomBytes(4).toString("hex")}@example.com`;
  const paid = await paidOrder(stack, page, { plan: "jp-5gb-30d", email, marketing: true });
  const unpaid = await newOrder(stack, { plan: "ke-1gb-7d", email, marketing: true });

  await openStore(page, stack.url);
  const accept = page.getByRole("button", { name: "Accept all" });  // analytics on: the objection must withdraw it
  if (await accept.isVisible().catch(() => false)) await accept.click();
  await expect.poll(() => page.evaluate(() => window.JupiterConsent.accepted("analytics"))).toBe(true);
  // The footer's link, by role and name (the mirror's <a href="/?account=privacy">).
  const footer = page.getByRole("link", { name: "Privacy centre" });
  await expect(footer).toHaveAttribute("href", "/?account=privacy");
  await expect(page.getByRole("link", { name: "Privacy policy" })).toHaveAttribute("href", "/privacy");
  await expect(page.getByRole("link", { name: "Terms of sale" })).toHaveAttribute("href", "/terms");  // issue 15
  await footer.press("Enter");
  await page.waitForURL(/[?&]account=privacy(&|$)/);
  await findItem(page, { role: "heading", label: "Privacy centre" });
  await signIn(page, email);

  // The summary: the address, two orders, subscribed to marketing (both orders opted in).
  await findItem(page, { label: `Signed in as ${email}. Orders with this address: 2.` }, { timeout: 20_000 });
  await findItem(page, { label: "Marketing e-mails: you are subscribed." });
  await expect.poll(() => focused(page)).toBe("Download my data");  // focus lands on the first right
  await axeClean(page);
  await page.screenshot({ path: path.join(shots, "privacy-centre-desktop.png"), fullPage: true });

  // Download: a file named jupiteresims-my-data.json whose JSON holds both orders.
  const [download] = await Promise.all([page.waitForEvent("download"),
                                        page.getByRole("button", { name: "Download my data" }).press("Enter")]);
  expect(download.suggestedFilename()).toBe("jupiteresims-my-data.json");
  const data = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  const text = JSON.stringify(data);
  expect(text).toContain(paid.order.id);
  expect(text).toContain(unpaid.order.id);
  await findItem(page, { role: "status", label: "Your data was downloaded as jupiteresims-my-data.json." });

  // Correct the phone: saved on both orders.
  await page.getByRole("textbox", { name: "Phone number with country code" }).fill("+44 20 7946 0000");
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: "Phone number with country code" })).value)
    .toBe("+44 20 7946 0000");
  await page.getByRole("button", { name: "Save name and phone" }).press("Enter");
  await findItem(page, { role: "status", label: "Your details were saved on 2 orders." });
  const after = await api(stack, "GET", `/api/orders/${unpaid.order.id}`, { token: unpaid.token });
  expect(JSON.stringify(after.json)).toContain("+442079460000");

  // Object to marketing, then analytics: the analytics cookie category is withdrawn in this browser.
  await page.getByRole("checkbox", { name: "No marketing e-mails" }).press("Space");
  await findItem(page, { role: "status", label: "Saved: marketing e-mails off, analytics on." });
  await findItem(page, { label: "Marketing e-mails: you are not subscribed." });
  await page.getByRole("checkbox", { name: "No analytics" }).press("Space");
  await findItem(page, { role: "status", label: "Saved: marketing e-mails off, analytics off." });
  await expect.poll(() => page.evaluate(() => window.JupiterConsent.accepted("analytics"))).toBe(false);
  expect(await page.evaluate(() => window.JupiterConsent.accepted("preferences"))).toBe(true);  // the rest kept
  await expect(page.getByRole("checkbox", { name: "No analytics" })).toBeChecked();

  // Cookie settings: the consent manager's preferences open; Escape closes them.
  await page.getByRole("button", { name: "Cookie settings" }).first().press("Enter");
  await expect(page.locator(".jc-prefs")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.locator(".jc-prefs")).toBeHidden();

  // Erase by keyboard alone: Tab to it, Enter; focus lands on "Keep my data"; Shift+Tab to "Yes", Enter.
  await page.getByRole("button", { name: "Download my data" }).focus();
  await tabTo(page, /^Erase my data$/);
  await page.keyboard.press("Enter");
  await findItem(page, { role: "alert", label: `Erase everything we hold about ${email}? This cannot be undone.` });
  await expect.poll(() => focused(page)).toBe("Keep my data");
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(shots, "privacy-centre-erase-confirm.png") });
  await page.keyboard.press("Escape");  // Escape keeps the data and gives the focus back to the button
  await expect.poll(() => focused(page)).toBe("Erase my data");
  await page.keyboard.press("Enter");
  await expect.poll(() => focused(page)).toBe("Keep my data");
  await tabTo(page, /^Yes, erase my data$/, { back: true });
  await page.keyboard.press("Enter");
  await findItem(page, { role: "status", label: /^Your personal data is erased from \d+ orders\.$/ });
  const labels = (await items(page)).map((i) => i.label);
  expect(labels).toContain("Kept for accounting:");
  const kept = (await items(page)).filter((i) => i.role === "listitem").map((i) => i.label);
  expect(kept).toContain("the payment's transaction id");  // the answer's "kept", in words
  await expect.poll(() => focused(page)).toBe("Back to store");
  expect((await page.request.get(`${stack.url}/api/account`)).status()).toBe(401);  // the session ended
  await page.screenshot({ path: path.join(shots, "privacy-centre-erased.png"), fullPage: true });
});

test("at 390x844: from the Privacy popup, the centre fits the width signed out and in; axe finds nothing; My eSIMs leads back to it", async ({ page }) => {
  test.setTimeout(120_000);
  const email = `privacy.phone.${crypto.randomBytes(4).toString("hex")}@example.com`;
  await newOrder(stack, { plan: "jp-5gb-30d", email, marketing: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await openStore(page, stack.url);
  await page.getByRole("button", { name: "Reject all" }).click();
  await page.getByRole("button", { name: "Privacy", exact: true }).press("Enter");  // the header's Privacy popup
  await findItem(page, { role: "button", label: "Privacy centre" });
  await page.waitForTimeout(300);
  const past = (await items(page)).filter((i) => i.visible && i.x + i.w > 390 + 0.5).map((i) => i.label);
  expect(past, "popup widgets past the right edge").toEqual([]);
  await page.screenshot({ path: path.join(shots, "privacy-popup-390.png") });
  await page.getByRole("button", { name: "Privacy centre" }).press("Enter");
  await page.waitForURL(/[?&]account=privacy(&|$)/);
  await findItem(page, { role: "textbox", label: "E-mail address" });
  await page.waitForTimeout(300);
  await noSidewaysOverflow(page, 390);
  await page.screenshot({ path: path.join(shots, "privacy-centre-sign-in-390.png") });
  await signIn(page, email);
  await findItem(page, { label: `Signed in as ${email}. Orders with this address: 1.` }, { timeout: 20_000 });
  await page.waitForTimeout(300);
  await noSidewaysOverflow(page, 390);
  const wide = (await items(page)).filter((i) => i.visible && i.x + i.w > 390 + 0.5).map((i) => i.label);
  expect(wide, "widgets past the right edge").toEqual([]);
  await axeClean(page);
  await page.screenshot({ path: path.join(shots, "privacy-centre-390.png"), fullPage: true });
  // Signed in, My eSIMs has a way back to the centre.
  await page.getByRole("button", { name: "Back to store" }).press("Enter");
  await page.getByRole("button", { name: "My eSIMs" }).press("Enter");
  await findItem(page, { role: "listitem", label: "Japan 5 GB, 30 days" }, { timeout: 20_000 });
  await page.getByRole("button", { name: "Privacy centre" }).press("Enter");
  await page.waitForURL(/[?&]account=privacy(&|$)/);
  await findItem(page, { label: `Signed in as ${email}. Orders with this address: 1.` });
});

test("?account=privacy while the centre is open; Back to store and the browser's Back/Forward follow it", async ({ page }) => {
  await openStore(page, stack.url, "&dest=JP");
  // The cookie banner links the privacy policy's page.
  const bannerLink = page.locator(".jc-banner").getByRole("link", { name: "Privacy policy" });
  await expect(bannerLink).toHaveAttribute("href", "/privacy");
  await page.screenshot({ path: path.join(shots, "privacy-centre-banner-link.png") });
  await page.getByRole("button", { name: "Reject all" }).click();
  await page.getByRole("link", { name: "Privacy centre" }).press("Enter");  // the footer's link
  await page.waitForURL(/[?&]account=privacy(&|$)/);
  await findItem(page, { role: "textbox", label: "E-mail address" });
  await page.getByRole("button", { name: "Back to store" }).press("Enter");
  await expect.poll(() => new URL(page.url()).searchParams.has("account")).toBe(false);
  expect(new URL(page.url()).searchParams.get("dest")).toBe("JP");
  await page.goBack();
  await findItem(page, { role: "heading", label: "Privacy centre" });
  expect(new URL(page.url()).searchParams.get("account")).toBe("privacy");
  await page.goBack();
  await findItem(page, { role: "button", label: /^Details, / });
  await page.goForward();
  await findItem(page, { role: "heading", label: "Privacy centre" });
});

// The longest words (French, German) still fit a phone: buttons that do not fit beside each other wrap.
for (const locale of ["fr-FR", "de-DE"]) {
  test.describe(() => {
    test.use({ locale });
    test(`at 390x844 in ${locale} the Privacy popup and the centre fit the width`, async ({ page }) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await openStore(page, stack.url);
      await page.locator(".jc-banner .jc-actions button").nth(1).click();  // reject, in any language
      await page.evaluate(() => window.scrollTo(0, 0));
      const privacy = { fr: "Confidentialité", de: "Datenschutz" }[locale.slice(0, 2)];
      await findItem(page, { role: "button", label: privacy });
      await page.getByRole("button", { name: privacy, exact: true }).press("Enter");
      const centre = { fr: "Centre de confidentialité", de: "Datenschutz-Center" }[locale.slice(0, 2)];
      await findItem(page, { role: "button", label: centre });
      await page.waitForTimeout(300);
      let past = (await items(page)).filter((i) => i.visible && i.x + i.w > 390 + 0.5).map((i) => i.label);
      expect(past, "popup widgets past the right edge").toEqual([]);
      await page.getByRole("button", { name: centre }).press("Enter");
      await findItem(page, { role: "heading", label: centre });
      await page.waitForTimeout(300);
      past = (await items(page)).filter((i) => i.visible && i.x + i.w > 390 + 0.5).map((i) => i.label);
      expect(past, "centre widgets past the right edge").toEqual([]);
      await noSidewaysOverflow(page, 390);
      await page.screenshot({ path: path.join(shots, `privacy-centre-sign-in-390-${locale}.png`) });
    });
  });
}
