-- wrk script: POSTs form submissions, each one different, and prints the figures as JSON.
-- BENCH_PATH is the form's address, BENCH_BODY the urlencoded submission; every "{n}" in it is
-- replaced by a token unique to the request (BENCH_RUN, the thread and a counter), so that no
-- submission is taken for a repeat of another.

local path = os.getenv("BENCH_PATH") or "/api/forms/feedback"
local template = os.getenv("BENCH_BODY") or ""
local run = os.getenv("BENCH_RUN") or "0"
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "text/html"
end

function request()
  counter = counter + 1
  local body = template:gsub("{n}", run .. "r" .. tostring(tid) .. "t" .. tostring(counter))
  return wrk.format("POST", path, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"mean_us":%.1f,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
