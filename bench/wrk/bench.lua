-- One wrk script for every HTTP scenario, configured by environment:
--   BENCH_METHOD        GET or POST
--   BENCH_BODY_FILE     file whose bytes are the request body
--   BENCH_CONTENT_TYPE  content-type of that body
--   BENCH_HEADERS       how many x-bench-N request headers to add
--   BENCH_ACCEPT_ENCODING  an Accept-Encoding header to send, if set
--   BENCH_DELAY_MS      pause per connection between requests (fixed-rate latency runs)
-- done() prints one JSON line the runner parses.

wrk.method = os.getenv("BENCH_METHOD") or "GET"

local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["content-type"] = os.getenv("BENCH_CONTENT_TYPE")
end

for i = 1, tonumber(os.getenv("BENCH_HEADERS") or "0") do
  wrk.headers["x-bench-" .. i] = "value-" .. i .. "-abcdefghijklmnopqrstuvwxyz"
end

local accept_encoding = os.getenv("BENCH_ACCEPT_ENCODING")
if accept_encoding and accept_encoding ~= "" then
  wrk.headers["Accept-Encoding"] = accept_encoding
end

local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
