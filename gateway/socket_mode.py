"""Slack's Socket Mode: events over a WebSocket the bot opens itself, so no public URL is needed.

slack_sdk's built-in client does the connection's work: it asks apps.connections.open for a
URL with the app-level token, answers Slack's pings, pings Slack, and connects again when
Slack sends `disconnect`, closes the connection, or stops answering. Each events_api
envelope goes through the gateway's one code path, `accept_event` (the same checks, routing,
deduplication and enqueueing as POST /slack/event, and the same log line, receiver named),
and is acknowledged as soon as that returns: at once, except while Redis is down, when it
is not acknowledged at all, so that Slack delivers it again (the HTTP gateway answers 503).
An envelope Slack delivers again after a reconnect has the same event_id, and is enqueued once.

A peer that closes the TCP connection without a WebSocket close frame costs the built-in
client (slack_sdk 3.48) a busy receive loop until its ping check gives up on the connection
(5 failed pings, or 4 intervals without a pong): with the short interval here, about 15 s.
"""

import logging

from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from gateway.accept import REDIS_ERROR, accept_event
from slackapi.client import TIMEOUT_SECONDS, api_base_url, retry_handlers

log = logging.getLogger("gateway.socket_mode")

RECEIVER = "socket_mode"
PING_INTERVAL_SECONDS = 3.0  # slack_sdk's default is 5; a dead connection is noticed sooner


def build_client(app_token: str) -> SocketModeClient:
    """A Socket Mode client that hands events to the gateway; call connect() to start it."""
    web_client = WebClient(
        base_url=api_base_url(), timeout=TIMEOUT_SECONDS, retry_handlers=retry_handlers()
    )
    client = SocketModeClient(
        app_token=app_token, web_client=web_client, ping_interval=PING_INTERVAL_SECONDS
    )
    client.message_listeners.append(log_hello)
    client.socket_mode_request_listeners.append(handle_request)
    return client


def handle_request(client: SocketModeClient, request: SocketModeRequest) -> None:
    """Take in one envelope, and acknowledge it unless Slack should deliver it again."""
    if request.type != "events_api":
        # Interactive components and slash commands: the bot offers none.
        log.info(
            "socket mode envelope ignored",
            extra={
                "fields": {
                    "receiver": RECEIVER,
                    "envelope_type": request.type,
                    "request_id": request.envelope_id,
                }
            },
        )
        acknowledge(client, request)
        return
    outcome = accept_event(
        request.payload,
        receiver=RECEIVER,
        request_id=request.envelope_id,
        retry_num=request.retry_attempt or None,
        retry_reason=request.retry_reason or None,
    )
    if outcome.kind != REDIS_ERROR:
        acknowledge(client, request)


def acknowledge(client: SocketModeClient, request: SocketModeRequest) -> None:
    client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))


def log_hello(client: SocketModeClient, message: dict, raw_message: str | None) -> None:
    if message.get("type") == "hello":
        log.info(
            "socket mode connected",
            extra={"fields": {"connections": message.get("num_connections")}},
        )
