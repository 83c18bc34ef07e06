"""RQ entry points for the event queues; the gateway enqueues them by dotted path.

Outcomes: a discarded message is a success. A failure Slack might get over
(5xx, 429, timeouts, connection errors) raises, and RQ runs the job again after
the retry intervals the gateway wrote into the job (gateway.delivery.RETRY_INTERVALS;
RQ's scheduler runs them: `rqworker --with-scheduler`), then keeps it in the failed
registry with the reason; any other failure goes there at once. A job whose worker
died is retried the same way. Execution is at least once, so a retried message job
skips the Slack calls it already made (a per-event record in Redis).
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from rq import get_current_job

from bot import replies
from bot.context import Context, current_context
from bot.message import discard_reason, parse_message
from bot.pipeline import Outcome, act, match
from bot.replies import SlackCall
from bot.slack_out import describe_error, is_retryable, send
from gopherbot.connections import get_redis
from insights.counting import count_uses, count_welcome

log = logging.getLogger("bot.jobs")

# A failed channel welcome is retried only while it is still timely.
CHANNEL_WELCOME_RETRY_WINDOW = 10 * 60
SENT_TTL_SECONDS = 60 * 60
# In the sent record: the message was timely when a first attempt looked at it, so a
# retry (a minute or more later, after a worker died) finishes answering it.
TIMELY = "timely"

Send = Callable[[SlackCall], object]


class JobFailed(Exception):
    """The job did not do what it should; `retryable` says whether RQ should try again."""

    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.retryable = retryable


class _Log:
    """The one line every job logs, whatever happens."""

    def __init__(self, handler: str, payload: dict):
        job = get_current_job()
        self.started = time.perf_counter()
        self.fields = {
            "handler": handler,
            "event_id": payload.get("event_id") if isinstance(payload, dict) else None,
            "queue": job.origin if job else None,
            "attempt": _attempt(job) if job else None,
            "actions": "",
            "outcome": "",
        }

    def __enter__(self) -> dict:
        return self.fields

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc is not None:
            retryable = exc.retryable if isinstance(exc, JobFailed) else is_retryable(exc)
            if not retryable:
                _no_retry()
            self.fields["outcome"] = f"{'will retry' if _retries_left() else 'failed'}: {exc}"
        self.fields["duration_ms"] = round((time.perf_counter() - self.started) * 1000, 1)
        level = logging.ERROR if exc is not None else logging.INFO
        log.log(level, "job done", extra={"fields": self.fields})


def _attempt(job) -> int:
    if job.retries_left is None or not job.retry_intervals:
        return 1
    return len(job.retry_intervals) - job.retries_left + 1


def _retries_left() -> bool:
    job = get_current_job()
    return bool(job and job.retries_left)


def _no_retry() -> None:
    job = get_current_job()
    if job is not None:
        job.retries_left = 0  # read by the worker when it handles the failure


def _fail(reason: str, retryable: bool) -> JobFailed:
    if not retryable:
        _no_retry()
    return JobFailed(reason, retryable=retryable)


def _event(payload: dict) -> dict:
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, dict) or not isinstance(payload.get("event_id"), str):
        raise _fail("parse error: the payload has no event", retryable=False)
    return event


# --- messages -----------------------------------------------------------------


def process_message(
    payload: dict, ctx: Context, send: Send, *, now: float | None = None, sent_key: str = ""
) -> tuple[str, Outcome | None]:
    """Parse, match and act on one message event; returns (outcome, what was done)."""
    event = payload["event"]
    now = time.time() if now is None else now
    redis = get_redis()

    def already_sent(key: str) -> bool:
        return bool(sent_key) and bool(redis.sismember(sent_key, key))

    def sent(key: str) -> None:
        if sent_key:
            redis.pipeline().sadd(sent_key, key).expire(sent_key, SENT_TTL_SECONDS).execute()

    reason = discard_reason(
        event,
        bot_user_id=ctx.bot_user_id,
        bot_id=ctx.bot_id,
        now=now,
        check_age=not already_sent(TIMELY),
    )
    if reason:
        log.debug("message discarded", extra={"fields": {"reason": reason}})
        return f"discarded: {reason}", None
    message = parse_message(event, ctx.bot_user_id)
    actions = match(ctx, message)
    if not actions:
        return "no match", Outcome()
    sent(TIMELY)
    outcome = act(ctx, message, actions, send, already_sent, sent)
    if sent_key:  # a queued event, not a replay: its uses are counted, once however retried
        count_uses(ctx.index, message.text, outcome.taken, once_key=sent_key)
    return ("answered" if not outcome.failed else "partly failed"), outcome


def handle_message(payload: dict) -> None:
    with _Log("message", payload) as fields:
        _event(payload)
        result, outcome = process_message(
            payload, current_context(), send, sent_key=f"gopherbot:sent:{payload['event_id']}"
        )
        fields["outcome"] = result
        if outcome is None:
            return
        fields["actions"] = ",".join(outcome.taken)
        if outcome.failed:
            failed = ", ".join(f"{name} ({describe_error(e)})" for name, e in outcome.failed)
            raise _fail(f"actions failed: {failed}", retryable=outcome.retryable)


# --- joins ----------------------------------------------------------------------


def team_welcome(payload: dict, ctx: Context) -> tuple[str, SlackCall | None]:
    """The DM for a new member of the workspace, or why there is none."""
    from responses.welcome import render_welcome

    user = payload["event"].get("user")
    user = user if isinstance(user, dict) else {"id": user}
    if not isinstance(user.get("id"), str) or not user["id"]:
        raise _fail("parse error: team_join without a user id", retryable=False)
    if user.get("is_bot") or user.get("deleted"):
        return "skipped: a bot or deleted user", None
    if not ctx.index.team_welcome:
        return "skipped: no welcome", None
    text = render_welcome(
        ctx.index.team_welcome,
        bot_user_id=ctx.bot_user_id,
        channel_id=ctx.channel_id,
        recommended=ctx.index.recommended_channels,
    )
    return "welcomed", replies.direct_message(user["id"], text)


def channel_welcome(payload: dict, ctx: Context) -> tuple[str, SlackCall | None]:
    """The ephemeral welcome for a member joining a channel, or why there is none."""
    from responses.welcome import render_welcome

    event = payload["event"]
    user, channel = event.get("user"), event.get("channel")
    if not isinstance(user, str) or not isinstance(channel, str) or not user or not channel:
        raise _fail("parse error: member_joined_channel without user or channel", retryable=False)
    if user == ctx.bot_user_id:
        return "skipped: the bot joined", None
    template = ctx.index.channel_welcomes.get(ctx.channel_name(channel) or "")
    if not template:
        return "skipped: no welcome for this channel", None
    text = render_welcome(
        template,
        bot_user_id=ctx.bot_user_id,
        channel_id=ctx.channel_id,
        recommended=ctx.index.recommended_channels,
    )
    return "welcomed", replies.ephemeral_to(channel, user, text)


def _deliver_welcome(fields: dict, result: str, call: SlackCall | None, *, can_retry: bool) -> None:
    fields["outcome"] = result
    if call is None:
        return
    if settings.SHADOW_MODE:
        log.info("shadow mode: welcome not sent", extra={"fields": {"text": call.params["text"]}})
        fields["outcome"] = "shadow mode: logged"
        return
    try:
        send(call)
    except Exception as error:
        reason = f"welcome not sent: {describe_error(error)}"
        raise _fail(reason, can_retry and is_retryable(error)) from error
    count_welcome(call)
    fields["actions"] = "welcome"


def handle_team_join(payload: dict) -> None:
    with _Log("team_join", payload) as fields:
        _event(payload)
        result, call = team_welcome(payload, current_context())
        _deliver_welcome(fields, result, call, can_retry=True)


def handle_channel_join(payload: dict) -> None:
    with _Log("channel_join", payload) as fields:
        _event(payload)
        result, call = channel_welcome(payload, current_context())
        event_time = payload.get("event_time")
        timely = isinstance(event_time, int) and time.time() - event_time <= (
            CHANNEL_WELCOME_RETRY_WINDOW
        )
        _deliver_welcome(fields, result, call, can_retry=timely)
