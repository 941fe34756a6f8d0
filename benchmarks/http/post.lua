-- wrk script for benchmarks/http.sh: POSTs JSON bodies read from the file given as the first
-- script argument (`wrk ... URL -- bodies.jsonl [KEY]`), one body per line, cycling through them,
-- with the key as x-functions-key when one is given, and prints one parseable summary line at the end.
local requests = {}
local next_index = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  if args[2] and #args[2] > 0 then
    headers["x-functions-key"] = args[2]
  end
  local f = assert(io.open(args[1], "rb"))
  for line in f:lines() do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("POST", nil, headers, line)
    end
  end
  f:close()
  assert(#requests > 0, "no request bodies in " .. args[1])
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
