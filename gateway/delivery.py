"""Put an event on its queue exactly once (spec §3 steps 11-12).

One Lua script, so one Redis round trip and atomic: it records the delivery
(`gopherbot:event:<event_id>`) only if it is new, and in the same step writes the
RQ job hash and pushes its id, just as RQ's own `Queue.enqueue_job` does. Either
everything lands or nothing does, so a Redis failure never leaves a record that
would swallow Slack's retry. tests/test_gateway.py runs the jobs with a real RQ worker.
"""

import json
import time

from django.conf import settings
from rq.job import Job, JobStatus, Retry
from rq.utils import now

from gateway.routing import Route
from gopherbot.connections import get_queue, get_redis

# Event jobs are small and short; failures stay a week for the operator to inspect.
JOB_TIMEOUT = 60
RESULT_TTL = 10 * 60
FAILURE_TTL = 7 * 24 * 60 * 60
# A job that fails on something passing (Slack 5xx, timeouts) runs again after 2, 10
# and 30 s (RQ's scheduler, `rqworker --with-scheduler`); the job turns retries off
# for failures that can't pass.
EVENT_RETRY = Retry(max=3, interval=[2, 10, 30])

# KEYS: delivery record, job hash, queue list, RQ's set of queues
# ARGV: record TTL, job id, the job's pickled data, its other fields as a JSON object.
# (Few arguments: packing each one is the costliest part of the call in redis-py.)
_DELIVER = """
if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'EX', ARGV[1]) then
  return 0
end
local fields = {'data', ARGV[3]}
for name, value in pairs(cjson.decode(ARGV[4])) do
  fields[#fields + 1] = name
  fields[#fields + 1] = value
end
redis.call('SADD', KEYS[4], KEYS[3])
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('RPUSH', KEYS[3], ARGV[2])
return 1
"""
_scripts = {}


def delivery_key(event_id: str) -> str:
    return f"gopherbot:event:{event_id}"


def enqueue_event(route: Route, body: dict, request_id: str | None) -> bool:
    """Enqueue the event of `body` on `route`; False when it was delivered before.

    Raises redis.RedisError when Redis fails: nothing was recorded then.
    """
    connection = get_redis()
    queue = get_queue(route.queue)
    payload = {
        "event": body["event"],
        "event_id": body["event_id"],
        "event_time": body["event_time"],
        "request_id": request_id,
        "enqueued_at": time.time(),
    }
    job = Job.create(
        route.job,
        args=(payload,),
        connection=connection,
        timeout=JOB_TIMEOUT,
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        retry=EVENT_RETRY,
        description=f"{route.job} {body['event_id']}",
        origin=queue.name,
        status=JobStatus.QUEUED,
    )
    job.enqueued_at = now()
    fields = job.to_dict()
    data = fields.pop("data")
    # RQ reads an empty field as an absent one; leave them out.
    fields = json.dumps({name: value for name, value in fields.items() if value != ""})
    script = _scripts.get(connection)
    if script is None:
        script = _scripts[connection] = connection.register_script(_DELIVER)
    keys = [delivery_key(body["event_id"]), job.key, queue.key, queue.redis_queues_keys]
    return bool(script(keys=keys, args=[settings.SLACK_EVENT_DEDUP_SECONDS, job.id, data, fields]))
