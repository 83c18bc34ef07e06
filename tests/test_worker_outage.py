"""Redis crashing under the whole bot (real processes: gunicorn, `rqworker`, the scheduler):
no process exits, every DM is answered exactly once."""

import os
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
from rq import Queue
from rq_scheduler import Scheduler

from localdev.local_redis import free_port
from localdev.processes import procfile_command, running, wait_for_http
from tests.fixtures.reliability import bot_env, send_event, wait_until
from tests.slack_events import event_callback, message_event

MEMBERS = 5
DMS_EACH = 4  # more than the pace's burst: the last DM of each is a paced post


def dm_from(user_id: str, text: str = "go tour") -> dict:
    channel = "D" + user_id[1:]
    return event_callback(message_event(text, channel=channel, channel_type="im", user=user_id))


def replies_by_event(slack) -> Counter:
    """How many posts Slack holds for each event (by the mark each reply carries)."""
    return Counter(
        call.params["metadata"]["event_payload"]["event_id"]
        for call in slack.calls_to("chat.postMessage")
        if "metadata" in call.params
    )


def wait_until_working(worker, scheduler=None) -> None:
    """Until the worker's loop runs (its first maintenance is done) and the scheduler's too."""
    wait_until(
        lambda: "cleaning registries for queue: default" in worker.output(), 60, "it", worker
    )
    if scheduler is not None:
        wait_until(lambda: "Registering birth" in scheduler.output(), 60, "it", scheduler)


def test_redis_killed_mid_burst_loses_no_dm_doubles_none_and_stops_no_process(
    slack, tmp_path, persistent_redis
):
    members = [slack.add_user(f"member{n}")["id"] for n in range(MEMBERS)]
    dms = [dm_from(member) for member in members for _ in range(DMS_EACH)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(slack, tmp_path, persistent_redis.url, PORT=str(port), WEB_CONCURRENCY="1")

    with (
        running(procfile_command("web"), env) as web,
        running(procfile_command("worker"), env) as worker,
        running(procfile_command("scheduler"), env) as scheduler,
    ):
        processes = (web, worker, scheduler)
        wait_for_http(f"{base}/_ruok", proc=web)
        wait_until_working(worker, scheduler)

        # Half the burst at once: the worker is busy with it when Redis dies (kill -9).
        with ThreadPoolExecutor(max_workers=10) as pool:
            assert list(pool.map(lambda body: send_event(base, body), dms[:10])) == [200] * 10
        persistent_redis.kill()
        killed_at = time.monotonic()
        restarted = threading.Event()
        threading.Timer(3.0, lambda: (persistent_redis.start(), restarted.set())).start()
        refused = [body for body in dms[10:] if send_event(base, body) != 200]
        assert restarted.wait(timeout=10) and time.monotonic() - killed_at < 5
        # Slack retries what the gateway refused while Redis was down (X-Slack-Retry-Num).
        assert refused, "the outage refused nothing: it came too late in the burst"
        for body in refused:
            wait_until(lambda b=body: send_event(base, b, retry_num=1) == 200, 30, "a retry")

        wanted = {body["event_id"] for body in dms}
        wait_until(
            lambda: set(replies_by_event(slack)) >= wanted, 90, "every DM's reply", *processes
        )
        time.sleep(5)  # long enough for a reply sent twice to show
        assert [process.process.poll() for process in processes] == [None, None, None]
        worker_log, scheduler_log = worker.output(), scheduler.output()

    assert replies_by_event(slack) == Counter(dict.fromkeys(wanted, 1))
    posts = slack.calls_to("chat.postMessage")
    assert {call.params["channel"] for call in posts} == {"D" + member[1:] for member in members}
    assert all("<https://go.dev/tour/>" in call.params["text"] for call in posts)
    # Neither the worker nor the scheduler it runs stopped over the outage.
    assert "quitting" not in worker_log, worker_log[-3000:]
    assert "raised an exception" not in worker_log, worker_log[-3000:]
    assert "Traceback" not in scheduler_log, scheduler_log[-3000:]


def test_an_outage_longer_than_the_retries_is_waited_out_and_work_carries_on(
    slack, tmp_path, persistent_redis
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(
        slack,
        tmp_path,
        persistent_redis.url,
        PORT=str(port),
        WEB_CONCURRENCY="1",
        GOPHER_REDIS_RETRY_SECONDS="1",  # the outage outlasts the commands' own retries
    )
    with (
        running(procfile_command("web"), env) as web,
        running(procfile_command("worker"), env) as worker,
        running(procfile_command("scheduler"), env) as scheduler,
    ):
        processes = (web, worker, scheduler)
        wait_for_http(f"{base}/_ruok", proc=web)
        wait_until_working(worker, scheduler)

        persistent_redis.kill()
        wait_until(
            lambda: all(
                "redis unavailable: waiting for it" in p.output() for p in (worker, scheduler)
            ),
            30,
            "both to notice the outage",
            worker,
            scheduler,
        )
        persistent_redis.start()
        wait_until(
            lambda: all("redis is back" in p.output() for p in (worker, scheduler)),
            30,
            "both to see Redis back",
            worker,
            scheduler,
        )

        # Everything works again: a DM, a job the worker's scheduler enqueues when due,
        # and one the scheduler process (rq-scheduler) enqueues when due.
        dm = dm_from("U0ALICE")
        assert send_event(base, dm) == 200
        connection = redis.Redis.from_url(persistent_redis.url)
        Queue("default", connection=connection).enqueue_in(
            timedelta(seconds=1), "tests.jobs.record", {"event_id": "from-rq-scheduling"}
        )
        Scheduler(queue=Queue("default", connection=connection), connection=connection).enqueue_in(
            timedelta(seconds=1), "tests.jobs.record", {"event_id": "from-the-scheduler"}
        )
        wait_until(lambda: replies_by_event(slack)[dm["event_id"]] == 1, 30, "the DM", worker)
        wait_until(
            lambda: connection.llen("test:recorded") == 2, 45, "the scheduled jobs", *processes
        )
        connection.close()
        assert [process.process.poll() for process in processes] == [None, None, None]


def test_a_redis_failure_between_a_post_and_its_record_does_not_post_twice(
    slack, tmp_path, persistent_redis
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The worker's Redis client gives up after 2 s, so the 8 s outage fails the job after
    # its post reached Slack: the retry must find that post rather than send it again.
    env = bot_env(
        slack,
        tmp_path,
        persistent_redis.url,
        PORT=str(port),
        WEB_CONCURRENCY="1",
        GOPHER_EVENT_JOB_TIMEOUT="30",
        GOPHER_REDIS_RETRY_SECONDS="2",
    )
    dm = dm_from("U0ALICE")
    crashed = threading.Event()

    def crash_redis_once_the_reply_is_posted(call) -> None:
        if call.method == "chat.postMessage" and call.status == 200 and not crashed.is_set():
            crashed.set()
            persistent_redis.kill()  # before the worker hears back from Slack
            threading.Timer(8.0, persistent_redis.start).start()  # outlasts the job's retries

    with (
        running(procfile_command("web"), env) as web,
        running(procfile_command("worker"), env) as worker,
    ):
        wait_for_http(f"{base}/_ruok", proc=web)
        wait_until_working(worker)
        slack.on_call = crash_redis_once_the_reply_is_posted
        try:
            assert send_event(base, dm) == 200
            wait_until(
                lambda: "already posted: not sending again" in worker.output(),
                60,
                "the retry to find the reply",
                worker,
            )
        finally:
            slack.on_call = None
        time.sleep(3)
        assert worker.process.poll() is None
        log = worker.output()

    assert replies_by_event(slack) == {dm["event_id"]: 1}
    assert "attempt=2" in log and "outcome=answered" in log
    assert len(slack.calls_to("conversations.history")) == 1


def test_a_job_cut_short_by_a_long_outage_is_retried_and_answered_once(
    slack, tmp_path, persistent_redis
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(
        slack,
        tmp_path,
        persistent_redis.url,
        PORT=str(port),
        WEB_CONCURRENCY="1",
        GOPHER_EVENT_JOB_TIMEOUT="30",
        GOPHER_REDIS_RETRY_SECONDS="1",  # the worker's own bookkeeping gives up too
    )
    dm = dm_from("U0ALICE")
    slack.delay_next("chat.postMessage", 2.0)  # the job is busy with Slack when Redis dies
    with (
        running(procfile_command("web"), env) as web,
        running(procfile_command("worker"), env) as worker,
    ):
        wait_for_http(f"{base}/_ruok", proc=web)
        wait_until_working(worker)
        assert send_event(base, dm) == 200
        time.sleep(1.0)  # the post is in flight
        persistent_redis.kill()
        wait_until(lambda: "redis unavailable: waiting for it" in worker.output(), 30, "it", worker)
        time.sleep(2)
        persistent_redis.start()
        wait_until(lambda: replies_by_event(slack)[dm["event_id"]] >= 1, 30, "the reply", worker)
        wait_until(lambda: "attempt=2" in worker.output(), 30, "the job to be tried again", worker)
        time.sleep(3)
        assert worker.process.poll() is None
        log = worker.output()

    assert replies_by_event(slack) == {dm["event_id"]: 1}
    assert "job cut short by a Redis outage" in log
    assert "already posted: not sending again" in log
    assert "quitting" not in log


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy with a job"])
def test_the_worker_and_the_scheduler_still_stop_on_request_during_an_outage(
    slack, tmp_path, persistent_redis, busy
):
    port = free_port()
    env = bot_env(
        slack, tmp_path, persistent_redis.url, PORT=str(port), GOPHER_REDIS_RETRY_SECONDS="1"
    )
    with (
        running(procfile_command("web"), env) as web,
        running(procfile_command("worker"), env) as worker,
        running(procfile_command("scheduler"), env) as scheduler,
    ):
        wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
        wait_until_working(worker, scheduler)
        if busy:
            slack.delay_next("chat.postMessage", 3.0)
            assert send_event(f"http://127.0.0.1:{port}", dm_from("U0ALICE")) == 200
            time.sleep(1.0)  # the reply is in flight
        persistent_redis.kill()
        for process in (worker, scheduler):
            wait_until(
                lambda p=process: "redis unavailable: waiting for it" in p.output(),
                30,
                "the outage to be noticed",
                process,
            )
            os.kill(process.process.pid, signal.SIGTERM)
        for process in (worker, scheduler):
            wait_until(lambda p=process: p.process.poll() is not None, 45, "a stop", process)
        codes = [process.process.returncode for process in (worker, scheduler)]
    assert codes == [0, 0], worker.output()[-3000:] + scheduler.output()[-3000:]
