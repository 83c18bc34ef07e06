"""The channel cache: channel names and ids, kept in Redis for every process.

It holds the public channels and the private ones the bot is in (with the
groups:read scope; without it, public ones only), so that the Playground deny
list and channel welcomes can name private channels too; the private ones are
marked, so that the Playground uploader never publishes them.

Handlers resolve `#newbies` and friends only through this cache; a periodic job
refreshes it with conversations.list. A refresh builds new maps under temporary
keys and swaps them in with RENAME inside one MULTI, so a reader sees either the
old cache or the new one, never a mix or a half-filled map.
"""

import logging
import time
import uuid

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from gopherbot.connections import get_redis
from slackapi.client import get_client

log = logging.getLogger("slackapi.channels")

BY_NAME_KEY = "gopherbot:slack:channels:by_name"
BY_ID_KEY = "gopherbot:slack:channels:by_id"
PRIVATE_KEY = "gopherbot:slack:channels:private"  # a set of channel ids
REFRESHED_AT_KEY = "gopherbot:slack:channels:refreshed_at"
PAGE_SIZE = 200  # https://api.slack.com/methods/conversations.list: at most 1000, 200 advised
BUILD_TTL_SECONDS = 10 * 60  # temporary keys left by a crashed refresh expire on their own


def refresh_channel_cache(client: WebClient | None = None) -> int:
    """Replace the cache with the workspace's non-archived channels; returns how many."""
    client = client or get_client()
    redis = get_redis()
    build = uuid.uuid4().hex
    tmp_by_name, tmp_by_id = f"{BY_NAME_KEY}:build:{build}", f"{BY_ID_KEY}:build:{build}"
    tmp_private = f"{PRIVATE_KEY}:build:{build}"
    count = private = 0
    try:
        for page in _listing(client):
            channels = [c for c in page["channels"] if not c.get("is_archived")]
            if not channels:
                continue
            private_ids = [c["id"] for c in channels if _is_private(c)]
            pipe = redis.pipeline(transaction=False)
            pipe.hset(tmp_by_name, mapping={c["name"]: c["id"] for c in channels})
            pipe.hset(tmp_by_id, mapping={c["id"]: c["name"] for c in channels})
            if private_ids:
                pipe.sadd(tmp_private, *private_ids)
            for key in (tmp_by_name, tmp_by_id, tmp_private):
                pipe.expire(key, BUILD_TTL_SECONDS)
            pipe.execute()
            count += len(channels)
            private += len(private_ids)
        swap = redis.pipeline(transaction=True)
        swap.delete(BY_NAME_KEY, BY_ID_KEY, PRIVATE_KEY)
        built = [(tmp_by_name, BY_NAME_KEY), (tmp_by_id, BY_ID_KEY)] if count else []
        if private:
            built.append((tmp_private, PRIVATE_KEY))
        for tmp, key in built:
            swap.rename(tmp, key)
            # RENAME carries the build keys' TTL over; the cache itself must not expire.
            swap.persist(key)
        swap.set(REFRESHED_AT_KEY, int(time.time()))
        swap.execute()
    finally:
        redis.delete(tmp_by_name, tmp_by_id, tmp_private)
    log.info("channel cache refreshed", extra={"fields": {"channels": count}})
    return count


def _is_private(channel: dict) -> bool:
    # Slack marks private channels is_private; older payloads called them groups.
    return any(channel.get(flag) for flag in ("is_private", "is_group", "is_mpim", "is_im"))


def _listing(client: WebClient):
    """conversations.list pages: private channels too when the token may read them."""
    try:
        first = client.conversations_list(
            types="public_channel,private_channel", exclude_archived=True, limit=PAGE_SIZE
        )
    except SlackApiError as error:
        if error.response.get("error") != "missing_scope":
            raise
        log.warning(
            "no groups:read scope: the channel cache holds public channels only",
            extra={"fields": {"needed": error.response.get("needed")}},
        )
        first = client.conversations_list(
            types="public_channel", exclude_archived=True, limit=PAGE_SIZE
        )
    yield from first


def channel_id(name: str) -> str | None:
    """The id of a channel by name ("general" or "#general"), from the cache."""
    value = get_redis().hget(BY_NAME_KEY, name.strip().lstrip("#").lower())
    return value.decode() if value is not None else None


def channel_name(channel_id: str) -> str | None:
    """The name (without #) of a cached channel."""
    value = get_redis().hget(BY_ID_KEY, channel_id.strip())
    return value.decode() if value is not None else None


def public_channel_name(channel_id: str) -> str | None:
    """The name of a cached channel that is public; None for a private or unknown one."""
    pipe = get_redis().pipeline(transaction=False)
    pipe.hget(BY_ID_KEY, channel_id.strip())
    pipe.sismember(PRIVATE_KEY, channel_id.strip())
    name, private = pipe.execute()
    return name.decode() if name is not None and not private else None
