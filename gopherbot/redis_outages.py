"""Living through a Redis outage in the long-running processes (workers, the scheduler).

Two layers, both through redis-py's and RQ's public APIs:
- `patient_retry()`: a connection's commands retry for a while (redis-py's Retry), so a
  Redis restart or failover of a few seconds passes unnoticed.
- `wait_for_redis()`: past that, the process logs the outage once, waits for Redis to
  answer again, logs its return, and carries on where it was (bot.worker, run_scheduler).
"""

import logging
import time
from collections.abc import Callable

import redis
from django.conf import settings
from redis.backoff import ConstantBackoff
from redis.retry import Retry

log = logging.getLogger("gopherbot.redis")

# What a lost or refused connection raises (a timeout too: a Redis that hangs).
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)
RETRY_PAUSE_SECONDS = 0.5
PING_PAUSE_SECONDS = 1.0


def patient_retry() -> Retry:
    """Retry a command every half second for GOPHER_REDIS_RETRY_SECONDS before giving up."""
    attempts = max(1, round(settings.REDIS_RETRY_SECONDS / RETRY_PAUSE_SECONDS))
    return Retry(ConstantBackoff(RETRY_PAUSE_SECONDS), attempts)


def wait_for_redis(
    connection: redis.Redis,
    who: str,
    error: BaseException,
    stopping: Callable[[], bool] = lambda: False,
) -> bool:
    """Block until `connection` answers a PING again (True), or until `stopping()` (False).

    One log line when Redis is lost, one when it is back.
    """
    started = time.monotonic()
    fields = {"process": who, "error": type(error).__name__}
    log.error("redis unavailable: waiting for it", extra={"fields": fields})
    while not stopping():
        try:
            connection.ping()
        except REDIS_DOWN:
            time.sleep(PING_PAUSE_SECONDS)
            continue
        waited = round(time.monotonic() - started, 1)
        log.warning("redis is back", extra={"fields": {"process": who, "waited_s": waited}})
        return True
    log.warning("stopping while Redis is unavailable", extra={"fields": {"process": who}})
    return False


def wait_until_redis_answers(connection: redis.Redis, who: str) -> None:
    """Return at once if Redis answers; else wait for it as wait_for_redis does (at start-up)."""
    try:
        connection.ping()
    except REDIS_DOWN as error:
        wait_for_redis(connection, who, error)
