"""Distinct, validly signed Slack message events, as Slack would send them (~1.3 KB each)."""

import json
import time
import urllib.request
import uuid

from gateway.signing import sign


def message_body(index: int, team_id: str, app_id: str) -> bytes:
    now = time.time()
    text = f"@gopher define tdd please, message number {index}"
    event = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": "U0ALICE",
        "ts": f"{now:.6f}",
        "team": team_id,
        "blocks": [
            {
                "type": "rich_text",
                "block_id": uuid.uuid4().hex[:5],
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ],
        "channel": "C0GENERAL",
        "event_ts": f"{now:.6f}",
        "channel_type": "channel",
    }
    body = {
        "token": "bench-verification-token",
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": app_id,
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}{index}",
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "U0GOPHERBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMExPQ0FMVEVBTSIsImFpZCI6IkEwTE9DQUwi"
        "Qk9UIiwiY2lkIjoiQzBHRU5FUkFMIn0" + uuid.uuid4().hex,
    }
    return json.dumps(body).encode()


def signed(body: bytes, secret: str) -> tuple[str, str]:
    timestamp = str(int(time.time()))
    return timestamp, sign(secret, timestamp, body)


def event_request(port: int, body: bytes, secret: str) -> urllib.request.Request:
    """A POST of `body` to the local gateway on `port`, signed now as Slack signs it."""
    timestamp, signature = signed(body, secret)
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }
    return urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/event", data=body, headers=headers
    )


def write_wrk_requests(path, count: int, secret: str, team_id: str, app_id: str) -> None:
    """One request a line for bench/wrk_requests.lua: timestamp, signature, body."""
    with open(path, "w") as out:
        for index in range(count):
            body = message_body(index, team_id, app_id)
            timestamp, signature = signed(body, secret)
            out.write(f"{timestamp}\t{signature}\t{body.decode()}\n")
