"""The gateway's enqueue: RQ's own unique enqueue, so the job is also the delivery record."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus

from gateway.delivery import FAILURE_TTL, RETRY_INTERVALS, enqueue_event, job_id_for
from gateway.routing import Route
from gopherbot import connections
from tests.slack_events import event_callback

ROUTE = Route("slack_message_public", "tests.jobs.record")
FAILING = Route("slack_message_public", "tests.jobs.fail")


def queue(redis_db) -> Queue:
    return Queue(ROUTE.queue, connection=redis_db)


def test_a_real_rq_worker_runs_the_job_with_its_payload(redis_db, settings):
    body = event_callback()
    job = enqueue_event(ROUTE, body, "req-1", retry_num=1, retry_reason="http_timeout")

    (queued,) = queue(redis_db).get_jobs()
    assert queued.id == job.id == job_id_for(body["event_id"])
    assert queued.get_status() == JobStatus.QUEUED
    assert queued.origin == ROUTE.queue
    assert queued.timeout == settings.EVENT_JOB_TIMEOUT
    assert queued.failure_ttl == FAILURE_TTL
    assert queued.retries_left == len(RETRY_INTERVALS)
    assert queued.retry_intervals == list(RETRY_INTERVALS)
    assert abs(queued.enqueued_at.timestamp() - time.time()) < 5
    assert body["event_id"] in queued.description

    SimpleWorker([queue(redis_db)], connection=redis_db).work(burst=True)

    assert queued.get_status(refresh=True) == JobStatus.FINISHED
    assert queued.return_value() == body["event_id"]
    (recorded,) = [json.loads(item) for item in redis_db.lrange("test:recorded", 0, -1)]
    assert recorded == {
        "event": body["event"],
        "event_id": body["event_id"],
        "event_time": body["event_time"],
        "request_id": "req-1",
        "enqueued_at": recorded["enqueued_at"],
        "retry_num": 1,
        "retry_reason": "http_timeout",
        "receiver": "http",
    }
    assert abs(recorded["enqueued_at"] - time.time()) < 5


def test_rq_lists_the_queue_among_its_queues(redis_db):
    enqueue_event(ROUTE, event_callback())
    assert ROUTE.queue in [q.name for q in Queue.all(connection=redis_db)]


def test_the_second_delivery_of_an_event_is_refused(redis_db):
    body = event_callback()
    assert enqueue_event(ROUTE, body) is not None
    assert enqueue_event(ROUTE, body) is None
    assert queue(redis_db).count == 1


def test_the_record_outlives_slacks_retries_after_the_job_ran_then_expires(redis_db, settings):
    body = event_callback()
    job = enqueue_event(ROUTE, body)
    window = settings.SLACK_EVENT_DEDUP_SECONDS
    assert window - 5 <= redis_db.ttl(job.key) <= window  # queued: gone if never picked up
    SimpleWorker([queue(redis_db)], connection=redis_db).work(burst=True)
    assert window - 5 <= redis_db.ttl(job.key) <= window  # finished: kept, then gone
    assert enqueue_event(ROUTE, body) is None
    assert queue(redis_db).count == 0


def test_a_failed_job_is_retried_by_rq_and_still_counts_as_delivered(redis_db, settings):
    body = event_callback()
    job = enqueue_event(FAILING, body)
    SimpleWorker([queue(redis_db)], connection=redis_db).work(burst=True)
    job.refresh()
    assert job.is_scheduled and job.retries_left == len(RETRY_INTERVALS) - 1
    window = settings.SLACK_EVENT_DEDUP_SECONDS
    assert window - 5 <= redis_db.ttl(job.key) <= window  # waiting for its retry: kept
    assert enqueue_event(FAILING, body) is None


def test_unicode_and_odd_text_survive_the_trip(redis_db):
    text = 'héllo 🐹 "quotes" \\ backslash \x00 nul <@U0BOB> ' + "ü" * 1000
    body = event_callback({"type": "message", "text": text, "channel": "C1", "ts": "1.2"})
    enqueue_event(ROUTE, body)
    SimpleWorker([queue(redis_db)], connection=redis_db).work(burst=True)
    (recorded,) = [json.loads(item) for item in redis_db.lrange("test:recorded", 0, -1)]
    assert recorded["event"]["text"] == text


def test_a_redis_failure_raises_and_records_nothing(redis_db, settings):
    settings.RQ_QUEUES = {name: {"URL": "redis://127.0.0.1:1/0"} for name in settings.RQ_QUEUES}
    connections.reset()
    body = event_callback()
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        enqueue_event(ROUTE, body)
    # Slack waits 3 s for an answer: a Redis that is down is reported well before.
    assert time.monotonic() - started < 1
    connections.reset()
    assert not redis_db.exists(Job.key_for(job_id_for(body["event_id"])))


def test_it_recovers_when_redis_forgot_its_scripts(redis_db):
    enqueue_event(ROUTE, event_callback())
    redis_db.script_flush()  # as after a Redis restart
    assert enqueue_event(ROUTE, event_callback()) is not None
    assert queue(redis_db).count == 2


def test_it_reconnects_when_redis_dropped_the_connection(redis_db):
    enqueue_event(ROUTE, event_callback())
    redis_db.client_kill_filter(_type="normal", skipme=True)  # every client but this one
    body = event_callback()
    assert enqueue_event(ROUTE, body) is not None
    assert enqueue_event(ROUTE, body) is None
    assert queue(redis_db).count == 2


def test_a_new_job_timeout_setting_reaches_the_next_job(redis_db, settings):
    settings.EVENT_JOB_TIMEOUT = 17
    assert enqueue_event(ROUTE, event_callback()).timeout == 17


def test_concurrent_deliveries_of_the_same_events_each_land_once(redis_db):
    bodies = [event_callback() for _ in range(100)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda body: enqueue_event(ROUTE, body), bodies * 3))
    assert sum(job is not None for job in results) == 100
    assert sorted(job.args[0]["event_id"] for job in queue(redis_db).get_jobs()) == sorted(
        body["event_id"] for body in bodies
    )
