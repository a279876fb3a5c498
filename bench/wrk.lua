-- wrk script for make bench: counts answers other than 200 (wrk itself counts a redirect
-- to the login page as a success) and prints every figure as one JSON line.
-- Headers (the session cookie, X-Forwarded-Proto) come from wrk's -H options.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   non200 = 0
   bad_status = 0
end

function response(status, headers, body)
   if status ~= 200 then
      non200 = non200 + 1
      bad_status = status
   end
end

function done(summary, latency, requests)
   local bad, code = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non200")
      local status = thread:get("bad_status")
      if status ~= 0 then code = status end
   end
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout
   io.write(string.format(
      'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, "non200": %d, '
         .. '"bad_status": %d, "p50_us": %d, "p99_us": %d}\n',
      summary.requests, summary.duration, errors, bad, code,
      latency:percentile(50), latency:percentile(99)))
end
