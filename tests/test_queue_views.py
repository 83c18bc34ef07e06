"""The queue views (django-rq) are for operators: they show members' DMs to the bot."""

import pytest
from rq import Queue

from gateway.delivery import enqueue_event
from gateway.routing import Route
from tests.slack_events import event_callback, message_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_dm(redis_db):
    body = event_callback(
        message_event("my private question", channel="D0ALICE", channel_type="im")
    )
    enqueue_event(Route("slack_message_private", "bot.jobs.handle_message"), body, None)
    (job,) = Queue("slack_message_private", connection=redis_db).get_jobs()
    return job


def job_url(job) -> str:
    from django_rq.settings import get_queues_list

    index = [q["name"] for q in get_queues_list()].index("slack_message_private")
    return f"/admin/rq/queues/{index}/{job.id}/"


def test_a_superuser_sees_the_queues_and_a_jobs_payload(superuser_client, queued_dm):
    assert superuser_client.get("/admin/rq/").status_code == 200
    response = superuser_client.get(job_url(queued_dm))
    assert response.status_code == 200
    assert b"my private question" in response.content


def test_a_moderator_cannot_read_or_delete_jobs(moderator_client, queued_dm, redis_db):
    for url in ["/admin/rq/", job_url(queued_dm)]:
        response = moderator_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    moderator_client.post(job_url(queued_dm) + "delete/", {"post": "yes"})
    assert Queue("slack_message_private", connection=redis_db).count == 1


def test_a_member_is_sent_to_the_login_page(member_client, queued_dm):
    assert member_client.get("/admin/rq/").status_code == 302
