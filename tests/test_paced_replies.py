"""Replies keep their channel's pace without holding a worker (docs/behaviour.md#pacing): a post
whose turn is later is scheduled for it with RQ and the job carries on. The flood through
real processes is in test_flood.py."""

import itertools
import re

import pytest
from rq.registry import ScheduledJobRegistry

from bot.reply_marks import mark
from gopherbot.connections import get_queue
from tests.slack_events import message_event

QUEUE = "slack_message_public"
INTERVAL = 5.0  # long enough that a slow test machine never sees the bucket refill


@pytest.fixture
def pace(bot, settings):
    """One post at once per channel, then one per INTERVAL."""
    settings.SLACK_CHANNEL_POST_BURST = 1
    settings.SLACK_CHANNEL_POST_INTERVAL = INTERVAL
    return bot


def scheduled_posts() -> list[tuple[object, float]]:
    """The paced posts waiting in RQ's scheduled registry, with their due times."""
    registry = ScheduledJobRegistry(queue=get_queue(QUEUE))
    jobs = [get_queue(QUEUE).fetch_job(job_id) for job_id in registry.get_job_ids()]
    return [
        (job, registry.get_scheduled_time(job).timestamp())
        for job in jobs
        if job.func_name == "bot.jobs.handle_paced_post"
    ]


def test_a_post_whose_turn_is_later_is_scheduled_for_it_and_the_job_carries_on(
    pace, slack, log_text
):
    pace.deliver(message_event("xkcd:303"))
    (first,) = slack.calls_to("chat.postMessage")

    job = pace.deliver(message_event("xkcd:927 bbq"))

    assert job.is_finished  # it did not wait for the turn
    assert [p["name"] for p in pace.sent("reactions.add")] == ["bbqgopher"]  # not paced
    assert len(slack.calls_to("chat.postMessage")) == 1
    ((paced, due),) = scheduled_posts()
    # Its turn: one interval after the first post's, never earlier (RQ: whole seconds).
    assert first.at + INTERVAL - 0.05 <= due <= first.at + INTERVAL + 1.5
    assert re.search(r'msg="paced: posting in [456] s" .*channel=C0GENERAL', log_text())

    pace.run_due_retries(QUEUE)  # RQ's scheduler, when the turn comes

    assert [p["text"] for p in pace.sent("chat.postMessage")] == [
        "https://xkcd.com/303",
        "https://xkcd.com/927",
    ]
    (_, second) = slack.calls_to("chat.postMessage")
    assert second.params["metadata"] == mark(job.args[0]["event_id"], "prefix:xkcd:#0")
    paced.refresh()
    assert paced.is_finished
    assert "handler=paced_post" in log_text() and "outcome=sent" in log_text()


def test_a_busy_channel_does_not_hold_up_a_dm(pace, slack):
    for number in range(5):
        pace.deliver(message_event(f"xkcd:{number + 1}"))
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(scheduled_posts()) == 4

    pace.deliver(message_event("xkcd:303", channel="D0BOB", channel_type="im", user="U0BOB"))

    assert [call.params["channel"] for call in slack.calls_to("chat.postMessage")] == [
        "C0GENERAL",
        "D0BOB",
    ]


def test_the_turns_follow_each_other_an_interval_apart_in_order(pace, slack):
    for number in range(4):
        pace.deliver(message_event(f"xkcd:{number + 1}"))

    posts = sorted(scheduled_posts(), key=lambda item: item[1])
    assert [job.args[0]["params"]["text"] for job, _ in posts] == [
        "https://xkcd.com/2",
        "https://xkcd.com/3",
        "https://xkcd.com/4",
    ]
    dues = [due for _, due in posts]
    assert [later - earlier for earlier, later in itertools.pairwise(dues)] == [INTERVAL] * 2


def test_a_reply_whose_turn_is_too_far_off_is_dropped_with_a_log_line(
    pace, slack, settings, log_text
):
    settings.SLACK_CHANNEL_POST_MAX_DELAY = 2 * INTERVAL
    jobs = [pace.deliver(message_event(f"xkcd:{number + 1}")) for number in range(4)]

    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(scheduled_posts()) == 2  # due in one and two intervals
    assert all(job.is_finished for job in jobs)
    assert re.search(r"dropped: channel C0GENERAL is busy for \d+\.\d s", log_text())


def test_a_paced_post_rate_limited_for_long_is_tried_again_no_sooner_than_slack_asked(
    pace, slack, log_text
):
    pace.deliver(message_event("xkcd:303"))
    pace.deliver(message_event("xkcd:927"))
    ((paced, _),) = scheduled_posts()
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "100"})

    pace.run_due_retries(QUEUE)

    limited = slack.attempts_to("chat.postMessage")[-1]
    assert limited.status == 429
    ((again, due),) = scheduled_posts()
    assert again.id == paced.id
    assert limited.at + 100 <= due <= limited.at + 103
    assert 'outcome="rate limited: next attempt in 101 s' in log_text()
