-- wrk script for the web load test (docs/benchmarks.md): cycles through
-- the request paths in the file $CASELINK_LOAD_PATHS (one per line, such
-- as /search?name=Ryan%20Graham and /people/ENTITY), signed in by the
-- session id in the file $CASELINK_LOAD_COOKIE, and prints the
-- percentiles, the 95th among them, that wrk does not print by itself.
--
--   wrk -t 2 -c 20 -d 30s -s web/load/pages.lua http://127.0.0.1:8080
local paths = {}
for line in io.lines(os.getenv("CASELINK_LOAD_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local f = assert(io.open(os.getenv("CASELINK_LOAD_COOKIE")))
local cookie = f:read("*l")
f:close()

local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  n = id * 37 -- each thread starts elsewhere in the list
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], { ["Cookie"] = "__Host-caselink_session=" .. cookie })
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, errors: status %d, p50 %.1f ms, p90 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
