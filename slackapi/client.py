"""The Slack Web API client: one per process, with timeouts and bounded retries.

Retries (https://api.slack.com/apis/rate-limits):
- HTTP 429: wait what Retry-After says, unless that is longer than MAX_RATE_LIMIT_WAIT, in
  which case the call fails now and the job's own retry takes over later.
- connection errors (refused, reset, closed before answering) and HTTP 500/502/503/504:
  exponential backoff with jitter.
A read timeout is not retried here: the request may have reached Slack. The job's own
retry, seconds later, first looks for the post's mark (bot.reply_marks) and posts only
if Slack does not have it.

Posts (chat.postMessage, chat.postEphemeral) keep to their channel's pace (slackapi.pacing).
The pollers' client waits for the channel's turn before each post. The bot's replies use
an unpaced client (`get_client(paced=False)`): they book their turn themselves and, when it
is not now, are scheduled for later instead of waiting in a worker (bot.outbox).
"""

import logging
import os
import random
import time

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.http_retry import (
    BackoffRetryIntervalCalculator,
    ConnectionErrorRetryHandler,
    HttpRequest,
    HttpResponse,
    RetryHandler,
    RetryState,
)
from slack_sdk.web import SlackResponse

from slackapi.pacing import wait_for_turn

log = logging.getLogger("slackapi.client")

TIMEOUT_SECONDS = 10
MAX_RETRIES = 3
MAX_RATE_LIMIT_WAIT = 30.0
RETRYABLE_STATUSES = (500, 502, 503, 504)
PACED_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral"})

_clients: dict[bool, WebClient] = {}  # by `paced`
_clients_pid: int | None = None


class RateLimitRetryHandler(RetryHandler):
    """Retries a 429 after its Retry-After, never waiting longer than `max_wait` seconds."""

    def __init__(self, max_retry_count: int = MAX_RETRIES, max_wait: float = MAX_RATE_LIMIT_WAIT):
        super().__init__(max_retry_count)
        self.max_wait = max_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after_seconds(response.headers)
        if wait > self.max_wait:
            log.warning(
                "slack rate limit too long to wait",
                extra={"fields": {"url": request.url, "retry_after": wait}},
            )
            return False
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = retry_after_seconds(response.headers) + random.uniform(0, 0.25)
        log.info(
            "slack rate limited; retrying",
            extra={"fields": {"url": request.url, "wait_s": round(wait, 2)}},
        )
        state.next_attempt_requested = True
        time.sleep(wait)
        state.increment_current_attempt()


class ServerErrorRetryHandler(RetryHandler):
    """Retries Slack's 5xx answers (slack_sdk's own handler covers only 500 and 503)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in RETRYABLE_STATUSES


class PacedWebClient(WebClient):
    """A WebClient whose posts wait for their channel's turn (in the calling thread)."""

    def api_call(self, api_method: str, **kwargs) -> SlackResponse:
        if api_method in PACED_METHODS:
            body = kwargs.get("json") or kwargs.get("data") or kwargs.get("params") or {}
            channel = body.get("channel")
            if isinstance(channel, str) and channel:
                wait_for_turn(channel)
        return super().api_call(api_method, **kwargs)


def retry_after_seconds(headers: dict) -> float:
    """Retry-After in seconds from slack_sdk's header dict (values are lists or strings)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            if isinstance(value, list | tuple):
                value = value[0] if value else ""
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return 1.0  # Slack always sends it; if not, a short pause is the polite guess


def retry_handlers() -> list[RetryHandler]:
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return [
        RateLimitRetryHandler(max_retry_count=MAX_RETRIES),
        ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]


def bot_token() -> str:
    # A local run without a token has the stand-in's (the settings decide).
    return settings.SLACK_BOT_TOKEN


def api_base_url() -> str:
    url = settings.SLACK_API_URL
    return url if url.endswith("/") else url + "/"


def build_client(*, timeout: float | None = None, paced: bool = True) -> WebClient:
    """A new client from the settings; most code wants get_client()."""
    client_class = PacedWebClient if paced else WebClient
    return client_class(
        token=bot_token(),
        base_url=api_base_url(),
        timeout=TIMEOUT_SECONDS if timeout is None else timeout,
        retry_handlers=retry_handlers(),
    )


def get_client(*, paced: bool = True) -> WebClient:
    """The process's Slack client (a forked child builds its own).

    `paced=False`: posts go out at once; the caller keeps to the channel's pace itself.
    """
    global _clients_pid
    if _clients_pid != os.getpid():
        _clients.clear()
        _clients_pid = os.getpid()
    client = _clients.get(paced)
    if client is None:
        client = _clients[paced] = build_client(paced=paced)
    return client


def reset_client() -> None:
    """Forget the clients, e.g. after a test changed the settings."""
    _clients.clear()
