// consent-module.test.mjs: the consent WebAssembly module itself (the file every page loads), driven through the
// same C ABI web/consent.js uses, with bad input of every kind: it must answer with a value and never trap.
// The core's rules are tested in tests/unit (natively and as wasm); this tests the module's own layer: the
// input and output buffers, the lines protocol, and that nothing it is given can abort it.
//
// Run: JUPITER_CONSENT_WASM=<build>/src/consent/jupiter-consent.wasm node --test tests/wasm/consent-module.test.mjs
// (ctest registers it as consent_module_wasm in the web build).
import assert from "node:assert/strict";
import fs from "node:fs";
import test from "node:test";

const wasmPath = process.env.JUPITER_CONSENT_WASM;
assert.ok(wasmPath && fs.existsSync(wasmPath), "set JUPITER_CONSENT_WASM to the built jupiter-consent.wasm");

const imports = { env: { emscripten_notify_memory_growth() {} },
                  wasi_snapshot_preview1: { proc_exit() { throw new Error("the module exited"); } } };
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), imports);
const ex = instance.exports;
if (ex._initialize) ex._initialize();
const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });  // the module's output is always valid UTF-8 here

// As web/consent.js: write the input (bytes or text), call, read the output.
function put(input) {
  const bytes = typeof input === "string" ? enc.encode(input) : input;
  const at = ex.jc_input(bytes.length);
  if (at) new Uint8Array(ex.memory.buffer, at, bytes.length).set(bytes);
  return at;
}
function get(ptr) { return dec.decode(new Uint8Array(ex.memory.buffer, ptr, ex.jc_output_size())); }
const NOW = Date.UTC(2026, 10, 26);
const state = (record, gpc = 0, now = NOW) => (put(record), JSON.parse(get(ex.jc_state(gpc, now))));
const decide = (lines, action = 1, cats = 0, gpc = 0, now = NOW) =>
  (put(lines.join("\n")), get(ex.jc_decide(action, cats, gpc, now)));
const remove = (record, names, kind = 0) =>
  (put([record, ...names].join("\n")), get(ex.jc_remove(kind, 0, NOW)).split("\n").filter(Boolean));

const ERRORS = ["none", "empty", "too_large", "not_json", "not_object", "unknown_schema", "missing_field",
                "wrong_type", "tampered"];
const ID = "0b6f6a52-3c1e-4d8f-9a57-2f1d6a0c9e11";

// A small deterministic generator, so that a failure can be reproduced.
function rng(seed) {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

function accepted() {
  const [record, receipt] = decide(["", ID, "en", "sha256-x", "consent-1", ""]).split("\n");
  assert.ok(receipt, "accept_all makes a record and a receipt");
  return record;
}

test("a decision round-trips through the module", () => {
  const record = accepted();
  const s = state(record);
  assert.equal(s.valid, true);
  assert.equal(s.record_error, "none");
  assert.equal(s.categories.analytics, true);
  assert.equal(s.consent_mode.analytics_storage, "granted");
  assert.deepEqual(state(record, 1).categories.analytics, false, "GPC after a choice made without it");
});

test("jc_names gives the core's numbering: categories by mask bit from 1, actions by code from 1", () => {
  const [cats, actions] = get(ex.jc_names()).split("\n").map((l) => l.split(" "));
  assert.deepEqual(cats, ["necessary", "preferences", "analytics", "marketing"]);
  assert.deepEqual(actions, ["accept_all", "reject_all", "custom", "withdraw"]);
  // The numbering is the one jc_decide reads: "custom" (code 3) with only analytics (bit 3) grants analytics alone.
  const [record] = decide(["", ID, "en", "sha256-x", "consent-1", ""], 3, 1 << 3).split("\n");
  const s = state(record);
  assert.equal(JSON.parse(record).action, "custom");
  assert.deepEqual(s.categories, { necessary: true, preferences: false, analytics: true, marketing: false });
});

test("the first decision keeps a well-formed fresh key, and never stores a malformed one", () => {
  const key = "5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f";
  const kept = JSON.parse(decide(["", ID, "en", "sha256-x", "consent-1", "", key]).split("\n")[0]);
  assert.equal(kept.consent_key, key);
  const later = decide([JSON.stringify(kept), "other-id-123", "en", "sha256-x", "consent-1", "", "x".repeat(20)]);
  assert.equal(JSON.parse(later.split("\n")[0]).consent_key, key, "a later decision keeps the first key");
  assert.equal(JSON.parse(later.split("\n")[1]).consent_key, key, "and its receipt carries it");
  for (const bad of ["short", "has spaces in it, sixteen", "k".repeat(65)]) {
    const rec = JSON.parse(decide(["", ID, "en", "sha256-x", "consent-1", "", bad]).split("\n")[0]);
    assert.equal(rec.consent_key, undefined, bad);
    assert.equal(state(JSON.stringify(rec)).valid, true, "the record stays good consent");
  }
});

test("garbage records are no consent, reported as an error kind, never a trap", () => {
  const next = rng(6);
  const samples = ["", "{", "null", "[]", "\"x\"", "{}", "{\"schema\":1}", "{\"schema\":1,\"schema\":1}",
                   "[".repeat(100000), "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                   "{\"schema\":18446744073709551616}", "{\"schema\":1e400}", "{\"schema\":-0}",
                   "{\"schema\":1,\"consent_id\":\"" + "a".repeat(30000) + "\"}"];
  for (let i = 0; i < 400; i++) {
    const bytes = new Uint8Array(1 + Math.floor(next() * 300));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
    samples.push(bytes);
  }
  for (const sample of samples) {
    put(sample);
    const s = JSON.parse(get(ex.jc_state(0, NOW)));
    assert.equal(s.valid, false);
    assert.ok(ERRORS.includes(s.record_error) && s.record_error !== "none", s.record_error);
    assert.deepEqual(s.services, ["consent-record", "store-session"], "only the necessary services");
  }
});

test("a valid record with bytes changed is either still a well-formed record or no consent", () => {
  const record = enc.encode(accepted());
  const next = rng(42);
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    const bytes = record.slice();
    for (let k = 0; k < 1 + Math.floor(next() * 3); k++)
      bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    put(bytes);
    const s = JSON.parse(get(ex.jc_state(0, NOW)));
    assert.ok(ERRORS.includes(s.record_error));
    if (s.valid) assert.equal(s.record_error, "none");  // (a readable record may still be from another revision)
    if (s.record_error !== "none") refused++;
  }
  assert.ok(refused > 1000, `most damaged records are refused (${refused} of 2000)`);
});

test("input over the module's 64 KB reads as no input; the next call works", () => {
  const huge = "{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}";
  assert.equal(put(huge), 0);
  const s = JSON.parse(get(ex.jc_state(0, NOW)));
  assert.equal(s.record_error, "empty");
  assert.equal(state(accepted()).valid, true);
});

test("bad decisions are refused with an empty answer", () => {
  const ok = ["", ID, "en", "sha256-x", "consent-1", ""];
  for (const action of [0, 5, 99, -1, 2 ** 31 - 1]) assert.equal(decide(ok, action), "", `action ${action}`);
  for (const id of ["", "short", "has space in it", "x".repeat(65), "\u00e9".repeat(10)])
    assert.equal(decide(["", id, "en", "sha256-x", "consent-1", ""]), "", `id ${id}`);
  for (const now of [-1, NaN, Infinity, -Infinity, 1e300, 253402300800000])
    assert.equal(decide(ok, 1, 0, 0, now), "", `time ${now}`);
  assert.equal(decide(["", ID, "en", "", "consent-1", ""]), "", "no banner hash");
  assert.equal(decide(["", ID, "en", "sha256-x", "1.0 beta", ""]), "", "a bad ui version");
  // Broken service toggles and a garbage previous record still make a decision (the toggles are ignored).
  const made = decide(["{garbage", ID, "\u0000<script>", "sha256-x", "consent-1", "== x=1 =0 consent-record=0 \u00ff=1"],
                      3, 0b11110);
  const [record, receipt] = made.split("\n");
  assert.equal(JSON.parse(record).language, "und");
  assert.equal(JSON.parse(receipt).consent_id, ID);
  assert.equal(state(record).services.includes("consent-record"), true, "necessary cannot be switched off");
});

test("teardown answers only with names it was given, however many and however odd", () => {
  const reject = decide(["", ID, "en", "sha256-x", "consent-1", ""], 2).split("\n")[0];
  const names = [];
  for (let i = 0; i < 5000; i++) names.push(i % 2 ? `_sa_ses_${i}` : `other\u00e9${i}`);
  const out = remove(reject, names);
  assert.equal(out.length, 2500);
  assert.ok(out.every((n) => n.startsWith("_sa_ses_")));
  assert.deepEqual(remove("not a record", ["jupiter_consent", "_sads_id", ""]), ["_sads_id"]);
  assert.deepEqual(remove(reject, ["x".repeat(60000)]), []);
});

test("the module's memory does not grow over many calls", () => {
  const record = accepted();
  const before = ex.memory.buffer.byteLength;
  for (let i = 0; i < 3000; i++) {
    state(record);
    decide([record, ID, "en", "sha256-x", "consent-1", "sample-analytics=0"], 3, 0b1000);
    remove(record, ["_sa_id", "_sads_id"]);
  }
  assert.equal(ex.memory.buffer.byteLength, before);
});
