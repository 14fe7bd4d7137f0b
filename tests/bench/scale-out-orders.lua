-- scale-out-orders.lua: wrk's requests for tests/bench/scale-out.mjs: POST /api/orders, each with its own
-- Idempotency-Key (WRK_KEY_PREFIX, the thread's number and a 12-digit counter), the body from WRK_ORDER_BODY. Prints one JSON
-- line at the end: requests, answers outside 2xx/3xx, socket errors, p50/p99 latency in ms.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  prefix = (os.getenv("WRK_KEY_PREFIX") or "bench") .. "-" .. id .. "-"  -- base64url, as keys must be
  body = os.getenv("WRK_ORDER_BODY")
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  headers["Idempotency-Key"] = prefix .. string.format("%012d", counter)  -- 16 to 64 characters
  return wrk.format("POST", "/api/orders", headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration_us":%d,"status":%d,"socket":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
