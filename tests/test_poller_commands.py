from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gopherbot.connections import get_redis
from pollers import state
from pollers.schedule import PERIODIC_JOBS, get_scheduler
from slackapi.channels import channel_id
from tests.fixtures.outside import recording

GERRIT = "/changes/?q=status:merged&O=12&n=100"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_schedule_jobs_twice_leaves_one_schedule_per_job():
    first = run("schedule_jobs")
    second = run("schedule_jobs")

    assert "created gopherbot-poller-gerrit" in first
    assert "updated gopherbot-poller-gerrit" in second
    assert get_redis().zcard(get_scheduler().scheduled_jobs_key) == len(PERIODIC_JOBS)


def test_schedule_jobs_list_shows_each_job_with_its_interval_and_next_run():
    run("schedule_jobs")

    listing = run("schedule_jobs", "--list").splitlines()

    assert len(listing) == len(PERIODIC_JOBS)
    gotime = next(line for line in listing if line.startswith("gopherbot-poller-gotime "))
    assert "pollers.jobs.poll_gotime  every 60s  next run 20" in gotime
    cache = next(line for line in listing if line.startswith("gopherbot-poller-channel-cache"))
    assert cache.endswith("(in 600s)") or cache.endswith("(in 599s)")


def test_schedule_jobs_list_changes_nothing():
    assert run("schedule_jobs", "--list") == "nothing is scheduled\n"
    assert get_redis().zcard(get_scheduler().scheduled_jobs_key) == 0


def test_poll_dry_run_prints_what_it_would_post_and_changes_nothing(outside, slack):
    outside.route(GERRIT, recording("gerrit/merged_changes.json"))
    merged = {585276: datetime(2024, 5, 14, 15, 20, 41, tzinfo=UTC)}
    state.remember_posted_cls(merged)

    output = run("poll", "gerrit", "--dry-run")

    assert output.splitlines()[1:] == [
        "  would post to #golang-cls: [585290] cmd/compile: don't report "
        '"x &lt; y &amp;&amp; y &lt; x" as always false: https://go.dev/cl/585290/',
        '  would post to #golang-cls: [585301] [tools] gopls/internal/golang: add "extract to '
        'new file" code action: https://go.dev/cl/585301/',
    ]
    assert output.startswith("gerrit: posted: CLs 585290, 585301 (dry run: nothing posted")
    assert slack.calls_to("chat.postMessage") == []
    assert state.posted_cls(merged_since=0) == {585276}


def test_poll_runs_a_poller_once_and_says_what_it_did(outside, slack):
    outside.route(GERRIT, recording("gerrit/merged_changes.json"))

    output = run("poll", "gerrit")

    assert output.startswith(
        "gerrit: first run: remembered the 4 CLs listed as already announced; posted nothing"
    )
    assert state.posted_cls(merged_since=0) == {585301, 585290, 585276, 585199}


def test_poll_fails_loudly_when_the_service_is_down(outside, slack):
    outside.route("/live/status", "down", status=503)

    with pytest.raises(CommandError, match="HTTP 503"):
        run("poll", "gotime")


def test_poll_rejects_an_unknown_poller():
    with pytest.raises(CommandError, match="invalid choice"):
        run("poll", "twitter")


def test_fill_channel_cache_fills_it_and_says_how_many(slack):
    output = run("fill_channel_cache")

    assert output.startswith("channel_cache: refreshed: 18 channels cached")
    assert channel_id("gotimefm") == "C0GOTIMEFM"
