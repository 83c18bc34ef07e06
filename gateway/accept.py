"""One Events API body, whoever received it: checked, routed, deduplicated, enqueued.

docs/behaviour.md#checks-in-order, steps 5 (its nesting limit) to 12. The HTTP
view (views.py) hands over the body it verified and decoded; a Socket Mode receiver
hands over the `payload` of an `events_api` envelope, which has the same shape. Either
way the event gets the same checks and the same single log line, naming the receiver.
"""

import logging
import time
from dataclasses import dataclass

import redis
from django.conf import settings

from gateway.delivery import enqueue_event
from gateway.envelope import Rejected, check_envelope
from gateway.routing import route_event

log = logging.getLogger("gateway")

# Outcome kinds, as the log line writes them.
ENQUEUED = "enqueued"
DUPLICATE = "duplicate"
IGNORED = "ignored"
URL_VERIFIED = "url verified"
REJECTED = "rejected"
REDIS_ERROR = "redis error"


@dataclass(frozen=True)
class Outcome:
    """What became of a body. `status` is the HTTP answer; a receiver without HTTP
    acknowledges every outcome but REDIS_ERROR (not acknowledged, Slack delivers again)."""

    kind: str
    status: int
    detail: str = ""
    challenge: str = ""  # the url_verification answer

    @property
    def text(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


def accept_event(
    body: dict,
    *,
    receiver: str,
    request_id: str | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
    received_at: float | None = None,
) -> Outcome:
    """Check, route and enqueue one decoded Events API body; logs one line about it.

    `received_at` (time.time()) is when the receiver got the body: the job's
    `enqueued_at`, and where the line's duration starts.
    """
    received_at = time.time() if received_at is None else received_at
    fields = {"receiver": receiver, "request_id": request_id}
    outcome = _accept(body, fields, request_id, retry_num, retry_reason, received_at)
    fields.update(retry=retry_num, retry_reason=retry_reason)
    log_event(fields, outcome, received_at)
    return outcome


def log_event(fields: dict, outcome: Outcome, received_at: float) -> None:
    """The one line per delivery (also for what a receiver refused before decoding it)."""
    fields["outcome"] = outcome.text
    fields["status"] = outcome.status
    fields["duration_ms"] = round((time.time() - received_at) * 1000, 2)
    level = logging.WARNING if outcome.status >= 400 else logging.INFO
    log.log(level, "slack event", extra={"fields": fields})


def _accept(
    body: dict,
    fields: dict,
    request_id: str | None,
    retry_num: int | None,
    retry_reason: str | None,
    received_at: float,
) -> Outcome:
    try:
        envelope = check_envelope(
            body,
            token=settings.SLACK_VERIFICATION_TOKEN,
            app_id=settings.SLACK_APP_ID,
            team_id=settings.SLACK_TEAM_ID,
        )
    except Rejected as error:
        return Outcome(REJECTED, error.status, error.reason)

    if envelope.kind == "url_verification":
        return Outcome(URL_VERIFIED, 200, challenge=envelope.challenge)
    if not envelope.ours:
        # Addressed to our app but seen by none of our workspaces: 200, so that
        # Slack neither retries it nor counts it against the app.
        fields["teams"] = ",".join(envelope.teams) or None
        return Outcome(IGNORED, 200, "not our workspace")
    if envelope.kind == "app_rate_limited":
        minute = body.get("minute_rate_limited")
        log.warning("slack rate-limited the app's events", extra={"fields": {"minute": minute}})
        return Outcome(IGNORED, 200, "app rate limited")
    if envelope.kind != "event_callback":
        return Outcome(IGNORED, 200, f"type {envelope.kind}")

    fields["event_id"] = envelope.event_id
    fields["event_type"] = envelope.event["type"]
    route = route_event(envelope.event)
    if route is None:
        return Outcome(IGNORED, 200)
    fields["queue"] = route.queue
    try:
        job = enqueue_event(
            route,
            body,
            request_id,
            receiver=fields["receiver"],
            received_at=received_at,
            retry_num=retry_num,
            retry_reason=retry_reason,
        )
    except redis.RedisError as error:
        # Not acknowledged, so Slack delivers it again: then it is either enqueued or,
        # if this enqueue landed after all, answered as a duplicate.
        return Outcome(REDIS_ERROR, 503, type(error).__name__)
    return Outcome(ENQUEUED if job else DUPLICATE, 200)
