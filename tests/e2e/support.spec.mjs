// support.spec.mjs: "Help with this eSIM" (issue 15) in the browser. A guest buys, opens the eSIM page on an iPhone
// and, with the keyboard alone, writes a message, ticks "Attach device details" and sees the exact details
// ("iPhone, iOS 17.4") before sending; the server keeps them with that message. Support answers through the admin
// API (the data folder's admin-token); Refresh shows the reply. Screenshots of the section at 1280 and 390x844.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { findItem, items, repoRoot, startServer } from "./helpers.mjs";
import { api, focused, paidOrder, tabTo } from "./shop.mjs";

const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });
const IPHONE_17_4 =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
  "Version/17.4 Mobile/15E148 Safari/604.1";
const MESSAGE = "No data since I landed <b>in Tokyo</b>.\nRoaming is on.";
const SENT_DETAILS = "These details will be sent with this message: iPhone, iOS 17.4";

let stack;
test.beforeAll(async () => {
  stack = await startServer();
});
test.afterAll(async () => stack && stack.stop());

async function adminCall(method, url, body) {
  const token = fs.readFileSync(path.join(stack.dataDir, "admin-token"), "utf8").trim();
  const res = await fetch(`${stack.url}${url}`, {
    method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function openDelivered(page, id, token) {
  await expect.poll(async () => (await api(stack, "GET", `/api/orders/${id}`, { token })).json.state,
    { timeout: 30_000 }).toBe("delivered");
  await page.goto(`${stack.url}/?test=1&order=${id}#t=${token}`);
  await expect.poll(() => page.evaluate(() => window.jupiterTest?.frames() ?? 0), { timeout: 30_000 }).toBeGreaterThan(0);
  const reject = page.getByRole("button", { name: "Reject all" });
  if (await reject.isVisible().catch(() => false)) await reject.click();
  await expect(reject).toBeHidden();
  // Below the eSIM's details: present in the DOM mirror before it is scrolled into view.
  await expect(page.getByRole("heading", { name: "Help with this eSIM" })).toBeAttached({ timeout: 20_000 });
  await expect(page.getByText("No messages yet.")).toBeAttached();
}

// The section's items in the DOM mirror: the field, the checkbox, Send and Refresh, by role and name.
async function expectMirror(page) {
  await expect(page.getByRole("heading", { name: "Help with this eSIM" })).toBeAttached();
  await expect(page.getByRole("textbox", { name: "Your message" })).toBeAttached();
  await expect(page.getByRole("checkbox", { name: "Attach device details" })).toBeAttached();
  await expect(page.getByRole("button", { name: "Send", exact: true })).toBeAttached();
  await expect(page.getByRole("button", { name: "Refresh", exact: true })).toBeAttached();
}

async function shot(page, name) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(shots, name) });
}

test("a guest writes to support from the eSIM page by keyboard, device details shown before sending; the reply shows on Refresh",
  async ({ browser }) => {
    test.setTimeout(150_000);
    const context = await browser.newContext({ userAgent: IPHONE_17_4, viewport: { width: 390, height: 844 },
                                               hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const { order, token } = await paidOrder(stack, page, { email: "support.guest@example.com" });
    await openDelivered(page, order.id, token);

    // Keyboard only from here. The checkbox first (its focus scrolls the section into view, and the field's real
    // <input> exists while it is in view), back to the field, then the checkbox (the details appear under it), Send.
    await tabTo(page, /^Attach device details$/);
    await expectMirror(page);
    await tabTo(page, /^Your message$/, { back: true });
    // A <textarea>: Enter starts a second line.
    await page.keyboard.type("No data since I landed <b>in Tokyo</b>.", { delay: 10 });
    await page.keyboard.press("Enter");
    await page.keyboard.type("Roaming is on.", { delay: 10 });
    expect(await page.evaluate(() => document.activeElement.tagName)).toBe("TEXTAREA");
    await expect.poll(async () => (await findItem(page, { role: "textbox", label: "Your message" })).value)
      .toBe(MESSAGE);
    await expect(page.getByText("If you tick the box, these details are sent with this message: iPhone, iOS 17.4",
                                { exact: true })).toBeAttached();
    await tabTo(page, /^Attach device details$/);
    await page.keyboard.press("Space");
    await expect.poll(async () => (await findItem(page, { role: "checkbox", label: "Attach device details" })).checked)
      .toBe(true);
    await expect(page.getByText(SENT_DETAILS, { exact: true })).toBeAttached();  // what will be sent, before it is
    await shot(page, "support-390-before-send.png");
    await tabTo(page, /^Send$/);
    await page.keyboard.press("Enter");
    await expect(page.locator("[role=status]", { hasText: "Your message was sent" })).toBeAttached();

    const thread = await api(stack, "GET", `/api/orders/${order.id}/messages`, { token });
    expect(thread.status).toBe(200);
    expect(thread.json.messages).toHaveLength(1);
    expect(thread.json.messages[0].body).toBe(MESSAGE);
    expect(thread.json.messages[0].device).toEqual({ model: "iPhone", os: "iOS 17.4" });
    await expect(page.getByText("Device details sent: iPhone, iOS 17.4", { exact: true })).toBeAttached();
    // Sent: the box is clear again and the field empty.
    expect((await findItem(page, { role: "checkbox", label: "Attach device details" })).checked).toBe(false);

    // Support answers through the admin API.
    const waiting = await adminCall("GET", "/api/admin/support");
    expect(waiting.status).toBe(200);
    expect(waiting.json.threads.map((t) => t.order_id)).toContain(order.id);
    const reply = await adminCall("POST", `/api/admin/orders/${order.id}/messages`,
                                  { body: "Please turn on data roaming for the eSIM line." });
    expect(reply.status).toBe(201);

    await tabTo(page, /^Refresh$/);
    await page.keyboard.press("Enter");
    await expect(page.getByText("Please turn on data roaming for the eSIM line.", { exact: true })).toBeAttached();
    await expect(page.getByText(/^JupiterEsims support, \d{4}-\d\d-\d\d \d\d:\d\d \(UTC\)$/)).toBeAttached();
    await expect(page.locator("[role=status]", { hasText: "Messages updated." })).toBeAttached();
    expect(await focused(page)).toBe("Refresh");
    await shot(page, "support-390-reply.png");

    // The same section at 1280: a desktop says "Desktop".
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, "support-1280-reply.png");
    expect(errors).toEqual([]);
    await context.close();
  });

test("on a desktop the details are just 'Desktop', and an empty message is refused before sending", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  const { order, token } = await paidOrder(stack, page, { email: "support.desktop@example.com" });
  await openDelivered(page, order.id, token);
  await tabTo(page, /^Send$/);
  await expect(page.getByText("If you tick the box, these details are sent with this message: Desktop", { exact: true }))
    .toBeAttached();
  await page.keyboard.press("Enter");
  await expect(page.locator("[role=alert]", { hasText: "Write a message first." })).toBeAttached();
  expect((await api(stack, "GET", `/api/orders/${order.id}/messages`, { token })).json.messages).toHaveLength(0);
  await shot(page, "support-1280-empty.png");
  const names = (await items(page)).map((it) => it.label);
  expect(names).toContain("Help with this eSIM");
});
