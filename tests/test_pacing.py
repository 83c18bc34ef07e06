"""Posts to one channel keep Slack's pace (about one a second), across threads and processes."""

import itertools
import os
import subprocess
import sys
import time

import pytest

from bot.slack_out import is_retryable
from localdev.processes import ROOT
from pollers.posting import Run, post
from slackapi.channels import refresh_channel_cache
from slackapi.client import get_client
from slackapi.pacing import ChannelBusy, take_slot

INTERVAL = 0.2
BURST = 2


@pytest.fixture
def pace(settings):
    settings.SLACK_CHANNEL_POST_INTERVAL = INTERVAL
    settings.SLACK_CHANNEL_POST_BURST = BURST
    settings.SLACK_CHANNEL_POST_MAX_WAIT = 5.0


def arrival_gaps(calls) -> list[float]:
    return [later.at - earlier.at for earlier, later in itertools.pairwise(calls)]


def test_a_burst_to_one_channel_is_spread_at_the_pace_and_in_order(slack, pace):
    started = time.monotonic()
    for number in range(6):
        get_client().chat_postMessage(channel="C0GENERAL", text=f"reply {number}")
    elapsed = time.monotonic() - started

    calls = slack.calls_to("chat.postMessage")
    assert [call.params["text"] for call in calls] == [f"reply {n}" for n in range(6)]
    # Two at once (the burst), then one per interval: four intervals in all.
    assert calls[-1].at - calls[0].at >= 4 * INTERVAL * 0.9
    assert all(gap >= INTERVAL * 0.9 for gap in arrival_gaps(calls)[BURST - 1 :])
    assert elapsed < 4 * INTERVAL + 3  # generous: nothing waits more than the pace asks


def test_ephemeral_posts_share_the_channel_pace(slack, pace):
    for _ in range(BURST):
        get_client().chat_postMessage(channel="C0GENERAL", text="public")
    started = time.monotonic()
    get_client().chat_postEphemeral(channel="C0GENERAL", user="U0ALICE", text="just you")
    assert time.monotonic() - started >= INTERVAL * 0.9


def test_different_channels_do_not_wait_for_each_other(slack, pace):
    for number in range(BURST + 3):
        get_client().chat_postMessage(channel="C0GENERAL", text=f"busy {number}")
    started = time.monotonic()
    get_client().chat_postMessage(channel="C0NEWBIES", text="elsewhere")
    get_client().reactions_add(channel="C0GENERAL", timestamp="1.000001", name="gopher")
    assert time.monotonic() - started < INTERVAL  # neither a new channel nor a reaction waits


def test_posters_in_two_processes_share_one_bucket(redis_db):
    # Each process books 5 slots on the same channel and records when it may post.
    script = (
        "import sys, time, redis\n"
        "from slackapi.pacing import take_slot\n"
        "connection = redis.Redis.from_url(sys.argv[1])\n"
        "for _ in range(5):\n"
        "    wait = take_slot(connection, 'C0SHARED', interval=0.2, burst=2, max_wait=10)\n"
        "    time.sleep(wait)\n"
        "    connection.rpush('test:posted', repr(time.time()))\n"
    )
    command = [sys.executable, "-c", script, os.environ["REDIS_URL"]]
    processes = [subprocess.Popen(command, cwd=ROOT) for _ in range(2)]
    assert [process.wait(timeout=30) for process in processes] == [0, 0]

    times = sorted(float(value) for value in redis_db.lrange("test:posted", 0, -1))
    assert len(times) == 10
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # After the burst of two, no two posts came closer than the interval (less jitter).
    assert all(gap >= 0.2 * 0.75 for gap in gaps[1:]), gaps
    assert times[-1] - times[0] >= 8 * 0.2 * 0.9


def test_a_poller_posting_several_messages_keeps_the_pace(slack, pace, settings):
    settings.SHADOW_MODE = False
    refresh_channel_cache()
    run = Run("gerrit")
    for number in range(BURST + 2):
        post(run, "golang-cls", {"text": f"CL {number}"})

    calls = slack.calls_to("chat.postMessage")
    assert [call.params["text"] for call in calls] == [f"CL {n}" for n in range(BURST + 2)]
    assert calls[-1].at - calls[0].at >= 2 * INTERVAL * 0.9


def test_a_post_that_would_wait_too_long_takes_no_slot_and_can_be_retried(redis_db):
    def book() -> float:
        return take_slot(redis_db, "C0BUSY", interval=1.0, burst=2, max_wait=1.5)

    assert [book(), book()] == [0, 0]
    assert 0.9 <= book() <= 1.0
    with pytest.raises(ChannelBusy) as busy:
        book()  # would be due in 2 s
    assert 1.9 <= busy.value.wait <= 2.0
    assert is_retryable(busy.value)
    assert 1.9 <= take_slot(redis_db, "C0BUSY", interval=1.0, burst=2, max_wait=3) <= 2.0


def test_the_bucket_refills_and_leaves_nothing_behind(redis_db):
    for _ in range(2):
        take_slot(redis_db, "C0REFILL", interval=0.1, burst=2, max_wait=1)
    time.sleep(0.25)
    assert take_slot(redis_db, "C0REFILL", interval=0.1, burst=2, max_wait=1) == 0
    ttl_ms = redis_db.pttl("gopherbot:pace:C0REFILL")
    assert 0 < ttl_ms <= 1200  # the key expires once the bucket would be full again
