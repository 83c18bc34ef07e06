"""Put an event on its queue exactly once (spec §3 steps 11-12), through RQ's public API.

The job's id is made from Slack's `event_id`, and RQ's unique enqueue (`unique=True`)
checks that no job has that id, writes the job and pushes it onto its queue in one
Lua script: atomic, so the job itself is the delivery record. Either it lands
whole and Slack's retries find it (answered 200, not enqueued again), or nothing of
it does and a retry is enqueued. A reply lost after the script ran is the first
case: the event is on its queue, and the retry is a duplicate.

The record lasts as long as RQ keeps the job: queued (at most `ttl`), running,
then `result_ttl` after success or `failure_ttl` after failure. Both ttl and
result_ttl are the dedup window, so Slack's retries (immediately, after 1 and
5 minutes) always find it, and every job expires.
"""

import time

from django.conf import settings
from rq.exceptions import DuplicateJobError
from rq.job import Job, Retry

from gateway.routing import Route
from gopherbot.connections import get_queue

# A job that fails in a way that may pass (Slack 5xx, timeouts, a worker that died)
# runs again after these many seconds, then stays in the failed registry for a week
# for the operator to inspect and requeue.
RETRY_INTERVALS = (2, 10, 30)
FAILURE_TTL = 7 * 24 * 60 * 60


def job_id_for(event_id: str) -> str:
    """The RQ job id of an event: the delivery record Slack's retries run into."""
    return f"event-{event_id}"


def enqueue_event(
    route: Route,
    body: dict,
    request_id: str | None = None,
    *,
    receiver: str = "http",
    received_at: float | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> Job | None:
    """Enqueue the event of `body` on `route`: the job, or None when it was delivered before.

    Raises redis.RedisError when Redis fails; then either nothing was written, or the
    job was (its reply was lost) and a retry is answered as a duplicate.
    """
    event_id = body["event_id"]
    payload = {
        "event": body["event"],
        "event_id": event_id,
        "event_time": body["event_time"],
        "request_id": request_id,
        "enqueued_at": time.time() if received_at is None else received_at,
        "retry_num": retry_num,
        "retry_reason": retry_reason,
        "receiver": receiver,
    }
    window = settings.SLACK_EVENT_DEDUP_SECONDS
    try:
        return get_queue(route.queue).enqueue(
            route.job,
            payload,
            job_id=job_id_for(event_id),
            unique=True,
            description=f"{route.job} {event_id}",
            job_timeout=settings.EVENT_JOB_TIMEOUT,
            ttl=window,
            result_ttl=window,
            failure_ttl=FAILURE_TTL,
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
        )
    except DuplicateJobError:
        return None
