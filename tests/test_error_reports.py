"""Django's debug page (staging with DJANGO_DEBUG=1) must not show a Redis password."""

from django.test import RequestFactory
from django.views.debug import technical_500_response


def debug_page() -> str:
    request = RequestFactory().get("/boom")
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        return technical_500_response(request, type(error), error, error.__traceback__).content


def test_the_debug_page_hides_connection_urls_with_passwords(settings):
    # Built, so the page's source excerpts of this test can't show it whole.
    password = "-".join(["hunter2", "redis", "password"])
    settings.REDIS_URL = f"redis://:{password}@redis.internal:6379/0"
    settings.REDIS_CONNECTION = {"URL": settings.REDIS_URL + "?socket_timeout=5"}
    settings.RQ_QUEUES = {"default": settings.REDIS_CONNECTION}
    settings.SLACK_SIGNING_SECRET = "-".join(["signing", "secret", "value"])
    content = debug_page().decode()
    assert "RuntimeError" in content
    assert "hunter2-redis-password" not in content
    assert "signing-secret-value" not in content
