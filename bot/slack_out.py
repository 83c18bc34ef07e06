"""Sends the SlackCalls that bot.replies builds, through the shared Slack client."""

import logging
import socket
import urllib.error

import redis
from slack_sdk.errors import SlackApiError

from bot.replies import SlackCall
from gopherbot.outside import OutsideError
from slackapi.pacing import ChannelBusy

log = logging.getLogger("bot.slack_out")

# https://api.slack.com/web#evaluating_responses: errors worth trying again later.
_RETRYABLE_SLACK_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Harmless: two rules asked for the same emoji, or a retried job added it before.
_IGNORED_SLACK_ERRORS = {"reactions.add": "already_reacted"}


def _client():
    from slackapi.client import get_client

    return get_client()


def send(call: SlackCall, client=None) -> dict:
    """Make the call now; a DM first opens the conversation. Returns Slack's answer.

    With the default client a post waits for its channel's turn (replay_event uses this);
    jobs send through bot.outbox instead, which schedules a post whose turn is later.
    """
    client = client or _client()
    params = dict(call.params)
    if call.dm_user:
        params["channel"] = open_dm(client, call.dm_user)
    return call_method(client, call.method, params)


def open_dm(client, user: str) -> str:
    """The id of the DM channel with `user` (conversations.open is idempotent)."""
    return client.conversations_open(users=user)["channel"]["id"]


def call_method(client, method: str, params: dict) -> dict:
    """Call Slack's `method`; an error that means it was done already counts as done."""
    try:
        return getattr(client, method.replace(".", "_"))(**params).data
    except SlackApiError as error:
        if slack_error_code(error) == _IGNORED_SLACK_ERRORS.get(method):
            return error.response.data
        raise


def describe(call: SlackCall) -> str:
    """One line for an operator: what would be sent."""
    target = f"DM to {call.dm_user}: " if call.dm_user else ""
    return f"{target}{call.method} {call.params}"


def slack_error_code(error: SlackApiError) -> str:
    data = getattr(error.response, "data", None)
    return data.get("error", "") if isinstance(data, dict) else ""


def describe_error(error: BaseException) -> str:
    """A short reason for logs and the failed registry (Slack's own messages span lines)."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        code = slack_error_code(error) or "error"
        return code if status == 200 else f"{code}, HTTP {status}"
    return str(error) or type(error).__name__


def rate_limit_wait(error: BaseException) -> float | None:
    """The seconds Slack asked us to wait (HTTP 429, Retry-After), or None for other errors."""
    from slackapi.client import retry_after_seconds

    if isinstance(error, SlackApiError) and getattr(error.response, "status_code", 0) == 429:
        return retry_after_seconds(error.response.headers or {})
    return None


def is_retryable(error: BaseException) -> bool:
    """Could the same call succeed later? Slack 5xx/429, timeouts and connection errors can."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        return status >= 500 or status == 429 or slack_error_code(error) in _RETRYABLE_SLACK_ERRORS
    if isinstance(error, OutsideError):
        return error.retryable
    transient = (
        ChannelBusy,
        urllib.error.URLError,
        TimeoutError,
        ConnectionError,
        socket.timeout,
        redis.ConnectionError,
        redis.TimeoutError,
    )
    return isinstance(error, transient)
