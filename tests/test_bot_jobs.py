"""Job outcomes: retries with backoff, failures that stop at once, the one log line per job."""

import time
from types import SimpleNamespace

from rq.registry import ScheduledJobRegistry

from bot import jobs
from gateway.delivery import RETRY_INTERVALS
from gopherbot.connections import get_queue
from tests.fixtures.bot import GO_TOUR_TEXT
from tests.slack_events import message_event

BOT = "<@U0GOPHERBOT>"


def test_every_job_logs_one_line_with_what_it_did(bot, log_text):
    job = bot.deliver(message_event("xkcd:303 bbq"), event_id="EvLOGLINE")
    assert job.is_finished
    (line,) = [line for line in log_text().splitlines() if 'msg="job done"' in line]
    assert "handler=message event_id=EvLOGLINE queue=slack_message_public" in line
    assert "actions=prefix:xkcd:,react:" in line
    assert "outcome=answered" in line
    assert "duration_ms=" in line


def test_a_message_nobody_asked_about_is_no_match(bot, log_text):
    bot.deliver(message_event("just chatting"))
    assert 'outcome="no match"' in log_text()
    assert bot.sent("chat.postMessage") == []


def test_a_429_is_retried_after_retry_after_and_answered_once(bot, slack):
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "1"})
    started = time.monotonic()
    job = bot.deliver(message_event(f"{BOT} go tour"))
    assert time.monotonic() - started >= 1
    assert job.is_finished
    assert len(slack.attempts_to("chat.postMessage")) == 2
    assert bot.sent("chat.postMessage") == [
        {
            "channel": "C0GENERAL",
            "text": GO_TOUR_TEXT,
            "unfurl_links": False,
            "unfurl_media": False,
        }
    ]


def test_a_429_longer_than_the_client_waits_schedules_the_job_no_sooner_than_slack_asked(
    bot, slack, log_text
):
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "100"})
    job = bot.deliver(message_event("xkcd:303 bbq"))

    (limited,) = slack.attempts_to("chat.postMessage")  # the client did not wait 100 s
    assert limited.status == 429
    assert job.is_scheduled
    registry = ScheduledJobRegistry(queue=get_queue(job.origin))
    due = registry.get_scheduled_time(job).timestamp()
    assert limited.at + 100 <= due <= limited.at + 103
    assert job.retries_left == len(RETRY_INTERVALS)  # not one of the retries after failures
    assert [p["name"] for p in bot.sent("reactions.add")] == ["bbqgopher"]
    assert 'outcome="rate limited: next attempt in 101 s: actions failed: prefix:xkcd:' in (
        log_text()
    )

    bot.run_due_retries(job.origin)  # RQ's scheduler, 101 s later
    job.refresh()
    assert job.is_finished
    assert [p["text"] for p in bot.sent("chat.postMessage")] == ["https://xkcd.com/303"]
    assert len(slack.attempts_to("reactions.add")) == 1


def test_a_job_still_rate_limited_after_three_long_waits_fails(bot, slack):
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "100"}, times=4)
    job = bot.deliver(message_event(f"{BOT} go tour"))
    for _ in range(jobs.RATE_LIMIT_RETRIES):
        assert job.is_scheduled
        bot.run_due_retries(job.origin)
        job.refresh()
    assert job.is_failed
    assert "still rate limited after 3 waits" in job.latest_result().exc_string
    assert bot.sent("chat.postMessage") == []


def test_a_slack_outage_retries_the_job_without_repeating_what_was_done(bot, slack, quick_backoff):
    slack.fail_next("chat.postMessage", 503, times=3)  # more than the client's own retries
    job = bot.deliver(message_event("xkcd:303 bbq"))

    assert job.is_scheduled  # RQ's scheduler runs it again after the backoff
    assert job.retries_left == len(RETRY_INTERVALS) - 1
    assert bot.sent("chat.postMessage") == []
    assert [p["name"] for p in bot.sent("reactions.add")] == ["bbqgopher"]

    bot.run_due_retries("slack_message_public")
    job.refresh()
    assert job.is_finished
    assert [p["text"] for p in bot.sent("chat.postMessage")] == ["https://xkcd.com/303"]
    assert len(slack.attempts_to("reactions.add")) == 1  # not added twice


def test_a_retry_finishes_a_message_that_was_timely_when_first_tried(
    bot, slack, quick_backoff, monkeypatch
):
    slack.fail_next("chat.postMessage", 503, times=3)
    event = message_event("xkcd:303", ts=f"{time.time() - 20:.6f}")
    job = bot.deliver(event)
    assert job.is_scheduled

    # The retry runs after the message's 30 s of freshness (as after a worker died).
    later = SimpleNamespace(time=lambda: time.time() + 60, perf_counter=time.perf_counter)
    monkeypatch.setattr(jobs, "time", later)
    bot.run_due_retries("slack_message_public")
    assert [p["text"] for p in bot.sent("chat.postMessage")] == ["https://xkcd.com/303"]

    # A message first looked at that late is still dropped.
    bot.deliver(message_event("xkcd:927", ts=f"{time.time() - 20:.6f}"))
    assert len(bot.sent("chat.postMessage")) == 1


def test_retries_end_in_the_failed_registry_with_the_reason(bot, slack, quick_backoff):
    slack.fail_next("chat.postMessage", 503, times=100)
    job = bot.deliver(message_event(f"{BOT} go tour"))
    for _ in range(len(RETRY_INTERVALS)):
        bot.run_due_retries("slack_message_public")
    job.refresh()
    assert job.is_failed
    assert job.id in job.failed_job_registry
    assert "actions failed: command:go tour (internal_error, HTTP 503)" in (
        job.latest_result().exc_string
    )


def test_a_failure_that_cannot_pass_is_not_retried(bot, slack):
    slack.fail_next("reactions.add", 200, body={"ok": False, "error": "invalid_name"})
    job = bot.deliver(message_event("xkcd:303 bbq"))
    assert [p["text"] for p in bot.sent("chat.postMessage")] == ["https://xkcd.com/303"]
    assert job.is_failed
    assert job.retries_left == 0
    assert "(invalid_name)" in job.latest_result().exc_string


def test_a_payload_without_an_event_fails_at_once(bot):
    from gopherbot.connections import get_queue

    job = get_queue("slack_message_public").enqueue(
        "bot.jobs.handle_message", {"event_id": "EvBROKEN"}
    )
    bot.work("slack_message_public")
    job.refresh()
    assert job.is_failed
    assert job.retries_left == 0
    assert "parse error" in job.latest_result().exc_string
