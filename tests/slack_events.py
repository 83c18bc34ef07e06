"""Builders for signed Slack Events API requests, as Slack sends them."""

import itertools
import json
import time

from django.conf import settings

from gateway.signing import sign

_ids = itertools.count(1)


def message_event(text: str = "hello", **fields) -> dict:
    event = {
        "type": "message",
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "user": "U0ALICE",
        "text": text,
        "ts": f"{time.time():.6f}",
    }
    event.update(fields)
    return event


def event_callback(event: dict | None = None, **fields) -> dict:
    body = {
        "token": "legacy-token",
        "team_id": settings.SLACK_TEAM_ID,
        "api_app_id": settings.SLACK_APP_ID,
        "event": event if event is not None else message_event(),
        "type": "event_callback",
        "event_id": f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
    }
    body.update(fields)
    return body


def signed_headers(body: bytes, timestamp: int | None = None, secret: str | None = None) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(secret or settings.SLACK_SIGNING_SECRET, ts, body),
    }


def encode(body: dict | list | str) -> bytes:
    return json.dumps(body).encode()
