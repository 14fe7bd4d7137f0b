// The look of the store (issue 13, issue 12's theme): plan names in the visitor's language, plan cards with the
// best value marked on the right plan, Details buttons whose accessible names tell the plans apart, the dark theme
// from ?theme=dark and from prefers-color-scheme, and screenshots at 320, 390 and 1280 px (tests/e2e/results/look).
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { findItem, items, openStore, repoRoot, sampleCatalogue, startServer, typeInto, click } from "./helpers.mjs";

const shots = path.join(repoRoot, "tests/e2e/results/look");
fs.mkdirSync(shots, { recursive: true });
const catalogue = JSON.parse(fs.readFileSync(sampleCatalogue, "utf8"));

test.describe.configure({ timeout: 120_000 });

let server;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterEach(async ({ page }, info) => {
  if (info.status !== info.expectedStatus) await page.screenshot({ path: info.outputPath("failure.png") }).catch(() => {});
});
test.afterAll(async () => {
  await server?.stop();
});

async function rejectConsent(page) {
  await page.getByRole("button", { name: "Reject all" }).first().click({ timeout: 10_000 }).catch(() => {});
}

// Wheels the canvas down until a widget matching `test` is drawn inside the viewport; returns it.
async function scrollTo(page, test) {
  const { height } = page.viewportSize();
  for (let i = 0; i < 20; ++i) {
    const found = (await items(page)).find((it) => test(it) && it.y >= 0 && it.y + it.h <= height);
    if (found) return found;
    await page.mouse.move(6, height / 2);
    await page.mouse.wheel(0, height * 0.5);
    await page.waitForTimeout(200);
  }
  throw new Error("not found after scrolling");
}

// The plan with the lowest price per GB among `plans` in `currency` (unlimited plans have none).
function cheapestPerGB(plans, currency) {
  const priced = plans.filter((p) => p.data.mb && p.prices[currency]);
  return priced.reduce((best, p) => (p.prices[currency] * best.data.mb < best.prices[currency] * p.data.mb ? p : best));
}

// Counts over the pixels of a screenshot (of `clip`, or the whole page), decoded in the page: the first pixel's
// [r, g, b]; "warm" pixels (the normal theme's orange, peach and red); "coloured" ones (not a grey: text edges are
// grey); "red" ones (a flag's red).
async function pixelStats(page, clip) {
  const png = await page.screenshot(clip ? { clip } : {});
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const out = { first: Array.from(d.slice(0, 3)), warm: 0, coloured: 0, red: 0, total: d.length / 4 };
    for (let i = 0; i < d.length; i += 4) {
      const [r, gr, b] = [d[i], d[i + 1], d[i + 2]];
      if (Math.max(r, gr, b) - Math.min(r, gr, b) > 24) ++out.coloured;
      if (r > gr + 40 && r > b + 40) ++out.warm;
      if (r > 150 && gr < 60 && b < 90) ++out.red;
    }
    return out;
  }, png.toString("base64"));
}

// A pixel of the page's left margin (the canvas's window background), as [r, g, b].
async function marginPixel(page) {
  return (await pixelStats(page, { x: 3, y: 301, width: 1, height: 1 })).first;
}

test.describe("in French", () => {
  test.use({ locale: "fr-FR" });

  test("plan names are composed in French: 'Japon 1 Go, 7 jours', never the English name", async ({ page }) => {
    await openStore(page, server.url, "&dest=JP&scope=local");
    await rejectConsent(page);
    await findItem(page, { role: "listitem", label: "Japon 1 Go, 7 jours" });
    const names = (await items(page)).filter((it) => it.role === "listitem").map((it) => it.label);
    expect(names.some((n) => /GB|days|Japan/.test(n)), names.join(" | ")).toBe(false);
    await findItem(page, { role: "text", label: "1 Go" });  // the data badge
    await findItem(page, { role: "text", label: "7 jours" });  // the validity badge
    // The Details button is named after its plan, in French.
    await findItem(page, { role: "button", label: "Détails, Japon 1 Go, 7 jours" });
    await expect(page.getByRole("button", { name: "Détails, Japon 1 Go, 7 jours" })).toHaveCount(1);
  });
});

test("'Best value' marks the plan with the lowest price per GB, and only that one", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openStore(page, server.url, "&dest=JP&scope=local");
  await rejectConsent(page);
  const local = catalogue.plans.filter((p) => p.scope === "local" && p.coverage.includes("JP"));
  const best = cheapestPerGB(local, "USD");
  const cheapest = local.reduce((a, p) => (p.prices.USD < a.prices.USD ? p : a));
  expect(best.id).not.toBe(cheapest.id);  // the badge is about price per GB, not the lowest price
  const details = await scrollTo(page, (it) => it.id === `Details##details-${best.id}`);
  const badges = (await items(page)).filter((it) => it.label === "Best value");
  expect(badges.length).toBe(1);
  // The badge sits in the same card as that plan's Details button (cards are at most 140 px tall).
  expect(Math.abs(badges[0].y - details.y)).toBeLessThan(140);
  await page.mouse.wheel(0, -100_000);
  await page.waitForTimeout(300);
  expect((await items(page)).some((it) => it.label === "Best value" && it.y < 400)).toBe(false);
});

test("Details buttons have accessible names that tell the plans apart", async ({ page }) => {
  await openStore(page, server.url, "&dest=JP&scope=local");
  await rejectConsent(page);
  await findItem(page, { role: "button", label: /^Details, Japan / });
  const names = (await items(page)).filter((it) => it.id.startsWith("Details##")).map((it) => it.label);
  expect(names.length).toBeGreaterThan(1);
  expect(new Set(names).size).toBe(names.length);
  expect(names[0]).toBe("Details, Japan 1 GB, 7 days");
  await expect(page.getByRole("button", { name: "Details, Japan 1 GB, 7 days", exact: true })).toHaveCount(1);
});

for (const [w, h] of [[320, 640], [390, 844], [1280, 800]]) {
  test(`screenshots of the home and a plan list at ${w}x${h}`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openStore(page, server.url, "&dest=JP");
    await rejectConsent(page);
    await findItem(page, { role: "button", label: /^Details, / });
    const named = (await items(page)).filter((it) => it.id.startsWith("Details##")).map((it) => it.label);
    expect(new Set(named).size, named.join(" | ")).toBe(named.length);  // regional plans too
    await page.waitForTimeout(300);
    const width = await page.evaluate(() => window.innerWidth);
    const over = (await items(page)).filter((i) => i.x + i.w > width + 0.5).map((i) => `${i.role} "${i.label}"`);
    expect(over).toEqual([]);
    await page.screenshot({ path: path.join(shots, `plans-${w}.png`) });
    await openStore(page, server.url, "");
    await findItem(page, { role: "heading", label: /Popular|Destinos|Destinations|Beliebte/ });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(shots, `home-${w}.png`) });
  });
}

test("?theme=dark draws the store dark, and ?theme=light keeps it light under a dark system setting", async ({ page }) => {
  await openStore(page, server.url, "&theme=dark");
  await findItem(page, { role: "heading", label: "Popular destinations" });
  await page.waitForTimeout(300);
  const dark = await marginPixel(page);
  expect(Math.max(...dark), `background ${dark}`).toBeLessThan(60);
  await page.screenshot({ path: path.join(shots, "home-dark-1200.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await openStore(page, server.url, "&theme=light");
  await findItem(page, { role: "heading", label: "Popular destinations" });
  await page.waitForTimeout(300);
  const light = await marginPixel(page);
  expect(Math.min(...light), `background ${light}`).toBeGreaterThan(200);
});

test.describe("with prefers-color-scheme: dark", () => {
  test.use({ colorScheme: "dark" });
  test("the store follows the system's dark setting", async ({ page }) => {
    await openStore(page, server.url, "&dest=JP");
    await findItem(page, { role: "button", label: /^Details, / });
    await page.waitForTimeout(300);
    const px = await marginPixel(page);
    expect(Math.max(...px), `background ${px}`).toBeLessThan(60);
    await page.screenshot({ path: path.join(shots, "plans-dark-1200.png") });
  });
});

// The page around the canvas follows the store's theme too (issue 12's dark mode): the consent banner, its
// buttons and the DOM search field are dark with ?theme=dark and with the system's dark setting, light with
// ?theme=light under a dark system. Computed colours, and a screenshot of the banner over the dark store.
async function domColours(page) {
  await page.locator(".jc-banner").waitFor({ timeout: 10_000 });
  await page.locator("#jupiter-field-destination-search").waitFor({ state: "attached", timeout: 10_000 });
  return page.evaluate(() => {
    const bg = (sel) => getComputedStyle(document.querySelector(sel)).backgroundColor;
    const fg = (sel) => getComputedStyle(document.querySelector(sel)).color;
    return { theme: document.documentElement.dataset.theme, body: bg("body"), banner: bg(".jc-banner"),
      bannerText: fg(".jc-banner"), button: bg(".jc-btn"), settings: bg(".jc-settings"),
      field: bg("#jupiter-field-destination-search"), fieldText: fg("#jupiter-field-destination-search") };
  });
}
const lum = (css) => { const [r, g, b] = css.match(/\d+/g).map(Number); return (r + g + b) / 3; };

test("?theme=dark: the consent banner, its buttons and the search field are dark; ?theme=light keeps them light", async ({ page }) => {
  await openStore(page, server.url, "&theme=dark");
  const dark = await domColours(page);
  expect(dark.theme).toBe("dark");
  for (const k of ["body", "banner", "settings", "field"]) expect(lum(dark[k]), `${k} ${dark[k]}`).toBeLessThan(60);
  for (const k of ["bannerText", "fieldText", "button"]) expect(lum(dark[k]), `${k} ${dark[k]}`).toBeGreaterThan(180);
  await page.screenshot({ path: path.join(shots, "banner-dark-1280.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await openStore(page, server.url, "&theme=light");
  const light = await domColours(page);
  expect(light.theme).toBe("light");
  for (const k of ["body", "banner", "settings", "field"]) expect(lum(light[k]), `${k} ${light[k]}`).toBeGreaterThan(200);
  expect(lum(light.bannerText)).toBeLessThan(60);
});

test.describe("the page with prefers-color-scheme: dark", () => {
  test.use({ colorScheme: "dark" });
  test("the banner and the search field follow the system's dark setting", async ({ page }) => {
    await openStore(page, server.url);
    const c = await domColours(page);
    expect(c.theme).toBe("dark");
    for (const k of ["body", "banner", "field"]) expect(lum(c[k]), `${k} ${c[k]}`).toBeLessThan(60);
  });
});

// Forced-colors mode (Windows High Contrast and the like): the browser recolours the DOM but not a canvas, so the
// store draws itself in the system colours the page reports (platform/appearance), and follows a change at once.
// Chromium's emulation reports Canvas black, CanvasText white, Highlight cyan under a dark scheme; Canvas white
// under a light one.
test("forced colors: the canvas is drawn in the system colours only, and follows a change without a reload", async ({ page }) => {
  await page.emulateMedia({ forcedColors: "active", colorScheme: "dark" });
  await openStore(page, server.url, "&dest=JP");
  await rejectConsent(page);
  await findItem(page, { role: "button", label: /^Details, / });
  await page.waitForTimeout(300);
  expect(await marginPixel(page)).toEqual([0, 0, 0]);  // Canvas
  await page.screenshot({ path: path.join(shots, "plans-forced-dark-1280.png") });
  const dark = await pixelStats(page);
  expect(dark.warm, "pixels in the normal theme's warm colours").toBe(0);
  expect(dark.coloured / dark.total, "share of non-grey pixels (Highlight only)").toBeLessThan(0.02);

  await page.emulateMedia({ forcedColors: "active", colorScheme: "light" });  // the user switches their palette
  await expect.poll(() => marginPixel(page)).toEqual([255, 255, 255]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(shots, "plans-forced-light-390.png") });
  expect((await pixelStats(page)).warm).toBe(0);

  await page.emulateMedia({ forcedColors: "none", colorScheme: "light" });  // and turns forced colors off
  await expect.poll(() => marginPixel(page)).toEqual([250, 250, 252]);     // the store's own light background
});

// Flags (issue 13): the popular destinations and the search's suggestions show their country's flag, from one atlas
// image (flag-icons' SVGs rasterized at build time) that is fetched only after the catalogue is visible; without it
// (a failed request) the store works and nothing moves.
test("flags: Japan's card shows the red disc once the atlas loads, after the catalogue is visible", async ({ page }) => {
  await openStore(page, server.url, "");
  await rejectConsent(page);
  const card = await findItem(page, { role: "button", label: /^Japan\b/ });
  const flagArea = { x: card.x + 4, y: card.y + 4, width: 60, height: card.h - 8 };
  await expect.poll(() => pixelStats(page, flagArea).then((p) => p.red), { timeout: 10_000 }).toBeGreaterThan(40);
  const timing = await page.evaluate(() => {
    const visible = performance.getEntriesByName("jupiter:catalogue-visible")[0];
    const atlas = performance.getEntriesByType("resource").find((e) => /\/flags\.[0-9a-f]+\.png$/.test(e.name));
    return { visible: visible?.startTime, atlas: atlas?.startTime };
  });
  expect(timing.atlas, "the atlas was fetched").toBeDefined();
  expect(timing.atlas).toBeGreaterThanOrEqual(timing.visible);  // not part of the first load

  // A suggestion row has its flag too: Australia's stars on blue, Austria's red-white-red (red pixels).
  await typeInto(page, { role: "textbox" }, "austria");
  const hit = await findItem(page, { role: "option", label: /^Austria\b/ });
  await expect.poll(() => pixelStats(page, { x: Math.max(0, hit.x - 40), y: hit.y, width: 40, height: hit.h }).then((p) => p.red))
    .toBeGreaterThan(20);
  await page.screenshot({ path: path.join(shots, "search-flags-1280.png") });
});

test("flags: without the atlas (request failed) the store works and the cards keep their layout", async ({ page }) => {
  await page.route(/\/flags\.[0-9a-f]+\.png$/, (route) => route.abort());
  await openStore(page, server.url, "");
  await rejectConsent(page);
  const card = await findItem(page, { role: "button", label: /^Japan\b/ });
  await page.waitForTimeout(500);
  expect(await pixelStats(page, { x: card.x + 4, y: card.y + 4, width: 60, height: card.h - 8 }).then((p) => p.red)).toBe(0);
  await findItem(page, { role: "button", label: /^France\b/ });
  await click(page, { role: "button", label: /^Japan\b/ });
  await findItem(page, { role: "heading", label: /Japan/ });
});
