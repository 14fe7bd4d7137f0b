// eSIM delivery (issue 5) in the browser: pay through the processor sandbox, wait for the partner sandbox's
// profile, and check what the traveller gets: a QR code that an independent decoder (zbarimg, Debian's
// zbar-tools) reads as exactly the backend's activation code, Copy buttons that put exactly the strings on the
// clipboard, the iOS 17.4+ install link, progress while the profile is delayed, a refund when it never comes,
// and a support message instead of a QR when the partner's code is invalid.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { findItem, items, repoRoot, setPartnerBehaviour, startServer } from "./helpers.mjs";
import { api, paidOrder, scrollTo } from "./shop.mjs";

const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

const IPHONE_17_4 =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
  "Version/17.4 Mobile/15E148 Safari/604.1";
const IPHONE_17_3 =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
  "Version/17.3 Mobile/15E148 Safari/604.1";

// One stack (store + processor + partner) for the tests that share the default behaviour; some start their own.
let stack;
test.beforeAll(async () => {
  stack = await startServer();
});
test.afterAll(async () => stack && stack.stop());

// The parts of a MIME message (nested multiparts flattened): {type, body: Buffer}, base64 bodies decoded.
function mimeParts(raw) {
  const parts = [];
  const walk = (text) => {
    const split = text.search(/\r?\n\r?\n/);
    const head = split < 0 ? text : text.slice(0, split);
    const body = split < 0 ? "" : text.slice(split).replace(/^\r?\n\r?\n/, "");
    const type = (/^content-type:\s*([^;\r\n]+)/im.exec(head)?.[1] ?? "text/plain").toLowerCase();
    const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
    if (type.startsWith("multipart/") && boundary) {
      for (const piece of body.split(`--${boundary}`).slice(1)) if (!piece.startsWith("--")) walk(piece.replace(/^\r?\n/, ""));
      return;
    }
    const base64 = /^content-transfer-encoding:\s*base64/im.test(head);
    parts.push({ type, body: base64 ? Buffer.from(body.replace(/\s+/g, ""), "base64") : Buffer.from(body) });
  };
  walk(raw);
  return parts;
}

async function waitForState(server, id, token, states, timeout = 30_000) {
  let last;
  await expect.poll(async () => {
    last = (await api(server, "GET", `/api/orders/${id}`, { token })).json;
    return states.includes(last.state);
  }, { timeout, message: `order ${id} reaches ${states}` }).toBe(true);
  return last;
}

async function openOrder(page, server, id, token) {
  await page.goto(`${server.url}/?test=1&order=${id}#t=${token}`);
  await expect.poll(() => page.evaluate(() => window.jupiterTest?.frames() ?? 0)).toBeGreaterThan(0);
  // A first visit shows the cookie banner over the page: answer it, as a traveller would.
  const reject = page.getByRole("button", { name: "Reject all" });
  if (await reject.isVisible().catch(() => false)) await reject.click();
  await expect(reject).toBeHidden();
}


// Screenshots the widget (its rectangle plus a margin) and decodes every QR code in it with zbarimg.
async function decodeQr(page, item, name) {
  const file = path.join(shots, `${name}.png`);
  const m = 6;
  await page.screenshot({ path: file, clip: { x: item.x - m, y: item.y - m, width: item.w + 2 * m, height: item.h + 2 * m } });
  const out = execFileSync("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file], { encoding: "utf8" });
  return out.replace(/\n$/, "");
}

for (const scale of [1, 2]) {
  test(`the QR code decodes to exactly the activation code (devicePixelRatio ${scale})`, async ({ browser }) => {
    const context = await browser.newContext({ deviceScaleFactor: scale, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const { order, token } = await paidOrder(stack, page);
    const done = await waitForState(stack, order.id, token, ["delivered"]);
    expect(done.esim.activation_code).toMatch(/^LPA:1\$/);

    await openOrder(page, stack, order.id, token);
    const qr = await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 20_000 });
    expect(qr.value).toBe(done.esim.activation_code);
    expect(qr.w).toBeGreaterThanOrEqual(200);  // at least 200 CSS pixels on desktop
    // Whole device pixels: the code's side (quiet zone included) is a whole number of device pixels, and so is
    // its position, so that every module covers whole pixels.
    for (const v of [qr.x, qr.y, qr.w]) expect(Math.abs(v * scale - Math.round(v * scale))).toBeLessThan(0.01);
    expect(await decodeQr(page, qr, `delivery-qr-${scale}x`)).toBe(done.esim.activation_code);

    // Desktop: a second code opens this order's page (secret included) on the phone.
    const phone = await scrollTo(page, (i) => i.role === "qr" && i.label === "QR code for this order's page", "the order QR");
    expect(await decodeQr(page, phone, `delivery-order-qr-${scale}x`)).toBe(`${stack.url}/?order=${order.id}#t=${token}`);
    await page.screenshot({ path: path.join(shots, `delivery-page-${scale}x.png`), fullPage: true });
    await context.close();
  });
}

test("Copy buttons put exactly the strings on the clipboard", async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack.url });
  const page = await context.newPage();
  const { order, token } = await paidOrder(stack, page);
  const done = await waitForState(stack, order.id, token, ["delivered"]);
  await openOrder(page, stack, order.id, token);
  await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 20_000 });

  const copies = [
    ["copy-code", done.esim.activation_code],
    ["copy-smdp", done.esim.smdp],
    ["copy-iccid", done.esim.iccid],
  ];
  for (const [id, expected] of copies) {
    await page.evaluate(() => navigator.clipboard.writeText("(nothing)"));
    const target = await scrollTo(page, (i) => i.role === "button" && i.id.endsWith(`##${id}`), id);
    await page.mouse.click(target.x + target.w / 2, target.y + target.h / 2);
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
  }
  await findItem(page, { role: "status", label: "Copied to the clipboard." });
  await context.close();
});

test("an iPhone on iOS 17.4 gets the install link with the percent-encoded code; 17.3 does not", async ({ browser }) => {
  const setup = await browser.newPage();
  const { order, token } = await paidOrder(stack, setup);
  const done = await waitForState(stack, order.id, token, ["delivered"]);
  await setup.close();

  const phone = await browser.newContext({ userAgent: IPHONE_17_4, viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await openOrder(page, stack, order.id, token);
  const link = await findItem(page, { role: "link", label: "Install on this iPhone" }, { timeout: 20_000 });
  expect(link.value).toBe(
    "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=" + encodeURIComponent(done.esim.activation_code)
      .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase()));
  // No desktop "open on your phone" code on a phone.
  expect((await items(page)).some((i) => i.role === "qr" && /order's page/.test(i.label))).toBe(false);
  await page.screenshot({ path: path.join(shots, "delivery-iphone-17.4.png") });
  await phone.close();

  const older = await browser.newContext({ userAgent: IPHONE_17_3, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const old = await older.newPage();
  await openOrder(old, stack, order.id, token);
  await findItem(old, { role: "qr", label: "QR code for your eSIM" }, { timeout: 20_000 });
  expect((await items(old)).some((i) => i.role === "link" && i.label === "Install on this iPhone")).toBe(false);
  await older.close();
});

test("a delayed profile shows progress, then the QR code", async ({ page }) => {
  await setPartnerBehaviour(stack.partnerUrl, { mode: "delay", delaySeconds: 6 });
  try {
    const { order, token } = await paidOrder(stack, page);
    await openOrder(page, stack, order.id, token);
    await findItem(page, { label: /Preparing your eSIM/ }, { timeout: 15_000 });
    expect((await items(page)).some((i) => i.role === "qr")).toBe(false);
    await page.screenshot({ path: path.join(shots, "delivery-preparing.png") });
    const qr = await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 45_000 });
    const done = await waitForState(stack, order.id, token, ["delivered"]);
    expect(qr.value).toBe(done.esim.activation_code);
  } finally {
    await setPartnerBehaviour(stack.partnerUrl, { mode: "instant" });
  }
});

test("an activation code that fails validation never becomes a QR: a support message with the order id", async ({ page }) => {
  await setPartnerBehaviour(stack.partnerUrl, { mode: "bad_code" });
  try {
    const { order, token } = await paidOrder(stack, page);
    await expect.poll(async () => (await api(stack, "GET", `/api/orders/${order.id}`, { token })).json.delivery.status,
      { timeout: 30_000 }).toBe("flagged");
    await openOrder(page, stack, order.id, token);
    await findItem(page, { label: new RegExp(order.id) }, { timeout: 20_000 });
    expect((await items(page)).some((i) => i.role === "qr")).toBe(false);
    await page.screenshot({ path: path.join(shots, "delivery-flagged.png") });
  } finally {
    await setPartnerBehaviour(stack.partnerUrl, { mode: "instant" });
  }
});

test("a profile that never comes ends refunded, and the traveller is told", async ({ page }) => {
  const own = await startServer({ provisionDeadline: 4, partnerMode: "fail" });
  try {
    const { order, token } = await paidOrder(own, page);
    const end = await waitForState(own, order.id, token, ["refunded"], 45_000);
    expect(end.payment.status).toBe("refunded");
    await openOrder(page, own, order.id, token);
    await findItem(page, { label: /refunded/i }, { timeout: 20_000 });
    expect((await items(page)).some((i) => i.role === "qr")).toBe(false);
    await page.screenshot({ path: path.join(shots, "delivery-refunded.png") });
  } finally {
    await own.stop();
  }
});

test("Resend e-mail sends the same eSIM again, and is rate-limited", async ({ page }) => {
  const { order, token } = await paidOrder(stack, page);
  const done = await waitForState(stack, order.id, token, ["delivered"]);
  const outbox = path.join(stack.dataDir, "outbox");
  const mails = () => fs.readdirSync(outbox).filter((f) => f.includes(order.id));
  await expect.poll(() => mails().length, { timeout: 10_000 }).toBeGreaterThan(0);
  const before = mails().length;

  await openOrder(page, stack, order.id, token);
  await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 20_000 });
  const resend = await scrollTo(page, (i) => i.role === "button" && i.label === "Resend e-mail", "Resend e-mail");
  await page.mouse.click(resend.x + resend.w / 2, resend.y + resend.h / 2);
  await expect.poll(() => mails().length, { timeout: 10_000 }).toBe(before + 1);
  // The delivery e-mail and the resend carry the same profile (ICCID, activation code), and their QR images decode
  // to exactly the activation code.
  const withProfile = mails().sort().map((f) => mimeParts(fs.readFileSync(path.join(outbox, f), "utf8")))
    .filter((parts) => parts.some((p) => p.type.startsWith("text/") && p.body.toString("utf8").includes(done.esim.iccid)));
  expect(withProfile.length).toBe(2);
  for (const [n, parts] of withProfile.entries()) {
    const png = parts.find((p) => p.type.startsWith("image/png"));
    expect(png, "a PNG QR code attached").toBeTruthy();
    const file = path.join(shots, `delivery-mail-qr-${n}.png`);
    fs.writeFileSync(file, png.body);
    expect(execFileSync("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file], { encoding: "utf8" }).trim())
      .toBe(done.esim.activation_code);
  }
  const again = await api(stack, "POST", `/api/orders/${order.id}/resend`, { token });
  expect(again.status).toBe(429);
});

test("Your data: a copy downloads, marketing stops, and erasure (asked twice) removes the personal data and revokes the link", async ({ page }) => {
  const { order, token } = await paidOrder(stack, page, { marketing: true, email: "erase.me@example.com" });
  await waitForState(stack, order.id, token, ["delivered"]);
  await openOrder(page, stack, order.id, token);
  await findItem(page, { role: "qr", label: "QR code for your eSIM" }, { timeout: 20_000 });
  const press = async (label) => {
    const match = (i) => i.role === "button" && i.label === label;
    let it = await scrollTo(page, match, label);
    // Click once the button is enabled (they are all disabled while a request of this section is on its way,
    // such as the download just before) and stays put between two frames.
    await expect.poll(async () => {
      const now = (await items(page)).find(match);
      const ready = !!now && now.enabled && now.x === it.x && now.y === it.y;
      if (now) it = now;
      return ready;
    }, { timeout: 10_000, intervals: [100], message: `${label} enabled and still` }).toBe(true);
    await page.mouse.click(it.x + it.w / 2, it.y + it.h / 2);
  };

  const [download] = await Promise.all([page.waitForEvent("download"), press("Download a copy of my data")]);
  expect(download.suggestedFilename()).toBe(`jupiteresims-${order.id}.json`);
  const copy = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  expect(copy.order.id).toBe(order.id);
  expect(copy.order.customer.email).toBe("erase.me@example.com");
  expect(copy.consent_receipts.some((r) => r.action === "checkout_confirmations")).toBe(true);

  await press("Stop marketing messages");
  // The server's answer first (under load the page may take a few frames to show it), then what the page says.
  await expect.poll(async () => (await api(stack, "GET", `/api/orders/${order.id}`, { token })).json.marketing,
                    { timeout: 10_000, message: "the order's marketing opt-in is withdrawn" }).toBe(false);
  await scrollTo(page, (i) => i.role === "status" && i.label === "We will not send you marketing messages.", "the marketing note");

  await press("Delete my personal data");
  await scrollTo(page, (i) => i.role === "alert" && /This deletes your name/.test(i.label), "the erasure warning");
  expect((await api(stack, "GET", `/api/orders/${order.id}`, { token })).json.customer.email).toBe("erase.me@example.com");
  await press("Yes, delete my personal data");
  await scrollTo(page, (i) => i.role === "status" && i.label === "Your personal data was deleted.", "the erasure note");
  // The erasure revokes the order's link: its token now opens nothing (the same 404 as an unknown order), so the
  // activation code is no longer reachable through it either.
  const after = await api(stack, "GET", `/api/orders/${order.id}`, { token });
  expect(after.status).toBe(404);
  const outbox = path.join(stack.dataDir, "outbox");
  expect(fs.readdirSync(outbox).filter((f) => fs.readFileSync(path.join(outbox, f), "utf8").includes(order.id))).toEqual([]);
  // The eSIM is still shown (it keeps working); there is no address left to resend to.
  expect((await items(page)).some((i) => i.label === "Resend e-mail")).toBe(false);
  await page.screenshot({ path: path.join(shots, "delivery-data-erased.png"), fullPage: true });
});
