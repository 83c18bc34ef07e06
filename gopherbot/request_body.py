"""Every request body arrives within a deadline, or the request is answered 408.

A client that sends its headers and then its body a byte at a time would otherwise
hold its connection (and whatever waits on it) for as long as it likes. Slack sends
a whole event in one go; an admin form is a few kilobytes.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

from gopherbot.eventloop import deadline

log = logging.getLogger("gopherbot.web")


class BodyTimeout(Exception):
    """The body did not arrive within REQUEST_BODY_TIMEOUT_SECONDS."""


def body_deadline():
    return deadline(settings.REQUEST_BODY_TIMEOUT_SECONDS, BodyTimeout)


class RequestBodyDeadline:
    """Reads the body (Content-Length) before any other middleware or view can wait on it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > 0:
            try:
                with body_deadline():
                    request.body  # noqa: B018 (read now; Django keeps it for the view)
            except BodyTimeout:
                log.warning(
                    "request body too slow",
                    extra={"fields": {"path": request.path, "status": 408}},
                )
                return HttpResponse(status=408)
            except RequestDataTooBig:
                pass  # answered by whoever reads it: Django (400) or the gateway (413)
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
