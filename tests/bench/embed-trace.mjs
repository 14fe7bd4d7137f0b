#!/usr/bin/env node
// embed-trace.mjs: where the embedded store loses time against the store as its own page (issue 12). A measuring
// aid, not a test.
//
// Usage: node tests/bench/embed-trace.mjs [--runs N]   (default 5 interleaved pairs after one warm-up pair)
//
// Same servers as embed-bench.mjs (partner "bench", a host page on another site). For each load it prints, in ms
// since the navigation start of the page the traveller opened (the host page when embedded): when embed.js was
// requested and received, when the frame's navigation started, its HTML's request and first byte, the .wasm,
// module JS and /api/catalogue requests (start / end, from the frame's resource timing) and the store's marks.
// The table at the end has the medians of both variants side by side.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium } from "playwright-core";
import { chromiumArgs, startServer } from "../e2e/helpers.mjs";

const args = process.argv.slice(2);
const runs = Math.max(1, Number(args[args.indexOf("--runs") + 1]) || 5);
const median = (xs) => { const s = xs.filter((x) => x != null && !Number.isNaN(x)).sort((a, b) => a - b);
  const m = s.length >> 1; return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN; };

const store = await startServer();
const ARTICLE = "<p>We landed in Osaka with a rail pass, two backpacks and no plan beyond the first night.</p>".repeat(3);
const hostPage = () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wander Notes</title>` +
  `<script src="${store.url}/embed.js" async></script>` +
  `<style>body{font:17px/1.6 Georgia,serif;margin:2rem}</style></head><body><h1>Two weeks in Japan</h1>${ARTICLE}` +
  `<jupiter-store partner="bench" destination="JP"></jupiter-store>${ARTICLE}</body></html>`;
const host = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(hostPage());
});
await new Promise((r) => host.listen(0, "127.0.0.1", r));
const hostOrigin = `http://localhost:${host.address().port}`;  // another site than the store's (own process)
const token = fs.readFileSync(path.join(store.dataDir, "admin-token"), "utf8").trim();
const created = await fetch(`${store.url}/api/admin/partners`, {
  method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  body: JSON.stringify({ id: "bench", name: "Bench Blog", origins: [hostOrigin], commission_bp: 500,
    contact: { name: "Bench", email: "bench@example.com" } }),
});
if (created.status !== 201) throw new Error(`admin API refused the partner: ${created.status}`);

// The store document's own view: its time origin, navigation timing, resources and marks.
const storeView = () => {
  const nav = performance.getEntriesByType("navigation")[0];
  const kind = (p) => (/\.wasm$/.test(p) && !/consent/.test(p) ? "wasm" : /jupiter-store\.[0-9a-f]+\.js$/.test(p)
    ? "module.js" : p === "/api/catalogue" ? "catalogue" : null);
  const res = {};
  for (const e of performance.getEntriesByType("resource")) {
    const k = kind(new URL(e.name).pathname);
    if (k && !res[k]) res[k] = [e.startTime, e.responseEnd];
  }
  return { origin: performance.timeOrigin, htmlRequest: nav.requestStart, htmlFirstByte: nav.responseStart,
    htmlEnd: nav.responseEnd, res,
    marks: Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name.replace("jupiter:", ""), m.startTime])) };
};
const visible = (frame) => frame.waitForFunction(() => performance.getEntriesByName("jupiter:catalogue-visible").length > 0,
  null, { timeout: 30_000, polling: 20 });

/** One load: {row name -> ms since the opened page's navigation start}. */
async function load(browser, embedded) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(embedded ? `${hostOrigin}/` : `${store.url}/`, { waitUntil: "commit" });
    let frame = page.mainFrame(), row = {};
    if (embedded) {
      const handle = await page.locator("jupiter-store iframe").elementHandle({ timeout: 15_000 });
      while (!(frame = await handle.contentFrame())) await page.waitForTimeout(10);
    }
    await visible(frame);
    const v = await frame.evaluate(storeView);
    let shift = 0;
    if (embedded) {
      const h = await page.evaluate(() => {
        const e = performance.getEntriesByType("resource").find((r) => /\/embed\.js$/.test(r.name));
        return { origin: performance.timeOrigin, embedStart: e?.startTime, embedEnd: e?.responseEnd };
      });
      shift = v.origin - h.origin;
      row["embed.js requested"] = h.embedStart;
      row["embed.js received"] = h.embedEnd;
      row["frame navigation start"] = shift;
    }
    row["HTML requested"] = shift + v.htmlRequest;
    row["HTML first byte"] = shift + v.htmlFirstByte;
    for (const k of ["wasm", "module.js", "catalogue"]) {
      row[`${k} requested`] = v.res[k] ? shift + v.res[k][0] : NaN;
      row[`${k} received`] = v.res[k] ? shift + v.res[k][1] : NaN;
    }
    for (const [k, t] of Object.entries(v.marks)) row[k] = shift + t;
    return row;
  } finally { await context.close(); }
}

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
const rows = { own: [], embedded: [] };
try {
  await load(browser, false);  // warm-up: OS file cache, the server's compressed bodies
  await load(browser, true);
  for (let i = 0; i < runs; i++) {
    for (const embedded of i % 2 ? [true, false] : [false, true]) rows[embedded ? "embedded" : "own"].push(await load(browser, embedded));
    process.stderr.write(`run ${i + 1}/${runs}\r`);
  }
} finally {
  await browser.close();
  host.close();
  await store.stop();
}
const names = [...new Set([...rows.embedded, ...rows.own].flatMap((r) => Object.keys(r)))];
const col = (list, k) => median(list.map((r) => r[k]));
names.sort((a, b) => (col(rows.embedded, a) || 0) - (col(rows.embedded, b) || 0));
console.log(`embedded store vs own page, medians of ${runs} loads each, ms since the opened page's navigation start\n`);
console.log(`${"".padEnd(28)}${"own page".padStart(10)}${"embedded".padStart(10)}`);
const f = (x) => (Number.isNaN(x) ? "" : x.toFixed(0)).padStart(10);
for (const k of names) console.log(`${k.padEnd(28)}${f(col(rows.own, k))}${f(col(rows.embedded, k))}`);
