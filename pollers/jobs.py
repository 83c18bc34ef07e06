"""The periodic jobs of docs/behaviour.md#pollers; the scheduler enqueues them by dotted path.

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
from slackapi.pacing import ChannelBusy

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
    # ChannelBusy: the channel's posts are paced and booked too far ahead; the next run goes on.
    except (OutsideError, PollerError, SlackClientError, ChannelBusy, OSError) as error:
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
#
# Gerrit lists merged CLs most recently updated first. A CL's number tells when it was
# created, not when it merged (an older CL often merges after a newer one), so the
# poller keeps no "last number": it remembers each CL it posts, with its merge time
# (pollers.state). A run reads the list back to shortly before the newest merge it has
# posted and posts every CL merged since that it has not posted yet, oldest merge first,
# remembering each one as soon as it is posted. Any order of numbers and merges, a
# restart, a failed run or a second scheduler (the lock) then posts each CL once.

# A merge can reach Gerrit's list a little after its submit time: look back this far.
LATE_MERGE_MARGIN = 60 * 60
# After an outage, CLs merged this long before the newest one listed are not posted.
CATCH_UP_LIMIT = 24 * 60 * 60
# A safety net against a list that never ends; ten pages hold a few days of merges.
MAX_PAGES = 10


def _poll_gerrit(run: Run) -> None:
    first_page = sources.merged_changes()
    newest_posted = state.newest_posted_cl()
    if newest_posted is None:
        # First run: what is listed now merged before the bot was watching.
        _remember(run, first_page.changes)
        run.finish(
            "first run",
            f"remembered the {len(first_page.changes)} CLs listed as already announced; "
            "posted nothing",
        )
        return
    newest_listed = max((c.submitted.timestamp() for c in first_page.changes), default=0.0)
    since = max(newest_posted - LATE_MERGE_MARGIN, newest_listed - CATCH_UP_LIMIT)
    merged, cut_short = _merged_since(since, first_page)
    posted = state.posted_cls(merged_since=since)
    new = sorted(
        (change for change in merged if change.number not in posted),
        key=lambda change: (change.submitted, change.number),
    )
    for change in new:
        post(run, messages.GERRIT_CHANNEL, messages.merged_change(change))
        _remember(run, [change])
    note = f"; stopped reading after {MAX_PAGES} pages" if cut_short else ""
    if new:
        run.finish("posted", "CLs " + ", ".join(str(c.number) for c in new) + note)
    else:
        run.finish("nothing new", f"no CL merged since {_iso(newest_posted)}{note}")


def _merged_since(since: float, page: sources.ChangesPage) -> tuple[list[sources.Change], bool]:
    """The CLs merged at or after `since`, reading on from `page`; True when cut short."""
    found: dict[int, sources.Change] = {}
    read, pages = 0, 1
    while True:
        # Paging by offset can list a CL twice (others were updated meanwhile): keep one.
        found.update((change.number, change) for change in page.changes)
        read += len(page.changes)
        # Changes come most recently updated first, and a CL is updated when it merges:
        # once a page ends before `since`, no later page holds a merge after it.
        ended = not page.more or not page.changes or page.changes[-1].updated.timestamp() < since
        if ended or pages == MAX_PAGES:
            break
        page = sources.merged_changes(skip=read)
        pages += 1
    merged = [change for change in found.values() if change.submitted.timestamp() >= since]
    return merged, not ended


def _remember(run: Run, changes: list[sources.Change]) -> None:
    if not run.dry_run:
        state.remember_posted_cls({change.number: change.submitted for change in changes})


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
