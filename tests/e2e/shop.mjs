// shop.mjs: what the account, privacy-centre and delivery specs do alike: call the API, order and pay through the
// processor sandbox's hosted page, read the outbox's mails and sign-in links, move the keyboard focus by name and
// scroll the canvas to a widget.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { click, findItem, items } from "./helpers.mjs";

// One API call; {status, json} (json null for an empty body).
export async function api(server, method, url, { token, body, key } = {}) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  if (key) headers["Idempotency-Key"] = key;
  const res = await fetch(`${server.url}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

// The terms of sale in force, as the store serves them (GET /api/terms): what an order must accept.
export async function termsVersion(server) {
  const terms = await api(server, "GET", "/api/terms");
  expect(terms.status).toBe(200);
  return terms.json.version;
}

// An order through the API (what the checkout screens send), not paid. Returns {order, token}.
export async function newOrder(server, { plan = "jp-5gb-30d", email = "traveller@example.com", marketing = false } = {}) {
  const created = await api(server, "POST", "/api/orders", {
    key: crypto.randomBytes(16).toString("hex"),
    body: { plan, currency: "USD", email, name: "Ada Traveller", phone: "", adult: true, terms_version: await termsVersion(server),
            marketing, language: "en" },
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return created.json;
}

// newOrder, then paid on the processor's hosted page with the 4242 card, in the browser. Returns {order, token}.
export async function paidOrder(server, page, options = {}) {
  const { order, token } = await newOrder(server, options);
  const pay = await api(server, "POST", `/api/orders/${order.id}/payment`, { token });
  expect(pay.status, JSON.stringify(pay.json)).toBe(200);
  await page.goto(pay.json.checkout_url);
  await page.fill("#number", "4242 4242 4242 4242");
  await page.fill("#exp", "12/34");
  await page.fill("#cvc", "123");
  await Promise.all([page.waitForURL((u) => u.toString().startsWith(server.url)), page.click("button[type=submit]")]);
  return { order, token };
}

// The text parts of a MIME message (base64 bodies decoded), joined.
export function mailText(raw) {
  let out = "";
  for (const piece of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const split = piece.search(/\r?\n\r?\n/);
    if (split < 0 || !/content-type:\s*text\//i.test(piece.slice(0, split))) continue;
    const body = piece.slice(split).trim();
    out += /content-transfer-encoding:\s*base64/i.test(piece.slice(0, split)) ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") : body;
  }
  return out;
}

// The sign-in link of the newest mail to `email` in the data folder's outbox (with its &lang=), or null.
export function signInLink(dataDir, email) {
  const outbox = path.join(dataDir, "outbox");
  if (!fs.existsSync(outbox)) return null;
  const mails = fs.readdirSync(outbox).sort()
    .map((f) => fs.readFileSync(path.join(outbox, f), "utf8"))
    .filter((raw) => raw.includes(`To: ${email}`) && /\/account\/verify\?token=/.test(mailText(raw)));
  if (mails.length === 0) return null;
  return /https?:\/\/\S+\/account\/verify\?token=[A-Za-z0-9._~-]+(&lang=[a-z]{2})?/.exec(mailText(mails[mails.length - 1]))[0];
}

// The accessible name of the focused element ("" when nothing is).
export const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  return el.getAttribute("aria-label") || el.textContent.trim();
});

// Presses Tab (or Shift+Tab) until the focused element's name matches `name`.
export async function tabTo(page, name, { back = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    if (name.test(await focused(page))) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    await page.waitForTimeout(60);
  }
  throw new Error(`no focusable element named ${name}`);
}

// Scrolls the canvas's content until an item matching `test` is fully in view; returns it.
export async function scrollTo(page, test, what) {
  const view = await page.evaluate(() => {
    const c = document.getElementById("canvas");
    return { width: c.clientWidth, height: c.clientHeight };
  });
  let found;
  await expect.poll(async () => {
    found = (await items(page)).find(test);
    if (found && found.y >= 0 && found.y + found.h <= view.height) return true;
    await page.mouse.move(view.width / 2, view.height / 2);
    await page.mouse.wheel(0, found ? found.y - view.height / 3 : 250);
    return false;
  }, { timeout: 20_000, intervals: [150], message: `scrolled to ${what}` }).toBe(true);
  return found;
}

// The checkout's steps by the mouse. Clicks on the canvas land in the next frame: each step waits for its result.
export async function next(page, heading) {
  await click(page, { role: "button", label: "Continue" });
  await findItem(page, { role: "heading", label: heading });
}

export async function tick(page, label) {
  await click(page, { role: "checkbox", label });
  await expect.poll(async () => (await findItem(page, { role: "checkbox", label })).checked).toBe(true);
}
