"""Put an event on its queue exactly once (docs/behaviour.md#delivery), through RQ's public API.

The delivery record is the job itself while it lives, then a small marker:

- The job's id is made from Slack's `event_id`, and RQ's unique enqueue
  (`unique=True`) checks that no job has that id, writes the job and pushes it onto
  its queue in one Lua script. Atomic: either it lands whole and Slack's retries
  run into it (answered 200, not enqueued again), or nothing of it does and a retry
  is enqueued. A reply lost after the script ran is the first case. The job lives
  while queued (at most the dedup window), running, waiting for a retry, or failed
  (a week, for the operator).
- When it succeeds, its success callback (run by the worker before RQ saves the
  result) leaves `gopherbot:delivered:<event_id>` for the rest of the window; the
  gateway looks for it first. RQ keeps a finished job only a minute (for the queue
  views): with its result it costs about 8 KB of Redis, the marker under 100 bytes.

Slack retries immediately, after 1 minute and after 5 minutes; the window is at
least 10 minutes. If the marker cannot be written the job fails and RQ runs it
again (the bot skips what it already sent). A duplicate delivery landing in the
microsecond between the marker check and the enqueue, just as the first job
finishes, is enqueued again: the bot's per-event records make that harmless.
"""

import time

from django.conf import settings
from rq.exceptions import DuplicateJobError
from rq.job import Callback, Job, Retry

from gateway.routing import Route
from gopherbot.connections import get_queue, get_redis

# A job that fails in a way that may pass (Slack 5xx, timeouts, a worker that died)
# runs again after these many seconds, then stays in the failed registry for a week
# for the operator to inspect and requeue.
RETRY_INTERVALS = (2, 10, 30)
FAILURE_TTL = 7 * 24 * 60 * 60
RESULT_TTL = 60


def job_id_for(event_id: str) -> str:
    """The RQ job id of an event: Slack's retries of it run into the job while it lives."""
    return f"event-{event_id}"


def delivered_key(event_id: str) -> str:
    """Where a finished event's delivery is remembered for the rest of the dedup window."""
    return f"gopherbot:delivered:{event_id}"


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
    if get_redis().exists(delivered_key(event_id)):
        return None
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
    try:
        return get_queue(route.queue).enqueue(
            route.job,
            payload,
            job_id=job_id_for(event_id),
            unique=True,
            description=f"{route.job} {event_id}",
            job_timeout=settings.EVENT_JOB_TIMEOUT,
            ttl=settings.SLACK_EVENT_DEDUP_SECONDS,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            on_success=Callback(mark_delivered),
        )
    except DuplicateJobError:
        return None


def mark_delivered(job: Job, connection, result) -> None:
    """RQ's success callback (in the worker): the event stays delivered after its job is gone.

    The window counts from the delivery: a job that sat queued for a while is remembered
    for the rest of it, and at least a minute more.
    """
    payload = job.args[0]
    remaining = settings.SLACK_EVENT_DEDUP_SECONDS - (time.time() - payload["enqueued_at"])
    connection.set(delivered_key(payload["event_id"]), job.id, ex=max(int(remaining), 60))
