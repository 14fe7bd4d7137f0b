// account.spec.mjs: My eSIMs (issue 15) in the browser. A buyer pays an order as a guest, signs in from the store
// with the e-mailed link (read from the outbox), lands in My eSIMs and sees the order by its plan name and price;
// an unpaid second order is cancelled from the list with the keyboard alone; axe finds nothing on the list; the
// 390x844 screen is kept as a screenshot; signing out returns to the sign-in screen. The e-mail address never
// appears in any URL the page loads or shows.
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

test("sign in by the e-mailed link, see the paid order, cancel the unpaid one by keyboard, sign out", async ({ page }) => {
  test.setTimeout(150_000);
  const email = `my.esims.${crypto.randomBytes(4).toString("hex")}@example.com`;
  const urls = [];
  page.on("request", (r) => urls.push(r.url()));
  page.on("framenavigated", (f) => urls.push(f.url()));

  await paidOrder(stack, page, { plan: "jp-5gb-30d", email });   // Japan 5 GB, 30 days: $17.99
  // Orders' created_at has whole seconds, and the list orders equal ones by their (random) id: the unpaid order is
  // created in a later second than the paid one, so "newest first" has one answer (the payment can take < 1 s).
  const paidBy = Date.now();
  await new Promise((resolve) => setTimeout(resolve, Math.floor(paidBy / 1000) * 1000 + 1050 - paidBy));
  const unpaid = await newOrder(stack, { plan: "ke-1gb-7d", email });  // Kenya 1 GB, 7 days: $3.99, never paid

  await openStore(page, stack.url);
  const reject = page.getByRole("button", { name: "Reject all" });
  if (await reject.isVisible().catch(() => false)) await reject.click();
  // The canvas's widgets are mirrored as DOM elements that take no pointer: found by role and name, pressed.
  await page.getByRole("button", { name: "My eSIMs" }).press("Enter");
  const field = page.getByRole("textbox", { name: "E-mail address" });
  await expect(field).toHaveAttribute("type", "email");
  await expect(field).toHaveAttribute("autocomplete", "email");
  await field.fill(email);
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: "E-mail address" })).value).toBe(email);
  await page.getByRole("button", { name: "Send sign-in link" }).press("Enter");
  await findItem(page, { label: "Check your e-mail" });

  let link;
  await expect.poll(() => (link = signInLink(stack.dataDir, email)), { message: "a sign-in mail in the outbox" }).toBeTruthy();
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/\?account=orders$/), page.getByRole("button", { name: "Sign in" }).click()]);

  // My eSIMs: both orders, newest (the unpaid one) first, by plan name and price.
  await findItem(page, { role: "listitem", label: "Japan 5 GB, 30 days" }, { timeout: 20_000 });
  await findItem(page, { role: "listitem", label: "Kenya 1 GB, 7 days" });
  const texts = (await items(page)).map((i) => i.label);
  expect(texts.indexOf("Kenya 1 GB, 7 days")).toBeLessThan(texts.indexOf("Japan 5 GB, 30 days"));
  expect(texts.some((t) => /^(Paid|Preparing your eSIM|eSIM ready) · \$17\.99 · ordered on \d{4}-\d\d-\d\d$/.test(t))).toBe(true);
  expect(texts.some((t) => /^Waiting for payment · \$3\.99 · /.test(t))).toBe(true);
  await findItem(page, { role: "button", label: "Open eSIM page, Japan 5 GB, 30 days" });
  expect(texts).not.toContain("Cancel order, Japan 5 GB, 30 days");  // paid: no Cancel

  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);

  // Cancel the unpaid order with the keyboard alone: Tab to its Cancel, Enter, Tab to "Yes, cancel it", Enter.
  await tabTo(page, /^Cancel order, Kenya 1 GB, 7 days$/);
  await page.keyboard.press("Enter");
  await findItem(page, { role: "alert", label: "Cancel the order for Kenya 1 GB, 7 days? It cannot be paid afterwards." });
  await tabTo(page, /^Yes, cancel it$/);
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await items(page)).some((i) => /^Cancelled · \$3\.99 · /.test(i.label)),
                    { message: "the list shows the order cancelled" }).toBe(true);
  expect((await items(page)).some((i) => i.label.startsWith("Cancel order"))).toBe(false);
  const after = await api(stack, "GET", `/api/orders/${unpaid.order.id}`, { token: unpaid.token });
  expect(after.json.state).toBe("cancelled");

  await page.setViewportSize({ width: 390, height: 844 });
  await findItem(page, { role: "listitem", label: "Japan 5 GB, 30 days" });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(shots, "account-orders-390.png") });

  await page.getByRole("button", { name: "Sign out", exact: true }).press("Enter");
  await findItem(page, { role: "textbox", label: "E-mail address" });
  expect((await page.request.get(`${stack.url}/api/account`)).status()).toBe(401);  // the browser's cookie ended

  const leaked = urls.filter((u) => u.toLowerCase().includes(email) || u.includes(encodeURIComponent(email)));
  expect(leaked, "URLs with the e-mail address").toEqual([]);
  expect(urls.length).toBeGreaterThan(3);
});

// My eSIMs is a place of its own in the address bar (issue 15): ?account=orders while it is open (a reload or a
// shared link opens it again), nothing after its "Back to store", and the browser's Back and Forward close and open
// it like any other place.
test("?account=orders while My eSIMs is open, gone after Back to store; browser Back/Forward follow it", async ({ page }) => {
  await openStore(page, stack.url, "&dest=JP");
  const reject = page.getByRole("button", { name: "Reject all" });
  if (await reject.isVisible().catch(() => false)) await reject.click();
  await page.getByRole("button", { name: "My eSIMs" }).press("Enter");
  await page.waitForURL(/[?&]account=orders(&|$)/);
  await findItem(page, { role: "textbox", label: "E-mail address" });   // not signed in: the sign-in form
  await page.getByRole("button", { name: "Back to store" }).press("Enter");
  await expect.poll(() => new URL(page.url()).searchParams.has("account")).toBe(false);
  expect(new URL(page.url()).searchParams.get("dest")).toBe("JP");       // the store's own place is kept
  await findItem(page, { role: "button", label: /^Details, / });
  await page.goBack();                                                     // onto the My eSIMs entry
  await findItem(page, { role: "textbox", label: "E-mail address" });
  expect(new URL(page.url()).searchParams.get("account")).toBe("orders");
  await page.goBack();                                                     // off it: the store
  await findItem(page, { role: "button", label: /^Details, / });
  expect((await items(page)).some((i) => i.label === "E-mail address")).toBe(false);
  await page.goForward();                                                  // and onto it again
  await findItem(page, { role: "textbox", label: "E-mail address" });
});
