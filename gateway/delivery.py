"""Put an event on its queue exactly once (spec §3 steps 11-12).

The delivery record (`gopherbot:event:<event_id>`) and the RQ job are written in
one MULTI/EXEC transaction guarded by WATCH: either both land or neither does,
so a Redis failure never leaves a record that would swallow Slack's retry.
"""

import time

import redis
from django.conf import settings
from rq.job import Job, Retry

from gateway.routing import Route
from gopherbot.connections import get_queue, get_redis

# Event jobs are small and short; keep failures around for the operator to inspect.
JOB_TIMEOUT = 60
RESULT_TTL = 10 * 60
FAILURE_TTL = 7 * 24 * 60 * 60
# A job that fails on something passing (Slack 5xx, timeouts) runs again after 2, 10
# and 30 s (RQ's scheduler, `rqworker --with-scheduler`); the job turns retries off
# for failures that can't pass.
EVENT_RETRY = Retry(max=3, interval=[2, 10, 30])


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
    )
    key = delivery_key(body["event_id"])
    with connection.pipeline() as pipe:
        try:
            pipe.watch(key)
            if pipe.exists(key):
                return False
            pipe.multi()
            pipe.set(key, job.id, ex=settings.SLACK_EVENT_DEDUP_SECONDS)
            queue.enqueue_job(job, pipeline=pipe)
            pipe.execute()
        except redis.WatchError:
            return False  # a concurrent delivery of the same event won the race
    return True
