"""Put an event on its queue exactly once (spec §3 steps 11-12).

One Lua script, so one Redis round trip and atomic: it records the delivery
(`gopherbot:event:<event_id>`) only if it is new, and in the same step writes the
RQ job and pushes its id, as RQ's own `Queue.enqueue_job` does. Either everything
lands or nothing does, so a Redis failure never leaves a record that would
swallow Slack's retry. The script is idempotent (a second run finds the record
and does nothing), so sending it again after a dropped connection is safe.
"""

import time

from django.conf import settings

from gateway.routing import Route
from gateway.rq_job import JOB_KEY_PREFIX, QUEUE_KEY_PREFIX, QUEUES_KEY, new_job, shared_fields
from gopherbot.connections import ScriptRunner

# Event jobs are small and short; failures stay a week for the operator to inspect.
# A job that fails in a way that may pass (Slack 5xx, timeouts, a worker that died)
# runs again after these many seconds, then stays in the failed registry.
RETRY_INTERVALS = (2, 10, 30)
RESULT_TTL = 10 * 60
FAILURE_TTL = 7 * 24 * 60 * 60

# KEYS: delivery record, job hash, queue list, RQ's set of queues
# ARGV: record TTL, job id, the fields all jobs of the queue share (a JSON object), then
# the job's own fields as field, value, ... (few arguments: redis-py packs each in Python)
_DELIVER = """
if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[1]) then
  return 0
end
local fields = {unpack(ARGV, 4)}
for name, value in pairs(cjson.decode(ARGV[3])) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], KEYS[3])
return 1
"""
_deliver = ScriptRunner(_DELIVER, max_connections=settings.REDIS_GATEWAY_CONNECTIONS)


def delivery_key(event_id: str) -> str:
    return f"gopherbot:event:{event_id}"


def enqueue_event(route: Route, body: dict, request_id: str | None) -> bool:
    """Enqueue the event of `body` on `route`; False when it was delivered before.

    Raises redis.RedisError when Redis fails: nothing was recorded then.
    """
    event_id = body["event_id"]
    payload = {
        "event": body["event"],
        "event_id": event_id,
        "event_time": body["event_time"],
        "request_id": request_id,
        "enqueued_at": time.time(),
    }
    job_id, job_fields = new_job(route.job, payload, description=f"{route.job} {event_id}")
    shared = shared_fields(
        queue=route.queue,
        timeout=settings.EVENT_JOB_TIMEOUT,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        retry_intervals=RETRY_INTERVALS,
    )
    keys = [
        delivery_key(event_id),
        JOB_KEY_PREFIX + job_id,
        QUEUE_KEY_PREFIX + route.queue,
        QUEUES_KEY,
    ]
    args = [settings.SLACK_EVENT_DEDUP_SECONDS, job_id, shared, *job_fields]
    return bool(_deliver(keys, args))
