// The store in the browser: the catalogue on screen, search, loading and error states, the QA test API.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import {
  click, findItem, freePort, items, openStore, repoRoot, siteDir, startServer, state, typeInto,
} from "./helpers.mjs";

const baseUrl = () => process.env.JUPITER_URL;
const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

test("a traveller searches Japan and sees Japanese plans with prices", async ({ page }) => {
  const errors = await openStore(page, baseUrl());
  await findItem(page, { label: "Popular destinations", role: "heading" });
  await typeInto(page, { role: "textbox", label: /Where are you going/ }, "Japan");
  await click(page, { role: "option", label: /^Japan\s+\(JP/ });

  await findItem(page, { role: "heading", label: "eSIM plans for Japan (JP)" });
  const drawn = await items(page);
  const plans = drawn.filter((i) => i.role === "listitem");
  const prices = drawn.filter((i) => i.role === "price");
  expect(plans.length).toBeGreaterThan(3);
  expect(plans.some((p) => /Japan/.test(p.label))).toBe(true);
  expect(prices.length).toBe(plans.length);
  for (const p of prices) expect(p.label).toMatch(/^\$\d+\.\d\d$/);
  expect((await state(page)).destination).toBe("JP");

  await page.screenshot({ path: path.join(shots, "japan-plans.png") });
  expect(errors).toEqual([]);
});

test("similar names are told apart by code and region", async ({ page }) => {
  await openStore(page, baseUrl());
  await typeInto(page, { role: "textbox", label: /Where are you going/ }, "Austr");
  const austria = await findItem(page, { role: "option", label: /^Austria\s+\(AT · Europe\)/ });
  const australia = await findItem(page, { role: "option", label: /^Australia\s+\(AU · Oceania\)/ });
  expect(australia.y).toBeLessThan(austria.y); // name order among equal matches
});

test("an alias finds its country", async ({ page }) => {
  await openStore(page, baseUrl());
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
  expect(await size()).toEqual({ w: 1600, h: 1200, cssW: 800, cssH: 600 });
  await page.setViewportSize({ width: 420, height: 800 });
  await expect.poll(size).toEqual({ w: 840, h: 1600, cssW: 420, cssH: 800 });
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
  await click(page, { role: "checkbox", label: box.label });
  await findItem(page, { role: "status", label: `${with5g} plans, cheapest first` });
  expect((await findItem(page, { role: "checkbox", label: /^5G / })).checked).toBe(true);

  await page.screenshot({ path: path.join(shots, "japan-filters.png") });
});
