// The store in the browser: the catalogue on screen, search, loading and error states, the QA test API.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import {
  click, findItem, freePort, items, openStore, repoRoot, setChecked, siteDir, startServer, state, typeInto,
} from "./helpers.mjs";

const baseUrl = () => process.env.JUPITER_URL;
const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

test("a traveller searches Japan and sees Japanese plans with prices", async ({ page }) => {
  const errors = await openStore(page, baseUrl());
  await answerConsent(page, false);  // the banner takes the focus when it opens
  await findItem(page, { label: "Popular destinations", role: "heading" });
  await typeInto(page, { role: "textbox", label: /Where are you going/ }, "Japan");
  await click(page, { role: "option", label: /^Japan\s+\(JP/ });

  await findItem(page, { role: "heading", label: "eSIM plans for Japan (JP)" });
  const drawn = await items(page);
  const plans = drawn.filter((i) => i.role === "listitem");
  const prices = drawn.filter((i) => i.role === "price");
  expect(plans.length).toBeGreaterThanOrEqual(3);  // plan cards: three fit in 800 px
  expect(plans.some((p) => /Japan/.test(p.label))).toBe(true);
  expect(prices.length).toBe(plans.length);
  for (const p of prices) expect(p.label).toMatch(/^\$\d+\.\d\d$/);
  expect((await state(page)).destination).toBe("JP");

  await page.screenshot({ path: path.join(shots, "japan-plans.png") });
  expect(errors).toEqual([]);
});

test("similar names are told apart by code and region", async ({ page }) => {
  await openStore(page, baseUrl());
  await answerConsent(page, false);  // the banner takes the focus when it opens
  await typeInto(page, { role: "textbox", label: /Where are you going/ }, "Austr");
  const austria = await findItem(page, { role: "option", label: /^Austria\s+\(AT · Europe\)/ });
  const australia = await findItem(page, { role: "option", label: /^Australia\s+\(AU · Oceania\)/ });
  expect(australia.y).toBeLessThan(austria.y); // name order among equal matches
});

test("an alias finds its country", async ({ page }) => {
  await openStore(page, baseUrl());
  await answerConsent(page, false);  // the banner takes the focus when it opens
  await typeInto(page, { role: "textbox", label: /Where are you going/ }, "UK");
  await findItem(page, { role: "option", label: /^United Kingdom\s+\(GB/ });
});

test("the page marks its first frame and the catalogue becoming visible", async ({ page }) => {
  await openStore(page, baseUrl());
  await findItem(page, { role: "heading", label: "Popular destinations" });
  const marks = await page.evaluate(() =>
    ["jupiter:first-frame", "jupiter:catalogue-visible"].map((n) => performance.getEntriesByName(n).length));
  expect(marks).toEqual([1, 1]);
});

test("a deep link opens a destination's plans directly", async ({ page }) => {
  await openStore(page, baseUrl(), "&dest=JP");
  await findItem(page, { role: "heading", label: "eSIM plans for Japan (JP)" });
});

test("nothing is drawn while the store is idle", async ({ page }) => {
  await openStore(page, baseUrl());
  await findItem(page, { role: "heading", label: "Popular destinations" });
  await page.waitForTimeout(300); // let the frames that the catalogue asked for finish
  const before = await page.evaluate(() => window.jupiterTest.frames());
  await page.waitForTimeout(1500);
  expect(await page.evaluate(() => window.jupiterTest.frames())).toBe(before);
  // ... and input wakes it up.
  await page.mouse.move(300, 300);
  await expect.poll(() => page.evaluate(() => window.jupiterTest.frames())).toBeGreaterThan(before);
});

test("the canvas is sharp on a high-DPI screen and follows window resizes", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await openStore(page, baseUrl());
  await findItem(page, { role: "heading", label: "Popular destinations" });
  const size = () => page.evaluate(() => {
    const c = document.getElementById("canvas");
    return { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight };
  });
  // The canvas fills the window above the 44 px footer strip that holds "Cookie settings" (web/style.css).
  expect(await size()).toEqual({ w: 1600, h: 1112, cssW: 800, cssH: 556 });
  await page.setViewportSize({ width: 420, height: 800 });
  await expect.poll(size).toEqual({ w: 840, h: 1512, cssW: 420, cssH: 756 });
  // The layout follows: the search box fits the narrow window.
  const box = await findItem(page, { role: "textbox", label: /Where are you going/ });
  expect(box.x + box.w).toBeLessThanOrEqual(420);
  await page.screenshot({ path: path.join(shots, "phone-dpr2.png") });
  await context.close();
});

test("with the backend down the traveller sees the error and Retry recovers once it is up", async ({ page }) => {
  // The page's files come from disk (as from a CDN); the API goes to a real backend port, at first unbound.
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  await page.route(`${origin}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith("/api/")) return route.continue();
    const file = path.join(siteDir, url.pathname === "/" ? "index.html" : url.pathname);
    if (!fs.existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({ path: file });
  });
  const errors = await openStore(page, origin);
  await findItem(page, { role: "alert", label: /can't reach the store/ });
  await findItem(page, { role: "button", label: "Retry" });
  await page.screenshot({ path: path.join(shots, "backend-down.png") });
  expect((await state(page)).catalogue).toBe("failed");

  const server = await startServer({ port });
  try {
    await click(page, { role: "button", label: "Retry" });
    await findItem(page, { role: "heading", label: "Popular destinations" });
    expect((await state(page)).catalogue).toBe("ready");
    expect((await state(page)).attempts).toBe(2);
  } finally {
    await server.stop();
  }
  expect(errors).toEqual([]);
});

test("a catalogue response that is not JSON shows the error state and the module keeps running", async ({ page }) => {
  await page.route("**/api/catalogue", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: "<html>502 Bad Gateway</html>" }));
  const errors = await openStore(page, baseUrl());
  await findItem(page, { role: "alert", label: /damaged/ });
  const frames = await page.evaluate(() => window.jupiterTest.frames());
  await page.mouse.move(200, 200);
  await expect.poll(() => page.evaluate(() => window.jupiterTest.frames())).toBeGreaterThan(frames);
  expect(errors).toEqual([]);
});

test("an HTTP error from the backend shows the status and Retry", async ({ page }) => {
  await page.route("**/api/catalogue", (route) => route.fulfill({ status: 503, body: "busy" }));
  await openStore(page, baseUrl());
  await findItem(page, { role: "alert", label: /error 503/ });
  await page.unroute("**/api/catalogue");
  await click(page, { role: "button", label: "Retry" });
  await findItem(page, { role: "heading", label: "Popular destinations" });
});

test("filters show how many plans they leave and change the list", async ({ page }) => {
  await openStore(page, baseUrl(), "&dest=JP");
  const status = await findItem(page, { role: "status", label: /^\d+ plans, cheapest first$/ });
  const total = Number(status.label.split(" ")[0]);
  const box = await findItem(page, { role: "checkbox", label: /^5G \(\d+\)$/ });
  const with5g = Number(/\((\d+)\)/.exec(box.label)[1]);
  expect(with5g).toBeGreaterThan(0);
  expect(with5g).toBeLessThan(total);
  await setChecked(page, { role: "checkbox", label: box.label }, true);
  await findItem(page, { role: "status", label: `${with5g} plans, cheapest first` });
  expect((await findItem(page, { role: "checkbox", label: /^5G / })).checked).toBe(true);

  await page.screenshot({ path: path.join(shots, "japan-filters.png") });
});

// ---- issue 3: discovery, language and currency, deep links and history, offline, bad input ------------------
const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`) });

// The consent banner (a DOM overlay) covers the bottom of the canvas until the traveller chooses.
async function answerConsent(page, accept) {
  await page.getByRole("button", { name: accept ? "Accept all" : "Reject all" }).first().click({ timeout: 10_000 });
}

async function findById(page, pattern) {
  let found;
  await expect.poll(async () => {
    found = (await items(page)).find((it) => pattern.test(it.id));
    return !!found;
  }, { message: `widget with id ${pattern}` }).toBe(true);
  return found;
}

async function clickAt(page, it) {
  expect(it.enabled, `${it.label} is enabled`).toBe(true);
  await page.mouse.click(it.x + Math.min(it.w / 2, 40), it.y + it.h / 2);
}

// Opens the first listed plan's detail. Its Details button is clicked again if the list is still shown a moment
// later (a click that landed while the list was being laid out again); once the detail is open there is no
// Details button left to click.
async function openDetails(page) {
  await expect.poll(async () => {
    const now = await items(page);
    if (now.some((i) => i.role === "button" && i.label === "Back to plans")) return true;
    const details = now.find((i) => /^Details##details-/.test(i.id));
    if (details) await clickAt(page, details);
    return false;
  }, { timeout: 10_000, intervals: [800], message: "a plan's detail opened" }).toBe(true);
}

// Opens a combo by its id and picks the option with that label.
// Opens the combo box and picks `option`. The combo is clicked again if its list did not open (a click that landed
// while the layout above it was still changing).
async function choose(page, comboId, option) {
  const isOption = (i) => i.role === "option" && (option instanceof RegExp ? option.test(i.label) : i.label === option);
  await expect.poll(async () => {
    if ((await items(page)).some(isOption)) return true;
    await clickAt(page, await findById(page, comboId));
    return false;
  }, { timeout: 15_000, intervals: [400], message: `the option ${option} of ${comboId}` }).toBe(true);
  await click(page, { role: "option", label: option });
}

const queryOf = (page) => new URL(page.url()).searchParams;

test("aliases find their countries: Holland, USA, Czech Republic", async ({ page }) => {
  await openStore(page, baseUrl());
  await answerConsent(page, false);  // the banner takes the focus when it opens: answer it before typing
  const box = { role: "textbox", label: /Where are you going/ };
  await typeInto(page, box, "Holland");
  await findItem(page, { role: "option", label: /^Netherlands\s+\(NL · Europe\)\s+matches "Holland"/ });
  await page.keyboard.press("Control+A");
  await page.keyboard.type("USA", { delay: 20 });
  await findItem(page, { role: "option", label: /^United States\s+\(US/ });
  await page.keyboard.press("Control+A");
  await page.keyboard.type("Czech Republic", { delay: 10 });
  await findItem(page, { role: "option", label: /^Czechia\s+\(CZ/ });
});

test("a country view lists local, regional and global plans, each kind can be hidden", async ({ page }) => {
  await openStore(page, baseUrl(), "&dest=JP");
  await answerConsent(page, false);
  const status = await findItem(page, { role: "status", label: /^\d+ plans, cheapest first$/ });
  const total = Number(status.label.split(" ")[0]);
  const counts = {};
  for (const kind of ["Local", "Regional", "Global"]) {
    const box = await findItem(page, { role: "checkbox", label: new RegExp(`^${kind} \\(\\d+\\)$`) });
    counts[kind] = Number(/\((\d+)\)/.exec(box.label)[1]);
    expect(counts[kind]).toBeGreaterThan(0);
  }
  expect(counts.Local + counts.Regional + counts.Global).toBe(total);
  await setChecked(page, { role: "checkbox", label: /^Local \(/ }, false);
  await findItem(page, { role: "status", label: `${total - counts.Local} plans, cheapest first` });
  const listed = (await items(page)).filter((i) => i.role === "text" && /^(Regional|Global)/.test(i.label));
  expect(listed.length).toBeGreaterThan(0);
  expect((await items(page)).some((i) => i.role === "text" && /^Local plan/.test(i.label))).toBe(false);
  expect(queryOf(page).get("scope")).toBe("regional,global");
});

test("a regional plan shows every country it covers, searchable, and the phone check", async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 1100 });  // the 3 GB plan's card is the third: fully in view
  await openStore(page, baseUrl(), "&dest=JP&scope=regional");
  await answerConsent(page, false);
  await clickAt(page, await findById(page, /^Details##details-asia-3gb-15d$/));
  await findItem(page, { role: "heading", label: "Asia 3 GB, 15 days" });
  await findItem(page, { label: "Works in 18 countries" });
  // The list box shows the countries that fit on screen (the rest is below the fold or scrolled in the box).
  await expect.poll(async () =>
    (await items(page)).filter((i) => i.role === "listitem" && /\([A-Z]{2}\)$/.test(i.label)).length)
    .toBeGreaterThan(1);
  await typeInto(page, { role: "textbox", label: /Search the countries/ }, "kor");
  await findItem(page, { role: "listitem", label: "South Korea (KR)" });
  await page.keyboard.type("zz", { delay: 20 });
  await findItem(page, { role: "status", label: /does not cover a country matching "korzz"/ });
  // Terms a traveller needs before buying.
  for (const label of [/Starts when you first connect/, /^• Hotspot/, /^• .*(top it up|No top-up)/])
    await findItem(page, { label });
  await shot(page, "plan-detail");
  await page.mouse.move(600, 500);
  await page.mouse.wheel(0, 700);  // the rest of the page
  await findItem(page, { role: "heading", label: "Will my phone work?" });
  await findItem(page, { label: /A website cannot tell whether your phone supports eSIM/ });
  await typeInto(page, { role: "textbox", label: /Search your phone model/ }, "pixel 8");
  await findItem(page, { role: "listitem", label: "Google Pixel 8" });
  await shot(page, "phone-check");
  await page.mouse.wheel(0, -2000);
  const buy = await findItem(page, { role: "button", label: /^Buy for \$\d+\.\d\d$/ });
  expect(buy.enabled).toBe(true);
});

test("a deep link with filters, sort and an open plan survives a reload", async ({ page }) => {
  await openStore(page, baseUrl(), "&dest=JP");
  await answerConsent(page, false);
  await setChecked(page, { role: "checkbox", label: /^5G \(\d+\)$/ }, true);
  await choose(page, /^##sort$/, "Data");
  await findItem(page, { role: "status", label: /plans, most data first$/ });
  const first = (await items(page)).find((i) => /^Details##details-/.test(i.id));
  const planId = first.id.replace("Details##details-", "");
  await clickAt(page, first);
  await findItem(page, { role: "button", label: "Back to plans" });
  const q = queryOf(page);
  expect([q.get("dest"), q.get("features"), q.get("sort"), q.get("plan"), q.get("test")])
    .toEqual(["JP", "5g", "data", planId, "1"]);

  await page.reload();
  await findItem(page, { role: "button", label: "Back to plans" });
  expect((await state(page)).open_plan).toBe(planId);
  await click(page, { role: "button", label: "Back to plans" });
  await findItem(page, { role: "status", label: /plans, most data first$/ });
  expect((await findItem(page, { role: "checkbox", label: /^5G / })).checked).toBe(true);
});

test("Back and Forward move between home, a destination and a plan", async ({ page }) => {
  await openStore(page, baseUrl());
  await answerConsent(page, false);
  await findItem(page, { role: "heading", label: "Popular destinations" });
  await clickAt(page, await findById(page, /^Japan\n.*##featured-JP$/s));
  await findItem(page, { role: "heading", label: "eSIM plans for Japan (JP)" });
  await setChecked(page, { role: "checkbox", label: /^5G \(/ }, true);  // a filter change replaces the entry
  await openDetails(page);

  await page.goBack();
  await findItem(page, { role: "heading", label: "eSIM plans for Japan (JP)" });
  expect((await findItem(page, { role: "checkbox", label: /^5G / })).checked).toBe(true);
  await page.goBack();
  await findItem(page, { role: "heading", label: "Popular destinations" });
  expect((await state(page)).destination).toBe("");
  await page.goForward();
  await findItem(page, { role: "heading", label: "eSIM plans for Japan (JP)" });
  await page.goForward();
  await findItem(page, { role: "button", label: "Back to plans" });
});

test("the currency switch shows the catalogue's own prices and is kept only with the preferences consent",
  async ({ page }) => {
    await openStore(page, baseUrl(), "&dest=JP");
    await answerConsent(page, false);
    const usd = (await items(page)).filter((i) => i.role === "price").map((i) => i.label);
    expect(usd[0]).toMatch(/^\$\d+\.\d\d$/);
    await choose(page, /##currency$/, "EUR");
    await expect.poll(async () => (await items(page)).find((i) => i.role === "price")?.label).toMatch(/^€\d+\.\d\d$/);
    expect((await state(page)).currency).toBe("EUR");
    await page.reload();
    await findItem(page, { role: "price" });
    expect((await state(page)).currency).toBe("USD");  // preferences refused: nothing was kept
    expect(await page.evaluate(() => localStorage.getItem("jupiter.prefs.currency"))).toBeNull();

    await page.evaluate(() => window.JupiterConsent.showPreferences && window.JupiterConsent.show());
  });

test("with the preferences consent, currency and language survive a reload", async ({ page }) => {
  await openStore(page, baseUrl(), "&dest=JP");
  await answerConsent(page, true);
  await choose(page, /##currency$/, "GBP");
  await choose(page, /##language$/, "Deutsch");
  await findItem(page, { role: "heading", label: "eSIM-Tarife für Japan (JP)" });
  await page.reload();
  await findItem(page, { role: "heading", label: "eSIM-Tarife für Japan (JP)" });
  await expect.poll(async () => (await items(page)).find((i) => i.role === "price")?.label).toMatch(/£/);
  const s = await state(page);
  expect([s.currency, s.language]).toEqual(["GBP", "de"]);
  await shot(page, "german-gbp");
});

test("the language comes from the browser, the switch changes every text, and nothing is missing", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const warnings = [];
  page.on("console", (m) => { if (/i18n/.test(m.text())) warnings.push(m.text()); });
  await openStore(page, baseUrl());
  await findItem(page, { role: "heading", label: "Destinations populaires" });
  await findItem(page, { role: "textbox", label: /Où allez-vous/ });
  expect((await state(page)).language).toBe("fr");
  // Prices follow the language's locale: "12,99 $US" style in French.
  await expect.poll(async () => (await items(page)).find((i) => /##featured-JP$/.test(i.id))?.label).toMatch(/à partir de .*\d,\d\d/);
  // Country names in the active language too (from the browser's Intl), searchable.
  await typeInto(page, { role: "textbox", label: /Où allez-vous/ }, "Allemagne");
  await findItem(page, { role: "option", label: /^Allemagne\s+\(DE · Europe\)$/ });
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await choose(page, /##language$/, "Español");
  await findItem(page, { role: "heading", label: "Destinos populares" });
  await findItem(page, { role: "textbox", label: /Adónde viajas/ });
  await shot(page, "spanish");
  // Without the preferences consent the choice is not kept: the next page is in the browser's language again.
  await page.goto(`${baseUrl()}/?test=1&dest=JP`);
  await findItem(page, { role: "heading", label: "Forfaits eSIM pour Japon (JP)" });
  await findItem(page, { role: "status", label: /^\d+ forfaits, le moins cher d’abord$/ });
  expect(warnings).toEqual([]);
  await context.close();
});

test("a French browser whose texts bundle fails to load sees the store in English and can still switch", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (/i18n/.test(m.text())) errors.push(m.text()); });
  await page.route(/\/texts-fr\.[^/]*json$/, (route) => route.fulfill({ status: 503, body: "down" }));
  await openStore(page, baseUrl());
  await findItem(page, { role: "heading", label: "Popular destinations" });
  expect(errors.join("\n")).toMatch(/the fr texts could not be loaded \(HTTP 503\)/);
  // The other bundles still load: the switch to Spanish changes every text.
  await choose(page, /##language$/, "Español");
  await findItem(page, { role: "heading", label: "Destinos populares" });
  await context.close();
});

test("offline: the kept catalogue shows at once with its age, browsing works, buying is disabled", async ({ page, context }) => {
  await openStore(page, baseUrl(), "&dest=JP");
  await answerConsent(page, false);
  await findItem(page, { role: "status", label: /plans, cheapest first$/ });
  await expect.poll(() => page.evaluate(() => localStorage.getItem("jupiter.catalogue.meta"))).not.toBeNull();
  expect((await state(page)).source).toBe("network");
  // The kept prices were last confirmed three hours ago.
  await page.evaluate(() => {
    const meta = JSON.parse(localStorage.getItem("jupiter.catalogue.meta"));
    meta.checked_at = Date.now() - 3 * 3600 * 1000;
    localStorage.setItem("jupiter.catalogue.meta", JSON.stringify(meta));
  });

  // The next visit cannot reach the catalogue API (the page's own files still load).
  await page.route("**/api/catalogue", (route) => route.abort("internetdisconnected"));
  await page.reload();
  await findItem(page, { role: "alert", label: /You are offline/ });
  await findItem(page, { role: "status", label: "Saved plans: prices last checked 3 h ago." });
  const s = await state(page);
  expect([s.source, s.offline, s.buying_allowed]).toEqual(["cache", true, false]);
  await findItem(page, { role: "status", label: /plans, cheapest first$/ });
  await clickAt(page, await findById(page, /^Details##details-/));
  const buy = await findItem(page, { role: "button", label: /^Buy for / });
  expect(buy.enabled).toBe(false);
  await findItem(page, { role: "alert", label: /Buying needs a connection/ });
  await shot(page, "offline-plan");

  await page.unroute("**/api/catalogue");
  await context.setOffline(true);
  await context.setOffline(false);  // the browser says it is back online: revalidated (304), buying allowed again
  await expect.poll(async () => (await state(page)).buying_allowed).toBe(true);
  expect((await findItem(page, { role: "button", label: /^Buy for / })).enabled).toBe(true);
  expect((await state(page)).source).toBe("cache");
});

test("a catalogue with broken entries shows every valid one and reports what it skipped", async ({ page }) => {
  const broken = fs.readFileSync(path.join(repoRoot, "tests/fixtures/catalogue-broken.json"));
  await page.route("**/api/catalogue", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body: broken }));
  const warnings = [];
  page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
  const errors = await openStore(page, baseUrl());
  await findItem(page, { role: "heading", label: "Popular destinations" });
  const s = await state(page);
  expect(s.catalogue).toBe("ready");
  expect(s.plans).toBeGreaterThan(0);
  expect(s.skipped).toBeGreaterThan(3);
  expect(s.skipped_entries.length).toBe(s.skipped);
  for (const e of s.skipped_entries) expect(e.reason.length).toBeGreaterThan(0);
  await findItem(page, { label: `${s.skipped} catalogue entries could not be read and are not shown.` });
  expect(warnings.some((w) => w.includes(`skipped ${s.skipped} invalid entries`))).toBe(true);
  expect(errors).toEqual([]);
  await shot(page, "broken-catalogue");
});
