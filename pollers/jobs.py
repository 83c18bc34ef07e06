"""The periodic jobs of spec §6; the scheduler enqueues them by dotted path.

Each run holds a short Redis lock (a second run at the same time skips), saves
its state after every post (a crash neither skips nor repeats an item), and
logs one line with its outcome and duration. When an outside service is down
or answers garbage the run fails cleanly, state unchanged, and the next run
picks up from there.
"""

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from redis.exceptions import LockError
from redis.lock import Lock
from slack_sdk.errors import SlackClientError

from gopherbot.outside import OutsideError
from pollers import messages, sources, state
from pollers.posting import PollerError, Run, post

log = logging.getLogger("pollers")

# How long each job may run; also how long its lock lives if the process dies.
TIMEOUTS = {
    "channel_cache": 120,
    "gerrit": 300,
    "gotime": 50,
    "gotime_social": 120,
    "insights": 120,  # insights.folding.TIMEOUT_SECONDS
}

ANNOUNCE_AGAIN_AFTER = 24 * 60 * 60
LIVE_WINDOW = 30
SOCIAL_MAX_AGE = 30 * 60


def refresh_channels() -> Run:
    return _run("channel_cache", _refresh_channels, dry_run=False)


def poll_gerrit(*, dry_run: bool = False) -> Run:
    return _run("gerrit", _poll_gerrit, dry_run=dry_run)


def poll_gotime(*, dry_run: bool = False, now: float | None = None) -> Run:
    return _run("gotime", _poll_gotime, dry_run=dry_run, now=now)


def poll_gotime_social(*, dry_run: bool = False, now: float | None = None) -> Run:
    return _run("gotime_social", _poll_gotime_social, dry_run=dry_run, now=now)


def _run(job: str, body: Callable[..., None], *, dry_run: bool, **kwargs) -> Run:
    run = Run(job=job, dry_run=dry_run)
    started = time.perf_counter()
    # A dry run changes nothing, so it needs no lock.
    lock = None if dry_run else state.job_lock(job, TIMEOUTS[job])
    try:
        if lock is not None and not lock.acquire():
            lock = None
            run.finish("skipped", "another run holds the lock")
            return run
        body(run, **kwargs)
    except (OutsideError, PollerError, SlackClientError, OSError) as error:
        run.finish("failed", f"{type(error).__name__}: {error}")
    except BaseException as error:
        run.finish("failed", f"{type(error).__name__}: {error}")
        raise
    finally:
        if lock is not None:
            _release(lock)
        run.ms = round((time.perf_counter() - started) * 1000, 1)
        _log_run(run)
    return run


def _release(lock: Lock) -> None:
    try:
        lock.release()
    except LockError:
        # It expired (the run outlived its timeout) and maybe another run holds it now.
        log.warning(
            "poller lock expired before the run ended", extra={"fields": {"lock": lock.name}}
        )


def _log_run(run: Run) -> None:
    fields = {
        "job": run.job,
        "outcome": run.outcome,
        "detail": run.detail or None,
        "posted": sum(1 for p in run.posts if p.delivery == "posted"),
        "shadowed": sum(1 for p in run.posts if p.delivery == "shadow") or None,
        "dry_run": run.dry_run or None,
        "ms": run.ms,
    }
    level = logging.WARNING if run.outcome == "failed" else logging.INFO
    log.log(level, "poller run", extra={"fields": fields})


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _save(run: Run, name: str, value: object) -> None:
    if not run.dry_run:
        state.save(name, value)


# --- Channel cache -------------------------------------------------------------


def _refresh_channels(run: Run) -> None:
    from slackapi.channels import refresh_channel_cache

    count = refresh_channel_cache()
    run.finish("refreshed", f"{count} channels cached")


# --- Gerrit merged CLs -----------------------------------------------------------


def _poll_gerrit(run: Run) -> None:
    changes = sources.merged_changes()
    last = state.load(state.GERRIT_LAST_NUMBER)
    if not changes:
        run.finish("nothing new", "Gerrit listed no merged changes")
        return
    if last is None:
        newest = max(change.number for change in changes)
        _save(run, state.GERRIT_LAST_NUMBER, newest)
        run.finish("first run", f"saved CL {newest} as the last one seen; posted nothing")
        return
    new = sorted((c for c in changes if c.number > int(last)), key=lambda c: c.number)
    for change in new:
        post(run, messages.GERRIT_CHANNEL, messages.merged_change(change))
        _save(run, state.GERRIT_LAST_NUMBER, change.number)
    if new:
        run.finish("posted", "CLs " + ", ".join(str(c.number) for c in new))
    else:
        run.finish("nothing new", f"no CL merged after {last}")


# --- Go Time live ------------------------------------------------------------------


def _poll_gotime(run: Run, now: float | None) -> None:
    now = _now(now)
    announced = state.load(state.GOTIME_ANNOUNCED_AT)
    if announced is not None and now - float(announced) < ANNOUNCE_AGAIN_AFTER:
        run.finish("skipped", f"announced at {_iso(float(announced))}, less than 24 h ago")
        return
    if not sources.gotime_is_streaming():
        run.finish("nothing new", "not streaming")
        return
    starts_at = sources.gotime_starts_at()
    if starts_at is None:
        run.finish("nothing new", "streaming, but no Go Time recording is scheduled")
        return
    if abs(now - starts_at.timestamp()) > LIVE_WINDOW:
        run.finish("nothing new", f"streaming, but Go Time starts at {_iso(starts_at)}")
        return
    post(run, messages.GOTIME_CHANNEL, messages.gotime_live())
    _save(run, state.GOTIME_ANNOUNCED_AT, now)
    run.finish("posted", f"Go Time live, starting at {_iso(starts_at)}")


# --- Go Time social ----------------------------------------------------------------


def _poll_gotime_social(run: Run, now: float | None) -> None:
    now = _now(now)
    last_id = state.load(state.GOTIME_SOCIAL_LAST_ID)
    statuses = sources.gotime_statuses(since_id=last_id)
    if last_id is None:
        # First run: remember where we are; share the newest only if it is fresh.
        statuses = statuses[:1]
    else:
        statuses = [s for s in statuses if int(s.id) > int(last_id)]
    posted, too_old = [], []
    for status in reversed(statuses):
        if now - status.created_at.timestamp() <= SOCIAL_MAX_AGE:
            post(run, messages.GOTIME_CHANNEL, messages.gotime_status(status))
            posted.append(status.id)
        else:
            too_old.append(status.id)
        _save(run, state.GOTIME_SOCIAL_LAST_ID, status.id)
    detail = ", ".join(
        part
        for part in (
            posted and "statuses " + ", ".join(posted),
            too_old and f"{len(too_old)} older than 30 min skipped",
        )
        if part
    )
    if posted:
        run.finish("posted", detail)
    elif statuses:
        run.finish("nothing new", detail)
    else:
        run.finish("nothing new", f"no status after {last_id}" if last_id else "no statuses")


def _iso(moment: float | datetime) -> str:
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, tz=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
