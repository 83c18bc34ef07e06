"""The Playground down, failing or answering garbage: the job logs why and fails cleanly."""

import socket

from gateway.delivery import RETRY_INTERVALS
from tests.fixtures.bot import SNIPPET_ID, shared
from tests.slack_events import message_event
from tests.test_playground import LONG_TEXT

QUEUE = "slack_message_public"


def job_line(log_text) -> str:
    (line,) = [line for line in log_text().splitlines() if 'msg="job done"' in line]
    return line


def test_a_playground_that_is_down_is_retried_then_shared_once(bot, playground, settings, log_text):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        settings.PLAYGROUND_URL = f"http://127.0.0.1:{closed.getsockname()[1]}"
    job = bot.deliver(message_event("bbq\n" + LONG_TEXT))

    assert job.is_scheduled and job.retries_left == len(RETRY_INTERVALS) - 1
    assert "will retry: actions failed: playground (POST http://127.0.0.1:" in job_line(log_text)
    assert [p["name"] for p in bot.sent("reactions.add")] == ["bbqgopher"]
    assert bot.sent("chat.postMessage") == []

    settings.PLAYGROUND_URL = playground.url  # back up
    bot.run_due_retries(QUEUE)
    job.refresh()
    assert job.is_finished
    assert len(shared(playground)) == 1
    assert len(bot.sent("chat.postMessage")) == 1 and len(bot.sent("chat.postEphemeral")) == 1
    assert len(bot.sent("reactions.add")) == 1


def test_a_playground_5xx_is_retried(bot, playground, log_text):
    playground.route("/_/share", "upstream unavailable", status=503, method="POST")
    job = bot.deliver(message_event(LONG_TEXT))
    assert job.is_scheduled
    assert "HTTP 503" in job_line(log_text)


def test_a_playground_answering_garbage_fails_without_retry(bot, playground, log_text):
    page = "<html><body>Something went wrong <!channel></body></html>"
    playground.route("/_/share", page, method="POST", content_type="text/html")
    job = bot.deliver(message_event(LONG_TEXT))

    assert job.is_failed and job.retries_left == 0
    assert "the Playground answered with no snippet id" in job.latest_result().exc_string
    assert 'outcome="failed: actions failed: playground' in job_line(log_text)
    # Nothing of the garbage reaches Slack.
    assert bot.sent("chat.postMessage") == [] and bot.sent("chat.postEphemeral") == []


def test_a_snippet_id_with_a_link_in_it_is_refused(bot, playground):
    playground.route("/_/share", f"{SNIPPET_ID}|<http://evil.example>", method="POST")
    job = bot.deliver(message_event(LONG_TEXT))
    assert job.is_failed
    assert bot.sent("chat.postMessage") == []
