#!/usr/bin/env node
// bench.mjs: the store's size, load-time and idle benchmark (issue 2, item 10). A benchmark, not a test: a missed
// target prints MISS and the exit status stays 0; it exits non-zero only when it could not measure.
//
// Usage (from anywhere; paths are resolved from the repo root):
//   node tests/bench/bench.mjs [--runs N] [--phone-runs N] [--second-runs N] [--json PATH] [--web DIR] [--baseline DIR]
//
// --web DIR takes the store from DIR/site and hello from DIR/bench-site (default build/web). --baseline DIR adds a
// second store (DIR/site: another build of it, e.g. before a flag change) to the same interleaved load runs, so a
// before/after pair shares one run's noise; its wasm size is printed beside the store's.
//
// It builds nothing. It needs the web build (build/web/site, build/web/bench-site) and the native server
// (build/native/src/server/jupiter-server). It starts two jupiter-server processes on free ports (--port 0, temporary
// --data dirs, the same catalogue), one serving the store, one the plain Dear ImGui "hello" page (the yardstick:
// stock GLFW + OpenGL3 backends, same link flags), and drives Debian's headless Chromium through playwright-core.
//
// What it measures, and how:
//   1. Sizes. Every file index.html references (scripts, stylesheet, preloaded wasm, icon) plus the /api/catalogue
//      response: raw bytes (files from disk, catalogue fetched with Accept-Encoding: identity), gzip level 9 and
//      brotli quality 11 computed with node:zlib, and what the server really sends when asked for br. Then one
//      store load in Chromium with CDP Network events: each request's Accept-Encoding as Chromium sent it, the
//      Content-Encoding it got back, and encodedDataLength (bytes on the wire, HTTP headers included) up to
//      jupiter:catalogue-visible + 1 s. Target: the first screen at most 400 KB (400,000 bytes) with brotli.
//      These two loads (store and hello) also serve as warm-up and are not timed.
//   2. Load time. N runs; each run loads the store and the hello page once, in alternating order (store first on
//      even runs, hello first on odd ones) so both share the machine's noise. Every load is a new browser context
//      (empty HTTP cache, no shared state). The figure is performance.getEntriesByName(mark)[0].startTime, i.e. ms
//      since navigation start as recorded by the page itself (polling only waits for it, max 20 s):
//      jupiter:catalogue-visible for the store, jupiter:first-frame for hello. Target: store median at most 1.5x
//      hello median.
//   2b. Phone profile (--phone-runs N, default 5): the same interleaved fresh loads under PHONE (CPU throttling 4x,
//      Fast 3G). Target: store median at most 1.5x hello median under the same profile; the medians are printed.
//   2c. Second visit (--second-runs N, default 5): in one context, a first load until its mark + 1 s (the HTTP
//      cache fills; the store keeps the catalogue and its ETag), then the same URL again, timed. Target: store at
//      most 1.1x hello's second visit.
//   3. Idle frames. The store with ?test=1: wait for catalogue-visible + 500 ms, read jupiterTest.frames(), wait 3 s
//      without input, read again. Target: 0 frames. For contrast the same is done for both pages by counting the
//      requestAnimationFrame callbacks the page's own code requested (a wrapper installed before any page script).
//
// Console errors, uncaught page errors and failed requests seen during any load are listed at the end.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

import { chromium } from "playwright-core";

// [SECTION] Configuration

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER_BIN = path.join(REPO, "build/native/src/server/jupiter-server");
let STORE_WEB = path.join(REPO, "build/web/site");      // --web DIR: DIR/site
let HELLO_WEB = path.join(REPO, "build/web/bench-site");  // --web DIR: DIR/bench-site
let BASELINE_WEB = null;                                  // --baseline DIR: DIR/site
const CATALOGUE = path.join(REPO, "assets/catalogue.json");
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
  "--no-first-run",
];
const VIEWPORT = { width: 1280, height: 720 };

const MARK_FIRST_FRAME = "jupiter:first-frame";
const MARK_CATALOGUE = "jupiter:catalogue-visible";
const MARK_TIMEOUT_MS = 20_000;
const SERVER_START_TIMEOUT_MS = 30_000;
const SETTLE_MS = 500;        // after catalogue-visible, before the idle window opens
const IDLE_WINDOW_MS = 3_000; // the idle window itself
const WIRE_TAIL_MS = 1_000;   // network capture keeps listening this long after catalogue-visible

// Issue 14's targets.
const TARGET_FIRST_SCREEN_BYTES = 250_000;
const TARGET_STORE_WASM_BROTLI = 200_000;
const TARGET_LOAD_RATIO = 1.2;
const TARGET_PHONE_RATIO = 1.5;        // store / hello, both under the phone profile
const TARGET_SECOND_VISIT_RATIO = 1.1; // store / hello, second visit of the same context (HTTP cache, ETag 304)
// The mid-range phone profile: Chrome DevTools' "Fast 3G" preset (562.5 ms latency, 180,000 B/s down, 84,375 B/s
// up) and 4x CPU slowdown, applied through CDP to every load of the phone runs.
const PHONE = { cpuRate: 4, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };
const TARGET_IDLE_FRAMES = 0;

/** Failures that mean "could not measure" (exit 1), as opposed to a missed target (exit 0). */
class MeasureError extends Error {}

// [SECTION] Command line

function parseArgs(argv) {
  const opts = { runs: 9, phoneRuns: 5, secondRuns: 5, json: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      console.log("usage: node tests/bench/bench.mjs [--runs N] [--phone-runs N] [--second-runs N] [--json PATH] [--web DIR] [--baseline DIR]");
      process.exit(0);
    } else if (arg === "--runs" || arg === "--phone-runs" || arg === "--second-runs") {
      const key = { "--runs": "runs", "--phone-runs": "phoneRuns", "--second-runs": "secondRuns" }[arg];
      opts[key] = Number(argv[++i]);
      if (!Number.isInteger(opts[key]) || opts[key] < 0 || (key === "runs" && opts[key] < 1))
        usageError(`${arg} needs a ${key === "runs" ? "positive" : "non-negative"} integer`);
    } else if (arg === "--json") {
      opts.json = argv[++i];
      if (!opts.json) usageError("--json needs a path");
    } else if (arg === "--web" || arg === "--baseline") {
      const dir = path.resolve(argv[++i] ?? usageError(`${arg} needs a build folder`));
      if (arg === "--web") [STORE_WEB, HELLO_WEB] = [path.join(dir, "site"), path.join(dir, "bench-site")];
      else BASELINE_WEB = path.join(dir, "site");
    } else {
      usageError(`unknown argument: ${arg}`);
    }
  }
  return opts;
}

function usageError(message) {
  console.error(`bench: ${message}\nusage: node tests/bench/bench.mjs [--runs N] [--phone-runs N] [--second-runs N] [--json PATH] [--web DIR] [--baseline DIR]`);
  process.exit(2);
}

function checkBuilds() {
  const nativeBuild = "cmake --preset native && cmake --build --preset native";
  const webBuild = "export NODE_PATH=/usr/share/nodejs; emcmake cmake --preset web && cmake --build --preset web";
  const missing = [];
  if (!fs.existsSync(SERVER_BIN)) missing.push(`${rel(SERVER_BIN)} (${nativeBuild})`);
  for (const dir of [STORE_WEB, HELLO_WEB, BASELINE_WEB].filter(Boolean)) {
    if (!fs.existsSync(path.join(dir, "index.html"))) missing.push(`${rel(dir)}/index.html (${webBuild})`);
  }
  if (!fs.existsSync(CATALOGUE)) missing.push(rel(CATALOGUE));
  if (!fs.existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (./emsdk-setup.sh installs it)`);
  if (missing.length) {
    console.error("bench: cannot run, these are missing (the benchmark builds nothing itself):");
    for (const m of missing) console.error(`  - ${m}`);
    process.exit(2);
  }
}

// [SECTION] Servers

const servers = new Set();

/** Starts jupiter-server for one web root; resolves with {origin, child, dataDir} once it prints "listening on". */
function startServer(name, webDir) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `jupiter-bench-${name}-`));
  const args = ["--port", "0", "--data", dataDir, "--web", webDir, "--catalogue", CATALOGUE];
  const child = spawn(SERVER_BIN, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  const server = { name, child, dataDir, origin: null, log: [] };
  servers.add(server);
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      reject(new MeasureError(`${name} server ${why}\n  ${server.log.slice(-15).join("\n  ")}`));
    };
    const timer = setTimeout(() => fail(`printed no "listening on" line within ${SERVER_START_TIMEOUT_MS / 1000} s`),
      SERVER_START_TIMEOUT_MS);
    const onLine = (line) => {
      server.log.push(line);
      if (server.log.length > 200) server.log.shift();
      const m = !server.origin && /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        server.origin = m[1].replace(/\/$/, "");
        clearTimeout(timer);
        resolve(server);
      }
    };
    // Both streams are drained for the server's whole life (it logs every request to stdout).
    readline.createInterface({ input: child.stdout }).on("line", onLine);
    readline.createInterface({ input: child.stderr }).on("line", onLine);
    child.on("error", (err) => fail(`could not be started: ${err.message}`));
    child.on("exit", (code, signal) => {
      server.exited = true;
      if (!server.origin) fail(`exited before listening (code ${code}, signal ${signal})`);
    });
  });
}

/** SIGTERM, then SIGKILL after 3 s; removes the temporary data dir. */
async function stopServer(server) {
  servers.delete(server);
  if (!server.exited && server.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    const timer = setTimeout(() => server.child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

async function stopAllServers() {
  await Promise.all([...servers].map(stopServer));
}

/** Last resort on abrupt exits (Ctrl-C, uncaught errors): synchronous kill, no waiting. */
function killServersNow() {
  for (const s of servers) {
    if (s.child.exitCode === null) s.child.kill("SIGKILL");
    fs.rmSync(s.dataDir, { recursive: true, force: true });
  }
  servers.clear();
}

// [SECTION] Sizes

/** GET with an explicit Accept-Encoding; returns the body as sent (not decoded) and its Content-Encoding. */
function httpGet(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { "Accept-Encoding": acceptEncoding } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new MeasureError(`GET ${url}: HTTP ${res.statusCode}`));
        resolve({ body: Buffer.concat(chunks), encoding: res.headers["content-encoding"] || "identity" });
      });
    });
    req.on("error", (err) => reject(new MeasureError(`GET ${url}: ${err.message}`)));
  });
}

/** The same-origin files index.html references (script src, link href), in document order, without duplicates. */
function referencedFiles(html) {
  const refs = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.push({ at: m.index, file: m[1] });
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0]);
    if (href) refs.push({ at: m.index, file: href[1] });
  }
  const files = refs.sort((a, b) => a.at - b.at).map((r) => r.file).filter((f) => !/^[a-z]+:|^\/\//i.test(f));
  return [...new Set(files)];
}

function compressedSizes(raw) {
  return {
    raw: raw.length,
    gzip9: zlib.gzipSync(raw, { level: 9 }).length,
    brotli11: zlib.brotliCompressSync(raw, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    }).length,
  };
}

/** Sizes of every first-screen resource: raw, gzip -9, brotli q11, and what the server sends for "br". */
async function measureSizes(store) {
  const html = fs.readFileSync(path.join(STORE_WEB, "index.html"), "utf8");
  const entries = [{ name: "index.html", urlPath: "/" }];
  // The page preloads /api/catalogue itself (shell/store.html): it is counted once, as the catalogue row.
  for (const file of referencedFiles(html)) {
    if (!file.startsWith("/api/")) entries.push({ name: file, urlPath: `/${file.replace(/^\//, "")}` });
  }
  entries.push({ name: "/api/catalogue", urlPath: "/api/catalogue" });

  const rows = [];
  for (const e of entries) {
    const raw = (await httpGet(store.origin + e.urlPath, "identity")).body;
    const served = await httpGet(store.origin + e.urlPath, "br");
    rows.push({ ...e, kind: kindOf(e.name), ...compressedSizes(raw), servedBr: served.body.length,
      servedEncoding: served.encoding });
  }
  const total = { name: "first screen total" };
  for (const k of ["raw", "gzip9", "brotli11", "servedBr"]) total[k] = rows.reduce((s, r) => s + r[k], 0);
  return { rows, total, baselineWasm: BASELINE_WEB ? storeWasmSizes(BASELINE_WEB) : null };
}

/** Raw and compressed sizes of the store module in a web root (the file index.html names). */
function storeWasmSizes(webDir) {
  const html = fs.readFileSync(path.join(webDir, "index.html"), "utf8");
  const file = referencedFiles(html).find((f) => kindOf(f) === "store wasm");
  return file ? compressedSizes(fs.readFileSync(path.join(webDir, file))) : null;
}

function kindOf(name) {
  if (name.startsWith("jupiter-store") && name.endsWith(".wasm")) return "store wasm";
  if (name.startsWith("jupiter-store") && name.endsWith(".js")) return "store js";
  if (name.startsWith("/api/")) return "catalogue";
  return path.extname(name).slice(1) || "html";
}

// [SECTION] Browser helpers

async function launchBrowser() {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  } catch (err) {
    throw new MeasureError(`could not launch ${CHROMIUM}: ${err.message.split("\n")[0]}`);
  }
}

const problems = []; // console errors, page errors, failed requests: {page, what}

/** A fresh context (empty cache) and page, with problem reporting and, optionally, the rAF counter. */
async function openPage(browser, label, { countRaf = false } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location()?.url;
    problems.push({ page: label, what: `console error: ${msg.text()}${where ? ` (${where})` : ""}` });
  });
  page.on("pageerror", (err) => problems.push({ page: label, what: `page error: ${err.message}` }));
  page.on("requestfailed", (req) =>
    problems.push({ page: label, what: `request failed: ${req.url()} (${req.failure()?.errorText})` }));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push({ page: label, what: `HTTP ${res.status()}: ${res.url()}` });
  });
  if (countRaf) await page.addInitScript(installRafCounter);
  return { context, page };
}

/** Runs in the page before its own scripts: counts the requestAnimationFrame callbacks the page asked for. */
function installRafCounter() {
  const raf = window.requestAnimationFrame.bind(window);
  let callbacks = 0;
  window.__benchRafCallbacks = () => callbacks;
  window.requestAnimationFrame = (cb) => raf((t) => { callbacks++; cb(t); });
}

/** Waits until the page has set `mark`; returns its startTime (ms since navigation start). */
async function waitForMark(page, label, mark) {
  try {
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark,
      { timeout: MARK_TIMEOUT_MS, polling: 50 });
  } catch {
    const status = await page.locator("#status").textContent().catch(() => "?");
    throw new MeasureError(`${label} never set ${mark} within ${MARK_TIMEOUT_MS / 1000} s ` +
      `(status text: ${JSON.stringify(status)}; problems so far: ${problems.length})`);
  }
  return markTime(page, mark);
}

function markTime(page, mark) {
  return page.evaluate((m) => performance.getEntriesByName(m)[0]?.startTime ?? null, mark);
}

async function navigate(page, url) {
  try {
    await page.goto(url, { waitUntil: "commit" });
  } catch (err) {
    throw new MeasureError(`could not open ${url}: ${err.message.split("\n")[0]}`);
  }
}

// [SECTION] Transfer over the wire

/** Records every request of the page through CDP: URL, Accept-Encoding sent, Content-Encoding got, wire bytes. */
async function captureNetwork(context, page) {
  const cdp = await context.newCDPSession(page);
  const byId = new Map();
  const req = (id) => byId.get(id) ?? byId.set(id, { id }).get(id);
  const header = (headers, name) =>
    Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
  cdp.on("Network.requestWillBeSent", (e) => Object.assign(req(e.requestId), { url: e.request.url, type: e.type }));
  cdp.on("Network.requestWillBeSentExtraInfo", (e) => {
    req(e.requestId).acceptEncoding = header(e.headers, "accept-encoding");
  });
  cdp.on("Network.responseReceived", (e) => Object.assign(req(e.requestId), {
    status: e.response.status, protocol: e.response.protocol,
    contentEncoding: header(e.response.headers, "content-encoding") ?? "identity",
  }));
  cdp.on("Network.loadingFinished", (e) => { req(e.requestId).wireBytes = e.encodedDataLength; });
  cdp.on("Network.loadingFailed", (e) => { req(e.requestId).failed = e.errorText; });
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  return () => [...byId.values()].filter((r) => r.url);
}

/** One store load with network capture, up to catalogue-visible + WIRE_TAIL_MS. Also the untimed warm-up. */
async function measureWire(browser, origin, label) {
  const { context, page } = await openPage(browser, label);
  try {
    const requests = await captureNetwork(context, page);
    await navigate(page, `${origin}/`);
    const mark = label === "store" ? MARK_CATALOGUE : MARK_FIRST_FRAME;
    const markMs = await waitForMark(page, label, mark);
    await page.waitForTimeout(WIRE_TAIL_MS);
    const bodies = await page.evaluate(() => Object.fromEntries(
      [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
        .map((e) => [e.name, e.encodedBodySize])));
    const rows = requests().map((r) => ({
      path: new URL(r.url).pathname, status: r.status ?? null, acceptEncoding: r.acceptEncoding ?? null,
      contentEncoding: r.contentEncoding ?? null, wireBytes: r.wireBytes ?? 0, bodyBytes: bodies[r.url] ?? null,
      failed: r.failed ?? null,
    }));
    const wireTotal = rows.reduce((s, r) => s + r.wireBytes, 0);
    return { markMs, rows, wireTotal };
  } finally {
    await context.close();
  }
}

// [SECTION] Load time

/** Resource Timing milestones (ms since navigation start) that explain where a load's time goes. */
function milestones(page) {
  return page.evaluate(() => {
    const entries = performance.getEntriesByType("resource");
    const find = (re) => entries.find((e) => re.test(new URL(e.name).pathname));
    const wasm = find(/\.wasm$/);
    const catalogue = find(/^\/api\/catalogue$/);
    return {
      wasmReceived: wasm?.responseEnd ?? null,
      catalogueRequested: catalogue?.startTime ?? null,
      catalogueReceived: catalogue?.responseEnd ?? null,
    };
  });
}

/** Slows the page down to the PHONE profile (CDP CPU throttling and network emulation). */
async function applyPhoneProfile(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const { cpuRate, ...network } = PHONE;
  await cdp.send("Network.emulateNetworkConditions", { offline: false, ...network });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuRate });
}

/**
 * One timed load in a fresh context; returns the marks' times and resource milestones (ms since navigation
 * start). phone: under the PHONE profile. secondVisit: the context first loads the page untimed (until its mark
 * + WIRE_TAIL_MS, so the HTTP cache and the store's kept catalogue fill), then the timed load is the second one.
 */
async function timedLoad(browser, origin, label, { phone = false, secondVisit = false } = {}) {
  const { context, page } = await openPage(browser, label);
  try {
    if (phone) await applyPhoneProfile(context, page);
    if (secondVisit) {
      await navigate(page, `${origin}/`);
      await waitForMark(page, label, label === "hello" ? MARK_FIRST_FRAME : MARK_CATALOGUE);
      await page.waitForTimeout(WIRE_TAIL_MS);
    }
    await navigate(page, `${origin}/`);
    if (label !== "hello") {
      const catalogueVisible = await waitForMark(page, label, MARK_CATALOGUE);
      return { catalogueVisible, firstFrame: await markTime(page, MARK_FIRST_FRAME), ...(await milestones(page)) };
    }
    return { firstFrame: await waitForMark(page, label, MARK_FIRST_FRAME), ...(await milestones(page)) };
  } finally {
    await context.close();
  }
}

/** N runs of store and hello under `how` (timedLoad's options), alternating which goes first. */
async function measureVariant(browser, storeOrigin, helloOrigin, runs, how) {
  const loads = { store: [], hello: [] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? ["hello", "store"] : ["store", "hello"];
    for (const label of order)
      loads[label].push(await timedLoad(browser, label === "store" ? storeOrigin : helloOrigin, label, how));
    console.log(`  run ${String(i + 1).padStart(2)} (${order[0]} first): store catalogue-visible ` +
      `${ms(loads.store.at(-1).catalogueVisible)}, hello first-frame ${ms(loads.hello.at(-1).firstFrame)}`);
  }
  const store = stats(loads.store.map((r) => r.catalogueVisible).filter((v) => v !== null));
  const hello = stats(loads.hello.map((r) => r.firstFrame).filter((v) => v !== null));
  return { runs, store, hello, ratio: store.median / hello.median };
}

/** N runs, alternating which page goes first; prints one line per run. */
async function measureLoadTimes(browser, storeOrigin, helloOrigin, runs, baselineOrigin = null) {
  const origins = { store: storeOrigin, hello: helloOrigin, baseline: baselineOrigin };
  const loads = { store: [], hello: [], baseline: [] };
  const labels = baselineOrigin ? ["store", "hello", "baseline"] : ["store", "hello"];
  for (let i = 0; i < runs; i++) {
    const order = labels.map((_, k) => labels[(i + k) % labels.length]);  // each page goes first in turn
    for (const label of order) loads[label].push(await timedLoad(browser, origins[label], label));
    const s = loads.store.at(-1), b = loads.baseline.at(-1);
    console.log(`  run ${String(i + 1).padStart(2)} (${order[0]} first): store catalogue-visible ` +
      `${ms(s.catalogueVisible)} (first frame ${ms(s.firstFrame)}), hello first-frame ` +
      `${ms(loads.hello.at(-1).firstFrame)}${b ? `, baseline catalogue-visible ${ms(b.catalogueVisible)}` : ""}`);
  }
  const { store, hello } = loads;
  const of = (list, key) => stats(list.map((r) => r[key]).filter((v) => v !== null && v !== undefined));
  const storeVisible = of(store, "catalogueVisible");
  const helloFirst = of(hello, "firstFrame");
  const baselineVisible = baselineOrigin ? of(loads.baseline, "catalogueVisible") : null;
  return {
    runs, storeCatalogueVisible: storeVisible, storeFirstFrame: of(store, "firstFrame"), helloFirstFrame: helloFirst,
    ratio: storeVisible.median / helloFirst.median, baselineCatalogueVisible: baselineVisible,
    baselineRatio: baselineVisible ? baselineVisible.median / helloFirst.median : null,
    milestones: {
      storeWasmReceived: of(store, "wasmReceived"), storeCatalogueRequested: of(store, "catalogueRequested"),
      storeCatalogueReceived: of(store, "catalogueReceived"), helloWasmReceived: of(hello, "wasmReceived"),
    },
  };
}

// [SECTION] Idle frames

/** Loads a page, waits for its mark + SETTLE_MS, then counts frames over IDLE_WINDOW_MS without input. */
async function measureIdle(browser, origin, label) {
  const { context, page } = await openPage(browser, `${label} (idle)`, { countRaf: true });
  try {
    const isStore = label === "store";
    await navigate(page, isStore ? `${origin}/?test=1` : `${origin}/`);
    await waitForMark(page, label, isStore ? MARK_CATALOGUE : MARK_FIRST_FRAME);
    await page.waitForTimeout(SETTLE_MS);
    const read = () => page.evaluate(() => ({
      appFrames: window.jupiterTest ? window.jupiterTest.frames() : null,
      rafCallbacks: window.__benchRafCallbacks(),
      catalogue: window.jupiterTest?.state()?.catalogue ?? null,
    }));
    const before = await read();
    await page.waitForTimeout(IDLE_WINDOW_MS);
    const after = await read();
    return {
      appFrames: before.appFrames === null ? null : after.appFrames - before.appFrames,
      rafCallbacks: after.rafCallbacks - before.rafCallbacks,
      framesBefore: before.appFrames,
      catalogueState: after.catalogue,
    };
  } finally {
    await context.close();
  }
}

// [SECTION] Report

function stats(values) {
  if (!values.length) return { median: NaN, min: NaN, max: NaN, values };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s.at(-1), values };
}

const rel = (p) => path.relative(REPO, p) || ".";
const ms = (v) => (v === null || v === undefined || Number.isNaN(v) ? "-" : `${v.toFixed(0)} ms`);
const bytes = (n) => (n === null || n === undefined ? "-" : n.toLocaleString("en-US"));
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const verdict = (ok) => (ok ? "PASS" : "MISS");

function printHeading(title) {
  console.log(`\n== ${title}`);
}

function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => "  " + cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i])
    : String(c).padStart(widths[i]))).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

function printSizes(sizes) {
  printHeading("Sizes (bytes; KB = 1000 bytes): files index.html loads + /api/catalogue");
  const row = (r) => [r.name, r.kind ?? "", bytes(r.raw), bytes(r.gzip9), bytes(r.brotli11), bytes(r.servedBr)];
  printTable(["file", "kind", "raw", "gzip -9", "brotli q11", "served for br"],
    [...sizes.rows.map(row), row({ ...sizes.total, kind: "" })]);
  const ok = sizes.total.brotli11 <= TARGET_FIRST_SCREEN_BYTES;
  console.log(`  first screen with brotli q11: ${kb(sizes.total.brotli11)} ` +
    `(target <= ${kb(TARGET_FIRST_SCREEN_BYTES)})  ${verdict(ok)}`);
  const wasm = sizes.rows.find((r) => r.kind === "store wasm");
  if (wasm) {
    console.log(`  store WebAssembly with brotli q11: ${kb(wasm.brotli11)} (${bytes(wasm.raw)} raw; target <= ` +
      `${kb(TARGET_STORE_WASM_BROTLI)})  ${verdict(wasm.brotli11 <= TARGET_STORE_WASM_BROTLI)}`);
  }
  if (sizes.baselineWasm) {
    console.log(`  baseline store WebAssembly: ${bytes(sizes.baselineWasm.raw)} raw, ${kb(sizes.baselineWasm.brotli11)} brotli`);
  }
  const unencoded = sizes.rows.filter((r) => r.servedEncoding !== "br").map((r) => r.name);
  if (unencoded.length) console.log(`  note: the server did not answer "br" for: ${unencoded.join(", ")}`);
}

function printWire(wire, title) {
  printHeading(title);
  const rows = wire.rows.map((r) => [r.path, r.status ?? "-", r.acceptEncoding ?? "-", r.contentEncoding ?? "-",
    bytes(r.wireBytes), bytes(r.bodyBytes)]);
  printTable(["request", "status", "Accept-Encoding sent", "Content-Encoding", "wire bytes", "body bytes"], rows);
  console.log(`  total on the wire (HTTP headers included): ${bytes(wire.wireTotal)} = ${kb(wire.wireTotal)}`);
  const failed = wire.rows.filter((r) => r.failed || (r.status ?? 0) >= 400);
  for (const r of failed) console.log(`  note: ${r.path} ${r.failed ?? `HTTP ${r.status}`}`);
}

function printWireVerdict(wire) {
  const encodings = [...new Set(wire.rows.map((r) => r.contentEncoding ?? "-"))].join(", ");
  const ok = wire.wireTotal <= TARGET_FIRST_SCREEN_BYTES;
  console.log(`  first screen as transferred to Chromium (${encodings}): ${kb(wire.wireTotal)} ` +
    `(target <= ${kb(TARGET_FIRST_SCREEN_BYTES)})  ${verdict(ok)}`);
}

function printLoadTimes(load) {
  printHeading(`Load time (ms since navigation start, ${load.runs} fresh loads each, interleaved)`);
  const row = (name, s) => [name, ms(s.median), ms(s.min), ms(s.max)];
  printTable(["figure", "median", "min", "max"], [
    row("store: jupiter:catalogue-visible", load.storeCatalogueVisible),
    row("store: jupiter:first-frame", load.storeFirstFrame),
    row("hello: jupiter:first-frame", load.helloFirstFrame),
    ...(load.baselineCatalogueVisible ? [row("baseline store: catalogue-visible", load.baselineCatalogueVisible)] : []),
  ]);
  console.log(`  ratio store catalogue-visible / hello first-frame (medians): ${load.ratio.toFixed(2)}x ` +
    `(target <= ${TARGET_LOAD_RATIO}x)  ${verdict(load.ratio <= TARGET_LOAD_RATIO)}`);
  if (load.baselineRatio !== null) {
    console.log(`  baseline store / hello (same runs): ${load.baselineRatio.toFixed(2)}x; store / baseline: ` +
      `${(load.storeCatalogueVisible.median / load.baselineCatalogueVisible.median).toFixed(2)}x`);
  }
  console.log("  where the time goes (Resource Timing, same loads):");
  const m = load.milestones;
  printTable(["milestone", "median", "min", "max"], [
    row("store: wasm received (responseEnd)", m.storeWasmReceived),
    row("store: /api/catalogue requested", m.storeCatalogueRequested),
    row("store: /api/catalogue received", m.storeCatalogueReceived),
    row("hello: wasm received (responseEnd)", m.helloWasmReceived),
  ]);
}

function printVariant(v, title, target) {
  printHeading(`${title} (${v.runs} loads each, interleaved)`);
  if (!v.runs) return console.log("  skipped (0 runs)");
  const row = (name, st) => [name, ms(st.median), ms(st.min), ms(st.max)];
  printTable(["figure", "median", "min", "max"], [
    row("store: jupiter:catalogue-visible", v.store), row("hello: jupiter:first-frame", v.hello)]);
  console.log(`  ratio store / hello (medians): ${v.ratio.toFixed(2)}x (target <= ${target}x)  ` +
    `${verdict(v.ratio <= target)}`);
}

function printIdle(idle) {
  printHeading(`Idle frames (${IDLE_WINDOW_MS / 1000} s without input, from mark + ${SETTLE_MS} ms)`);
  const s = idle.store;
  console.log(`  store  jupiterTest.frames(): ${s.appFrames} frames (target ${TARGET_IDLE_FRAMES})  ` +
    `${verdict(s.appFrames === TARGET_IDLE_FRAMES)}   [${s.framesBefore} frames before the window; ` +
    `catalogue state "${s.catalogueState}"; rAF callbacks ${s.rafCallbacks}]`);
  console.log(`  hello  rAF callbacks: ${idle.hello.rafCallbacks} (redraws every frame; for contrast)`);
}

function printProblems() {
  printHeading("Console errors, page errors, failed requests");
  if (!problems.length) return console.log("  none");
  const counts = new Map();
  for (const p of problems) {
    const key = `[${p.page}] ${p.what}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, n] of counts) console.log(`  ${n > 1 ? `${n}x ` : ""}${key}`);
}

function printEnvironment(browser, opts, storeServer, helloServer) {
  printHeading("Environment");
  const load = os.loadavg().map((v) => v.toFixed(2)).join(" ");
  console.log(`  Chromium ${browser.version()} headless (${CHROMIUM}), ` +
    `viewport ${VIEWPORT.width}x${VIEWPORT.height} @1x, ${os.cpus().length} CPUs, load average ${load}`);
  console.log(`  store ${storeServer.origin} (${rel(STORE_WEB)}), hello ${helloServer.origin} (${rel(HELLO_WEB)}), ` +
    `${BASELINE_WEB ? `baseline ${rel(BASELINE_WEB)}, ` : ""}runs ${opts.runs}`);
}

// [SECTION] Main

async function runBenchmark(opts) {
  const [store, hello, baseline] = await Promise.all([startServer("store", STORE_WEB), startServer("hello", HELLO_WEB),
    BASELINE_WEB ? startServer("baseline", BASELINE_WEB) : null]);
  const browser = await launchBrowser();
  try {
    console.log("JupiterEsims benchmark: sizes, load time, idle frames (a benchmark: MISS does not fail it)");
    printEnvironment(browser, opts, store, hello);

    const sizes = await measureSizes(store);
    printSizes(sizes);
    const wire = await measureWire(browser, store.origin, "store");
    const helloWire = await measureWire(browser, hello.origin, "hello");
    printWire(wire, "Store first screen over the wire (one fresh load in Chromium, until catalogue-visible + 1 s)");
    printWireVerdict(wire);
    printWire(helloWire, "Hello page over the wire (for comparison)");

    console.log("\n== Load runs");
    const load = await measureLoadTimes(browser, store.origin, hello.origin, opts.runs, baseline?.origin ?? null);
    printLoadTimes(load);

    console.log(`\n== Phone runs (CPU ${PHONE.cpuRate}x slower, Fast 3G: ${PHONE.latency} ms, ` +
      `${PHONE.downloadThroughput.toLocaleString("en-US")} B/s down)`);
    const phone = await measureVariant(browser, store.origin, hello.origin, opts.phoneRuns, { phone: true });
    printVariant(phone, "Mid-range phone profile", TARGET_PHONE_RATIO);
    console.log("\n== Second-visit runs");
    const second = await measureVariant(browser, store.origin, hello.origin, opts.secondRuns, { secondVisit: true });
    printVariant(second, "Second visit (HTTP cache, kept catalogue revalidated)", TARGET_SECOND_VISIT_RATIO);

    const idle = { store: await measureIdle(browser, store.origin, "store"),
      hello: await measureIdle(browser, hello.origin, "hello") };
    printIdle(idle);
    printProblems();

    const targets = {
      firstScreenBrotli: sizes.total.brotli11 <= TARGET_FIRST_SCREEN_BYTES,
      storeWasmBrotli: (sizes.rows.find((r) => r.kind === "store wasm")?.brotli11 ?? Infinity) <= TARGET_STORE_WASM_BROTLI,
      firstScreenWire: wire.wireTotal <= TARGET_FIRST_SCREEN_BYTES,
      loadRatio: load.ratio <= TARGET_LOAD_RATIO,
      phoneRatio: phone.runs ? phone.ratio <= TARGET_PHONE_RATIO : null,
      secondVisitRatio: second.runs ? second.ratio <= TARGET_SECOND_VISIT_RATIO : null,
      idleFrames: idle.store.appFrames === TARGET_IDLE_FRAMES,
    };
    return { date: new Date().toISOString(), chromium: browser.version(), runs: opts.runs, sizes, wire,
      helloWire, load, phone, second, idle, targets, problems };
  } finally {
    await browser.close().catch(() => {});
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  checkBuilds();
  process.on("exit", killServersNow);
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { killServersNow(); process.exit(130); });
  try {
    const figures = await runBenchmark(opts);
    if (opts.json) {
      fs.writeFileSync(opts.json, JSON.stringify(figures, null, 2) + "\n");
      console.log(`\nfigures written to ${opts.json}`);
    }
  } catch (err) {
    console.error(`\nbench: could not measure: ${err instanceof MeasureError ? err.message : err.stack}`);
    if (problems.length) printProblems();
    process.exitCode = 1;
  } finally {
    await stopAllServers();
  }
}

await main();
