"""Pace posts per channel: Slack allows about one message a second in a channel.

https://api.slack.com/apis/rate-limits#special-limits ("1 per second per channel,
short bursts allowed"). Beyond that Slack answers 429, which our retries turn into
delays and failures; pacing ourselves spreads a burst instead.

One token bucket per channel in Redis, shared by every process that posts. The Lua
script keeps the bucket as the time its next token is due (GCRA, an exact token
bucket with `burst` tokens refilled one per `interval`) and hands out the next slot
atomically, on Redis's clock: each caller learns how long to wait, so concurrent
posters queue in order without polling. A caller that would wait longer than
`max_wait` takes no slot and gets ChannelBusy.

Two ways to wait for the slot: `book_turn` only books it and says when it is due, for
a caller that schedules its post for then (the bot's replies, bot.outbox);
`wait_for_turn` sleeps until it is due (the pollers' client).
"""

import logging
import time

from django.conf import settings

log = logging.getLogger("slackapi.pacing")

KEY_PREFIX = "gopherbot:pace:"

# KEYS: the channel's bucket. ARGV: interval (s), burst (tokens), max wait (s).
# Returns the wait in microseconds, or -1 - wait when it would exceed the max wait.
_TAKE_SLOT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local due = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now) + interval
local wait = math.max(0, due - burst * interval - now)
if wait > tonumber(ARGV[3]) then
  return -1 - math.floor(wait * 1000000)
end
redis.call('SET', KEYS[1], string.format('%.6f', due), 'PX', math.ceil((due - now) * 1000) + 1000)
return math.floor(wait * 1000000)
"""
_scripts: dict = {}


class ChannelBusy(Exception):
    """The channel's bucket is booked further ahead than we may wait: try again later."""

    def __init__(self, channel: str, wait: float):
        super().__init__(f"channel {channel} is busy for {wait:.1f} s (pacing posts)")
        self.channel = channel
        self.wait = wait


def take_slot(connection, channel: str, *, interval: float, burst: int, max_wait: float) -> float:
    """Book the next post to `channel`; returns the seconds to wait before making it."""
    script = _scripts.get(connection)
    if script is None:
        script = _scripts[connection] = connection.register_script(_TAKE_SLOT)
    answer = int(script(keys=[KEY_PREFIX + channel], args=[interval, burst, max_wait]))
    if answer < 0:
        raise ChannelBusy(channel, (-1 - answer) / 1_000_000)
    return answer / 1_000_000


def book_turn(channel: str) -> float:
    """Book the next post to `channel`; returns the seconds until it is due (0: now).

    Raises ChannelBusy when the channel is booked further ahead than
    SLACK_CHANNEL_POST_MAX_DELAY.
    """
    from gopherbot.connections import get_redis

    return take_slot(
        get_redis(),
        channel,
        interval=settings.SLACK_CHANNEL_POST_INTERVAL,
        burst=settings.SLACK_CHANNEL_POST_BURST,
        max_wait=settings.SLACK_CHANNEL_POST_MAX_DELAY,
    )


def wait_for_turn(channel: str) -> float:
    """Sleep until a post to `channel` is within the pace; returns the seconds waited."""
    from gopherbot.connections import get_redis

    wait = take_slot(
        get_redis(),
        channel,
        interval=settings.SLACK_CHANNEL_POST_INTERVAL,
        burst=settings.SLACK_CHANNEL_POST_BURST,
        max_wait=settings.SLACK_CHANNEL_POST_MAX_WAIT,
    )
    if wait > 0:
        log.info(
            "slack post paced",
            extra={"fields": {"channel": channel, "wait_ms": round(wait * 1000)}},
        )
        time.sleep(wait)
    return wait
