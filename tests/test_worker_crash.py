"""A worker killed mid-job: the next worker finishes the event, and nothing is sent twice."""

import os
import signal
import time

from rq.job import Job, JobStatus

from gateway.delivery import RETRY_INTERVALS, enqueue_event
from gateway.routing import route_event
from gopherbot.connections import get_redis
from localdev.processes import procfile_command, running
from responses.defaults import CONTAINS
from tests.fixtures.reliability import wait_until
from tests.slack_events import event_callback, message_event

PROVERBS = next(rule["reply"] for rule in CONTAINS if rule["name"] == "proverbs")


def test_a_job_whose_worker_was_killed_is_answered_once_by_the_next_worker(
    slack, worker_env, settings
):
    settings.EVENT_JOB_TIMEOUT = 4  # the gateway writes the job's timeout
    # Three calls in order: the xkcd link, the bbq reaction, the proverbs reply.
    event = message_event("<@U0GOPHERBOT> xkcd:927 bbq proverbs")
    body = event_callback(event)
    job_id = enqueue_event(route_event(event), body, request_id=None).id
    slack.delay_next("reactions.add", 3.0)  # the second call is in flight when the worker dies

    with running(procfile_command("worker"), worker_env) as first:
        wait_until(lambda: slack.calls_to("chat.postMessage"), 30, "the first reply", first)
        time.sleep(0.5)
        killed_at = time.time()
        os.kill(first.process.pid, signal.SIGKILL)  # the worker only: its scheduler lives on
        first.process.wait(timeout=5)

        with running(procfile_command("worker"), worker_env) as second:
            wait_until(
                lambda: len(slack.calls_to("chat.postMessage")) == 2,
                35,
                "the reply the killed job had not sent",
                second,
            )
            job = Job.fetch(job_id, connection=get_redis())
            wait_until(
                lambda: job.get_status(refresh=True) == JobStatus.FINISHED,
                5,
                "the retried job to finish",
                second,
            )
            output = second.output()

    assert [call.params["text"] for call in slack.calls_to("chat.postMessage")] == [
        "https://xkcd.com/927",
        PROVERBS,
    ]
    # The reaction reached Slack while the worker died; the retry's second try is harmless.
    first_reaction = slack.calls_to("reactions.add")[0]
    assert first_reaction.at < killed_at
    assert slack.reactions == {("C0GENERAL", event["ts"], "bbqgopher")}
    assert job.retries_left == len(RETRY_INTERVALS) - 1
    assert "job abandoned: its worker stopped mid-job" in output
    assert f"event_id={body['event_id']}" in output
    assert "attempt=2" in output and "outcome=answered" in output
