-- wrk script for the closed-loop cross-check in bench/server/run: each
-- connection pauses CONNS/RATE seconds between a response and its next
-- request. wrk 4.1's Lua has no clock, so this cannot hold a constant rate:
-- the achieved rate is RATE * gap / (gap + latency), and time a request
-- spends waiting for a slow server is not counted (coordinated omission).
-- The constant-rate figures come from server_http_rate (http_rate.cc).
-- RATE (total requests/s) and CONNS (wrk -c) come from the environment;
-- wrk calls delay() before every request of a connection.
local rate = tonumber(os.getenv("RATE") or "1000")
local conns = tonumber(os.getenv("CONNS") or "20")
local gap_ms = 1000 * conns / rate

local method = os.getenv("METHOD") or "GET"
local body = os.getenv("BODY")
wrk.method = method
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function delay()
  return gap_ms
end

-- Non-2xx/3xx answers, so a run that "succeeds" with errors is visible.
function done(summary, latency, requests)
  io.write(string.format("non2xx=%d\n", summary.errors.status))
end
