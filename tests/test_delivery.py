"""The gateway writes RQ jobs itself (one Lua round trip): RQ must read them as its own."""

import json
import time

import pytest
import redis
from rq import Queue, SimpleWorker
from rq.job import JobStatus

from gateway.delivery import FAILURE_TTL, RESULT_TTL, RETRY_INTERVALS, delivery_key, enqueue_event
from gateway.routing import Route
from tests.slack_events import event_callback

ROUTE = Route("slack_message_public", "tests.jobs.record")


def test_a_real_rq_worker_runs_the_job_with_its_payload(redis_db, settings):
    body = event_callback()
    assert enqueue_event(ROUTE, body, "req-1") is True

    queue = Queue(ROUTE.queue, connection=redis_db)
    (job,) = queue.get_jobs()
    assert job.get_status() == JobStatus.QUEUED
    assert job.origin == ROUTE.queue
    assert job.timeout == settings.EVENT_JOB_TIMEOUT
    assert job.failure_ttl == FAILURE_TTL
    assert job.result_ttl == RESULT_TTL
    assert job.retries_left == len(RETRY_INTERVALS)
    assert job.retry_intervals == list(RETRY_INTERVALS)
    assert abs(job.enqueued_at.timestamp() - time.time()) < 5
    assert job.created_at == job.enqueued_at
    assert body["event_id"] in job.description

    SimpleWorker([queue], connection=redis_db).work(burst=True)

    assert job.get_status(refresh=True) == JobStatus.FINISHED
    assert job.return_value() == body["event_id"]
    (recorded,) = [json.loads(item) for item in redis_db.lrange("test:recorded", 0, -1)]
    assert recorded["event"] == body["event"]
    assert recorded["request_id"] == "req-1"


def test_rq_lists_the_queue_among_its_queues(redis_db):
    enqueue_event(ROUTE, event_callback(), None)
    assert ROUTE.queue in [q.name for q in Queue.all(connection=redis_db)]


def test_the_second_delivery_of_an_event_is_refused(redis_db):
    body = event_callback()
    assert enqueue_event(ROUTE, body, None) is True
    assert enqueue_event(ROUTE, body, None) is False
    assert Queue(ROUTE.queue, connection=redis_db).count == 1


def test_the_delivery_record_names_the_job(redis_db):
    body = event_callback()
    enqueue_event(ROUTE, body, None)
    (job,) = Queue(ROUTE.queue, connection=redis_db).get_jobs()
    assert redis_db.get(delivery_key(body["event_id"])).decode() == job.id


def test_unicode_and_odd_text_survive_the_trip(redis_db):
    text = 'héllo 🐹 "quotes" \\ backslash \x00 nul <@U0BOB> ' + "ü" * 1000
    body = event_callback({"type": "message", "text": text, "channel": "C1", "ts": "1.2"})
    enqueue_event(ROUTE, body, None)
    queue = Queue(ROUTE.queue, connection=redis_db)
    SimpleWorker([queue], connection=redis_db).work(burst=True)
    (recorded,) = [json.loads(item) for item in redis_db.lrange("test:recorded", 0, -1)]
    assert recorded["event"]["text"] == text


def test_a_redis_failure_raises_and_records_nothing(redis_db, settings):
    from gopherbot import connections

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    connections.reset()
    body = event_callback()
    with pytest.raises(redis.ConnectionError):
        enqueue_event(ROUTE, body, None)
    connections.reset()
    assert not redis_db.exists(delivery_key(body["event_id"]))


def test_it_recovers_when_redis_forgot_its_scripts(redis_db):
    enqueue_event(ROUTE, event_callback(), None)
    redis_db.script_flush()  # as after a Redis restart
    assert enqueue_event(ROUTE, event_callback(), None) is True
    assert Queue(ROUTE.queue, connection=redis_db).count == 2


def test_it_reconnects_when_redis_dropped_the_connection(redis_db):
    enqueue_event(ROUTE, event_callback(), None)
    redis_db.client_kill_filter(_type="normal", skipme=True)  # every client but this one
    body = event_callback()
    assert enqueue_event(ROUTE, body, None) is True
    assert enqueue_event(ROUTE, body, None) is False
    assert Queue(ROUTE.queue, connection=redis_db).count == 2


def test_a_new_job_timeout_setting_reaches_the_next_job(redis_db, settings):
    settings.EVENT_JOB_TIMEOUT = 17
    enqueue_event(ROUTE, event_callback(), None)
    (job,) = Queue(ROUTE.queue, connection=redis_db).get_jobs()
    assert job.timeout == 17


def test_concurrent_deliveries_each_land_once_on_a_few_connections(redis_db, settings):
    from concurrent.futures import ThreadPoolExecutor

    bodies = [event_callback() for _ in range(200)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        first = list(pool.map(lambda body: enqueue_event(ROUTE, body, None), bodies))
        again = list(pool.map(lambda body: enqueue_event(ROUTE, body, None), bodies))
    assert first == [True] * 200
    assert again == [False] * 200
    assert Queue(ROUTE.queue, connection=redis_db).count == 200
    clients = redis_db.client_list()
    assert len(clients) <= settings.REDIS_GATEWAY_CONNECTIONS + 2  # and the test's own
