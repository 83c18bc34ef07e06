"""What the pollers remember between runs, in Redis under `gopherbot:poller:`.

Plain keys an operator can read or reset with redis-cli:
- `gerrit:posted`, a sorted set: the merged CLs already announced, scored by their merge
  time (`ZREVRANGE gopherbot:poller:gerrit:posted 0 9 WITHSCORES`; `DEL` it to start over:
  the next run then announces nothing and remembers what Gerrit lists).
- `gotime:announced_at`, `gotime_social:last_id`: strings (`GET ...`, `DEL ...`).
"""

from datetime import datetime

from redis.lock import Lock

from gopherbot.connections import get_redis

PREFIX = "gopherbot:poller:"

GERRIT_POSTED = "gerrit:posted"
GOTIME_ANNOUNCED_AT = "gotime:announced_at"
GOTIME_SOCIAL_LAST_ID = "gotime_social:last_id"

# How long a posted CL is remembered, counted back from the newest merge remembered.
# Far longer than the poller ever looks back (see pollers.jobs), so a CL it sees again
# (a comment after its merge lists it anew) is always recognised.
GERRIT_POSTED_KEPT = 30 * 24 * 60 * 60


def key(name: str) -> str:
    return PREFIX + name


def load(name: str) -> str | None:
    value = get_redis().get(key(name))
    return None if value is None else value.decode()


def save(name: str, value: object) -> None:
    get_redis().set(key(name), str(value))


def newest_posted_cl() -> float | None:
    """The merge time (a UNIX timestamp) of the newest CL posted; None before the first run."""
    newest = get_redis().zrevrange(key(GERRIT_POSTED), 0, 0, withscores=True)
    return newest[0][1] if newest else None


def posted_cls(merged_since: float) -> set[int]:
    """The numbers of the posted CLs merged at or after `merged_since`."""
    members = get_redis().zrangebyscore(key(GERRIT_POSTED), merged_since, "+inf")
    return {int(member) for member in members}


def remember_posted_cls(merged: dict[int, datetime]) -> None:
    """Record CLs (number -> merge time) as posted, and forget those merged long before."""
    if not merged:
        return
    record = key(GERRIT_POSTED)
    redis = get_redis()
    redis.zadd(record, {str(number): when.timestamp() for number, when in merged.items()})
    newest = newest_posted_cl()
    if newest is not None:
        redis.zremrangebyscore(record, "-inf", f"({newest - GERRIT_POSTED_KEPT}")


def job_lock(job: str, timeout: float) -> Lock:
    """A non-blocking lock held while one job runs; it expires by itself if the process dies."""
    return get_redis().lock(key(f"{job}:lock"), timeout=timeout, blocking=False)
