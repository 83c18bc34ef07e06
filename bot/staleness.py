"""Is a message still worth answering when a worker first looks at it?
(docs/behaviour.md#ignored-messages)

What counts is the bot's own backlog: the time since the gateway received the event
(`enqueued_at` in the job). Slack trouble must not turn into a burst of stale replies,
but a message Slack delivered late is answered, and so is one Slack delivered again
(`retry_num`) after the gateway refused it during an outage, while the message itself
is under 10 minutes old.
"""

MAX_BACKLOG_SECONDS = 30
MAX_MESSAGE_AGE_SECONDS = 10 * 60


def stale_reason(payload: dict, now: float) -> str | None:
    """Why the message of `payload` is too old to answer now, or None.

    The event's `ts` must be valid (bot.message.discard_reason checks it first).
    """
    posted_at = float(payload["event"]["ts"])
    received_at = payload.get("enqueued_at")
    if isinstance(received_at, bool) or not isinstance(received_at, int | float):
        received_at = posted_at  # a job written without the gateway's receive time
    backlog = now - received_at
    if backlog > MAX_BACKLOG_SECONDS:
        return f"stale: waited {backlog:.0f} s in the queue (at most {MAX_BACKLOG_SECONDS} s)"
    age = now - posted_at
    if age > MAX_MESSAGE_AGE_SECONDS:
        what = "redelivered message" if redelivery(payload) else "message"
        return f"stale: {what} is {age:.0f} s old (at most {MAX_MESSAGE_AGE_SECONDS} s)"
    return None


def redelivery(payload: dict) -> int | None:
    """Slack's retry number (X-Slack-Retry-Num) when this is a redelivery, else None."""
    number = payload.get("retry_num")
    if isinstance(number, str) and number.isdigit():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        return None
    return number
