-- wrk script shared by every measurement point. Request from the environment:
--   WRK_METHOD (GET|POST), WRK_BODY (JSON body for POST), WRK_AUTH (Authorization header value).
-- done() prints one machine-readable line: RESULT <req/s> <p50 µs> <p99 µs> <non-2xx> <socket errors> <requests>
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local auth = os.getenv("WRK_AUTH")
if auth and auth ~= "" then
  wrk.headers["Authorization"] = auth
end

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %.1f %d %d %d %d %d\n",
    summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, summary.requests))
end
