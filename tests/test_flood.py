"""A flood in one channel never delays other channels or DMs (docs/behaviour.md#pacing): real
processes, signed HTTP → gunicorn → Redis → two `rqworker`s → the Slack stand-in."""

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from localdev.local_redis import free_port
from localdev.processes import procfile_command, running, wait_for_http
from tests.fixtures.reliability import bot_env, send_event, wait_until
from tests.slack_events import event_callback, message_event

FLOOD = 60
DM_DEADLINE_SECONDS = 2.0


def test_sixty_mentions_in_one_channel_keep_its_pace_and_a_dm_is_answered_at_once(slack, tmp_path):
    burst, interval = settings.SLACK_CHANNEL_POST_BURST, settings.SLACK_CHANNEL_POST_INTERVAL
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_env(slack, tmp_path, os.environ["REDIS_URL"], PORT=str(port), WEB_CONCURRENCY="1")
    dm_answered = threading.Event()
    slack.on_call = lambda call: (
        dm_answered.set() if call.params.get("channel") == "D0BOB" else None
    )
    flood = [
        event_callback(message_event(f"<@U0GOPHERBOT> xkcd:{100 + n}", user="U0ALICE"))
        for n in range(FLOOD)
    ]
    dm = event_callback(message_event("go tour", channel="D0BOB", channel_type="im", user="U0BOB"))
    try:
        with (
            running(procfile_command("web"), env) as web,
            running(procfile_command("worker"), env) as first,
            running(procfile_command("worker"), env) as second,
        ):
            wait_for_http(f"{base}/_ruok", proc=web)
            for worker in (first, second):
                wait_until(lambda w=worker: "worker warmed up" in w.output(), 60, "workers", worker)

            with ThreadPoolExecutor(max_workers=20) as pool:
                statuses = list(pool.map(lambda body: send_event(base, body), flood))
            assert statuses == [200] * FLOOD
            dm_sent = time.monotonic()
            assert send_event(base, dm) == 200
            dm_answered.wait(timeout=30)
            dm_wait = time.monotonic() - dm_sent

            replies = wait_until(
                lambda: len(channel_posts(slack)) >= FLOOD and channel_posts(slack),
                FLOOD * interval + 60,
                "the flood's replies",
                first,
                second,
            )
            time.sleep(2 * interval)  # anything more would be a reply sent twice
            logs = first.output() + second.output()
    finally:
        slack.on_call = None

    assert dm_wait <= DM_DEADLINE_SECONDS, f"the DM waited {dm_wait:.1f} s"
    replies = channel_posts(slack)
    assert sorted(call.params["text"] for call in replies) == sorted(
        f"https://xkcd.com/{100 + n}" for n in range(FLOOD)
    )  # none dropped, none twice
    # Slack's pace: a burst, then one a second, never faster (each turn is booked from
    # one bucket in Redis by both workers; RQ schedules to the whole second, never early).
    arrivals = [call.at for call in replies]
    for number, arrived in enumerate(arrivals):
        earliest = arrivals[0] + (number - (burst - 1)) * interval - 0.25
        assert arrived >= earliest, (number, arrived - arrivals[0])
    assert arrivals[-1] - arrivals[0] <= FLOOD * interval + 30  # and it kept going
    assert len(re.findall(r'msg="paced: posting in \d+ s"', logs)) >= FLOOD - 2 * burst
    assert "handler=paced_post" in logs


def channel_posts(slack) -> list:
    return [
        call for call in slack.calls_to("chat.postMessage") if call.params["channel"] == "C0GENERAL"
    ]
