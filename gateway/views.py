"""POST /slack/event: the Events API over HTTP (docs/behaviour.md#gateway), one Django view.

It checks what only HTTP has (method, content type, body, signature), decodes the
JSON and hands the body to accept_event, which does the rest for every receiver.
"""

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from gateway.accept import REJECTED, Outcome, accept_event, log_event
from gateway.content_type import content_type_error
from gateway.envelope import Rejected, decode_body
from gateway.signing import SignatureError, verify_signature
from gopherbot.request_body import BodyTimeout, body_deadline


@csrf_exempt
def slack_event(request: HttpRequest) -> HttpResponse:
    received_at = time.time()
    request_id = request.headers.get("X-Request-ID")
    try:
        if request.method != "POST":  # 1
            raise Rejected(405, "method not allowed")
        status = content_type_error(request.META.get("CONTENT_TYPE"))  # 2
        if status:
            raise Rejected(status, "bad content type")
        raw = read_body(request, settings.SLACK_MAX_BODY_BYTES)  # 3
        verify_signature(  # 4
            settings.SLACK_SIGNING_SECRET,
            request.headers.get("X-Slack-Request-Timestamp"),
            request.headers.get("X-Slack-Signature"),
            raw,
            now=time.time(),
            window=settings.SLACK_REPLAY_WINDOW_SECONDS,
        )
        body = decode_body(raw)  # 5
    except Rejected as error:
        return _refuse(error.status, error.reason, request_id, received_at)
    except SignatureError as error:
        return _refuse(401, str(error), request_id, received_at)
    except BodyTimeout:
        return _refuse(408, "body not received in time", request_id, received_at)

    outcome = accept_event(  # 6-12
        body,
        receiver="http",
        request_id=request_id,
        retry_num=_retry_num(request.headers.get("X-Slack-Retry-Num")),
        retry_reason=request.headers.get("X-Slack-Retry-Reason"),
        received_at=received_at,
    )
    return HttpResponse(
        outcome.challenge, status=outcome.status, content_type="text/plain; charset=utf-8"
    )


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The raw body as sent, with a Content-Length or chunked; Rejected past `limit` bytes."""
    declared = request.META.get("CONTENT_LENGTH")
    if not declared and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        # Django reads only up to a Content-Length; gunicorn ends a chunked body for us
        # (wsgi.input_terminated), so it is read from the WSGI input directly.
        if not request.META.get("wsgi.input_terminated"):
            raise Rejected(411, "chunked body, and the server cannot tell where it ends")
        with body_deadline():
            body = request.META["wsgi.input"].read(limit + 1)
    else:
        length = int(declared) if declared and declared.isascii() and declared.isdigit() else -1
        if declared and length < 0:
            raise Rejected(400, "malformed Content-Length")
        if length > limit:
            raise Rejected(413, "body too large")
        body = request.body  # read by the RequestBodyDeadline middleware, within its deadline
        if len(body) < length:
            raise Rejected(400, "body ended before its Content-Length (the client went away)")
    if len(body) > limit:
        raise Rejected(413, "body too large")
    return body


def _refuse(status: int, reason: str, request_id: str | None, received_at: float):
    fields = {"receiver": "http", "request_id": request_id}
    log_event(fields, Outcome(REJECTED, status, reason), received_at)
    headers = {"Allow": "POST"} if status == 405 else {}
    return HttpResponse(status=status, headers=headers)


def _retry_num(header: str | None) -> int | None:
    return int(header) if header and header.isascii() and header.isdigit() else None
