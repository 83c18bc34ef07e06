"""The scheduled job that copies the day hashes from Redis into DailyCount, and prunes.

Redis holds each day's running totals (insights.counting); folding writes those
totals, not differences, so running it twice, at once, or again after a run that
died midway gives the same rows. A count in the database never goes down: if Redis
lost a day's hash (a restart without persistence), the database keeps what it had.
"""

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import DatabaseError, transaction
from redis.exceptions import LockError, RedisError

from gopherbot.connections import get_redis
from insights.counting import REDIS_DAYS, day_key, today
from insights.kinds import KINDS, NAME_MAX_LENGTH
from insights.models import DailyCount

log = logging.getLogger("insights")

KEEP_DAYS = 400
LOCK_KEY = "gopherbot:insights:fold:lock"
TIMEOUT_SECONDS = 120  # the job's timeout, and how long its lock lives if the process dies
_KINDS = {kind for kind, _ in KINDS}

Counts = dict[tuple[str, str], int]


@dataclass
class Fold:
    outcome: str = ""
    days: int = 0  # days with counts in Redis
    written: int = 0  # rows added or raised
    pruned: int = 0  # rows older than KEEP_DAYS deleted
    ms: float = 0.0


def fold_counts(day: date | None = None) -> Fold:
    """Fold the last REDIS_DAYS days up to `day` (today, UTC) into the database."""
    fold = Fold()
    started = time.perf_counter()
    day = day or today()
    lock = get_redis().lock(LOCK_KEY, timeout=TIMEOUT_SECONDS, blocking=False)
    try:
        if not lock.acquire():
            fold.outcome = "skipped: another fold is running"
            return fold
        try:
            for back in range(REDIS_DAYS - 1, -1, -1):
                counts = read_day(day - timedelta(days=back))
                if counts:
                    fold.days += 1
                    fold.written += store_day(day - timedelta(days=back), counts)
            fold.pruned = prune(day)
        finally:
            _release(lock)
        fold.outcome = "folded"
    except (RedisError, DatabaseError) as error:
        # Redis or the database is down: the next run folds the same totals.
        fold.outcome = f"failed: {type(error).__name__}: {error}"
    except BaseException as error:
        fold.outcome = f"failed: {type(error).__name__}: {error}"
        raise
    finally:
        fold.ms = round((time.perf_counter() - started) * 1000, 1)
        level = logging.ERROR if fold.outcome.startswith("failed") else logging.INFO
        log.log(level, "insights fold", extra={"fields": vars(fold)})
    return fold


def _release(lock) -> None:
    try:
        lock.release()
    except LockError:
        # It expired (the run outlived its timeout): harmless, the totals written are right.
        log.warning("insights fold lock expired before the run ended")


def read_day(day: date) -> Counts:
    """The day's counts in Redis, by (kind, name); fields that are not counts are left out."""
    counts: Counts = {}
    for raw_field, raw_value in get_redis().hgetall(day_key(day)).items():
        kind, _, name = raw_field.decode(errors="replace").partition(":")
        try:
            value = int(raw_value)
        except ValueError:
            continue
        if kind in _KINDS and value > 0:
            counts[(kind, name[:NAME_MAX_LENGTH])] = value
    return counts


def store_day(day: date, counts: Counts) -> int:
    """Raise the day's rows to `counts` (never lower them); how many rows changed."""
    with transaction.atomic():
        stored = {
            (kind, name): count
            for kind, name, count in DailyCount.objects.filter(day=day).values_list(
                "kind", "name", "count"
            )
        }
        changed = [
            DailyCount(day=day, kind=kind, name=name, count=count)
            for (kind, name), count in counts.items()
            if count > stored.get((kind, name), 0)
        ]
        DailyCount.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["day", "kind", "name"],
            update_fields=["count"],
        )
    return len(changed)


def prune(day: date) -> int:
    """Delete the counts of days more than KEEP_DAYS before `day`."""
    deleted, _ = DailyCount.objects.filter(day__lte=day - timedelta(days=KEEP_DAYS)).delete()
    return deleted
