"""Every reply is sent once, even when its job is retried after the post reached Slack
(docs/behaviour.md#jobs, "Nothing twice"): each post carries a mark Slack keeps (message
metadata), and only an attempt after the first looks for it. The cross-process case, Redis
failing between a post and its record, is in test_worker_outage.py."""

import time

import pytest

from bot.reply_marks import mark
from gopherbot.connections import get_redis
from responses.models import ContainsRule
from tests.slack_events import message_event

XKCD = "https://xkcd.com/303"


def test_each_post_carries_its_mark_and_a_first_attempt_makes_one_call_per_reply(bot, slack):
    job = bot.deliver(message_event("xkcd:303 and the proverbs", thread_ts="1700000000.000100"))
    event_id = job.args[0]["event_id"]

    posts = slack.calls_to("chat.postMessage")
    proverbs = ContainsRule.objects.get(name="proverbs")
    assert [call.params["metadata"] for call in posts] == [
        mark(event_id, "prefix:xkcd:#0"),
        mark(event_id, f"reply:{proverbs.id}#0"),
    ]
    assert mark(event_id, "prefix:xkcd:#0") == {
        "event_type": "gopherbot_reply",
        "event_payload": {"event_id": event_id, "action": "prefix:xkcd:#0"},
    }
    assert len(slack.attempts_to("chat.postMessage")) == 2
    assert slack.calls_to("conversations.history") == slack.calls_to("conversations.replies") == []


def post_then_fail_and_lose_the_record(bot, slack, event: dict):
    """The reply reaches Slack, the reaction after it fails (the job will be retried), and
    the record that the reply was sent is lost, as when Redis fails between the two."""
    slack.fail_next("reactions.add", 503, times=3)  # more than the client's own retries
    job = bot.deliver(event)
    assert job.is_scheduled
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [XKCD]
    sent_record = f"gopherbot:sent:{job.args[0]['event_id']}"
    assert get_redis().srem(sent_record, "prefix:xkcd:#0") == 1
    return job


@pytest.mark.parametrize(
    ("where", "lookup"),
    [
        ({}, "conversations.history"),
        ({"channel": "D0ALICE", "channel_type": "im"}, "conversations.history"),
        ({"thread_ts": "1700000000.000100"}, "conversations.replies"),
    ],
    ids=["channel", "dm", "thread"],
)
def test_a_retry_finds_the_reply_that_reached_slack_and_does_not_post_it_again(
    bot, slack, quick_backoff, log_text, where, lookup
):
    event = message_event("xkcd:303 bbq", **where)
    job = post_then_fail_and_lose_the_record(bot, slack, event)

    bot.run_due_retries(job.origin)
    job.refresh()

    assert job.is_finished
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [XKCD]  # once
    assert [p["name"] for p in bot.sent("reactions.add")] == ["bbqgopher"]
    (looked,) = slack.calls_to(lookup)
    assert looked.params["channel"] == event["channel"]
    assert looked.params["oldest"] == event["ts"]  # only messages after the member's
    assert looked.params["include_all_metadata"] in ("1", "true", True)
    if "thread_ts" in where:
        assert looked.params["ts"] == where["thread_ts"]
    assert "already posted: not sending again" in log_text()


def test_a_retry_posts_a_reply_that_never_reached_slack(bot, slack, quick_backoff):
    slack.fail_next("chat.postMessage", 503, times=3)
    job = bot.deliver(message_event("xkcd:303"))
    assert job.is_scheduled and bot.sent("chat.postMessage") == []

    bot.run_due_retries(job.origin)
    job.refresh()

    assert job.is_finished
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [XKCD]
    assert len(slack.calls_to("conversations.history")) == 1


def test_the_same_reply_to_another_message_is_not_taken_for_this_ones(bot, slack, quick_backoff):
    first, second = message_event("xkcd:303"), message_event("xkcd:303")
    slack.fail_next("chat.postMessage", 503, times=3)
    job = bot.deliver(second)
    bot.deliver(first)  # answered after `second` was sent: in the window the retry looks at
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [XKCD]

    bot.run_due_retries(job.origin)
    job.refresh()

    assert job.is_finished
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [XKCD, XKCD]


def test_a_post_slack_made_but_answered_too_late_is_not_posted_again(
    bot, slack, short_slack_timeout
):
    slack.delay_next("chat.postMessage", 0.5)  # Slack posts, answering after the client gave up
    job = bot.deliver(message_event("xkcd:303"))
    assert job.is_scheduled
    deadline = time.monotonic() + 5
    while not slack.calls_to("chat.postMessage") and time.monotonic() < deadline:
        time.sleep(0.02)  # the stalled post lands, as it would before the retry 2 s later

    bot.run_due_retries(job.origin)
    job.refresh()

    assert job.is_finished
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [XKCD]


def test_a_welcome_dm_slack_made_but_answered_too_late_is_not_sent_again(
    bot, slack, short_slack_timeout
):
    slack.delay_next("chat.postMessage", 0.5)
    job = bot.deliver({"type": "team_join", "user": {"id": "U0CAROL", "name": "carol"}})
    assert job.is_scheduled
    deadline = time.monotonic() + 5
    while not slack.calls_to("chat.postMessage") and time.monotonic() < deadline:
        time.sleep(0.02)

    bot.run_due_retries(job.origin)
    job.refresh()

    assert job.is_finished
    (welcome,) = slack.calls_to("chat.postMessage")
    assert welcome.params["channel"] == "D0CAROL"
    assert welcome.params["metadata"] == mark(job.args[0]["event_id"], "welcome")
    (looked,) = slack.calls_to("conversations.history")
    assert looked.params["channel"] == "D0CAROL"
    assert looked.params["oldest"] == str(job.args[0]["event_time"])
