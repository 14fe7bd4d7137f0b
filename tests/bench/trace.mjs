#!/usr/bin/env node
// trace.mjs: where the store's first load goes, from a Chromium trace (issue 14). A measuring aid, not a test.
//
// Usage: node tests/bench/trace.mjs [--runs N] [--web DIR]   (default 5 runs after one warm-up; build/web/site)
//
// Each run is a fresh browser context traced with the devtools.timeline, v8, v8.wasm (detailed) and user-timing
// categories until jupiter:catalogue-visible + 300 ms. Per run it prints the store's marks (ms since navigation
// start), the requests of the .wasm and /api/catalogue as the browser saw them (a preloaded response that is used
// shows one request), and the trace's totals: main-thread wasm lazy compilation (Liftoff, a function compiled at its
// first call), the background top-tier (TurboFan) compilation that competes for the same 2 cores, the main
// thread's JS/wasm calls, and the GPU process (SwiftShader). The table at the end has the medians of the phases.
import { chromium } from "playwright-core";
import { chromiumArgs, startServer } from "../e2e/helpers.mjs";

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const runs = Math.max(1, Number(opt("--runs")) || 5);
const web = opt("--web");
const CATEGORIES = ["devtools.timeline", "v8", "v8.wasm", "disabled-by-default-v8.wasm.detailed", "blink.user_timing",
  "loading"];
const median = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); const m = s.length >> 1;
  return s.length ? (s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2) : NaN; };

/** Sum of the durations (ms) of complete events named `name`, on the renderer's main thread or elsewhere. */
function total(events, name, onMain, mainTid) {
  return events.filter((e) => e.ph === "X" && e.name === name && (onMain === (e.tid === mainTid)))
    .reduce((s, e) => s + (e.dur || 0) / 1000, 0);
}

async function tracedLoad(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const requests = {};
  page.on("request", (r) => {
    const p = new URL(r.url()).pathname;
    const key = p.endsWith(".wasm") ? p.replace(/\.[0-9a-f]+\.wasm$/, ".wasm") : p;
    requests[key] = (requests[key] || 0) + 1;
  });
  try {
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.goto(url, { waitUntil: "commit" });
    await page.waitForFunction(() => performance.getEntriesByName("jupiter:catalogue-visible").length > 0, null,
      { timeout: 20_000, polling: 20 });
    await page.waitForTimeout(300);
    const marks = Object.fromEntries(await page.evaluate(() =>
      performance.getEntriesByType("mark").map((m) => [m.name.replace("jupiter:", ""), m.startTime])));
    const res = await page.evaluate(() => performance.getEntriesByType("resource").map((e) =>
      ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd })));
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    const main = events.find((e) => e.name === "CompileLazy" || e.name === "wasm.CompileLazy") ||
      events.find((e) => e.name === "FunctionCall");
    const tid = main ? main.tid : -1;
    const wasm = res.find((r) => /jupiter-store\.[0-9a-f]+\.wasm$/.test(r.path));
    const cat = res.find((r) => r.path === "/api/catalogue");
    return {
      marks, requests,
      wasmEnd: wasm?.end, catStart: cat?.start, catEnd: cat?.end,
      lazyMain: total(events, "wasm.CompileLazy", true, tid),
      topTierBg: total(events, "wasm.ExecuteCompilationUnits", false, tid),
      callsMain: total(events, "FunctionCall", true, tid),
      gpu: events.filter((e) => e.ph === "X" && e.name === "GPUTask").reduce((s, e) => s + (e.dur || 0) / 1000, 0),
    };
  } finally {
    await context.close();
  }
}

const store = await startServer(web ? { web } : {});
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
const rows = [];
try {
  await tracedLoad(browser, `${store.url}/`);  // warm-up: not counted
  for (let i = 0; i < runs; i++) {
    const r = await tracedLoad(browser, `${store.url}/`);
    rows.push(r);
    const m = r.marks, f = (x) => (x == null ? "-" : x.toFixed(0));
    console.log(`run ${i + 1}: wasm received ${f(r.wasmEnd)}, catalogue requested ${f(r.catStart)} received ${f(r.catEnd)}; ` +
      `main ${f(m.main)}..${f(m["main-done"])}, catalogue-received ${f(m["catalogue-received"])}, decoded ${f(m["catalogue-decoded"])}, ` +
      `fonts ${f(m["fonts-start"])}..${f(m["fonts-built"])}, layout-done ${f(m["layout-done"])}, gl-drawn ${f(m["gl-drawn"])}, ` +
      `visible ${f(m["catalogue-visible"])}; lazy compile (main) ${f(r.lazyMain)}, top tier (background) ${f(r.topTierBg)}, ` +
      `calls (main) ${f(r.callsMain)}, GPU ${f(r.gpu)}; requests ${JSON.stringify(r.requests)}`);
  }
} finally {
  await browser.close();
  await store.stop();
}
const med = (get) => median(rows.map(get)).toFixed(0);
const mk = (name) => (r) => r.marks[name];
const span = (a, b) => (r) => (r.marks[b] ?? NaN) - (r.marks[a] ?? NaN);
console.log(`\nmedians of ${runs} runs (ms):`);
console.log(`  download: wasm received ${med((r) => r.wasmEnd)}, catalogue requested ${med((r) => r.catStart)}, received ${med((r) => r.catEnd)}`);
console.log(`  compile+instantiate+JS until main(): main at ${med(mk("main"))}`);
console.log(`  main(): WebGL + ImGui renderer ${med(span("main", "gl-ready"))}, the rest of main ` +
  `${med(span("gl-ready", "main-done"))}; main returned -> catalogue in the module ${med(span("main-done", "catalogue-received"))}`);
console.log(`  catalogue decode (catalogue-received -> decoded): ${med(span("catalogue-received", "catalogue-decoded"))}`);
console.log(`  font atlas (fonts-start -> fonts-built): ${med(span("fonts-start", "fonts-built"))}`);
console.log(`  first layout (fonts-built -> layout-done): ${med(span("fonts-built", "layout-done"))}`);
console.log(`  GL draw + mirror (layout-done -> catalogue-visible): ${med(span("layout-done", "catalogue-visible"))}`);
console.log(`  catalogue-visible ${med(mk("catalogue-visible"))}`);
console.log(`  trace totals: lazy compile on main ${med((r) => r.lazyMain)}, top tier in background ${med((r) => r.topTierBg)}, ` +
  `JS/wasm calls on main ${med((r) => r.callsMain)}, GPU process ${med((r) => r.gpu)}`);
