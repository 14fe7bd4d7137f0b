// Partner embed end to end (issue 12): a host page on another origin (a small node server on a free port) with
// the one-line snippet, the real backend and sandboxes, the store in its frame reached with Playwright's frames.
// Each test starts its own backend, creates partner "e2e" through the admin API and allows only the host's origin
// (http://127.0.0.1:<host port>); http://localhost:<host port> is the same page on an origin that is not allowed.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { repoRoot, startServer } from "./helpers.mjs";

const FIXTURES = path.join(repoRoot, "tests/e2e/fixtures/embed");
const PLAN = "jp-1gb-7d";
const shots = path.join(repoRoot, "tests/e2e/results/screenshots");
fs.mkdirSync(shots, { recursive: true });

let server, host;
test.beforeEach(async () => {
  server = await startServer();
  host = await startHost();
  await createPartner(server, host.origin);
});
test.afterEach(async ({ page }, info) => {
  if (info.status !== info.expectedStatus) await page.screenshot({ path: info.outputPath("failure.png") }).catch(() => {});
  await host?.close();
  await server?.stop();
});

// ---- the host: pages registered by the test, and the fixture files --------------------------------------------
async function startHost() {
  const pages = new Map();
  const srv = http.createServer((req, res) => {
    const p = new URL(req.url, "http://host").pathname;
    const file = path.join(FIXTURES, path.basename(p));
    if (pages.has(p)) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(pages.get(p));
    }
    if (p !== "/" && fs.existsSync(file)) {
      res.writeHead(200, { "Content-Type": p.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8" });
      return res.end(fs.readFileSync(file));
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const port = srv.address().port;
  return {
    origin: `http://127.0.0.1:${port}`,
    other: `http://localhost:${port}`,  // the same server on an origin the partner does not allow
    page(p, body, head = "") {
      pages.set(p, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Travel notes</title>` +
        `${head}<script src="/record.js"></script><script src="${server.url}/embed.js" async></script></head>` +
        `<body><main><h1>Travel notes</h1>${body}</main></body></html>`);
      return p;
    },
    close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(r); }),
  };
}

async function createPartner(srv, origin, id = "e2e") {
  const token = fs.readFileSync(path.join(srv.dataDir, "admin-token"), "utf8").trim();
  const res = await fetch(`${srv.url}/api/admin/partners`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ id, name: "E2E Travel Blog", origins: [origin], commission_bp: 1000,
      contact: { name: "Pat Partner", email: "pat@example.com" } }),
  });
  expect(res.status, await res.text()).toBe(201);
}

// ---- the store in its frame ----------------------------------------------------------------------------------
const iframeOf = (page, sel = "jupiter-store") => page.locator(sel).locator("iframe");

// The store's frame once its module runs. Scrolled into view first: Chromium does not render a cross-origin
// frame that is off screen.
async function storeFrame(page, sel = "jupiter-store") {
  await page.locator(sel).scrollIntoViewIfNeeded();
  const handle = await iframeOf(page, sel).elementHandle({ timeout: 10_000 });
  let frame;
  await expect.poll(async () => {
    frame = await handle.contentFrame();
    return frame ? frame.evaluate(() => window.jupiterTest?.frames() ?? 0).catch(() => 0) : 0;
  }, { timeout: 20_000, message: "the store runs in the frame" }).toBeGreaterThan(0);
  return frame;
}

const frameItems = (frame) => frame.evaluate(() => (window.jupiterTest ? window.jupiterTest.items() : []));

async function findIn(frame, match, { timeout = 10_000 } = {}) {
  const ok = (v, want) => want === undefined || (want instanceof RegExp ? want.test(v) : v === want);
  let found;
  await expect.poll(async () => {
    found = (await frameItems(frame)).find((it) => ok(it.label, match.label) && ok(it.role, match.role));
    return !!found;
  }, { timeout, message: `widget ${String(match.label)} in the frame` }).toBe(true);
  return found;
}

// Clicks a point of the frame (frame CSS px), scrolling the host page first when it is outside the viewport.
async function clickAt(page, sel, x, y) {
  const iframe = iframeOf(page, sel);
  let box = await iframe.boundingBox();
  const vh = page.viewportSize().height;
  if (box.y + y < 20 || box.y + y > vh - 20) {
    await page.evaluate((dy) => window.scrollBy(0, dy), box.y + y - vh / 2);
    box = await iframe.boundingBox();
  }
  await page.mouse.click(box.x + x, box.y + y);
}

async function clickIn(page, frame, match, sel = "jupiter-store") {
  const it = await findIn(frame, match);
  expect(it.enabled, `${it.label} is enabled`).toBe(true);
  await clickAt(page, sel, it.x + Math.min(it.w / 2, 40), it.y + it.h / 2);
}

async function typeIn(page, frame, match, text) {
  await clickIn(page, frame, match);
  await page.keyboard.type(text, { delay: 20 });
}

async function nextStep(page, frame, heading) {
  await clickIn(page, frame, { role: "button", label: "Continue" });
  await findIn(frame, { role: "heading", label: heading });
}

async function tickIn(page, frame, label) {
  await clickIn(page, frame, { role: "checkbox", label });
  await expect.poll(async () => (await findIn(frame, { role: "checkbox", label })).checked).toBe(true);
}

const events = (page) => page.evaluate(() => window.jupiterEvents);
const eventNames = async (page) => (await events(page)).map((e) => e.name);

// ---- tests ---------------------------------------------------------------------------------------------------
test("the element shows the store in a lazy, titled frame on the store's origin, sized by the store", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const embedRequests = [];
  page.on("request", (r) => { if (r.url().includes("/embed/")) embedRequests.push(r.url()); });
  await page.goto(host.origin + host.page("/lazy",
    `<p style="height:3000px">A long article.</p>` +
    `<jupiter-store partner="e2e" destination="jp" plan="${PLAN}" currency="EUR" test>` +
    `<a href="${server.url}/?partner=e2e">Buy an eSIM</a></jupiter-store>`));
  await page.waitForTimeout(1000);
  expect(embedRequests, "nothing loads while the element is far below the viewport").toEqual([]);
  await expect(page.getByRole("link", { name: "Buy an eSIM" }), "the fallback link is hidden once embed.js runs").toBeHidden();

  await page.locator("jupiter-store").scrollIntoViewIfNeeded();
  const iframe = iframeOf(page);
  await expect(iframe).toHaveAttribute("title", "JupiterEsims eSIM store");
  await expect(iframe).toHaveAttribute("loading", "lazy");
  const src = new URL(await iframe.getAttribute("src"));
  expect(src.origin).toBe(server.url);
  expect(src.pathname).toBe("/embed/e2e");
  expect(Object.fromEntries(src.searchParams)).toEqual({ parent: host.origin, destination: "JP", plan: PLAN,
    currency: "EUR", test: "1" });  // no hc: this host said nothing about consent

  const frame = await storeFrame(page);
  const cfg = await frame.evaluate(() => window.jupiterEmbed.config);
  expect([cfg.partner, cfg.parent, cfg.destination, cfg.currency]).toEqual(["e2e", host.origin, "JP", "EUR"]);
  // The host page cannot read the store (another origin).
  expect(await page.evaluate(() => {
    try { return document.querySelector("jupiter-store").shadowRoot.querySelector("iframe").contentDocument; }
    catch (e) { return "blocked"; }
  })).toBeNull();

  // The frame's height follows what the store reports (clamped), through the channel.
  const height = () => iframe.evaluate((f) => f.getBoundingClientRect().height);
  await frame.evaluate(() => window.jupiterEmbed.size(900));
  await expect.poll(height).toBe(900);
  await frame.evaluate(() => window.jupiterEmbed.size(12));
  await expect.poll(height).toBe(320);
  await frame.evaluate(() => window.jupiterEmbed.size(1e9));
  await expect.poll(height).toBe(4000);
  const width = await iframe.evaluate((f) => [f.getBoundingClientRect().width, f.parentNode.host.getBoundingClientRect().width]);
  expect(width[0]).toBe(width[1]);
  expect(errors).toEqual([]);
});

test("the store module reports its content height and ready (helper C's side)", async ({ page }) => {
  await page.goto(host.origin + host.page("/one", `<jupiter-store id="s" partner="e2e" destination="JP" test></jupiter-store>`));
  await storeFrame(page);
  await expect.poll(() => eventNames(page), { timeout: 15_000 }).toContain("ready");
  expect((await events(page)).find((e) => e.name === "ready")).toEqual({ name: "ready", target: "s", detail: {} });
  // sized by the store: no longer the loader's initial 640 px
  await expect.poll(() => iframeOf(page).evaluate((f) => f.getBoundingClientRect().height)).not.toBe(640);
  await page.screenshot({ path: path.join(shots, "embed-host.png") });
});

test("the store never takes the focus from the host page, with or without its consent banner", async ({ page }) => {
  await page.goto(host.origin + host.page("/focus",
    `<p><a href="#top" id="first">A link on the host page</a></p><jupiter-store partner="e2e" destination="JP" test></jupiter-store>`));
  await storeFrame(page);
  await expect.poll(() => eventNames(page), { timeout: 15_000 }).toContain("ready");
  // The store's own banner is up in the frame (this host said nothing), and the focus is still the host's.
  const frame = page.frameLocator("jupiter-store iframe");
  await expect(frame.getByRole("button", { name: "Reject all" })).toBeVisible();
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  // A keyboard user starts on the host page: the first Tab reaches the host's own link.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement && document.activeElement.id)).toBe("first");
});

test("a 4242 purchase inside the frame pays in a popup, shows the eSIM, and the host gets events without personal data", async ({ page, context }) => {
  await page.goto(host.origin + host.page("/buy", `<jupiter-store id="s" partner="e2e" plan="${PLAN}" test></jupiter-store>`));
  const frame = await storeFrame(page);
  await frame.getByRole("button", { name: "Reject all" }).click({ timeout: 5_000 });
  await clickIn(page, frame, { role: "button", label: /^Buy for/ });
  await findIn(frame, { role: "heading", label: "Review your plan" });
  await nextStep(page, frame, "Your details");
  await typeIn(page, frame, { role: "textbox", label: "E-mail address" }, "ada@example.com");
  await typeIn(page, frame, { role: "textbox", label: "E-mail address again" }, "ada@example.com");
  await typeIn(page, frame, { role: "textbox", label: "Full name" }, "Ada Lovelace");
  await nextStep(page, frame, "Confirmations");
  await tickIn(page, frame, "I am 18 or older");
  await tickIn(page, frame, /^I accept the Terms/);
  await nextStep(page, frame, "Payment");

  const popupOpened = context.waitForEvent("page");
  await clickIn(page, frame, { role: "button", label: /^Pay \$/ });
  const popup = await popupOpened;
  await popup.waitForURL((u) => u.href.startsWith(server.processorUrl));
  expect(page.url(), "the host page stays where it was").toContain(host.origin);
  await popup.fill("#number", "4242 4242 4242 4242");
  await popup.fill("#exp", "12/34");
  await popup.fill("#cvc", "123");
  const closed = popup.waitForEvent("close", { timeout: 20_000 });
  await popup.click("button[type=submit]");
  await closed;  // embed-return.html closed the window

  await findIn(frame, { role: "qr", label: "QR code for your eSIM" }, { timeout: 30_000 });
  await page.screenshot({ path: path.join(shots, "embed-paid.png") });
  await expect.poll(() => eventNames(page), { timeout: 10_000 }).toContain("order-paid");
  const got = await events(page);
  const started = got.find((e) => e.name === "checkout-started");
  const paid = got.find((e) => e.name === "order-paid");
  expect(Object.keys(started.detail).sort()).toEqual(["amount_minor", "currency", "plan"]);
  expect(Object.keys(paid.detail).sort()).toEqual(["amount_minor", "currency", "order", "plan"]);
  expect(paid.detail).toMatchObject({ plan: PLAN, currency: started.detail.currency, amount_minor: started.detail.amount_minor });
  expect(paid.detail.order).toMatch(/^ord_/);
  expect(JSON.stringify(got)).not.toMatch(/ada|lovelace|example\.com|4242/i);

  // The order is attributed to the partner.
  const token = fs.readFileSync(path.join(server.dataDir, "admin-token"), "utf8").trim();
  const today = new Date().toISOString().slice(0, 10);
  const report = await (await fetch(`${server.url}/api/admin/partners/e2e/report?from=${today}&to=${today}`, { headers: { Authorization: `Bearer ${token}` } })).text();
  expect(report).toContain(paid.detail.order);
});

test("on an origin that is not on the partner's list the frame is refused and shows no store", async ({ page, request }) => {
  await page.goto(host.other + host.page("/elsewhere", `<jupiter-store partner="e2e" test></jupiter-store>`));
  const iframe = iframeOf(page);
  await expect(iframe).toHaveCount(1);
  expect(new URL(await iframe.getAttribute("src")).searchParams.get("parent")).toBe(host.other);
  await page.waitForTimeout(3000);
  const frame = await (await iframe.elementHandle()).contentFrame();
  const store = frame ? await frame.evaluate(() => !!document.querySelector("canvas") || !!window.jupiterTest).catch(() => false) : false;
  expect(store, "no store content in the refused frame").toBe(false);
  expect(await events(page)).toEqual([]);
  // What the server answered that frame, and an unknown partner.
  const refused = await request.get(`${server.url}/embed/e2e?parent=${encodeURIComponent(host.other)}`);
  expect(refused.status()).toBe(403);
  expect(refused.headers()["content-security-policy"]).toContain(`frame-ancestors ${host.origin}`);
  expect(await refused.text()).toContain("This store is not available here.");
  expect((await request.get(`${server.url}/embed/nobody?parent=${encodeURIComponent(host.origin)}`)).status()).toBe(404);
  // No hello from the refused frame: within the loader's bound (10 s) a link to the store's own page replaces it.
  const link = page.locator("jupiter-store").getByRole("link", { name: "Open the JupiterEsims store" });
  await expect(link).toBeVisible({ timeout: 15_000 });
  expect(await link.getAttribute("href")).toBe(`${server.url}/?partner=e2e`);
  await expect(iframeOf(page)).toHaveCount(0);
  await page.locator("jupiter-store").screenshot({ path: path.join(shots, "embed-refused-fallback.png") });
});

test("a store that opens in time shows no fallback link", async ({ page }) => {
  await page.goto(host.origin + host.page("/ontime", `<jupiter-store partner="e2e" test></jupiter-store>`));
  await storeFrame(page);
  await expect.poll(() => eventNames(page), { timeout: 15_000 }).toContain("ready");
  await page.waitForTimeout(11_000);  // past the loader's 10 s bound
  await expect(page.locator("jupiter-store").getByRole("link")).toHaveCount(0);
  await expect(iframeOf(page)).toHaveCount(1);
});

test("forged messages from other frames are ignored by the loader and by the store's frame", async ({ page }) => {
  await page.goto(host.origin + host.page("/forged",
    `<jupiter-store id="s" partner="e2e" destination="JP" test></jupiter-store>` +
    `<iframe id="ad" title="Advertisement" src="${host.other}/forger.html"></iframe>` +
    `<iframe id="own" title="Same-origin widget" src="${host.origin}/forger.html"></iframe>`));
  const frame = await storeFrame(page);
  await page.locator("#s").evaluate((el) => el.setAttribute("destination", "ES"));  // the channel is up
  await expect.poll(() => frame.evaluate(() => window.jupiterEmbed.config.destination)).toBe("ES");
  const before = await events(page);
  for (const id of ["#ad", "#own"]) {
    const forger = await (await page.locator(id).elementHandle()).contentFrame();
    await forger.waitForFunction(() => typeof window.forge === "function");
    expect(await forger.evaluate(() => window.forge()), `${id} found frames to forge into`).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(1000);
    expect(await forger.evaluate(() => window.forgerGot), `${id} got no port`).toEqual([]);
  }
  expect(await events(page), "no event from the forgers").toEqual(before);
  expect(await frame.evaluate(() => window.jupiterEmbed.config.destination), "the forged ports were refused").toBe("ES");
  // The real channel still works: an attribute change reaches the frame.
  await page.locator("#s").evaluate((el) => el.setAttribute("destination", "FR"));
  await expect.poll(() => frame.evaluate(() => window.jupiterEmbed.config.destination)).toBe("FR");
});

test("a host CMP that refused analytics: no second banner in the frame, no analytics, no consent recorded", async ({ page }) => {
  const fromFrame = [];
  page.on("request", (r) => { if (r.frame() !== page.mainFrame()) fromFrame.push(r.url()); });
  await page.goto(host.origin + host.page("/refused", `<jupiter-store partner="e2e" test></jupiter-store>`,
    `<script src="/cmp-reject.js"></script>`));
  const iframe = iframeOf(page);
  await expect(iframe).toHaveCount(1);
  expect(new URL(await iframe.getAttribute("src")).searchParams.get("hc")).toBe("a0m0");
  const frame = await storeFrame(page);
  await frame.waitForFunction(() => typeof window.JupiterConsent.state === "function");  // consent.js started
  await page.waitForTimeout(1000);
  await expect(frame.locator(".jc-banner, .jc-prefs")).toHaveCount(0);
  expect(await frame.evaluate(() => [JupiterConsent.accepted("analytics"), JupiterConsent.accepted("marketing"),
    JupiterConsent.state().valid])).toEqual([false, false, false]);
  const granted = await frame.evaluate(() => window.dataLayer.filter((e) => e[0] === "consent" && e[2] &&
    (e[2].analytics_storage === "granted" || e[2].ad_storage === "granted")).length);
  expect(granted, "neither analytics_storage nor ad_storage granted in the frame").toBe(0);
  expect(fromFrame.filter((u) => !u.startsWith(server.url)), "every request of the frame goes to the store").toEqual([]);
  expect(fromFrame.filter((u) => u.includes("/api/consent/receipts")), "no decision recorded for the buyer").toEqual([]);
  // Strictly necessary processing does not wait: the store runs and shows plans.
  await findIn(frame, { role: "button", label: "Privacy" });
});

// A host CMP the test drives: TCF v2.2 (purpose 1) and Google Consent Mode, both granted at first.
const LIVE_CMP = `<script>
  window.dataLayer = [["consent", "default", { analytics_storage: "granted", ad_storage: "granted" }]];
  var tcfListeners = [], tcfP1 = true;
  var tcfData = () => ({ eventStatus: "useractioncomplete", gdprApplies: true, listenerId: 1, purpose: { consents: { 1: tcfP1 } } });
  window.__tcfapi = function (command, version, callback) {
    if (command === "addEventListener") { tcfListeners.push(callback); callback(tcfData(), true); }
  };
  window.tcfAnswer = function (p1) { tcfP1 = p1; tcfListeners.forEach((f) => f(tcfData(), true)); };
</script>`;

test("the host's CMP changes its answer while the frame is open: the frame applies it at once, no reload", async ({ page }) => {
  await page.goto(host.origin + host.page("/live", `<jupiter-store partner="e2e" test></jupiter-store>`, LIVE_CMP));
  expect(new URL(await iframeOf(page).getAttribute("src")).searchParams.get("hc")).toBe("a1m1");
  const frame = await storeFrame(page);
  await frame.getByRole("button", { name: "Accept all" }).click({ timeout: 10_000 });
  const accepted = () => frame.evaluate(() => [JupiterConsent.accepted("analytics"), JupiterConsent.accepted("marketing")]);
  const modeNow = () => frame.evaluate(() => {  // the frame's Consent Mode: the last entry naming each type wins
    const out = {};
    window.dataLayer.forEach((e) => { if (e[0] === "consent" && e[2]) Object.assign(out, e[2]); });
    return [out.analytics_storage, out.ad_storage];
  });
  await expect.poll(accepted).toEqual([true, true]);
  await expect.poll(modeNow).toEqual(["granted", "granted"]);
  await frame.evaluate(() => { window.sameDocument = true; });

  await page.evaluate(() => window.tcfAnswer(false));  // TCF: purpose 1 withdrawn
  await expect.poll(accepted, { timeout: 5_000 }).toEqual([false, false]);
  await expect.poll(modeNow).toEqual(["denied", "denied"]);
  await page.evaluate(() => window.tcfAnswer(true));  // back, then Consent Mode withdraws analytics only
  await page.evaluate(() => window.dataLayer.push(["consent", "update", { analytics_storage: "denied" }]));
  await expect.poll(accepted, { timeout: 5_000 }).toEqual([false, true]);
  expect(await frame.evaluate(() => window.sameDocument), "no reload of the frame").toBe(true);
  await expect(frame.locator(".jc-banner")).toHaveCount(0);
});

test("a host that said nothing about consent: the frame shows its own banner", async ({ page }) => {
  await page.goto(host.origin + host.page("/silent", `<jupiter-store partner="e2e" test></jupiter-store>`));
  expect(new URL(await iframeOf(page).getAttribute("src")).searchParams.has("hc")).toBe(false);
  const frame = await storeFrame(page);
  await expect(frame.getByRole("button", { name: "Reject all" })).toBeVisible({ timeout: 10_000 });
});

test("two elements on one page: two frames, two channels, events from each, attribute changes and removal", async ({ page }) => {
  await page.goto(host.origin + host.page("/two",
    `<jupiter-store id="a" partner="e2e" destination="JP" test></jupiter-store>` +
    `<jupiter-store id="b" partner="e2e" destination="FR" currency="nope" test></jupiter-store>`));
  const a = await storeFrame(page, "#a");
  const b = await storeFrame(page, "#b");
  expect(a).not.toBe(b);
  expect(await a.evaluate(() => window.jupiterEmbed.config.destination)).toBe("JP");
  expect(await b.evaluate(() => window.jupiterEmbed.config.destination)).toBe("FR");
  expect(new URL(await iframeOf(page, "#b").getAttribute("src")).searchParams.has("currency"), "a bad currency is dropped").toBe(false);
  await a.evaluate(() => window.jupiterEmbed.emit("plan-selected", JSON.stringify({ plan: "jp-1gb-7d", destination: "JP", email: "x@y.z" })));
  await b.evaluate(() => window.jupiterEmbed.emit("error", JSON.stringify({ code: "plan_unknown" })));
  await expect.poll(async () => (await events(page)).filter((e) => e.name !== "ready")).toEqual([
    { name: "plan-selected", target: "a", detail: { plan: "jp-1gb-7d", destination: "JP" } },  // email dropped
    { name: "error", target: "b", detail: { code: "plan_unknown" } },
  ]);
  await page.locator("#b").evaluate((el) => el.setAttribute("destination", "ES"));
  await expect.poll(() => b.evaluate(() => window.jupiterEmbed.config.destination)).toBe("ES");
  expect(await a.evaluate(() => window.jupiterEmbed.config.destination)).toBe("JP");
  await page.locator("#a").evaluate((el) => el.remove());
  await expect(page.locator("jupiter-store iframe")).toHaveCount(1);  // #a's frame went with it
  await expect(iframeOf(page, "#b")).toHaveCount(1);
});

test("theme=\"dark\": the frame's consent banner is dark, and turns light when the attribute changes", async ({ page }) => {
  await page.goto(host.origin + host.page("/dark", `<jupiter-store partner="e2e" theme="dark" test></jupiter-store>`));
  const frame = await storeFrame(page);
  const banner = frame.locator(".jc-banner");
  await expect(banner).toBeVisible({ timeout: 10_000 });
  const colours = () => frame.evaluate(() => ({ theme: document.documentElement.dataset.theme,
    banner: getComputedStyle(document.querySelector(".jc-banner")).backgroundColor,
    body: getComputedStyle(document.body).backgroundColor }));
  const lum = (css) => { const [r, g, b] = css.match(/\d+/g).map(Number); return (r + g + b) / 3; };
  const dark = await colours();
  expect(dark.theme).toBe("dark");
  expect(lum(dark.banner), dark.banner).toBeLessThan(60);
  expect(lum(dark.body), dark.body).toBeLessThan(60);
  await page.screenshot({ path: path.join(shots, "embed-dark-banner.png") });
  await page.locator("jupiter-store").evaluate((el) => el.setAttribute("theme", "light"));
  await expect.poll(async () => (await colours()).theme).toBe("light");
  const light = await colours();
  expect(lum(light.banner), light.banner).toBeGreaterThan(200);
  expect(lum(light.body), light.body).toBeGreaterThan(200);
});

test("an element in the first screen gets its frame at once, loaded eagerly; one further down stays lazy", async ({ page }) => {
  await page.goto(host.origin + host.page("/first-screen",
    `<jupiter-store id="top" partner="e2e" test></jupiter-store><p style="height:3000px">A long article.</p>` +
    `<jupiter-store id="below" partner="e2e" test></jupiter-store>`));
  await expect(iframeOf(page, "#top")).toHaveAttribute("loading", "eager");
  await storeFrame(page, "#top");
  await expect(iframeOf(page, "#below")).toHaveCount(0);
  await page.locator("#below").scrollIntoViewIfNeeded();
  await expect(iframeOf(page, "#below")).toHaveAttribute("loading", "lazy");
});

test("no partner: a short visible message instead of a frame", async ({ page }) => {
  const warnings = [];
  page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
  await page.goto(host.origin + host.page("/nopartner", `<jupiter-store destination="JP"></jupiter-store>`));
  await expect(page.getByText("The JupiterEsims store cannot be shown here")).toBeVisible();
  await expect(iframeOf(page)).toHaveCount(0);
  expect(warnings.join("\n")).toContain("partner");
});

test("axe-core finds no violations on the host page with the embed", async ({ page }) => {
  await page.goto(host.origin + host.page("/a11y", `<p>Pick an eSIM for your trip.</p>` +
    `<jupiter-store partner="e2e" destination="JP" test></jupiter-store>`));
  await storeFrame(page);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
});
