"""RQ entry points for the event queues; the gateway enqueues them by dotted path."""

import logging
import time

log = logging.getLogger("bot.jobs")


def _log_event(payload: dict, handler: str) -> None:
    lag = time.time() - payload["enqueued_at"]
    fields = {
        "handler": handler,
        "event_id": payload["event_id"],
        "event_type": payload["event"].get("type"),
        "queue_lag_ms": round(lag * 1000, 1),
        "outcome": "logged",
    }
    log.info("event received", extra={"fields": fields})


def handle_message(payload: dict) -> None:
    _log_event(payload, "message")


def handle_team_join(payload: dict) -> None:
    _log_event(payload, "team_join")


def handle_channel_join(payload: dict) -> None:
    _log_event(payload, "channel_join")
