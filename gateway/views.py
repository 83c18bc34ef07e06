"""The Slack Events API endpoint: verify, route, enqueue, answer (spec §3)."""

import logging
import time

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from gateway.content_type import content_type_error
from gateway.delivery import enqueue_event
from gateway.envelope import Rejected, parse_envelope
from gateway.routing import route_event
from gateway.signing import SignatureError, verify_signature

log = logging.getLogger("gateway")


@csrf_exempt
def slack_event(request: HttpRequest) -> HttpResponse:
    started = time.perf_counter()
    fields = {"request_id": request.META.get("HTTP_X_REQUEST_ID")}
    response = _handle(request, fields)
    fields["status"] = response.status_code
    fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
    level = logging.WARNING if response.status_code >= 400 else logging.INFO
    log.log(level, "slack event", extra={"fields": fields})
    return response


def _handle(request: HttpRequest, fields: dict) -> HttpResponse:
    # Headers are read from META: request.headers would parse all of them on this hot path.
    if request.method != "POST":
        fields["outcome"] = "method not allowed"
        return HttpResponseNotAllowed(["POST"])

    status = content_type_error(request.META.get("CONTENT_TYPE"))
    if status:
        fields["outcome"] = "bad content type"
        return HttpResponse(status=status)

    body = _read_body(request)
    if body is None:
        fields["outcome"] = "body too large"
        return HttpResponse(status=413)

    try:
        verify_signature(
            settings.SLACK_SIGNING_SECRET,
            request.META.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            request.META.get("HTTP_X_SLACK_SIGNATURE"),
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
        return HttpResponse(status=401)
    except Rejected as error:
        fields["outcome"] = f"rejected: {error.reason}"
        return HttpResponse(status=error.status)

    if envelope.kind == "url_verification":
        fields["outcome"] = "url verified"
        return HttpResponse(envelope.challenge, content_type="text/plain")
    if envelope.kind == "app_rate_limited":
        minute = envelope.body.get("minute_rate_limited")
        log.warning("slack rate-limited the app's events", extra={"fields": {"minute": minute}})
        fields["outcome"] = "app rate limited"
        return HttpResponse()
    if envelope.kind != "event_callback":
        fields["outcome"] = f"ignored: {envelope.kind}"
        return HttpResponse()

    fields["event_id"] = envelope.event_id
    fields["event_type"] = envelope.event["type"]
    fields["retry"] = request.META.get("HTTP_X_SLACK_RETRY_NUM")
    route = route_event(envelope.event)
    if route is None:
        fields["outcome"] = "ignored"
        return HttpResponse()
    fields["queue"] = route.queue

    try:
        enqueued = enqueue_event(route, envelope.body, fields["request_id"])
    except redis.RedisError as error:
        # Not acknowledged, so Slack delivers it again; nothing was recorded.
        fields["outcome"] = f"redis error: {type(error).__name__}"
        return HttpResponse(status=503)
    fields["outcome"] = "enqueued" if enqueued else "duplicate"
    return HttpResponse()


def _read_body(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is over the limit (checked before reading it all)."""
    limit = settings.SLACK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body
