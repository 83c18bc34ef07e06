"""Counting uses in Redis, one round trip per message, never in the way of a reply.

Each use is a HINCRBY on the day's hash (`gopherbot:insights:day:2024-05-14`, field
`kind:name`), which expires a week after its last increment; insights.folding copies
the hashes into the database every few minutes. Nothing is buffered in a process, so
a worker that dies loses no count. A failure here is logged and swallowed: counting
never fails or delays the job that answered.
"""

import logging
from datetime import UTC, date, datetime

from gopherbot.connections import get_redis
from insights.kinds import NAME_MAX_LENGTH, WELCOME
from insights.uses import Use, message_uses
from slackapi.channels import channel_name

log = logging.getLogger("insights")

KEY_PREFIX = "gopherbot:insights:day:"
# How long a day's hash outlives its last increment: the fold reads this many days back,
# so the scheduler may stop for nearly a week without a count being lost.
REDIS_DAYS = 7
KEY_TTL_SECONDS = REDIS_DAYS * 24 * 60 * 60
# A message's event record (bot.jobs) lives this long; it already has its TTL when counted.
RECORD_TTL_SECONDS = 60 * 60

# Each field is marked in the message's event record ("insights:command:go tour") and
# counted only if the mark is new: a retried job does not count again what it redoes.
# KEYS: the event record, the day's hash. ARGV: the hash's TTL, the record's, the fields.
_COUNT_ONCE = """
for i = 3, #ARGV do
  if redis.call('SADD', KEYS[1], 'insights:' .. ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
  end
end
redis.call('EXPIRE', KEYS[2], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
"""


def today() -> date:
    return datetime.now(UTC).date()


def day_key(day: date) -> str:
    return KEY_PREFIX + day.isoformat()


def field(kind: str, name: str) -> str:
    return f"{kind}:{name[:NAME_MAX_LENGTH]}"


def count(kind: str, name: str) -> None:
    """Count one use now: a welcome, a poller post."""
    key = day_key(today())
    try:
        get_redis().pipeline(transaction=False).hincrby(key, field(kind, name), 1).expire(
            key, KEY_TTL_SECONDS
        ).execute()
    except Exception as error:
        _lost([(kind, name)], error)


def count_uses(index, text: str, taken: list[str], *, once_key: str) -> None:
    """Count what the actions `taken` for a message were used for, once per event.

    `text` is the message's text (mentions spliced out); `once_key` is the event's record
    in Redis, so a retried job does not count again the actions it redoes.
    """
    uses: list[Use] = []
    try:
        uses = message_uses(index, text, taken)
        if not uses:
            return
        fields = [field(kind, name) for kind, name in uses]
        redis = get_redis()
        redis.register_script(_COUNT_ONCE)(
            keys=[once_key, day_key(today())], args=[KEY_TTL_SECONDS, RECORD_TTL_SECONDS, *fields]
        )
    except Exception as error:
        _lost(uses, error)


def count_welcome(call) -> None:
    """Count a welcome that was sent: the DM to new members, or a channel's welcome."""
    if call.dm_user:
        count(WELCOME, "new members")
        return
    try:
        channel = call.params["channel"]
        name = "#" + (channel_name(channel) or channel)
    except Exception as error:
        _lost([(WELCOME, "?")], error)
        return
    count(WELCOME, name)


def _lost(uses: list[Use], error: Exception) -> None:
    fields = {"uses": len(uses) or None, "error": f"{type(error).__name__}: {error}"}
    log.warning("uses not counted", extra={"fields": fields})
