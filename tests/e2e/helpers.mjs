// helpers.mjs: start the real backend, and find the store's widgets through the QA test API.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "@playwright/test";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// Build folders: the presets' by default; JUPITER_NATIVE_BUILD / JUPITER_WEB_BUILD point at others
// (for example a second checkout's build, or one per developer working side by side).
export const nativeBuild = path.resolve(repoRoot, process.env.JUPITER_NATIVE_BUILD || "build/native");
export const webBuild = path.resolve(repoRoot, process.env.JUPITER_WEB_BUILD || "build/web");
export const serverBin = path.join(nativeBuild, "src/server/jupiter-server");
export const processorBin = path.join(nativeBuild, "src/sandbox/jupiter-processor-sandbox");
export const partnerBin = path.join(nativeBuild, "src/sandbox/jupiter-partner-sandbox");
export const siteDir = path.join(webBuild, "site");
export const sampleCatalogue = path.join(repoRoot, "assets/catalogue.json");

// Headless Chromium with WebGL2 on SwiftShader, and no attempts to reach the internet.
export const chromiumArgs = [
  "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
  "--no-first-run",
];

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Spawns `bin` with `args`; resolves with {proc, url, log()} once it prints its "listening on" line.
async function spawnListening(bin, args, name) {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: build the native preset first`);
  const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => (log += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 15 s:\n${log}`)), 15_000);
    proc.stdout.on("data", (d) => {
      log += d;
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log}`));
    });
  });
  return { proc, url, log: () => log };
}

async function stopProcess(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  proc.kill("SIGTERM");
  await exited;
}

// Tells the eSIM partner sandbox how to answer new profile orders: mode "instant" | "delay" | "fail" | "bad_code".
export async function setPartnerBehaviour(partnerUrl, { mode, delaySeconds = 5, confirmationCode = false }) {
  const res = await fetch(`${partnerUrl}/sandbox/behaviour`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ mode, delay_seconds: delaySeconds, confirmation_code: confirmationCode }),
  });
  if (!res.ok) throw new Error(`partner sandbox refused the behaviour: ${res.status} ${await res.text()}`);
}

// Starts the payment processor sandbox, the eSIM partner sandbox and jupiter-server (fresh data dir, free ports,
// a random webhook secret and API key shared between them); resolves once all three listen.
// Options: provisionDeadline (seconds, default 3600), partnerMode / partnerDelay (see setPartnerBehaviour),
// ordersPerMinute (default 100 here: a spec creates many orders from one address; the API tests check the limit),
// storeArgs (more jupiter-server options, e.g. ["--install-poll", "1"]).
// Returns {url, processorUrl, partnerUrl, dataDir, log(), processorLog(), partnerLog(), stop()}.
export async function startServer({
  port = 0, catalogue = sampleCatalogue, web = siteDir, provisionDeadline, partnerMode, partnerDelay,
  ordersPerMinute = 100, storeArgs = [],
} = {}) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "jupiter-e2e-"));
  const secret = crypto.randomBytes(24).toString("hex");
  const apiKey = crypto.randomBytes(24).toString("hex");
  const started = [];
  try {
    // The sandbox takes its secrets from files (never on the command line, which `ps` shows to everyone).
    const keyFile = path.join(data, "processor-api-key"), secretFile = path.join(data, "webhook-secret");
    fs.writeFileSync(keyFile, apiKey + "\n", { mode: 0o600 });
    fs.writeFileSync(secretFile, secret + "\n", { mode: 0o600 });
    const processor = await spawnListening(processorBin,
      ["--port", "0", "--api-key-file", keyFile, "--webhook-secret-file", secretFile], "processor sandbox");
    started.push(processor.proc);
    const partner = await spawnListening(partnerBin, ["--port", "0"], "partner sandbox");
    started.push(partner.proc);
    if (partnerMode) await setPartnerBehaviour(partner.url, { mode: partnerMode, delaySeconds: partnerDelay });
    const args = ["--port", String(port), "--data", data, "--web", web, "--catalogue", catalogue,
      "--processor-url", processor.url, "--partner-url", partner.url, "--webhook-secret", secret,
      "--processor-key", apiKey];
    if (provisionDeadline) args.push("--provision-deadline", String(provisionDeadline));
    args.push("--orders-per-minute", String(ordersPerMinute), ...storeArgs);
    const store = await spawnListening(serverBin, args, "server");
    started.push(store.proc);
    return {
      url: store.url,
      processorUrl: processor.url,
      partnerUrl: partner.url,
      dataDir: data,
      log: store.log,
      processorLog: processor.log,
      partnerLog: partner.log,
      async stop() {
        for (const proc of started.reverse()) await stopProcess(proc);
        fs.rmSync(data, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const proc of started.reverse()) await stopProcess(proc);
    fs.rmSync(data, { recursive: true, force: true });
    throw e;
  }
}

// Widgets drawn in the last rendered frame.
export async function items(page) {
  return page.evaluate(() => (window.jupiterTest ? window.jupiterTest.items() : []));
}

export async function state(page) {
  return page.evaluate(() => (window.jupiterTest ? window.jupiterTest.state() : null));
}

// Waits until a widget matching `match` ({label, role} as string or RegExp) is drawn; returns it.
export async function findItem(page, match, { timeout = 10_000 } = {}) {
  const test = (value, want) => want === undefined || (want instanceof RegExp ? want.test(value) : value === want);
  let found;
  await expect
    .poll(async () => {
      found = (await items(page)).find((it) => test(it.label, match.label) && test(it.role, match.role));
      return !!found;
    }, { timeout, message: `widget ${JSON.stringify(String(match.label))} (${match.role ?? "any role"})` })
    .toBe(true);
  return found;
}

export async function click(page, match) {
  const it = await findItem(page, match);
  expect(it.enabled, `${it.label} is enabled`).toBe(true);
  await page.mouse.click(it.x + Math.min(it.w / 2, 40), it.y + it.h / 2);
  return it;
}

// Sets a checkbox to `want` with one click (none when it already is) and waits until a frame shows it. A click is
// never clicked again: the store queues input (platform/input_queue.hpp), so a lost click is a bug to see.
export async function setChecked(page, match, want) {
  const it = await findItem(page, match);
  if (it.checked === want) return;
  expect(it.enabled, `${it.label} is enabled`).toBe(true);
  await page.mouse.click(it.x + Math.min(it.w / 2, 40), it.y + it.h / 2);
  await expect.poll(async () => (await findItem(page, match)).checked,
                    { timeout: 5_000, message: `checkbox ${String(match.label)} set to ${want}` }).toBe(want);
}

export async function typeInto(page, match, text) {
  await click(page, match);
  await page.keyboard.type(text, { delay: 20 });
}

// Opens the store with the test API on, and waits for the module to be running.
export async function openStore(page, baseUrl, query = "") {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${baseUrl}/?test=1${query}`);
  await expect.poll(() => page.evaluate(() => window.jupiterTest?.frames() ?? 0)).toBeGreaterThan(0);
  return errors;
}
