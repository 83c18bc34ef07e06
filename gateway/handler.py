"""The Slack Events API endpoint's logic, step by step as spec §3 numbers them.

Framework-free: it reads a WSGI-style environ (Django's request.META is one) and
a body reader, and returns an Answer. The Django view (views.py) and the WSGI
fast path (fast_path.py) are thin adapters around it.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import redis
from django.conf import settings

from gateway.content_type import content_type_error
from gateway.delivery import enqueue_event
from gateway.envelope import Rejected, parse_envelope
from gateway.routing import route_event
from gateway.signing import SignatureError, verify_signature

log = logging.getLogger("gateway")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def handle_slack_event(environ: Mapping[str, str], read: Callable[[int], bytes]) -> Answer:
    """Answer one delivery from Slack, and log one line about it."""
    started = time.perf_counter()
    fields = {"request_id": environ.get("HTTP_X_REQUEST_ID")}
    answer = _handle(environ, read, fields)
    fields["status"] = answer.status
    fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
    level = logging.WARNING if answer.status >= 400 else logging.INFO
    log.log(level, "slack event", extra={"fields": fields})
    return answer


def _handle(environ: Mapping[str, str], read: Callable[[int], bytes], fields: dict) -> Answer:
    if environ.get("REQUEST_METHOD") != "POST":
        fields["outcome"] = "method not allowed"
        return Answer(405, headers=(("Allow", "POST"),))

    status = content_type_error(environ.get("CONTENT_TYPE"))
    if status:
        fields["outcome"] = "bad content type"
        return Answer(status)

    body = _read_body(environ, read)
    if body is None:
        fields["outcome"] = "body too large"
        return Answer(413)

    try:
        verify_signature(
            settings.SLACK_SIGNING_SECRET,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            environ.get("HTTP_X_SLACK_SIGNATURE"),
            body,
            now=time.time(),
            window=settings.SLACK_REPLAY_WINDOW_SECONDS,
        )
        envelope = parse_envelope(
            body,
            token=settings.SLACK_VERIFICATION_TOKEN,
            app_id=settings.SLACK_APP_ID,
            team_id=settings.SLACK_TEAM_ID,
        )
    except SignatureError as error:
        fields["outcome"] = f"rejected: {error}"
        return Answer(401)
    except Rejected as error:
        fields["outcome"] = f"rejected: {error.reason}"
        return Answer(error.status)

    if envelope.kind == "url_verification":
        fields["outcome"] = "url verified"
        return Answer(200, envelope.challenge.encode())
    if envelope.kind == "app_rate_limited":
        minute = envelope.body.get("minute_rate_limited")
        log.warning("slack rate-limited the app's events", extra={"fields": {"minute": minute}})
        fields["outcome"] = "app rate limited"
        return Answer(200)
    if envelope.kind != "event_callback":
        fields["outcome"] = f"ignored: {envelope.kind}"
        return Answer(200)

    fields["event_id"] = envelope.event_id
    fields["event_type"] = envelope.event["type"]
    fields["retry"] = environ.get("HTTP_X_SLACK_RETRY_NUM")
    route = route_event(envelope.event)
    if route is None:
        fields["outcome"] = "ignored"
        return Answer(200)
    fields["queue"] = route.queue

    try:
        enqueued = enqueue_event(route, envelope.body, fields["request_id"])
    except redis.RedisError as error:
        # Not acknowledged, so Slack delivers it again; nothing was recorded.
        fields["outcome"] = f"redis error: {type(error).__name__}"
        return Answer(503)
    fields["outcome"] = "enqueued" if enqueued else "duplicate"
    return Answer(200)


def _read_body(environ: Mapping[str, str], read: Callable[[int], bytes]) -> bytes | None:
    """The raw body, or None when it is over the limit (checked before reading it all)."""
    limit = settings.SLACK_MAX_BODY_BYTES
    try:
        declared = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = read(limit + 1)
    return None if len(body) > limit else body
