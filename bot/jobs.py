"""RQ entry points for the event queues; the gateway enqueues them by dotted path.

Outcomes: a discarded message is a success. A failure Slack might get over
(5xx, 429, timeouts, connection errors) raises, and RQ runs the job again after
the retry intervals the gateway wrote into the job (gateway.delivery.RETRY_INTERVALS;
RQ's scheduler runs them: `rqworker --with-scheduler`), then keeps it in the failed
registry with the reason; any other failure goes there at once. When Slack asked for
a pause (HTTP 429, Retry-After) longer than the client waits, the job returns RQ's
Retry for no sooner than that instead. A job whose worker died is retried the same way.
Execution is at least once, so a retried message job skips the Slack calls it already
made (a per-event record in Redis) and, should that record have been lost, the posts
Slack already has (bot.reply_marks).

Posts go out through bot.outbox: at once, or scheduled for their channel's turn as a
job of their own (handle_paced_post).
"""

import logging
import math
import time
from collections.abc import Callable

from django.conf import settings
from rq import Retry, get_current_job

from bot import replies
from bot.context import Context, current_context
from bot.message import discard_reason, parse_message
from bot.outbox import Outbox, send_paced
from bot.pipeline import Outcome, act, match
from bot.replies import SlackCall
from bot.slack_out import describe_error, is_retryable, rate_limit_wait
from bot.staleness import redelivery, stale_reason
from gopherbot.connections import get_redis
from insights.counting import count_uses, count_welcome

log = logging.getLogger("bot.jobs")

# A failed channel welcome is retried only while it is still timely.
CHANNEL_WELCOME_RETRY_WINDOW = 10 * 60
SENT_TTL_SECONDS = 60 * 60
# In the sent record: the message was timely when a first attempt looked at it, so a
# retry (a minute or more later, after a worker died) finishes answering it.
TIMELY = "timely"
# Attempts after a 429 whose Retry-After outlasted the client's own wait.
RATE_LIMIT_RETRIES = 3

Send = Callable[[SlackCall, str], object]  # (the call, its key within the job)


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
            "slack_retry": redelivery(payload) if isinstance(payload, dict) else None,
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
    """1 for a first run; then counts RQ's retries after failures and after 429s."""
    after_failures = 0
    if job.retries_left is not None and job.retry_intervals:
        after_failures = len(job.retry_intervals) - job.retries_left
    return 1 + after_failures + (job.number_of_retries or 0)


def _is_retry() -> bool:
    """Might an earlier attempt of this job have reached Slack?"""
    job = get_current_job()
    return job is not None and _attempt(job) > 1


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


def _retry_or_fail(fields: dict, reason: str, errors: list, retryable: bool) -> Retry:
    """RQ's Retry for no sooner than Slack asked, after a 429; else raises JobFailed."""
    waits = [wait for wait in map(rate_limit_wait, errors) if wait is not None]
    job = get_current_job()
    if retryable and waits and job is not None:
        if (job.number_of_retries or 0) >= RATE_LIMIT_RETRIES:
            raise _fail(f"{reason}; still rate limited after {RATE_LIMIT_RETRIES} waits", False)
        # RQ schedules to the whole second (rounding down): one more keeps it no sooner.
        seconds = math.ceil(max(waits)) + 1
        fields["outcome"] = f"rate limited: next attempt in {seconds} s: {reason}"
        return Retry(max=RATE_LIMIT_RETRIES, interval=seconds)
    raise _fail(reason, retryable)


def _outbox(payload: dict, oldest: object) -> Outbox:
    job = get_current_job()
    return Outbox(
        event_id=payload["event_id"],
        queue=job.origin if job else settings.QUEUE_DEFAULT,
        oldest=str(oldest or 0),
        retry=_is_retry(),
    )


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

    reason = discard_reason(event, bot_user_id=ctx.bot_user_id, bot_id=ctx.bot_id)
    if not reason and not already_sent(TIMELY):
        reason = stale_reason(payload, now)
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


def handle_message(payload: dict) -> Retry | None:
    with _Log("message", payload) as fields:
        event = _event(payload)
        outbox = _outbox(payload, oldest=event.get("ts"))
        result, outcome = process_message(
            payload,
            current_context(),
            outbox.send,
            sent_key=f"gopherbot:sent:{payload['event_id']}",
        )
        fields["outcome"] = result
        if outcome is None:
            return None
        fields["actions"] = ",".join(outcome.taken)
        if outcome.failed:
            failed = ", ".join(f"{name} ({describe_error(e)})" for name, e in outcome.failed)
            errors = [error for _, error in outcome.failed]
            return _retry_or_fail(fields, f"actions failed: {failed}", errors, outcome.retryable)
        return None


def handle_paced_post(post: dict) -> Retry | None:
    """A reply whose channel's turn has come: bot.outbox booked the turn and scheduled it."""
    with _Log("paced_post", post) as fields:
        if not isinstance(post, dict) or not isinstance(post.get("params"), dict):
            raise _fail("parse error: not a paced post", retryable=False)
        fields["actions"] = post.get("key", "")
        try:
            fields["outcome"] = send_paced(post, retry=bool(post.get("retry")) or _is_retry())
        except Exception as error:
            reason = f"post not sent: {describe_error(error)}"
            return _retry_or_fail(fields, reason, [error], is_retryable(error))
        return None


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


def _deliver_welcome(
    fields: dict, payload: dict, result: str, call: SlackCall | None, *, can_retry: bool
) -> Retry | None:
    fields["outcome"] = result
    if call is None:
        return None
    if settings.SHADOW_MODE:
        log.info("shadow mode: welcome not sent", extra={"fields": {"text": call.params["text"]}})
        fields["outcome"] = "shadow mode: logged"
        return None
    # The welcome follows the join: any earlier welcome DM is newer than the event.
    outbox = _outbox(payload, oldest=payload.get("event_time"))
    try:
        sent = outbox.send(call, "welcome")
    except Exception as error:
        reason = f"welcome not sent: {describe_error(error)}"
        return _retry_or_fail(fields, reason, [error], can_retry and is_retryable(error))
    fields["actions"] = "welcome"
    if sent == "sent" or sent.startswith("paced"):
        count_welcome(call)
    if sent != "sent":
        fields["outcome"] = f"{result} ({sent})"
    return None


def handle_team_join(payload: dict) -> Retry | None:
    with _Log("team_join", payload) as fields:
        _event(payload)
        result, call = team_welcome(payload, current_context())
        return _deliver_welcome(fields, payload, result, call, can_retry=True)


def handle_channel_join(payload: dict) -> Retry | None:
    with _Log("channel_join", payload) as fields:
        _event(payload)
        result, call = channel_welcome(payload, current_context())
        event_time = payload.get("event_time")
        timely = isinstance(event_time, int) and time.time() - event_time <= (
            CHANNEL_WELCOME_RETRY_WINDOW
        )
        return _deliver_welcome(fields, payload, result, call, can_retry=timely)
