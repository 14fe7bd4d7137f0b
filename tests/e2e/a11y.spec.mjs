// a11y.spec.mjs: the accessible mirror of the canvas store (issue 13): a purchase with the keyboard alone, the
// accessibility tree of each screen, axe-core's WCAG 2.2 AA rules, names for every widget, and IME composition.
import AxeBuilder from "@axe-core/playwright";
import { test, expect } from "@playwright/test";
import fs from "node:fs";
import path from "node:path";
import { findItem, items, openStore, repoRoot, startServer } from "./helpers.mjs";

const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });
const shot = (page, name) => page.screenshot({ path: path.join(shots, `a11y-${name}.png`) });

let server;
test.beforeEach(async () => {
  server = await startServer();
});
test.afterEach(async ({ page }, info) => {
  restoreMouse();
  restoreMouse = () => {};
  if (info.status !== info.expectedStatus) await page.screenshot({ path: info.outputPath("failure.png") }).catch(() => {});
  await server?.stop();
});

const TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];

// Any pointer call fails the test: page.mouse, page.click and Locator click/tap/check. Locator's methods live on
// its prototype, shared by every test of this worker: the originals come back when the test ends.
let restoreMouse = () => {};
function forbidMouse(page) {
  const no = (what) => () => { throw new Error(`mouse used: ${what}`); };
  for (const m of ["click", "dblclick", "down", "up", "move", "wheel"]) page.mouse[m] = no(`mouse.${m}`);
  for (const m of ["click", "dblclick", "tap", "check", "uncheck"]) page[m] = no(`page.${m}`);
  const proto = Object.getPrototypeOf(page.locator("body"));
  const saved = {};
  for (const m of ["click", "dblclick", "tap", "check", "uncheck", "setChecked"]) {
    saved[m] = proto[m];
    proto[m] = no(`locator.${m}`);
  }
  restoreMouse = () => Object.assign(proto, saved);
}

// What has DOM focus: its role, accessible name (roughly) and id.
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return { role: "", name: "", id: "" };
  const role = el.getAttribute("role") || (el.type === "checkbox" ? "checkbox" : el.tagName.toLowerCase());
  return { role, name: el.getAttribute("aria-label") || el.textContent.trim(), id: el.id || "" };
});

// Presses Tab (Shift+Tab when back) until the focused element matches; fails after `max` presses.
async function tabTo(page, match, { max = 80, back = false } = {}) {
  const ok = (f) => Object.entries(match).every(([k, want]) => (want instanceof RegExp ? want.test(f[k]) : f[k] === want));
  for (let i = 0; i < max; i++) {
    const f = await focused(page);
    if (ok(f)) return f;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    await page.waitForTimeout(60);  // the mirror follows the frame the focus asked for
  }
  throw new Error(`no focusable element matched ${JSON.stringify(match, (k, v) => (v instanceof RegExp ? String(v) : v))}`);
}

// No recorded widget of the current frame has an empty name.
async function expectNamed(page) {
  const unnamed = (await items(page)).filter((i) => !i.label || !i.label.trim());
  expect(unnamed, "widgets without a name").toEqual([]);
}

async function expectAxeClean(page, screen) {
  const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(found, `axe violations on ${screen}`).toEqual([]);
}

// One screen: names, the tree (a partial snapshot of what a sighted person sees) and axe.
async function checkScreen(page, screen, snapshot) {
  await expectNamed(page);
  await expect(page.locator("#a11y-mirror")).toMatchAriaSnapshot(snapshot);
  await expectAxeClean(page, screen);
}

async function press(page, key) {
  await page.keyboard.press(key);
  await page.waitForTimeout(60);
}

test("a purchase with the keyboard alone, from the search to the eSIM's manual details", async ({ page }) => {
  test.setTimeout(120_000);
  forbidMouse(page);
  await openStore(page, server.url);
  await tabTo(page, { name: "Reject all" });
  await press(page, "Enter");
  await findItem(page, { role: "heading", label: "JupiterEsims" });
  await checkScreen(page, "home", `
    - heading "JupiterEsims" [level=1]
    - combobox "Language"
    - combobox "Currency"
    - searchbox "Where are you going? Country, code or alias"
  `);

  await tabTo(page, { id: "jupiter-field-destination-search" });
  await page.keyboard.type("Japan", { delay: 30 });
  await tabTo(page, { role: "option", name: /^Japan/ });
  await press(page, "Enter");
  await findItem(page, { role: "heading", label: "eSIM plans for Japan (JP)" });
  await checkScreen(page, "plans", `
    - heading "eSIM plans for Japan (JP)" [level=2]
    - combobox "Any amount of data"
    - combobox "Any validity"
    - checkbox /5G \\(\\d+\\)/
    - paragraph: /\\d+ plans, cheapest first/
    - paragraph: /\\$\\d+\\.\\d\\d/
    - button /^Details, Japan \\d/
  `);
  await expect(page.locator("#a11y-status")).toHaveText(/\d+ plans, cheapest first/);

  await tabTo(page, { role: "button", name: /^Details, Japan / });
  await page.waitForTimeout(100);
  await shot(page, "focus-details");  // the focus ring on the canvas; the mirror itself is invisible
  await press(page, "Enter");
  await findItem(page, { role: "button", label: /^Buy for/ });
  await checkScreen(page, "plan details", `
    - button "Back to plans"
    - heading [level=2]
    - button /^Buy for \\$\\d+\\.\\d\\d/
  `);

  await tabTo(page, { role: "button", name: /^Buy for/ });
  await press(page, "Enter");
  await findItem(page, { role: "heading", label: "Review your plan" });
  await checkScreen(page, "checkout review", `
    - heading "Review your plan"
    - button "Continue"
  `);
  await tabTo(page, { role: "button", name: "Continue" });
  await press(page, "Enter");
  await findItem(page, { role: "heading", label: "Your details" });
  await checkScreen(page, "checkout details", `
    - heading "Your details"
    - textbox "E-mail address"
    - textbox "Full name"
  `);
  for (const [name, text] of [["E-mail address", "ada@example.com"], ["E-mail address again", "ada@example.com"],
    ["Full name", "Ada Lovelace"]]) {
    await tabTo(page, { name });
    await page.keyboard.type(text, { delay: 10 });
  }
  await tabTo(page, { role: "button", name: "Continue" });
  await press(page, "Enter");
  await findItem(page, { role: "heading", label: "Confirmations" });
  for (const name of ["I am 18 or older", /^I accept the Terms/]) {
    await tabTo(page, { role: "checkbox", name });
    await press(page, " ");
    await shot(page, "focus-checkbox");
    await expect.poll(async () => (await findItem(page, { role: "checkbox", label: name })).checked).toBe(true);
  }
  await checkScreen(page, "checkout confirmations", `
    - heading "Confirmations"
    - checkbox "I am 18 or older" [checked]
  `);
  await tabTo(page, { role: "button", name: "Continue" });
  await press(page, "Enter");
  await findItem(page, { role: "heading", label: "Payment" });
  await checkScreen(page, "checkout payment", `
    - heading "Payment"
    - button /^Pay \\$\\d+\\.\\d\\d/
  `);
  await tabTo(page, { role: "button", name: /^Pay \$/ });
  await press(page, "Enter");

  // The processor's own page (another origin): its form, by keyboard.
  await page.waitForURL((u) => u.href.startsWith(server.processorUrl));
  for (const [id, text] of [["number", "4242 4242 4242 4242"], ["exp", "12/34"], ["cvc", "123"]]) {
    await tabTo(page, { id });
    await page.keyboard.type(text);
  }
  await press(page, "Enter");

  // Back in the store without ?test=1 in the URL: the QA API stays on for this tab (sessionStorage).
  await page.waitForURL((u) => u.href.startsWith(server.url));
  await expect.poll(() => page.evaluate(() => window.jupiterTest?.frames() ?? 0)).toBeGreaterThan(0);
  await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 30_000 });
  await checkScreen(page, "order and eSIM", `
    - heading /Payment received|Your order/
    - img "QR code for your eSIM"
    - heading "Enter the details by hand"
    - paragraph: SM-DP+ address
  `);
  // The manual details are reachable by keyboard: their copy buttons are in the tab order.
  await tabTo(page, { role: "button", name: /^Copy/ });
});

test("the privacy screen: named, in the tree, axe-clean", async ({ page }) => {
  await openStore(page, server.url);
  await page.getByRole("button", { name: "Reject all" }).press("Enter");
  await tabTo(page, { role: "button", name: "Privacy" });
  await press(page, "Enter");
  await expect.poll(async () => (await items(page)).filter((i) => i.role === "heading").length).toBeGreaterThan(1);
  await expectNamed(page);
  const tree = await page.locator("#a11y-mirror").ariaSnapshot();
  expect(tree).toMatch(/heading/);
  await expectAxeClean(page, "privacy");
});

test("a stale activation (the widget is gone) does nothing and the mirror re-syncs", async ({ page }) => {
  await openStore(page, server.url, "&dest=JP");
  const before = await page.evaluate(() => window.jupiterTest.state().route);
  await page.evaluate(() => Module._jupiter_a11y_activate(123456789));  // no widget has this id
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.jupiterTest.state().route)).toBe(before);
  await expect(page.locator("#a11y-mirror")).toMatchAriaSnapshot(`
    - heading "eSIM plans for Japan (JP)" [level=2]
  `);
});

test("a Japanese IME composition in the destination search gives the composed text", async ({ page }) => {
  await openStore(page, server.url);
  await page.getByRole("button", { name: "Reject all" }).press("Enter");
  const search = page.locator("#jupiter-field-destination-search");
  await search.focus();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.imeSetComposition", { text: "にほ", selectionStart: 2, selectionEnd: 2 });
  await cdp.send("Input.imeSetComposition", { text: "日本", selectionStart: 2, selectionEnd: 2 });
  await cdp.send("Input.insertText", { text: "日本" });
  await expect(search).toHaveValue("日本");
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: /Where are you going/ })).value).toBe("日本");
});
