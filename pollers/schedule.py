"""The periodic jobs as rq-scheduler sees them: stable ids, intervals, timeouts.

Registering is idempotent: each job has a fixed id, so registering again
updates that one schedule instead of adding a second. A job that is already
scheduled keeps its next run time, so restarting the scheduler neither fires
everything at once nor pushes the next run further away.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from rq.job import Job
from rq_scheduler import Scheduler

from gopherbot.connections import get_queue, get_redis
from pollers.jobs import TIMEOUTS

JOB_ID_PREFIX = "gopherbot-poller-"
# How long a run's result stays in Redis (the queue views show it). rq-scheduler keeps a
# periodic job's definition in the same Redis hash, which expires with the result: kept far
# longer than any interval, so only a week without a finished run (no worker) drops a job
# from the schedule, until the scheduler's next start registers it again.
RESULT_TTL = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str
    interval: int  # seconds
    description: str
    # The scheduler process fills the channel cache itself at start, so its
    # first scheduled run can wait a full interval.
    first_run_delay: int = 0

    @property
    def job_id(self) -> str:
        return JOB_ID_PREFIX + self.name.replace("_", "-")

    @property
    def timeout(self) -> int:
        return TIMEOUTS[self.name]


PERIODIC_JOBS = (
    PeriodicJob(
        "channel_cache",
        "pollers.jobs.refresh_channels",
        10 * 60,
        "Refresh the channel name <-> id cache",
        first_run_delay=10 * 60,
    ),
    PeriodicJob("gerrit", "pollers.jobs.poll_gerrit", 10 * 60, "Post merged Go CLs"),
    PeriodicJob("gotime", "pollers.jobs.poll_gotime", 60, "Announce Go Time going live"),
    PeriodicJob("gotime_social", "pollers.jobs.poll_gotime_social", 5 * 60, "Share Go Time posts"),
    PeriodicJob("insights", "insights.folding.fold_counts", 5 * 60, "Fold use counts into the db"),
)


@dataclass(frozen=True)
class Scheduled:
    job_id: str
    func: str
    interval: int | None
    next_run: datetime  # UTC


def get_scheduler(interval: float = 60, scheduler_class: type[Scheduler] = Scheduler) -> Scheduler:
    queue = get_queue(settings.QUEUE_DEFAULT)
    return scheduler_class(queue=queue, connection=get_redis(), interval=interval)


def register_jobs(scheduler: Scheduler, now: datetime | None = None) -> list[tuple[str, str]]:
    """Create or update every periodic job; returns (job id, "created"|"updated"|"removed")."""
    now = now or datetime.now(UTC)
    done = []
    known = {job.job_id for job in PERIODIC_JOBS}
    for job_id in _our_scheduled_ids(scheduler) - known:
        scheduler.cancel(job_id)
        Job(job_id, connection=scheduler.connection).delete()
        done.append((job_id, "removed"))
    for job in PERIODIC_JOBS:
        first_run = now + timedelta(seconds=job.first_run_delay)
        score = scheduler.connection.zscore(scheduler.scheduled_jobs_key, job.job_id)
        if score is not None:
            # Keep the planned run, but never later than one (possibly new) interval away.
            planned = datetime.fromtimestamp(score, tz=UTC)
            first_run = min(planned, now + timedelta(seconds=job.interval))
        scheduler.schedule(
            scheduled_time=first_run,
            func=job.func,
            interval=job.interval,
            timeout=job.timeout,
            result_ttl=RESULT_TTL,
            id=job.job_id,
            description=job.description,
            queue_name=settings.QUEUE_DEFAULT,
        )
        done.append((job.job_id, "updated" if score is not None else "created"))
    return done


def scheduled_jobs(scheduler: Scheduler) -> list[Scheduled]:
    """Everything rq-scheduler holds (ours and any other), soonest first."""
    result = []
    for job, next_run in scheduler.get_jobs(with_times=True):
        result.append(
            Scheduled(
                job_id=job.id,
                func=job.func_name,
                interval=job.meta.get("interval"),
                next_run=next_run.replace(tzinfo=UTC),
            )
        )
    return result


def _our_scheduled_ids(scheduler: Scheduler) -> set[str]:
    ids = scheduler.connection.zrange(scheduler.scheduled_jobs_key, 0, -1)
    return {i.decode() for i in ids if i.decode().startswith(JOB_ID_PREFIX)}
