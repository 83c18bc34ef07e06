"""The queue views (django-rq) are for operators: they show members' DMs to the bot.

django-rq mounts them twice (/admin/rq/ and, through the admin site, /admin/django_rq/);
every URL it registers is found in the URLconf and tried, so a new one can't slip by.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_rq.settings import get_queues_list
from rq import Queue

from gateway.delivery import enqueue_event
from gateway.routing import Route
from tests.slack_events import event_callback, message_event

pytestmark = pytest.mark.django_db

DM_TEXT = "my private question"
QUEUE = "slack_message_private"


@pytest.fixture
def queued_dm(redis_db):
    body = event_callback(message_event(DM_TEXT, channel="D0ALICE", channel_type="im"))
    return enqueue_event(Route(QUEUE, "bot.jobs.handle_message"), body)


def django_rq_urls(job) -> list[str]:
    """Every URL under which the URLconf serves a django-rq view, its parameters filled in."""
    index = [q["name"] for q in get_queues_list()].index(QUEUE)
    values = {
        "queue_index": index, "connection_index": 0, "scheduler_index": 0, "job_id": job.id,
        "result_id": "1-0", "key": "worker", "scheduler_name": "scheduler",
        "cron_job_name": "cron", "token": "token", "object_id": "1", "app_label": "django_rq",
    }  # fmt: skip
    found = []

    def walk(patterns, prefix: str, in_django_rq: bool) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inside = in_django_rq or pattern.app_name == "django_rq"
                walk(pattern.url_patterns, route, inside)
            elif isinstance(pattern, URLPattern) and (
                in_django_rq or "django_rq" in (pattern.name or "") or "django_rq" in route
            ):
                found.append(_fill(route, values))

    walk(get_resolver().url_patterns, "/", False)
    return found


def _fill(route: str, values: dict) -> str:
    """A concrete path for a route (path() converters or a regex), from `values` by name."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), route)
    return re.sub(r"[\^$?]|/\?", "", route.replace("\\", ""))


def test_the_walk_finds_both_mounts(queued_dm):
    urls = django_rq_urls(queued_dm)
    assert any(url.startswith("/admin/rq/queues/") for url in urls)
    assert any(url.startswith("/admin/django_rq/dashboard/queues/") for url in urls)
    assert len(urls) > 40


def test_a_superuser_sees_the_queues_and_a_jobs_payload(superuser_client, queued_dm):
    index = [q["name"] for q in get_queues_list()].index(QUEUE)
    for base in ["/admin/rq/", "/admin/django_rq/dashboard/"]:
        assert superuser_client.get(base).status_code == 200
        response = superuser_client.get(f"{base}queues/{index}/{queued_dm.id}/")
        assert response.status_code == 200
        assert DM_TEXT.encode() in response.content


def test_a_moderator_gets_nothing_from_any_django_rq_url(moderator_client, queued_dm, redis_db):
    for url in django_rq_urls(queued_dm):
        for method in ("get", "post"):
            data = {"post": "yes", "job_ids": [queued_dm.id], "action": "delete"}
            response = getattr(moderator_client, method)(url, data if method == "post" else None)
            assert response.status_code in (302, 404), (method, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/admin/login/"), (method, url)
            assert DM_TEXT.encode() not in response.content, (method, url)
    # Nothing deleted, emptied, requeued or stopped.
    (job,) = Queue(QUEUE, connection=redis_db).get_jobs()
    assert job.id == queued_dm.id and job.get_status() == "queued"


def test_the_admin_index_lists_the_queues_for_a_superuser(superuser_client):
    assert b"/admin/django_rq/dashboard/" in superuser_client.get("/admin/").content


def test_the_admin_index_does_not_list_them_for_a_moderator(moderator_client):
    assert b"django_rq" not in moderator_client.get("/admin/").content


def test_a_member_is_sent_to_the_login_page(member_client, queued_dm):
    assert member_client.get("/admin/rq/").status_code == 302
    assert member_client.get("/admin/django_rq/dashboard/").status_code == 302
