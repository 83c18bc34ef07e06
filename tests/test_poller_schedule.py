import logging
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from rq import SimpleWorker
from rq.job import Job, JobStatus
from rq.results import Result

from gopherbot.connections import get_queue, get_redis
from pollers import state
from pollers.schedule import (
    PERIODIC_JOBS,
    RESULT_TTL,
    get_scheduler,
    register_jobs,
    scheduled_jobs,
)
from tests.fixtures.outside import recording

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2024, 5, 14, 17, 0, tzinfo=UTC)
JOB_IDS = {
    "gopherbot-poller-channel-cache": ("pollers.jobs.refresh_channels", 600),
    "gopherbot-poller-gerrit": ("pollers.jobs.poll_gerrit", 600),
    "gopherbot-poller-gotime": ("pollers.jobs.poll_gotime", 60),
    "gopherbot-poller-gotime-social": ("pollers.jobs.poll_gotime_social", 300),
    "gopherbot-poller-insights": ("insights.folding.fold_counts", 300),
}


def schedule() -> dict[str, tuple[str, int | None, datetime]]:
    return {j.job_id: (j.func, j.interval, j.next_run) for j in scheduled_jobs(get_scheduler())}


def test_it_schedules_every_job_with_a_stable_id_and_its_interval():
    register_jobs(get_scheduler(), now=NOW)

    found = schedule()
    assert {job_id: (func, interval) for job_id, (func, interval, _) in found.items()} == JOB_IDS
    assert found["gopherbot-poller-gerrit"][2] == NOW
    # The scheduler process fills the channel cache itself at start.
    assert found["gopherbot-poller-channel-cache"][2] == NOW + timedelta(minutes=10)


def test_registering_twice_leaves_one_schedule_per_job_and_keeps_the_next_runs():
    scheduler = get_scheduler()
    register_jobs(scheduler, now=NOW)

    actions = register_jobs(scheduler, now=NOW + timedelta(seconds=30))

    assert sorted(actions) == sorted((job_id, "updated") for job_id in JOB_IDS)
    assert get_redis().zcard(scheduler.scheduled_jobs_key) == len(JOB_IDS)
    assert schedule()["gopherbot-poller-gerrit"][2] == NOW


def test_a_job_whose_interval_shrank_runs_no_later_than_one_new_interval():
    scheduler = get_scheduler()
    register_jobs(scheduler, now=NOW)
    scheduler.change_execution_time(
        Job.fetch("gopherbot-poller-gotime", connection=get_redis()), NOW + timedelta(hours=5)
    )

    register_jobs(scheduler, now=NOW)

    assert schedule()["gopherbot-poller-gotime"][2] == NOW + timedelta(seconds=60)


def test_it_removes_a_periodic_job_that_no_longer_exists():
    scheduler = get_scheduler()
    scheduler.schedule(NOW, "pollers.jobs.poll_twitter", interval=60, id="gopherbot-poller-twitter")

    actions = register_jobs(scheduler, now=NOW)

    assert ("gopherbot-poller-twitter", "removed") in actions
    assert set(schedule()) == set(JOB_IDS)


def test_each_job_runs_with_its_own_timeout_on_the_default_queue():
    register_jobs(get_scheduler(), now=NOW)

    for periodic in PERIODIC_JOBS:
        job = Job.fetch(periodic.job_id, connection=get_redis())
        assert job.origin == settings.QUEUE_DEFAULT
        assert job.timeout == periodic.timeout
    # A slow Go Time run ends before the next one starts.
    gotime = Job.fetch("gopherbot-poller-gotime", connection=get_redis())
    assert gotime.timeout < gotime.meta["interval"]


def test_the_scheduler_loop_enqueues_the_jobs_and_a_worker_runs_them(outside, slack, db):
    outside.route("/changes/", recording("gerrit/merged_changes.json"))
    outside.route("/live/status", recording("changelog/live_status_offline.json"))
    outside.route(
        "/api/v1/accounts/109349735213354404/statuses", recording("mastodon/statuses.json")
    )
    env = {
        **os.environ,
        "REDIS_URL": settings.REDIS_URL,
        "GOPHER_SLACK_API_URL": slack.url,
        "GOPHER_GERRIT_URL": outside.url,
        "GOPHER_CHANGELOG_URL": outside.url,
        "GOPHER_MASTODON_URL": outside.url,
    }
    scheduler = subprocess.Popen(
        [sys.executable, "manage.py", "run_scheduler", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    queue = get_queue(settings.QUEUE_DEFAULT)
    try:
        deadline = time.monotonic() + 20
        while queue.count < 4 and time.monotonic() < deadline and scheduler.poll() is None:
            time.sleep(0.1)
    finally:
        scheduler.terminate()
        output = scheduler.communicate(timeout=10)[0].decode()

    due = {
        "gopherbot-poller-gerrit",
        "gopherbot-poller-gotime",
        "gopherbot-poller-gotime-social",
        "gopherbot-poller-insights",
    }
    assert set(queue.job_ids) == due, output
    # The channel cache was filled once at start, before the loop.
    assert len(slack.calls_to("conversations.list")) == 1, output

    SimpleWorker([queue], connection=get_redis()).work(burst=True)

    for job_id in due:
        assert Job.fetch(job_id, connection=get_redis()).get_status() == JobStatus.FINISHED
    assert 585301 in state.posted_cls(merged_since=0)
    assert state.load(state.GOTIME_SOCIAL_LAST_ID) == "112440606916612211"
    assert len(outside.requests_to("/live/status")) == 1
    # Each job is back in the schedule for its next run.
    next_runs = schedule()
    assert set(next_runs) == set(JOB_IDS)
    assert next_runs["gopherbot-poller-gotime"][2] > datetime.now(UTC)


@pytest.mark.django_db  # the insights fold is one of the periodic jobs
def test_a_periodic_run_keeps_its_result_for_a_bounded_time_and_logs_no_warning(
    outside, slack, caplog
):
    outside.route("/changes/", recording("gerrit/merged_changes.json"))
    outside.route("/live/status", recording("changelog/live_status_offline.json"))
    outside.route(
        "/api/v1/accounts/109349735213354404/statuses", recording("mastodon/statuses.json")
    )
    scheduler = get_scheduler()
    register_jobs(scheduler, now=NOW)
    scheduler.enqueue_jobs()  # what the scheduler loop does with the jobs that are due
    queue = get_queue(settings.QUEUE_DEFAULT)
    assert queue.count == len(PERIODIC_JOBS)
    worker_log = logging.getLogger("rq.worker")  # logs to the console only, not to the root
    worker_log.addHandler(caplog.handler)
    try:
        SimpleWorker([queue], connection=get_redis()).work(burst=True)
    finally:
        worker_log.removeHandler(caplog.handler)

    assert caplog.text.count("Job OK") == len(PERIODIC_JOBS), caplog.text
    assert "never expire" not in caplog.text
    for periodic in PERIODIC_JOBS:
        job = Job.fetch(periodic.job_id, connection=get_redis())
        assert job.get_status() == JobStatus.FINISHED
        # The result goes after a while; the job's definition, kept with it, outlives the
        # gap to its next run by far.
        for key in (job.key, Result.get_key(job.id)):
            assert 100 * periodic.interval < get_redis().ttl(key) <= RESULT_TTL
    assert set(schedule()) == set(JOB_IDS)
