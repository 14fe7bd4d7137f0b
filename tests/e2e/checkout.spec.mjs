// Checkout end to end (issue 4): the real store, the real backend, the processor sandbox on its own origin.
// Each test starts its own backend (fresh database), so order and payment counts are exact.
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { click, findItem, items, openStore, repoRoot, startServer, typeInto } from "./helpers.mjs";
import { next, termsVersion, tick } from "./shop.mjs";

// Every file under dir (the database, its WAL and journal, the outbox), read as bytes.
function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [p];
  });
}

const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

const PLAN = "jp-1gb-7d";
const CARDS = { ok: "4242 4242 4242 4242", declined: "4000 0000 0000 0002", challenge: "4000 0000 0000 3220" };
const CARD_DIGITS = Object.values(CARDS).map((c) => c.replace(/ /g, ""));

let server;
test.beforeEach(async () => {
  server = await startServer();
});
test.afterEach(async ({ page }, info) => {
  if (info.status !== info.expectedStatus) await page.screenshot({ path: info.outputPath("failure.png") }).catch(() => {});
  await server?.stop();
});

const shot = (page, name) => page.screenshot({ path: path.join(shots, `checkout-${name}.png`) });

// Every request the page sends to the store's own origin, with its body.
function recordStoreRequests(page) {
  const seen = [];
  page.on("request", (r) => {
    if (r.url().startsWith(server.url)) seen.push({ method: r.method(), url: r.url(), body: r.postData() || "" });
  });
  return seen;
}

// The processor sends the buyer back to /?order=&checkout= (no ?test=1): keep the QA test API on for the store's
// pages of this test by adding test=1 before boot.js reads the URL.
async function keepTestApi(page) {
  await page.addInitScript((origin) => {
    if (location.origin !== origin || new URLSearchParams(location.search).get("test") === "1") return;
    const q = location.search ? `${location.search}&test=1` : "?test=1";
    history.replaceState(null, "", location.pathname + q + location.hash);
  }, new URL(server.url).origin);
}

async function openPlan(page) {
  await keepTestApi(page);
  const errors = await openStore(page, server.url, `&dest=JP&plan=${PLAN}`);
  await page.getByRole("button", { name: "Reject all" }).click({ timeout: 5_000 }).catch(() => {});
  await click(page, { role: "button", label: /^Buy for/ });
  await findItem(page, { role: "heading", label: "Review your plan" });
  return errors;
}

async function fillDetails(page, { email = "ada@example.com", confirm = email, name = "Ada Lovelace", phone = "" } = {}) {
  await typeInto(page, { role: "textbox", label: "E-mail address" }, email);
  await typeInto(page, { role: "textbox", label: "E-mail address again" }, confirm);
  await typeInto(page, { role: "textbox", label: "Full name" }, name);
  if (phone) await typeInto(page, { role: "textbox", label: "Phone (optional)" }, phone);
}


// From the review step to the payment step with valid details and both confirmations ticked.
async function toPayment(page, details) {
  await next(page, "Your details");
  await fillDetails(page, details);
  await next(page, "Confirmations");
  await tick(page, "I am 18 or older");
  await tick(page, /^I accept the Terms/);
  await next(page, "Payment");
}

// On the processor's page (another origin): enter a test card and pay.
async function payOnProcessor(page, card) {
  await page.waitForURL((u) => u.href.startsWith(server.processorUrl));
  await page.fill("#number", card);
  await page.fill("#exp", "12/34");
  await page.fill("#cvc", "123");
  await page.click("button[type=submit]");
}

async function backInStore(page) {
  await page.waitForURL((u) => u.href.startsWith(server.url));
  await expect.poll(() => page.evaluate(() => window.jupiterTest?.frames() ?? 0)).toBeGreaterThan(0);
}

async function apiOrder(page) {
  // The order link the page shows holds the id and the secret: read it like the buyer would.
  const link = await findItem(page, { role: "link", label: /\?order=ord_/ });
  const u = new URL(link.label);
  return { id: u.searchParams.get("order"), token: u.hash.replace(/^#t=/, "") };
}

test("happy path: card 4242 pays, the result shows the order with brand and last 4, receipt and secret link", async ({ page }) => {
  const requests = recordStoreRequests(page);
  const errors = await openPlan(page);
  await shot(page, "1-review");
  await findItem(page, { role: "price", label: /^\$\d+\.\d\d$/ });
  await next(page, "Your details");
  await fillDetails(page, { phone: "+49 151 1234-5678" });
  await shot(page, "2-details");
  await next(page, "Confirmations");
  const marketing = await findItem(page, { role: "checkbox", label: /travel offers/ });
  expect(marketing.checked).toBe(false);
  await tick(page, "I am 18 or older");
  await tick(page, /^I accept the Terms/);
  await shot(page, "3-confirmations");
  await next(page, "Payment");
  await findItem(page, { role: "status", label: /SANDBOX/ });
  await shot(page, "4-payment");
  await click(page, { role: "button", label: /^Pay \$/ });

  await payOnProcessor(page, CARDS.ok);
  await backInStore(page);
  await findItem(page, { role: "heading", label: /Payment received|Your order/ }, { timeout: 20_000 });
  await findItem(page, { role: "text", label: /•••• 4242$/ });
  await findItem(page, { role: "button", label: "Printable receipt" });
  await shot(page, "5-result");
  const { id, token } = await apiOrder(page);
  expect(page.url()).toBe(`${server.url}/?order=${id}#t=${token}`);  // the secret link replaced the return URL

  const order = await (await fetch(`${server.url}/api/orders/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(order.payment.status).toBe("succeeded");
  expect(order.payment.last4).toBe("4242");
  expect(order.customer.phone).toBe("+4915112345678");
  expect(order.marketing).toBe(false);
  const receipt = await fetch(`${server.url}/orders/${id}/receipt?token=${token}`);
  expect(receipt.status).toBe(200);
  expect(await receipt.text()).toContain("4242");

  const orderPosts = requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === "/api/orders");
  expect(orderPosts).toHaveLength(1);
  expect(errors).toEqual([]);
});

// Card numbers (spaced or not) in the database files, the server's log and every request to the store's origin.
function expectNoCardNumber(requests) {
  const hay = [
    ...filesUnder(server.dataDir).map((f) => ["file " + path.basename(f), fs.readFileSync(f).toString("latin1")]),
    ["server log", server.log()],
    ...requests.map((r) => [`${r.method} ${r.url}`, r.url + "\n" + r.body]),
  ];
  expect(hay.length).toBeGreaterThan(2);
  for (const [where, text] of hay) {
    for (const digits of CARD_DIGITS) {
      expect(text.includes(digits), `${digits} in ${where}`).toBe(false);
      expect(text.includes(digits.replace(/(\d{4})(?=\d)/g, "$1 ")), `${digits} (spaced) in ${where}`).toBe(false);
    }
  }
}

test("a declined card shows the reason, Try again pays the same order; no card number reaches the store", async ({ page }) => {
  const requests = recordStoreRequests(page);
  await openPlan(page);
  await toPayment(page);
  await click(page, { role: "button", label: /^Pay \$/ });
  await payOnProcessor(page, CARDS.declined);
  await backInStore(page);
  await findItem(page, { role: "heading", label: "Payment declined" }, { timeout: 20_000 });
  await findItem(page, { role: "alert", label: /declined/ });
  await shot(page, "6-declined");
  await click(page, { role: "button", label: "Try again" });
  await payOnProcessor(page, CARDS.ok);
  await backInStore(page);
  await findItem(page, { role: "text", label: /•••• 4242$/ }, { timeout: 20_000 });
  const { id, token } = await apiOrder(page);
  const order = await (await fetch(`${server.url}/api/orders/${id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  expect(order.payment.status).toBe("succeeded");
  const creations = requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === "/api/orders");
  const payments = requests.filter((r) => r.method === "POST" && /\/payment$/.test(new URL(r.url).pathname));
  expect(creations).toHaveLength(1);  // the retry paid the same order
  expect(payments).toHaveLength(2);   // a new payment request after the decline
  expectNoCardNumber(requests);
});

test("the challenge card (3220) pays after the extra confirmation step", async ({ page }) => {
  await openPlan(page);
  await toPayment(page);
  await click(page, { role: "button", label: /^Pay \$/ });
  await payOnProcessor(page, CARDS.challenge);
  await page.getByRole("button", { name: "Confirm payment" }).click();
  await backInStore(page);
  await findItem(page, { role: "text", label: /•••• 3220$/ }, { timeout: 20_000 });
});

test("a double click on Pay makes one order and one payment", async ({ page }) => {
  const requests = recordStoreRequests(page);
  await openPlan(page);
  await toPayment(page);
  const pay = await findItem(page, { role: "button", label: /^Pay \$/ });
  await page.mouse.dblclick(pay.x + pay.w / 2, pay.y + pay.h / 2);
  await page.waitForURL((u) => u.href.startsWith(server.processorUrl));
  const creations = requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === "/api/orders");
  const payments = requests.filter((r) => r.method === "POST" && /\/payment$/.test(new URL(r.url).pathname));
  expect(creations).toHaveLength(1);
  expect(payments).toHaveLength(1);
});

test("a reload in the middle of checkout resumes at the same step with what was typed", async ({ page }) => {
  await openPlan(page);
  await next(page, "Your details");
  await fillDetails(page, { email: "grace@example.com", name: "Grace Hopper" });
  await next(page, "Confirmations");
  await tick(page, "I am 18 or older");
  await page.reload();
  await findItem(page, { role: "heading", label: "Confirmations" });
  expect((await findItem(page, { role: "checkbox", label: "I am 18 or older" })).checked).toBe(true);
  await shot(page, "7-after-reload");
  await click(page, { role: "button", label: "Back" });
  await findItem(page, { role: "heading", label: "Your details" });
  const email = await findItem(page, { role: "textbox", label: "E-mail address" });
  expect(email.value).toBe("grace@example.com");
  await expect(page.locator("#jupiter-field-email")).toHaveValue("grace@example.com");
});

test("the order's confirmations join the visitor's consent history: its consent id, proven by the record's key", async ({ page }) => {
  const requests = recordStoreRequests(page);
  await openPlan(page);  // answers the banner (Reject all): the record holds a consent id and its key
  const record = await page.evaluate(() => JSON.parse(localStorage.getItem("jupiter.consent")));
  expect(record.consent_key).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  await toPayment(page);
  await click(page, { role: "button", label: /^Pay \$/ });
  await page.waitForURL((u) => u.href.startsWith(server.processorUrl));
  const post = requests.find((r) => r.method === "POST" && new URL(r.url).pathname === "/api/orders");
  expect(JSON.parse(post.body)).toMatchObject({ consent_id: record.consent_id, consent_key: record.consent_key });
  const history = async () => (await (await fetch(`${server.url}/api/consent/receipts/${record.consent_id}`)).json()).receipts;
  await expect.poll(async () => (await history()).map((r) => r.action)).toEqual(["reject_all", "checkout_confirmations"]);
  expect(JSON.stringify(await history())).not.toContain(record.consent_key);  // the key is never given back
});

test("cancelling on the processor's page returns to the review step; paying then uses the same order", async ({ page }) => {
  const requests = recordStoreRequests(page);
  await openPlan(page);
  await toPayment(page);
  await click(page, { role: "button", label: /^Pay \$/ });
  await page.waitForURL((u) => u.href.startsWith(server.processorUrl));
  await page.getByRole("link", { name: /Cancel/ }).click();
  await backInStore(page);
  await findItem(page, { role: "heading", label: "Review your plan" });
  await findItem(page, { role: "status", label: /Payment cancelled/ });
  await shot(page, "8-cancelled");
  await next(page, "Your details");
  await next(page, "Confirmations");
  await next(page, "Payment");
  await click(page, { role: "button", label: /^Pay \$/ });
  await page.waitForURL((u) => u.href.startsWith(server.processorUrl));
  const creations = requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === "/api/orders");
  expect(creations).toHaveLength(1);
});

test("an invalid e-mail shows an inline error and sends nothing", async ({ page }) => {
  const requests = recordStoreRequests(page);
  await openPlan(page);
  await next(page, "Your details");
  const before = requests.length;
  await fillDetails(page, { email: "ada@example", name: "Ada" });
  await click(page, { role: "button", label: "Continue" });
  await findItem(page, { role: "alert", label: /This e-mail address is not valid/ });
  await expect(page.locator("#jupiter-field-email")).toHaveAttribute("aria-invalid", "true");
  await shot(page, "9-invalid-email");
  expect(requests.slice(before)).toEqual([]);
  expect((await items(page)).some((i) => i.role === "heading" && i.label === "Your details")).toBe(true);
});

test("the fields take autofill, paste and IME input like any page's inputs", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  await openPlan(page);
  await next(page, "Your details");
  const email = page.locator("#jupiter-field-email");
  await expect(email).toHaveAttribute("type", "email");
  await expect(email).toHaveAttribute("autocomplete", "email");
  await expect(page.locator("#jupiter-field-name")).toHaveAttribute("autocomplete", "name");
  await expect(page.locator("#jupiter-field-phone")).toHaveAttribute("type", "tel");
  // Autofill: the browser sets the value and fires an input event.
  await email.evaluate((el) => {
    el.value = "autofill@example.com";
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: "E-mail address" })).value)
    .toBe("autofill@example.com");
  // Paste: the clipboard's text through the real paste shortcut.
  await page.evaluate(() => navigator.clipboard.writeText("Ada Paste"));
  await page.locator("#jupiter-field-name").click();
  await page.keyboard.press("Control+V");
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: "Full name" })).value).toBe("Ada Paste");
  // An IME: while a composition is open nothing is mirrored; the committed text is.
  const name = page.locator("#jupiter-field-name");
  await name.fill("");
  await name.click();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Input.imeSetComposition", { text: "にほ", selectionStart: 2, selectionEnd: 2 });
  await expect(name).toHaveValue("にほ");
  await page.waitForTimeout(300);  // proving an absence: a mirrored value would have been drawn by now
  expect((await findItem(page, { role: "textbox", label: "Full name" })).value).toBe("");
  await cdp.send("Input.insertText", { text: "日本 Ada" });
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: "Full name" })).value).toBe("日本 Ada");
  // Typing with the keyboard, then Tab to the next field, keeps the order of the form.
  await page.locator("#jupiter-field-email-confirm").click();
  await page.keyboard.type("autofill@example.com");
  await page.keyboard.press("Tab");
  await expect(page.locator("#jupiter-field-name")).toBeFocused();
  await expect.poll(async () => (await findItem(page, { role: "textbox", label: "E-mail address again" })).value)
    .toBe("autofill@example.com");
});

test("offline: the payment step refuses to buy and sends nothing", async ({ page, context }) => {
  const requests = recordStoreRequests(page);
  await openPlan(page);
  await toPayment(page);
  await context.setOffline(true);
  await findItem(page, { role: "alert", label: /You are offline/ });
  expect((await findItem(page, { role: "button", label: /^Pay \$/ })).enabled).toBe(false);
  await shot(page, "10-offline");
  expect(requests.filter((r) => new URL(r.url).pathname.startsWith("/api/orders"))).toEqual([]);
  await context.setOffline(false);
  await expect.poll(async () => (await findItem(page, { role: "button", label: /^Pay \$/ })).enabled).toBe(true);
});

test("an order link opens the order in a fresh tab; a wrong or missing secret shows nothing of it", async ({ page, context }) => {
  const res = await fetch(`${server.url}/api/orders`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": "e2e-link-test-key-0001" },
    body: JSON.stringify({ plan: PLAN, currency: "EUR", email: "link@example.com", name: "Link Test", phone: "",
      adult: true, terms_version: await termsVersion(server), marketing: false, language: "en" }),
  });
  expect(res.status).toBe(201);
  const { order, token } = await res.json();
  await keepTestApi(page);
  await page.goto(`${server.url}/?order=${order.id}#t=${token}`);
  await findItem(page, { role: "heading", label: "Waiting for payment" });
  await findItem(page, { role: "button", label: "Pay now" });
  await findItem(page, { role: "text", label: "€5.99" });
  await shot(page, "11-order-link");

  const wrong = await context.newPage();
  await keepTestApi(wrong);
  await wrong.goto(`${server.url}/?order=${order.id}#t=${token.slice(0, -4)}AAAA`);
  await findItem(wrong, { role: "alert", label: /could not find this order/ });
  expect((await items(wrong)).some((i) => i.label.includes("link@example.com"))).toBe(false);
  const partial = await context.newPage();
  await keepTestApi(partial);
  await partial.goto(`${server.url}/?order=${order.id}`);
  await findItem(partial, { role: "alert", label: /link is incomplete/ });
});

test("the Privacy Policy v1.0 is one click away from the confirmations, the Terms of sale one link", async ({ page }) => {
  await openPlan(page);
  await next(page, "Your details");
  await fillDetails(page);
  await next(page, "Confirmations");
  // The terms the box accepts (issue 15): their version in its label, their page a link (the mirror's <a>).
  const terms = (await termsVersion(server)).replace(/\./g, "\\.");
  await findItem(page, { role: "checkbox", label: new RegExp(`^I accept the\\s+Terms\\s+of\\s+sale\\s+v${terms}\\s+and\\s+the\\s+Privacy\\s+Policy\\s+v1\\.0`) });
  // Issue 15: the refund rule, before paying, in the words of the terms' section 6.
  await findItem(page, { role: "text", label: "Not installed yet? Refund within 14 days of purchase (Terms of sale, section 6)." });
  await expect(page.getByRole("link", { name: "Terms of sale" })).toHaveAttribute("href", "/terms");
  await click(page, { role: "button", label: "Read the Privacy Policy v1.0" });
  await findItem(page, { role: "heading", label: "Privacy Policy v1.0" });
  await findItem(page, { role: "text", label: /We do not store full card details/ });
  await shot(page, "12-policy");
  await click(page, { role: "button", label: "Close" });
  await findItem(page, { role: "heading", label: "Confirmations" });
});

// Pays for a plan with 4242 against a backend started with `options`, and waits to be back on the order page.
async function payWithBackend(page, options) {
  await server.stop();
  server = await startServer(options);
  await openPlan(page);
  await toPayment(page);
  await click(page, { role: "button", label: /^Pay \$/ });
  await payOnProcessor(page, CARDS.ok);
  await backInStore(page);
}

test("a delayed eSIM: the order page says it is being prepared while it polls, then shows the delivery", async ({ page }) => {
  await payWithBackend(page, { partnerMode: "delay", partnerDelay: 6 });
  await findItem(page, { role: "status", label: "Preparing your eSIM…" }, { timeout: 20_000 });
  await shot(page, "13-preparing");
  await findItem(page, { role: "heading", label: "Your order" }, { timeout: 45_000 });
  await findItem(page, { role: "qr" }, { timeout: 10_000 });
});

test("an eSIM that cannot be delivered ends refunded, with the reason and the order number for support", async ({ page }) => {
  await payWithBackend(page, { partnerMode: "fail", provisionDeadline: 4 });
  await findItem(page, { role: "heading", label: "Your payment was refunded" }, { timeout: 50_000 });
  const id = new URL(page.url()).searchParams.get("order");
  await findItem(page, { role: "alert", label: /^Reason: / });
  await findItem(page, { role: "text", label: new RegExp(`order number ${id}`) });
  await shot(page, "14-refunded");
});

test("on a phone-sized screen the details fit the width and the inputs sit on their frames", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openPlan(page);
  await shot(page, "15-phone-review");
  await next(page, "Your details");
  await fillDetails(page);
  for (const [label, id] of [["E-mail address", "email"], ["Full name", "name"], ["Phone (optional)", "phone"]]) {
    const frame = await findItem(page, { role: "textbox", label });
    const box = await page.locator(`#jupiter-field-${id}`).boundingBox();
    expect(box.x).toBeCloseTo(frame.x, 0);
    expect(box.y).toBeCloseTo(frame.y, 0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
  await shot(page, "16-phone-details");
});
