"""Staleness measures the bot's own backlog (docs/behaviour.md#ignored-messages): the time
from the gateway receiving a message to a worker picking it up; Slack's redeliveries are
answered while the message is under 10 minutes old."""

import re
import time
from types import SimpleNamespace

import pytest

from bot import jobs
from bot.staleness import stale_reason
from gopherbot.connections import get_queue
from tests.fixtures.bot import GO_TOUR_TEXT
from tests.slack_events import event_callback, message_event

NOW = 1_800_000_000.0


def payload(posted_ago: float, received_ago: float | None, **extra) -> dict:
    body = {"event": message_event("go tour", ts=f"{NOW - posted_ago:.6f}"), **extra}
    if received_ago is not None:
        body["enqueued_at"] = NOW - received_ago
    return body


@pytest.mark.parametrize(
    ("posted_ago", "received_ago", "reason"),
    [
        (1, 0.5, None),
        (45, 1, None),  # Slack delivered it late: not our backlog
        (31, 30, None),
        (40, 31, "stale: waited 31 s in the queue (at most 30 s)"),
        (599, 2, None),
        (601, 2, "stale: message is 601 s old (at most 600 s)"),
        (31, None, "stale: waited 31 s in the queue (at most 30 s)"),  # no receive time: ts
    ],
)
def test_what_counts_is_the_wait_in_our_queue(posted_ago, received_ago, reason):
    assert stale_reason(payload(posted_ago, received_ago), NOW) == reason


@pytest.mark.parametrize("retry_num", [1, 2, 3, "1"])
def test_a_redelivery_is_answered_while_the_message_is_under_ten_minutes_old(retry_num):
    fresh = payload(5 * 60, 0.2, retry_num=retry_num, retry_reason="http_error")
    assert stale_reason(fresh, NOW) is None
    old = payload(11 * 60, 0.2, retry_num=retry_num, retry_reason="http_error")
    assert stale_reason(old, NOW) == "stale: redelivered message is 660 s old (at most 600 s)"


def later(monkeypatch, seconds: float) -> None:
    """The worker picks the job up `seconds` from now."""
    clock = SimpleNamespace(time=lambda: time.time() + seconds, perf_counter=time.perf_counter)
    monkeypatch.setattr(jobs, "time", clock)


def test_a_message_that_waited_over_30_s_in_the_queue_is_dropped_with_a_log_line(
    bot, monkeypatch, log_text
):
    later(monkeypatch, 31)
    job = bot.deliver(message_event("<@U0GOPHERBOT> go tour"))
    assert job.is_finished
    assert bot.sent("chat.postMessage") == []
    assert re.search(r'outcome="discarded: stale: waited 3\d s in the queue', log_text())


def test_a_message_slack_delivered_late_is_answered_when_our_queue_is_short(bot):
    event = message_event("<@U0GOPHERBOT> go tour", ts=f"{time.time() - 90:.6f}")
    bot.deliver(event)
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [GO_TOUR_TEXT]


def redelivered(minutes_old: float) -> dict:
    """The job the gateway writes for Slack's first retry of an event it refused before."""
    event = message_event(
        "go tour", channel="D0ALICE", channel_type="im", ts=f"{time.time() - minutes_old * 60:.6f}"
    )
    body = event_callback(event)
    return {
        "event": event,
        "event_id": body["event_id"],
        "event_time": body["event_time"],
        "request_id": None,
        "enqueued_at": time.time(),
        "retry_num": 1,
        "retry_reason": "http_error",
    }


def test_slacks_redelivery_after_an_outage_is_answered_within_ten_minutes(bot, log_text):
    get_queue("slack_message_private").enqueue("bot.jobs.handle_message", redelivered(5))
    get_queue("slack_message_private").enqueue("bot.jobs.handle_message", redelivered(11))
    bot.work("slack_message_private")

    assert [p["text"] for p in bot.sent("chat.postMessage")] == [GO_TOUR_TEXT]
    lines = [line for line in log_text().splitlines() if 'msg="job done"' in line]
    assert len(lines) == 2
    assert all("slack_retry=1" in line for line in lines)
    assert "outcome=answered" in lines[0]
    assert re.search(r"redelivered message is 66\d s old \(at most 600 s\)", lines[1])
