#!/usr/bin/env node
// embed-bench.mjs: the partner embed's size and speed benchmark (issue 12, Targets). A benchmark, not a test: a
// missed target prints MISS and the exit status stays 0; it exits non-zero only when it could not measure.
//
// Usage: node tests/bench/embed-bench.mjs [--runs N]   (default 7; JUPITER_WEB_BUILD / JUPITER_NATIVE_BUILD as in e2e)
//
// It builds nothing: it needs build/web/site and the native server and sandboxes. It starts them (free ports, a
// temporary data dir), creates partner "bench" through the admin API, and serves a small travel-blog host page from
// a node server on another origin. Every load is a new browser context (empty cache).
// 1. Size: build/web/site/embed.js (terser-minified by the build) raw, gzip -9, brotli 11, and what the server
//    sends for gzip. Target: at most 3 KB (3,072 bytes) gzip.
// 2. Host page first contentful paint, with and without the snippet (the element in the first screen), loads
//    interleaved, medians of N. Target: with no later than without + 5% (noise).
// 3. Store visible: the jupiter:catalogue-visible mark of the store module, (a) the store opened as its own page,
//    ms since its navigation start; (b) the store embedded on the host page, ms since the HOST page's navigation
//    start (what the traveller waits; the frame's own figure is printed too). Interleaved, medians of N.
//    Target: (b) at most 1.2x (a).
// 4. The store's own page with and without the bridge's <script> (index.html with the embed meta and the bridge
//    tag removed, in a copy of the web root): catalogue-visible medians, to show the store's own page does not pay
//    for the embed.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { chromium } from "playwright-core";
import { chromiumArgs, siteDir, startServer } from "../e2e/helpers.mjs";

const args = process.argv.slice(2);
const runs = Math.max(1, Number(args[args.indexOf("--runs") + 1]) || 7);
const SIZE_TARGET = 3 * 1024;
const MARK = "jupiter:catalogue-visible";
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = (x) => (x === undefined ? "n/a" : `${x.toFixed(1)} ms`);
const verdict = (ok) => (ok ? "PASS" : "MISS");

// ---- 1. size ------------------------------------------------------------------------------------------------
const embedFile = path.join(siteDir, "embed.js");
if (!fs.existsSync(embedFile)) { console.error(`missing ${embedFile}: build the web preset first`); process.exit(1); }
const raw = fs.readFileSync(embedFile);
const gz = zlib.gzipSync(raw, { level: 9 }).length;
const br = zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

// ---- servers ------------------------------------------------------------------------------------------------
const store = await startServer();
const bare = fs.mkdtempSync(path.join(os.tmpdir(), "jupiter-embed-bench-"));  // the web root without the bridge
fs.cpSync(siteDir, bare, { recursive: true });
for (const f of ["index.html.gz", "index.html.br"]) fs.rmSync(path.join(bare, f), { force: true });
const index = fs.readFileSync(path.join(bare, "index.html"), "utf8");
const stripped = index.replace(/<meta name="jupiter:embed" content="">\n?/, "").replace(/<script src="[^"]*embed-bridge[^"]*"><\/script>\n?/, "");
if (stripped === index || stripped.includes("embed-bridge")) { console.error("index.html has no bridge tag to remove"); process.exit(1); }
fs.writeFileSync(path.join(bare, "index.html"), stripped);
const bareStore = await startServer({ web: bare });

const ARTICLE = "<p>We landed in Osaka with a rail pass, two backpacks and no plan beyond the first night.</p>".repeat(3);
const hostPage = (snippet) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wander Notes</title>` +
  (snippet ? `<script src="${store.url}/embed.js" async></script>` : "") +
  `<style>body{font:17px/1.6 Georgia,serif;margin:2rem}</style></head><body><h1>Two weeks in Japan</h1>${ARTICLE}` +
  (snippet ? `<jupiter-store partner="bench" destination="JP"></jupiter-store>` : "") + `${ARTICLE}</body></html>`;
const host = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(hostPage(req.url.startsWith("/with")));
});
await new Promise((r) => host.listen(0, "127.0.0.1", r));
// localhost, not 127.0.0.1: another site than the store's, as a partner's blog is, so that Chromium runs the frame
// in its own process (site isolation) as it would on the web; 127.0.0.1 on two ports is one site, one process.
const hostOrigin = `http://localhost:${host.address().port}`;
const token = fs.readFileSync(path.join(store.dataDir, "admin-token"), "utf8").trim();
const created = await fetch(`${store.url}/api/admin/partners`, {
  method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  body: JSON.stringify({ id: "bench", name: "Bench Blog", origins: [hostOrigin], commission_bp: 500,
    contact: { name: "Bench", email: "bench@example.com" } }),
});
const servedGzip = await new Promise((resolve, reject) => {  // node:http, which does not decompress
  http.get(`${store.url}/embed.js`, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
    let n = 0;
    res.on("data", (d) => (n += d.length));
    res.on("end", () => resolve(`${n} B (${res.headers["content-encoding"] || "identity"}, Cache-Control: ${res.headers["cache-control"]})`));
  }).on("error", reject);
});

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
async function fresh(fn) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try { return await fn(await context.newPage()); } finally { await context.close(); }
}
const fcp = (page) => page.waitForFunction(() => {
  const e = performance.getEntriesByName("first-contentful-paint")[0];
  return e ? e.startTime : 0;
}, null, { timeout: 15_000 }).then((h) => h.jsonValue());
const markIn = (frame) => frame.waitForFunction((m) => {
  const e = performance.getEntriesByName(m)[0];
  return e ? [e.startTime, performance.timeOrigin] : 0;
}, MARK, { timeout: 30_000, polling: 20 }).then((h) => h.jsonValue());

async function storeAlone(url) {
  return fresh(async (page) => { await page.goto(url); return (await markIn(page.mainFrame()))[0]; });
}
async function storeEmbedded() {
  return fresh(async (page) => {
    await page.goto(`${hostOrigin}/with`);
    const hostOriginTime = await page.evaluate(() => performance.timeOrigin);
    const handle = await page.locator("jupiter-store iframe").elementHandle({ timeout: 15_000 });
    let frame;
    while (!(frame = await handle.contentFrame())) await page.waitForTimeout(10);
    const [t, frameOrigin] = await markIn(frame);
    return { fromHost: frameOrigin + t - hostOriginTime, inFrame: t };
  });
}

const result = { fcpWith: [], fcpWithout: [], alone: [], embeddedHost: [], embeddedFrame: [], bridge: [], noBridge: [] };
try {
  if (created.status !== 201) throw new Error(`admin API refused the partner: ${created.status} ${await created.text()}`);
  await storeAlone(`${store.url}/`);  // warm-up (the OS file cache, the server's compressed bodies); not timed
  await storeEmbedded();
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? [1, 0] : [0, 1];  // alternate which variant goes first
    for (const v of order) {
      if (v) result.fcpWith.push(await fresh(async (p) => { await p.goto(`${hostOrigin}/with`); return fcp(p); }));
      else result.fcpWithout.push(await fresh(async (p) => { await p.goto(`${hostOrigin}/without`); return fcp(p); }));
    }
    for (const v of order) {
      if (v) { const e = await storeEmbedded(); result.embeddedHost.push(e.fromHost); result.embeddedFrame.push(e.inFrame); }
      else result.alone.push(await storeAlone(`${store.url}/`));
    }
    for (const v of order) {
      if (v) result.bridge.push(await storeAlone(`${store.url}/`));
      else result.noBridge.push(await storeAlone(`${bareStore.url}/`));
    }
    process.stderr.write(`run ${i + 1}/${runs}\r`);
  }
} catch (e) {
  console.error(`could not measure: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  host.close();
  await store.stop();
  await bareStore.stop();
  fs.rmSync(bare, { recursive: true, force: true });
}
if (process.exitCode) process.exit();

const m = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, median(v)]));
console.log(`embed benchmark, ${runs} runs per variant (medians; every load a fresh browser context)\n`);
console.log("1. embed.js size");
console.log(`   raw ${raw.length} B, gzip-9 ${gz} B, brotli-11 ${br} B; served for Accept-Encoding gzip: ${servedGzip}`);
console.log(`   target <= ${SIZE_TARGET} B gzip: ${verdict(gz <= SIZE_TARGET)}\n`);
console.log("2. host page first contentful paint");
console.log(`   without the snippet ${ms(m.fcpWithout)}, with it ${ms(m.fcpWith)} (${(m.fcpWith / m.fcpWithout).toFixed(2)}x)`);
console.log(`   target: unchanged (within 5%): ${verdict(m.fcpWith <= m.fcpWithout * 1.05)}\n`);
console.log("3. store visible (jupiter:catalogue-visible)");
console.log(`   store as its own page ${ms(m.alone)}; embedded: ${ms(m.embeddedHost)} since the host page's navigation start ` +
  `(${ms(m.embeddedFrame)} since the frame's own)`);
console.log(`   ratio ${(m.embeddedHost / m.alone).toFixed(2)}x, target <= 1.2x: ${verdict(m.embeddedHost <= 1.2 * m.alone)}\n`);
console.log("4. the store's own page with and without the bridge tag");
console.log(`   without ${ms(m.noBridge)}, with ${ms(m.bridge)} (${(m.bridge / m.noBridge).toFixed(2)}x; ` +
  `embed-bridge.js ${bridgeGzip()} B gzip, a no-op there)`);

function bridgeGzip() {
  const f = fs.readdirSync(siteDir).find((n) => /^embed-bridge\.[0-9a-f]+\.js$/.test(n));
  return f ? zlib.gzipSync(fs.readFileSync(path.join(siteDir, f)), { level: 9 }).length : "n/a";
}
