// consent.spec.mjs: the consent manager (issue 6) in headless Chromium, on a fixture marketing page with tagged
// trackers on another origin (tests/e2e/fixtures/consent/hosts.mjs counts their requests), against the real
// backend (receipts go through the page host to jupiter-server). Also: the real store page loads the banner.
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import fs from "node:fs";
import path from "node:path";
import { click, findItem, repoRoot, startServer } from "./helpers.mjs";
import { startHosts } from "./fixtures/consent/hosts.mjs";

const shots = path.join(path.dirname(new URL(import.meta.url).pathname), "results/screenshots");
fs.mkdirSync(shots, { recursive: true });

let server;
let hosts;
test.beforeAll(async () => {
  server = await startServer();
  hosts = await startHosts(server.url);
});
test.afterAll(async () => {
  await hosts?.stop();
  await server?.stop();
});
// A failed test prints what the backend and the page host saw of the receipts (a lost receipt is otherwise silent).
test.afterEach(async ({}, info) => {
  if (info.status === info.expectedStatus) return;
  const posts = hosts.control.receiptPosts.map((r) => `${r.failed ? "503 " : ""}${r.body.slice(0, 200)}`);
  console.log(`receipt POSTs at the page host:\n${posts.join("\n")}\nbackend log (end):\n${server.log().slice(-4000)}`);
});
test.beforeEach(() => {
  hosts.reset();
  hosts.control.failReceipts = false;
  hosts.control.lang = "en";
});

const TRACKED_COOKIES = /^(_sa_id|_sa_ses_.*|_sads_id|_sads_click_.*)$/;
const banner = (page) => page.getByRole("dialog", { name: /cookies/i });
const prefsDialog = (page) => page.getByRole("dialog", { name: "Cookie settings" });

// Opens the fixture page; collects page errors (none may come from the consent manager).
async function open(page, pathname = "/") {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(hosts.url + pathname);
  await page.waitForFunction(() => typeof window.JupiterConsent.state === "function");
  return errors;
}
async function storageSnapshot(page) {
  return page.evaluate(() => {
    const dump = (s) => { try { return Object.keys(s); } catch (e) { return ["<blocked>"]; } };
    return { local: dump(localStorage), session: dump(sessionStorage) };
  });
}
async function receiptsOf(page) {
  const id = await page.evaluate(() => {
    try { return JSON.parse(localStorage.getItem("jupiter.consent")).consent_id; } catch (e) { return null; }
  });
  const r = await fetch(`${server.url}/api/consent/receipts/${id}`);
  return (await r.json()).receipts;
}
const runs = (page) => page.evaluate(() => window.__trackerRuns || {});

test("nothing runs, is stored or is sent before a choice; Consent Mode starts denied", async ({ page }) => {
  const errors = await open(page);
  await expect(banner(page)).toBeVisible();
  await page.waitForTimeout(800);  // give a leaking tag time to show itself
  expect(hosts.trackerRequests()).toBe(0);
  expect(await runs(page)).toEqual({});
  expect(await page.context().cookies()).toEqual([]);
  expect(await storageSnapshot(page)).toEqual({ local: [], session: [] });
  expect(hosts.control.receiptPosts).toEqual([]);
  const defaults = await page.evaluate(() => window.dataLayer.map((a) => Array.from(a)));
  expect(defaults.length).toBeGreaterThan(0);
  for (const [cmd, kind, value] of defaults) {
    expect([cmd, kind]).toEqual(["consent", "default"]);
    for (const t of ["ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"])
      expect(value[t]).toBe("denied");
    expect(value.wait_for_update).toBeGreaterThan(0);
  }
  expect(await page.evaluate(() => JupiterConsent.accepted("analytics"))).toBe(false);
  expect(errors).toEqual([]);
  await page.screenshot({ path: path.join(shots, "consent-banner.png") });
});

test("the first layer offers three equal choices and nothing pre-ticked", async ({ page }) => {
  await open(page);
  const buttons = banner(page).getByRole("button");
  await expect(buttons).toHaveText(["Accept all", "Reject all", "Customize"]);
  const looks = await buttons.evaluateAll((els) => els.map((b) => {
    const s = getComputedStyle(b);
    const r = b.getBoundingClientRect();
    return [b.tagName, s.fontSize, s.fontWeight, s.color, s.backgroundColor, s.borderColor, Math.round(r.height)];
  }));
  expect(new Set(looks.map((l) => JSON.stringify(l))).size).toBe(1);
  await banner(page).getByRole("button", { name: "Customize" }).click();
  const switches = prefsDialog(page).getByRole("switch");
  const states = await switches.evaluateAll((els) => els.map((e) => [e.id, e.checked, e.disabled]));
  for (const [id, checked, disabled] of states) {
    const necessary = id === "jc-cat-necessary" || id === "jc-svc-consent-record" || id === "jc-svc-store-session";
    expect([id, checked, disabled]).toEqual([id, necessary, necessary]);
  }
  await page.screenshot({ path: path.join(shots, "consent-preferences.png"), fullPage: true });
});

test("reject on the first layer: nothing loads, the record and a receipt say reject_all", async ({ page }) => {
  await open(page);
  await banner(page).getByRole("button", { name: "Reject all" }).click();
  await expect(banner(page)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cookie settings" })).toBeVisible();
  await page.waitForTimeout(500);
  expect(hosts.trackerRequests()).toBe(0);
  const record = await page.evaluate(() => JSON.parse(localStorage.getItem("jupiter.consent")));
  expect(record.action).toBe("reject_all");
  expect(record.categories).toEqual({ analytics: false, marketing: false, necessary: true, preferences: false });
  const cookie = (await page.context().cookies()).find((c) => c.name === "jupiter_consent");
  expect(JSON.parse(decodeURIComponent(cookie.value)).consent_id).toBe(record.consent_id);
  await expect.poll(async () => (await receiptsOf(page)).map((r) => r.action)).toEqual(["reject_all"]);
  // The next visit does not ask again.
  await page.reload();
  await page.waitForFunction(() => typeof window.JupiterConsent.state === "function");
  await expect(banner(page)).toHaveCount(0);
});

test("accept releases the tagged scripts, iframe and pixel once, without a reload", async ({ page }) => {
  const errors = await open(page);
  await page.evaluate(() => { window.__sameDocument = true; });
  const changes = [];
  await page.exposeFunction("noteChange", (s) => changes.push(s));
  await page.evaluate(() => JupiterConsent.on("change", (s) => window.noteChange(s.categories)));
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await expect.poll(() => runs(page)).toEqual({ analytics: 1, marketing: 1 });
  await expect.poll(() => hosts.counts["/widget.html"] ?? 0).toBe(1);
  await expect.poll(() => hosts.counts["/pixel.gif"] ?? 0).toBe(1);
  expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
  // Later DOM changes re-scan the page; nothing runs twice.
  await page.evaluate(() => document.body.appendChild(document.createElement("div")));
  await page.waitForTimeout(300);
  expect(await runs(page)).toEqual({ analytics: 1, marketing: 1 });
  expect(hosts.counts["/analytics.js"]).toBe(1);
  expect(await page.evaluate(() => [JupiterConsent.accepted("analytics"), JupiterConsent.acceptedService("sample-ads")]))
    .toEqual([true, true]);
  const update = await page.evaluate(() => Array.from(window.dataLayer.at(-1)));
  expect(update.slice(0, 2)).toEqual(["consent", "update"]);
  expect(update[2].analytics_storage).toBe("granted");
  expect(update[2].ad_user_data).toBe("granted");
  expect(changes).toEqual([{ necessary: true, preferences: true, analytics: true, marketing: true }]);
  expect(errors).toEqual([]);
});

test("withdrawal takes two actions and purges cookies (every path), storage, Consent Mode and the scripts", async ({ page }) => {
  await open(page, "/deep/page");
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await expect.poll(() => runs(page)).toEqual({ analytics: 1, marketing: 1 });
  await expect.poll(async () => (await page.context().cookies()).filter((c) => TRACKED_COOKIES.test(c.name)).length)
    .toBe(4);
  expect((await page.context().cookies()).find((c) => c.name === "_sa_ses_1").path).toBe("/deep");
  const before = hosts.counts["/analytics.js"];
  // Two actions: "Cookie settings", then "Reject all".
  const navigated = page.waitForEvent("framenavigated");
  await page.getByRole("button", { name: "Cookie settings" }).click();
  await prefsDialog(page).getByRole("button", { name: "Reject all" }).click();
  await navigated;  // the released scripts ran: one reload is the only way to stop them
  await page.waitForFunction(() => typeof window.JupiterConsent.state === "function");
  expect((await page.context().cookies()).filter((c) => TRACKED_COOKIES.test(c.name))).toEqual([]);
  const st = await storageSnapshot(page);
  expect(st.local.filter((k) => k.startsWith("sa:") || k.startsWith("sads:"))).toEqual([]);
  expect(st.session).toEqual([]);
  expect(await runs(page)).toEqual({});
  expect(hosts.counts["/analytics.js"]).toBe(before);
  const record = await page.evaluate(() => JSON.parse(localStorage.getItem("jupiter.consent")));
  expect(record.action).toBe("withdraw");
  await expect(banner(page)).toHaveCount(0);
  const last = await page.evaluate(() => window.dataLayer.map((a) => Array.from(a)).filter((a) => a[1] === "update").at(-1));
  expect(last[2].analytics_storage).toBe("denied");
  expect(last[2].ad_storage).toBe("denied");
  await expect.poll(async () => (await receiptsOf(page)).map((r) => r.action)).toEqual(["accept_all", "withdraw"]);
});

test("a policy revision bump asks again and does not apply the old acceptance", async ({ page }) => {
  await open(page);
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await expect.poll(() => runs(page)).toEqual({ analytics: 1, marketing: 1 });
  // The same acceptance, made under revision 0 (the config is at revision 1).
  await page.evaluate(() => {
    const r = JSON.parse(localStorage.getItem("jupiter.consent"));
    r.revision = 0;
    localStorage.setItem("jupiter.consent", JSON.stringify(r));
  });
  hosts.reset();
  await page.reload();
  await page.waitForFunction(() => typeof window.JupiterConsent.state === "function");
  await expect(banner(page)).toBeVisible();
  expect(await page.evaluate(() => JupiterConsent.state().reason)).toBe("revision_changed");
  await page.waitForTimeout(500);
  expect(hosts.trackerRequests()).toBe(0);
  // The old acceptance's cookies that this page can see are gone (scripts cannot see other paths' cookies).
  expect((await page.context().cookies()).filter((c) => TRACKED_COOKIES.test(c.name) && c.path === "/")).toEqual([]);
});

test("Global Privacy Control: analytics and marketing default off and the banner says so", async ({ browser }) => {
  const context = await browser.newContext({ extraHTTPHeaders: { "Sec-GPC": "1" } });
  await context.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
  const page = await context.newPage();
  await open(page);
  await expect(banner(page).getByText(/Global Privacy Control/)).toBeVisible();
  await banner(page).getByRole("button", { name: "Customize" }).click();
  await expect(prefsDialog(page).getByRole("switch", { name: "Analytics", exact: true })).not.toBeChecked();
  await expect(prefsDialog(page).getByRole("switch", { name: "Marketing", exact: true })).not.toBeChecked();
  await prefsDialog(page).getByRole("switch", { name: "Preferences", exact: true }).check();
  await prefsDialog(page).getByRole("button", { name: "Save choices" }).click();
  await expect.poll(async () => (await receiptsOf(page)).map((r) => [r.action, r.gpc])).toEqual([["custom", true]]);
  expect(hosts.trackerRequests()).toBe(0);
  await context.close();
});

test("GPC sent after an earlier acceptance denies analytics and marketing again", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await open(page);
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await expect.poll(() => runs(page)).toEqual({ analytics: 1, marketing: 1 });
  await context.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
  hosts.reset();
  await page.reload();
  await page.waitForFunction(() => typeof window.JupiterConsent.state === "function");
  const s = await page.evaluate(() => JupiterConsent.state());
  expect([s.valid, s.gpc_overrode, s.categories.analytics, s.categories.marketing]).toEqual([true, true, false, false]);
  await page.waitForTimeout(500);
  expect(hosts.trackerRequests()).toBe(0);
  await context.close();
});

test("blocked storage (SecurityError): banner shown, decision kept for the page's life, no exception", async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const deny = () => { throw new DOMException("The operation is insecure.", "SecurityError"); };
    Object.defineProperty(window, "localStorage", { get: deny });
    Object.defineProperty(window, "sessionStorage", { get: deny });
    Object.defineProperty(Document.prototype, "cookie", { get: deny, set: deny });
  });
  const page = await context.newPage();
  const errors = await open(page);
  await expect(banner(page)).toBeVisible();
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await expect.poll(() => runs(page)).toEqual({ analytics: 1, marketing: 1 });
  expect(await page.evaluate(() => JupiterConsent.state().valid)).toBe(true);
  await expect(banner(page)).toHaveCount(0);
  // The receipt still goes out (queued in memory for this page).
  await expect.poll(() => hosts.control.receiptPosts.length).toBeGreaterThan(0);
  const sent = JSON.parse(hosts.control.receiptPosts[0].body);
  const stored = await (await fetch(`${server.url}/api/consent/receipts/${sent.consent_id}`)).json();
  await expect.poll(async () => (await (await fetch(`${server.url}/api/consent/receipts/${sent.consent_id}`)).json())
    .receipts.length).toBe(1);
  expect(stored.consent_id).toBe(sent.consent_id);
  // Nothing could be stored: the next page asks again, and trackers stay blocked until then.
  hosts.reset();
  await page.reload();
  await page.waitForFunction(() => typeof window.JupiterConsent.state === "function");
  await expect(banner(page)).toBeVisible();
  await page.waitForTimeout(300);
  expect(hosts.trackerRequests()).toBe(0);
  expect(errors).toEqual([]);
  await context.close();
});

test("a corrupt or tampered stored record is no consent", async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem("seeded")) {
      sessionStorage.setItem("seeded", "1");
      localStorage.setItem("jupiter.consent", '{"schema":1,"action":"accept_all","categories":{"analytics":true}');
    }
  });
  const errors = await open(page);
  await expect(banner(page)).toBeVisible();
  expect(await page.evaluate(() => JupiterConsent.state().record_error)).toBe("not_json");
  await page.waitForTimeout(300);
  expect(hosts.trackerRequests()).toBe(0);
  expect(errors).toEqual([]);
});

test("a tracker injected after load stays inert until allowed, then runs; after acceptance it runs at once", async ({ page }) => {
  await open(page);
  const inject = (id) => page.evaluate(([origin, id]) => {
    const s = document.createElement("script");
    s.type = "text/plain";
    s.id = id;
    s.setAttribute("data-category", "analytics");
    s.setAttribute("data-src", origin + "/late.js?" + id);
    document.body.appendChild(s);
  }, [hosts.trackerOrigin, id]);
  await inject("late-1");
  await page.waitForTimeout(300);
  expect(hosts.counts["/late.js"] ?? 0).toBe(0);
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await expect.poll(() => hosts.counts["/late.js"] ?? 0).toBe(1);
  await inject("late-2");
  await expect.poll(() => hosts.counts["/late.js"] ?? 0).toBe(2);
  await expect.poll(async () => (await runs(page)).late).toBe(2);
});

test("receipts reach the backend without blocking the banner, and are resent after a 503", async ({ page }) => {
  hosts.control.failReceipts = true;
  await open(page);
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await expect(banner(page)).toHaveCount(0);  // the decision applies at once, whatever the backend says
  await expect.poll(() => hosts.control.receiptPosts.filter((p) => p.failed).length).toBeGreaterThan(0);
  expect(await receiptsOf(page)).toEqual([]);
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem("jupiter.consent.queue")).length)).toBe(1);
  hosts.control.failReceipts = false;
  await expect.poll(async () => (await receiptsOf(page)).length, { timeout: 15_000 }).toBe(1);
  await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem("jupiter.consent.queue")).length)).toBe(0);
  const [receipt] = await receiptsOf(page);
  expect(receipt.action).toBe("accept_all");
  expect(receipt.text_hash).toMatch(/^sha256-[A-Za-z0-9+/=]{44}$/);
  expect(receipt.language).toBe("en");
  expect(Object.keys(receipt).sort()).toEqual(["action", "choices", "gpc", "gpc_header", "id", "language",
    "policy_version", "received_ms", "revision", "source", "text_hash", "time_ms", "ui_version"]);
  const sent = JSON.parse(hosts.control.receiptPosts.at(-1).body);
  for (const personal of ["email", "ip", "account_id", "user_id"]) expect(sent).not.toHaveProperty(personal);
  // The backend re-issued the record cookie for the full term (not a script-capped 7 days).
  const cookie = (await page.context().cookies()).find((c) => c.name === "jupiter_consent");
  expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(170 * 86_400_000);
  expect(cookie.sameSite).toBe("Lax");
});

test("a decision in one tab applies in the others within a second", async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  await open(a);
  await open(b);
  await expect(banner(b)).toBeVisible();
  await banner(a).getByRole("button", { name: "Accept all" }).click();
  const t0 = Date.now();
  await expect(banner(b)).toHaveCount(0, { timeout: 1000 });
  await expect.poll(() => runs(b), { timeout: 1000 }).toEqual({ analytics: 1, marketing: 1 });
  expect(Date.now() - t0).toBeLessThan(1000);
  // Withdrawal in b: a drops the trackers' cookies too and reports the change.
  await b.getByRole("button", { name: "Cookie settings" }).click();
  await prefsDialog(b).getByRole("button", { name: "Reject all" }).click();
  // a ran the released scripts too: it reloads once, and comes back without them.
  await expect.poll(() => a.evaluate(() => JupiterConsent.accepted("analytics") === false &&
                                           !window.__trackerRuns).catch(() => false), { timeout: 3000 }).toBe(true);
  expect((await a.context().cookies()).filter((c) => TRACKED_COOKIES.test(c.name) && c.path === "/")).toEqual([]);
});

test("accessible: dialog named by its title, focus in and back, Tab cycles, Escape, axe finds nothing", async ({ page }) => {
  await open(page);
  await expect(banner(page)).toHaveAttribute("aria-labelledby", "jc-title");
  await expect(banner(page).getByRole("button", { name: "Accept all" })).toBeFocused();
  for (let i = 0; i < 3; i++) await page.keyboard.press("Tab");
  await expect(banner(page).getByRole("button", { name: "Accept all" })).toBeFocused();  // cycled
  await page.keyboard.press("Shift+Tab");
  await expect(banner(page).getByRole("button", { name: "Customize" })).toBeFocused();
  const tags = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];
  const first = await new AxeBuilder({ page }).include("#jc-root").withTags(tags).analyze();
  expect(first.violations.map((v) => v.id)).toEqual([]);
  await page.keyboard.press("Enter");
  await expect(prefsDialog(page)).toBeVisible();
  await expect(prefsDialog(page)).toHaveAttribute("aria-modal", "true");
  const second = await new AxeBuilder({ page }).include("#jc-root").withTags(tags).analyze();
  expect(second.violations.map((v) => v.id)).toEqual([]);
  const small = await prefsDialog(page).locator("button, input").evaluateAll((els) =>
    els.filter((e) => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; }).map((e) => e.id || e.textContent));
  expect(small).toEqual([]);
  await page.keyboard.press("Escape");
  await expect(prefsDialog(page)).toHaveCount(0);
  await expect(banner(page)).toBeVisible();  // no decision yet: back to the first layer
  // After a decision, focus goes back where it was before the dialog opened.
  await banner(page).getByRole("button", { name: "Reject all" }).click();
  await page.locator("#focus-start").focus();
  await page.getByRole("button", { name: "Cookie settings" }).click();
  await expect(prefsDialog(page)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Cookie settings" })).toBeFocused();
});

test("reflows at 320 px, respects reduced motion, and mirrors for right-to-left", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, reducedMotion: "reduce" });
  const page = await context.newPage();
  await open(page);
  await expect(banner(page)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  const boxes = await banner(page).getByRole("button").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  for (const right of boxes) expect(right).toBeLessThanOrEqual(320);
  expect(await banner(page).evaluate((e) => getComputedStyle(e).animationName)).toBe("none");
  await page.screenshot({ path: path.join(shots, "consent-320.png") });
  await banner(page).getByRole("button", { name: "Reject all" }).click();
  const x = () => page.getByRole("button", { name: "Cookie settings" }).evaluate((e) => e.getBoundingClientRect().left);
  const ltr = await x();
  await page.evaluate(() => document.getElementById("jc-root").setAttribute("dir", "rtl"));
  expect(await x()).toBeGreaterThan(ltr + 100);
  await context.close();
  const motion = await browser.newContext();
  const p2 = await motion.newPage();
  await open(p2);
  const anim = await banner(p2).evaluate((e) => [getComputedStyle(e).animationName, getComputedStyle(e).animationDuration]);
  expect(anim[0]).not.toBe("none");
  expect(parseFloat(anim[1])).toBeLessThanOrEqual(0.15);
  await motion.close();
});

for (const [lang, title, accept] of [["es", "Cookies y tu privacidad", "Aceptar todo"],
                                     ["fr", "Les cookies et votre vie privée", "Tout accepter"],
                                     ["de", "Cookies und Ihre Privatsphäre", "Alle akzeptieren"]]) {
  test(`speaks ${lang}: texts, the receipt's language and its text hash`, async ({ page }) => {
    hosts.control.lang = lang;
    await open(page);
    await expect(page.getByRole("dialog", { name: title })).toBeVisible();
    await page.getByRole("button", { name: accept }).click();
    await expect.poll(async () => (await receiptsOf(page)).map((r) => r.language)).toEqual([lang]);
  });
}

// The words of categories and services: English only in the config, translations in the language's texts.
const consentConfig = JSON.parse(fs.readFileSync(path.join(repoRoot, "assets/consent.json"), "utf8"));
const textsOf = (lang) =>
  JSON.parse(fs.readFileSync(path.join(repoRoot, `assets/i18n/consent/${lang}.json`), "utf8"));

for (const lang of ["en", "es", "fr", "de"]) {
  const title = `the preferences show every category and service in ${lang}${lang === "en" ? "" : ", not in English"}`;
  test(title, async ({ page }) => {
    hosts.control.lang = lang;
    const t = textsOf(lang);
    const word = (kind, entry, field) => lang === "en" ? entry[field] : t[`consent.${kind}.${entry.id}.${field}`];
    const errors = await open(page);
    await page.getByRole("button", { name: t["consent.customize"] }).click();
    const prefs = page.getByRole("dialog", { name: t["consent.prefs_title"] });
    await expect(prefs).toBeVisible();
    const shown = await prefs.innerText();
    for (const c of consentConfig.categories) {
      await expect(prefs.getByRole("switch", { name: word("category", c, "name"), exact: true })).toHaveCount(1);
      expect(shown).toContain(word("category", c, "description"));
    }
    for (const s of consentConfig.services) {
      const name = word("service", s, "name"), purpose = word("service", s, "purpose");
      expect([s.id, typeof name, typeof purpose]).toEqual([s.id, "string", "string"]);
      await expect(prefs.getByRole("switch", { name, exact: true })).toHaveCount(1);
      await expect(prefs.getByText(purpose, { exact: true })).toBeVisible();
      expect(shown).toContain(word("service", s, "retention"));
      const provider = word("service", s, "provider");  // none for a brand, which stays as it is
      expect(shown).toContain(provider || s.provider);
      if (lang === "en") continue;
      // Not the English of the config: a translation differs from it, and the English is nowhere in the dialog.
      expect(purpose).not.toBe(s.purpose);
      expect(shown).not.toContain(s.purpose);
      expect(shown).not.toContain(s.retention);
      if (provider) expect(shown).not.toContain(s.provider);
    }
    if (lang === "de") {  // one literal, so the test does not only compare the files with themselves
      await expect(prefs.getByText("Zählt Seitenaufrufe und Bestellschritte", { exact: false })).toBeVisible();
    }
    const analytics = consentConfig.services.find((s) => s.category === "analytics");
    await prefs.getByText(word("service", analytics, "purpose"), { exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, `consent-preferences-${lang}.png`) });
    expect(errors).toEqual([]);
  });
}

test("on the store, the banner speaks the browser's language, like the store does", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const res = await page.goto(server.url + "/?test=1");
  test.skip(!(await res.text()).includes("consent"), "this site build has no consent manager");
  await expect(banner(page)).toBeVisible();
  await expect(banner(page).getByRole("button", { name: "Tout refuser" })).toBeVisible();
  await expect(banner(page).getByRole("heading")).toHaveText("Les cookies et votre vie privée");
  await context.close();
});

test("the store loads the consent manager, and its privacy screen shows the same choices through the core", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const res = await page.goto(server.url + "/?test=1");
  test.skip(!(await res.text()).includes("consent"), "this site build has no consent manager");
  await page.waitForFunction(() => typeof window.JupiterConsent?.state === "function");
  await expect(banner(page)).toBeVisible();
  await banner(page).getByRole("button", { name: "Reject all" }).click();
  await expect(page.getByRole("button", { name: "Cookie settings" })).toBeVisible();
  await expect.poll(async () => (await receiptsOf(page)).map((r) => r.action)).toEqual(["reject_all"]);
  // The store's own privacy screen (Dear ImGui), read through the core from the same record.
  await expect.poll(() => page.evaluate(() => window.jupiterTest?.frames() ?? 0)).toBeGreaterThan(0);
  await click(page, { role: "button", label: "Privacy" });
  await findItem(page, { role: "heading", label: "Your privacy choices" });
  const today = new Date().toISOString().slice(0, 10);
  await findItem(page, { label: new RegExp(`^Chosen on ${today}, valid until \\d{4}-\\d{2}-\\d{2}\\.$`) });
  await findItem(page, { label: "Sample analytics: Not allowed" });
  await findItem(page, { label: "Cookie choices: Allowed" });
  const id = await page.evaluate(() => JSON.parse(localStorage.getItem("jupiter.consent")).consent_id);
  await findItem(page, { label: `Consent ID (for your receipts): ${id}` });
  await page.screenshot({ path: path.join(shots, "consent-store-privacy.png") });
  // "Cookie settings" there opens the consent manager's preferences; a choice there shows up in the screen.
  await click(page, { role: "button", label: "Cookie settings" });
  await expect(prefsDialog(page)).toBeVisible();
  await prefsDialog(page).getByRole("switch", { name: "Analytics", exact: true }).check();
  await prefsDialog(page).getByRole("button", { name: "Save choices" }).click();
  await click(page, { role: "button", label: "Privacy" });
  await findItem(page, { label: "Sample analytics: Allowed" });
  expect(errors).toEqual([]);
});
