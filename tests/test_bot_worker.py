import pytest
from django.db import transaction
from rq import Queue

from bot.worker import BotWorker
from gateway.delivery import enqueue_event
from gateway.routing import Route
from tests.factories import CannedResponseFactory
from tests.slack_events import event_callback, message_event

ROUTE = Route("slack_message_private", "bot.jobs.handle_message")


def dm(text: str) -> dict:
    return event_callback(message_event(text, channel="D0ALICE", channel_type="im"))


@pytest.mark.django_db(transaction=True)
def test_one_warm_worker_answers_jobs_and_follows_admin_edits(slack, redis_db):
    response = CannedResponseFactory(trigger="books", text="Read gopl.io")
    queue = Queue(ROUTE.queue, connection=redis_db)
    worker = BotWorker([queue], connection=redis_db)

    enqueue_event(ROUTE, dm("books"), None)
    worker.work(burst=True)

    with transaction.atomic():
        response.text = "Read Go in Action"
        response.save()
    enqueue_event(ROUTE, dm("books"), None)
    worker.work(burst=True)

    texts = [call.params["text"] for call in slack.calls_to("chat.postMessage")]
    assert texts == ["Read gopl.io", "Read Go in Action"]
    # One process answered both: the identity was learned once, not per job.
    assert len(slack.calls_to("auth.test")) == 1
