-- Replays pre-signed, distinct Slack events: each wrk thread takes every Nth line
-- of the file, so no event is sent twice (the gateway's dedup never short-cuts).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path, nthreads = args[1], tonumber(args[2])
  requests, index, wrapped = {}, 0, 0
  local lineno = 0
  for line in io.lines(path) do
    if lineno % nthreads == id then
      local ts, sig, body = line:match("^(%d+)\t(%S+)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", "/slack/event", {
        ["Content-Type"] = "application/json",
        ["X-Slack-Request-Timestamp"] = ts,
        ["X-Slack-Signature"] = sig,
      }, body)
    end
    lineno = lineno + 1
  end
end

function request()
  index = index + 1
  if index > #requests then
    index = 1
    wrapped = wrapped + 1
  end
  return requests[index]
end

function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do
    wraps = wraps + thread:get("wrapped")
  end
  io.write(string.format(
    "RESULT requests=%d non2xx=%d connect_errors=%d read_errors=%d timeouts=%d p50_us=%d p99_us=%d wrapped=%d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99), wraps))
end
