-- wrk (Debian's wrk 4.1.0) script of bench/throughput.py: a mixed load of real portal URLs.
--
-- BENCH_PATHS names a file of request paths, one a line (browse, search with facets, DCAT
-- pages, API reads, already weighted and shuffled by throughput.py); each wrk thread walks
-- it from its own offset, round and round. BENCH_THINK_MS (optional) makes every connection
-- wait that long between two requests: a steady, moderate rate instead of saturation.
-- done() prints one line "BENCH_RESULT {json}" with requests, duration, latency
-- percentiles (microseconds), socket errors and responses by status class.

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local think = tonumber(os.getenv("BENCH_THINK_MS") or "0") or 0

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("offset", (count - 1) * 7919)
  table.insert(threads, thread)
end

function init(args)
  position = offset % #paths
  s2, s3, s4, s5 = 0, 0, 0, 0
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  -- (which path a response answers is not known here: a thread serves several
  -- connections; the servers' logs name the failing requests)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

if think > 0 then
  function delay() return think end
end

function done(summary, latency, requests)
  local c = {s2 = 0, s3 = 0, s4 = 0, s5 = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(c) do c[key] = c[key] + thread:get(key) end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.0f, ' ..
    '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status_errors": %d, ' ..
    '"2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status,
    c.s2, c.s3, c.s4, c.s5))
end
