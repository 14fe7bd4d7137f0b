// policy-notice.spec.mjs: the policy-change notice (issue 16) against the real server. A returning visitor whose
// stored seen-version is "0.9" (seeded before load) sees, once the store shows, "Our privacy policy changed on
// March 1, 2026" (announced: a status text), a "Read the policy" link to /privacy and "OK", focused; Enter on OK
// dismisses it and records "1.0", and a reload shows no notice. Escape dismisses too. A fresh visitor sees none,
// never asks for /api/policy, and gets "1.0" recorded; a junk /api/policy answer shows nothing and records nothing.
// Screenshots at 1280x800 and 390x844, nothing past the right edge.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { findItem, items, openStore, repoRoot, startServer } from "./helpers.mjs";
import { focused } from "./shop.mjs";

const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });
const kSeen = "jupiter.policy.seen";
const kTitle = "Our privacy policy changed on March 1, 2026";

let stack;
test.beforeAll(async () => {
  stack = await startServer();
});
test.afterAll(async () => stack && stack.stop());

// Seeds the seen version once per tab (a reload keeps what the store wrote since).
async function seedSeen(page, version) {
  await page.addInitScript(([key, v]) => {
    if (sessionStorage.getItem("seeded")) return;
    localStorage.setItem(key, v);
    sessionStorage.setItem("seeded", "1");
  }, [kSeen, version]);
}
const seen = (page) => page.evaluate((key) => localStorage.getItem(key), kSeen);
const noticeShown = async (page) => (await items(page)).some((it) => it.label === kTitle);

async function noSidewaysOverflow(page, width) {
  const w = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  expect(w, "page width").toBeLessThanOrEqual(width);
}

test("a returning visitor sees the dated notice once; Enter on OK dismisses it and records the version", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await seedSeen(page, "0.9");
  const errors = await openStore(page, stack.url);
  await findItem(page, { role: "status", label: kTitle }, { timeout: 20_000 });
  const read = page.getByRole("link", { name: "Read the policy" });
  await expect(read).toHaveAttribute("href", "/privacy");
  await expect.poll(() => focused(page)).toBe("OK, Privacy policy notice");
  await noSidewaysOverflow(page, 1280);
  await page.screenshot({ path: path.join(shots, "policy-notice-desktop.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await findItem(page, { role: "status", label: kTitle });
  await noSidewaysOverflow(page, 390);
  await page.screenshot({ path: path.join(shots, "policy-notice-phone.png") });

  await page.getByRole("button", { name: "OK, Privacy policy notice" }).focus();
  await page.keyboard.press("Enter");
  await expect.poll(() => noticeShown(page)).toBe(false);
  await expect.poll(() => seen(page)).toBe("1.0");

  await page.reload();
  await expect.poll(() => page.evaluate(() => window.jupiterTest?.frames() ?? 0)).toBeGreaterThan(0);
  const store = page.getByRole("main", { name: "JupiterEsims store" });
  await expect(store.getByRole("link", { name: "Privacy policy" })).toHaveAttribute("href", "/privacy");  // it is up
  await page.waitForTimeout(1500);
  expect(await noticeShown(page)).toBe(false);
  expect(errors).toEqual([]);
});

test("Escape dismisses the notice too", async ({ page }) => {
  await seedSeen(page, "0.9");
  await openStore(page, stack.url);
  await findItem(page, { role: "status", label: kTitle }, { timeout: 20_000 });
  await expect.poll(() => focused(page)).toBe("OK, Privacy policy notice");
  await page.keyboard.press("Escape");
  await expect.poll(() => noticeShown(page)).toBe(false);
  await expect.poll(() => seen(page)).toBe("1.0");
});

test("a fresh visitor sees no notice and /api/policy is not asked for; the current version is recorded", async ({ page }) => {
  const asked = [];
  page.on("request", (r) => r.url().includes("/api/policy") && asked.push(r.url()));
  await openStore(page, stack.url);
  await expect.poll(() => seen(page), { timeout: 20_000 }).toBe("1.0");
  await page.waitForTimeout(1000);
  expect(await noticeShown(page)).toBe(false);
  expect(asked).toEqual([]);
});

test("a junk /api/policy answer shows no notice and records nothing: the next visit asks again", async ({ page }) => {
  let answered = 0;
  await page.route("**/api/policy", (route) => {
    answered++;
    return route.fulfill({ status: 200, contentType: "application/json", body: "{not json" });
  });
  await seedSeen(page, "0.9");
  const errors = await openStore(page, stack.url);
  await expect.poll(() => answered, { timeout: 20_000 }).toBe(1);
  await page.waitForTimeout(1000);
  expect(await noticeShown(page)).toBe(false);
  expect(await seen(page)).toBe("0.9");
  expect(errors).toEqual([]);
});
