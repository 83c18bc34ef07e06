"""What the pollers remember between runs, in Redis under `gopherbot:poller:`.

One plain string key per fact, so an operator can read or reset it with
redis-cli (`GET gopherbot:poller:gerrit:last_number`, `DEL ...` to start over).
"""

from redis.lock import Lock

from gopherbot.connections import get_redis

PREFIX = "gopherbot:poller:"

GERRIT_LAST_NUMBER = "gerrit:last_number"
GOTIME_ANNOUNCED_AT = "gotime:announced_at"
GOTIME_SOCIAL_LAST_ID = "gotime_social:last_id"


def key(name: str) -> str:
    return PREFIX + name


def load(name: str) -> str | None:
    value = get_redis().get(key(name))
    return None if value is None else value.decode()


def save(name: str, value: object) -> None:
    get_redis().set(key(name), str(value))


def job_lock(job: str, timeout: float) -> Lock:
    """A non-blocking lock held while one job runs; it expires by itself if the process dies."""
    return get_redis().lock(key(f"{job}:lock"), timeout=timeout, blocking=False)
