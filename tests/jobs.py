"""Jobs for tests: they leave a trace in Redis that the test can read back."""

import json

from gopherbot.connections import get_redis


def record(payload: dict) -> str:
    get_redis().rpush("test:recorded", json.dumps(payload))
    return payload["event_id"]


def fail(payload: dict) -> None:
    raise RuntimeError(f"failing on purpose for {payload['event_id']}")
