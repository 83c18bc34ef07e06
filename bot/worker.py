"""The RQ worker class for the bot: one warm process, no fork per job.

RQ's default Worker forks a work horse for every job; each horse starts cold
and the fork itself costs milliseconds, so at 25 events/s replies queued up for
seconds (bench/end_to_end.py: p50 8 s forking, 7 ms here). This worker runs jobs
in its own process, keeping the Slack client, the bot identity and the content
index warm between jobs; the index still follows admin edits (one Redis GET per
job). Scale out by running more worker processes.

A worker that dies mid-job (SIGKILL, out of memory, a lost dyno) leaves its job in
RQ's started registry; any worker's maintenance run finds it there once the job's
entry expires (twice the job timeout here) and retries it, or moves it to the failed
registry when it has no retries left. Both are logged as "job abandoned".

A Redis outage never stops the worker. Its Redis commands, and those of the scheduler
it starts, retry for GOPHER_REDIS_RETRY_SECONDS (a restart or failover passes
unnoticed). Past that, wherever RQ's loop would quit, the worker logs the outage, waits
for Redis, and carries on; a job the outage interrupted is then retried (or failed) as
RQ does for any failed job, and the scheduler is started again if it stopped.

Queues take turns (RQ's round-robin dequeue strategy): a flood of channel messages does
not hold back the DMs and joins queued behind it.
"""

import logging

from django.conf import settings
from django.db import close_old_connections
from rq import SimpleWorker
from rq.exceptions import AbandonedJobError, NoSuchJobError, StopRequested
from rq.job import Job, JobStatus
from rq.worker import DequeueStrategy

from gopherbot.connections import get_redis
from gopherbot.redis_outages import (
    REDIS_DOWN,
    patient_retry,
    wait_for_redis,
    wait_until_redis_answers,
)

log = logging.getLogger("bot.worker")


def warm_up() -> None:
    """Fill the caches jobs use; a failure is logged, and jobs fill them themselves later."""
    from responses.index import get_index
    from slackapi.client import get_client
    from slackapi.identity import bot_identity

    try:
        get_client()
        identity = bot_identity()
        get_index()
        log.info("worker warmed up", extra={"fields": {"bot_user_id": identity.user_id}})
    except Exception:
        log.exception("worker warm-up failed; jobs will retry it")


def log_abandoned(job, exc_type, exc_value, tb) -> bool:
    """RQ exception handler: one line for a job whose worker died; other failures pass on."""
    if exc_type is AbandonedJobError:
        args = job.args
        payload = args[0] if args and isinstance(args[0], dict) else {}
        fields = {
            "job_id": job.id,
            "queue": job.origin,
            "event_id": payload.get("event_id"),
            "outcome": "will retry" if job.retries_left else "failed",
        }
        log.warning("job abandoned: its worker stopped mid-job", extra={"fields": fields})
    return True


class BotWorker(SimpleWorker):
    def __init__(self, *args, **kwargs) -> None:
        # RQ cleans its registries (and so finds abandoned jobs) every 10 minutes by default.
        kwargs.setdefault("maintenance_interval", settings.WORKER_MAINTENANCE_SECONDS)
        super().__init__(*args, **kwargs)
        self.push_exc_handler(log_abandoned)
        self._stop_signalled = False
        # Before work() starts the scheduler, which copies this connection's settings.
        self.connection.set_retry(patient_retry())
        # The jobs' shared client too: failing fast suits the gateway (Slack delivers again),
        # not a job halfway through its replies.
        get_redis().set_retry(patient_retry())

    @property
    def dequeue_timeout(self) -> int:
        # RQ runs maintenance between blocking pops of up to 405 s: wake up in time for it.
        return max(1, min(super().dequeue_timeout, self.maintenance_interval))

    def get_heartbeat_ttl(self, job) -> int:
        # How long the job's entry in the started registry lives. A SimpleWorker does not
        # renew it while the job runs, and RQ stops the job at its timeout (SIGALRM), so
        # twice the timeout is ample; RQ's own job timeout + 60 s is the same for 60 s
        # jobs, and slower to notice a dead worker when the timeout is short.
        if job.timeout and job.timeout > 0:
            return 2 * int(job.timeout)
        return super().get_heartbeat_ttl(job)

    def work(self, *args, **kwargs) -> bool:
        wait_until_redis_answers(self.connection, f"worker {self.name}")
        warm_up()
        kwargs.setdefault("dequeue_strategy", DequeueStrategy.ROUND_ROBIN)
        return super().work(*args, **kwargs)

    def execute_job(self, job, queue) -> None:
        # As Django does around each request: drop a database connection that went stale.
        close_old_connections()
        try:
            super().execute_job(job, queue)
        except REDIS_DOWN as error:
            self._wait_for_redis(error)
            self._through_outage(self._settle, job, queue)
        finally:
            close_old_connections()

    # --- Redis outages: the steps of RQ's loop that quit on a Redis error -------------

    def dequeue_job_and_maintain_ttl(self, *args, **kwargs):
        return self._through_outage(super().dequeue_job_and_maintain_ttl, *args, **kwargs)

    def run_maintenance_tasks(self) -> None:
        self._through_outage(super().run_maintenance_tasks)

    def check_for_suspension(self, burst: bool) -> None:
        self._through_outage(super().check_for_suspension, burst)

    def heartbeat(self, timeout=None, pipeline=None) -> None:
        if pipeline is not None:  # queued in the caller's pipeline: no Redis call here
            return super().heartbeat(timeout, pipeline)
        return self._through_outage(super().heartbeat, timeout)

    def teardown(self) -> None:
        try:
            super().teardown()
        except REDIS_DOWN:
            # Stopping anyway: its entry in Redis expires by itself.
            log.warning("worker stopped without telling Redis: Redis is unavailable")

    def request_stop(self, signum, frame) -> None:
        # The signal handler (SIGTERM, Ctrl-C). Busy, RQ notes the request in Redis; with
        # Redis gone that fails, and the worker stops anyway once its job is done or cut short.
        self._stop_signalled = True
        try:
            super().request_stop(signum, frame)
        except REDIS_DOWN:
            log.warning("stop requested while Redis is unavailable: stopping after this job")

    def _through_outage(self, step, *args, **kwargs):
        while True:
            try:
                return step(*args, **kwargs)
            except REDIS_DOWN as error:
                self._wait_for_redis(error)

    def _wait_for_redis(self, error: BaseException) -> None:
        """Wait for Redis; raises StopRequested if asked to stop meanwhile."""
        back = wait_for_redis(
            self.connection, f"worker {self.name}", error, stopping=lambda: self._stop_signalled
        )
        if not back:
            raise StopRequested()
        if self.scheduler is not None:
            # RQ's scheduler process stops when it loses Redis for long: start it again now
            # (auto_start starts it only if it is not running) rather than at maintenance.
            self.scheduler.acquire_locks(auto_start=True)

    def _settle(self, job, queue) -> None:
        """After an outage cut a job short: unless Redis recorded its outcome, treat it as
        failed, so RQ retries it (or moves it to the failed registry) as usual."""
        try:
            stored = Job.fetch(job.id, connection=self.connection, serializer=self.serializer)
        except NoSuchJobError:
            return
        status = stored.get_status(refresh=False)
        fields = {"job_id": job.id, "queue": queue.name, "status": status}
        if status not in (JobStatus.QUEUED, JobStatus.STARTED):
            log.info("job outcome recorded before the outage", extra={"fields": fields})
            return
        fields["outcome"] = "will retry" if stored.retries_left else "failed"
        log.warning("job cut short by a Redis outage", extra={"fields": fields})
        self.handle_job_failure(stored, queue, exc_string="Redis became unavailable mid-job")
