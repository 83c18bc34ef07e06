"""Slack failing under a job (5xx, hanging): bounded retries with backoff, then the failed
registry with the reason, where an operator sees it in the admin and can requeue it."""

import math
import time

from django.urls import reverse
from django_rq.settings import get_queues_list
from rq.registry import ScheduledJobRegistry

from gateway.delivery import RETRY_INTERVALS
from gopherbot.connections import get_queue
from tests.factories import SuperuserFactory
from tests.fixtures.bot import GO_TOUR_TEXT
from tests.slack_events import message_event

QUEUE = "slack_message_public"
BOT = "<@U0GOPHERBOT>"
OUTAGE_REASON = "actions failed: command:go tour (internal_error, HTTP 503)"


def seconds_until_retry(job, failed_at: float) -> float:
    """From the failed attempt to the retry RQ scheduled (to the whole second, rounded down)."""
    registry = ScheduledJobRegistry(queue=get_queue(QUEUE))
    return registry.get_scheduled_time(job).timestamp() - failed_at


def wait_for_stalled_calls(slack, method: str, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(slack.attempts_to(method)) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def fail_on_an_outage(bot, slack):
    """Slack answers 503 to every post: the go tour reply fails all its tries."""
    slack.fail_next("chat.postMessage", 503, times=100)
    job = bot.deliver(message_event(f"{BOT} go tour"))
    waits = []
    for _ in RETRY_INTERVALS:
        assert job.is_scheduled
        waits.append(seconds_until_retry(job, slack.attempts_to("chat.postMessage")[-1].at))
        bot.run_due_retries(QUEUE)
        job.refresh()
    return job, waits


def test_an_outage_is_retried_with_backoff_then_lands_in_the_failed_registry(
    bot, slack, quick_backoff
):
    job, waits = fail_on_an_outage(bot, slack)

    # 2 s, 10 s, 30 s after the failed attempt (RQ schedules to the whole second)
    assert [math.ceil(wait) for wait in waits] == list(RETRY_INTERVALS), waits
    assert job.is_failed and job.id in job.failed_job_registry
    # Four tries of the job, each with the client's own two quick retries: bounded.
    assert len(slack.attempts_to("chat.postMessage")) == (1 + len(RETRY_INTERVALS)) * 3
    assert bot.sent("chat.postMessage") == []
    assert OUTAGE_REASON in job.latest_result().exc_string


def test_a_post_that_hangs_is_retried_later_and_answered_once(bot, slack, short_slack_timeout):
    slack.delay_next("chat.postMessage", 0.5)
    slack.fail_next("chat.postMessage", 504)  # after the wait: Slack gave up, posted nothing
    job = bot.deliver(message_event(f"{BOT} go tour"))
    assert job.is_scheduled

    bot.run_due_retries(QUEUE)
    job.refresh()
    wait_for_stalled_calls(slack, "chat.postMessage", 2)

    assert job.is_finished
    assert [params["text"] for params in bot.sent("chat.postMessage")] == [GO_TOUR_TEXT]


def test_posts_that_keep_hanging_end_in_the_failed_registry(bot, slack, short_slack_timeout):
    tries = 1 + len(RETRY_INTERVALS)
    for _ in range(tries):
        slack.delay_next("chat.postMessage", 0.3)
    slack.fail_next("chat.postMessage", 504, times=tries)
    job = bot.deliver(message_event(f"{BOT} go tour"))
    for _ in RETRY_INTERVALS:
        bot.run_due_retries(QUEUE)
    job.refresh()
    wait_for_stalled_calls(slack, "chat.postMessage", tries)

    assert job.is_failed
    assert "actions failed: command:go tour (timed out)" in (job.latest_result().exc_string)
    assert bot.sent("chat.postMessage") == []


def queue_index(name: str) -> int:
    return [queue["name"] for queue in get_queues_list()].index(name)


def test_the_admin_shows_the_failed_job_and_its_reason_and_can_requeue_it(
    bot, slack, quick_backoff, client
):
    job, _ = fail_on_an_outage(bot, slack)
    client.force_login(SuperuserFactory())
    index = queue_index(QUEUE)

    failed = client.get(reverse("django_rq:failed_jobs", args=[index]))
    assert failed.status_code == 200
    assert job.id in failed.text
    assert "bot.jobs.handle_message" in failed.text

    # The job's page lists its results; the failed one shows the reason.
    detail = client.get(reverse("django_rq:job_detail", args=[index, job.id]))
    assert detail.status_code == 200
    result = job.latest_result()
    result_url = reverse("django_rq:result_detail", args=[index, job.id, result.id])
    assert result_url in detail.text and "FAILED" in detail.text
    shown = client.get(result_url)
    assert shown.status_code == 200
    assert OUTAGE_REASON in shown.text

    # Slack is back: the operator requeues the job and the reply goes out once.
    slack.reset()
    requeued = client.post(reverse("django_rq:requeue_job", args=[index, job.id]))
    assert requeued.status_code == 302
    bot.work(QUEUE)
    job.refresh()
    assert job.is_finished
    assert [params["text"] for params in bot.sent("chat.postMessage")] == [GO_TOUR_TEXT]
