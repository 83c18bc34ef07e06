"""The Procfile's scheduler process: rq-scheduler's loop, and it never exits over Redis.

rq-scheduler's loop stops at the first Redis error that outlasts redis-py's own quick
retries (and its clean-up after one raises again). Here the command then logs the
outage, waits for Redis and runs the loop again; a job due meanwhile is enqueued late,
not lost. A stop request (SIGTERM, Ctrl-C) still stops it during an outage.
"""

import logging

from django.core.management.base import BaseCommand
from rq_scheduler import Scheduler

from gopherbot.redis_outages import REDIS_DOWN, wait_for_redis, wait_until_redis_answers
from pollers.jobs import refresh_channels
from pollers.schedule import get_scheduler, register_jobs

log = logging.getLogger("pollers")


class OutageTolerantScheduler(Scheduler):
    """Its bookkeeping on the way out gives up quietly when Redis is gone, so that the
    loop's own error (or the stop request) is what ends run()."""

    def register_death(self) -> None:
        try:
            super().register_death()
        except REDIS_DOWN:
            log.warning("scheduler stop not recorded: Redis is unavailable (its entry expires)")

    def remove_lock(self) -> None:
        try:
            super().remove_lock()
        except REDIS_DOWN:
            log.warning("scheduler lock not released: Redis is unavailable (it expires)")


class Command(BaseCommand):
    help = (
        "Register the periodic jobs, fill the channel cache once, then run the rq-scheduler loop "
        "(the Procfile's scheduler process)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=5,
            help="seconds between two checks for due jobs (default 5: keeps the 1-minute "
            "Go Time job close to its schedule)",
        )

    def handle(self, *args, **options):
        scheduler = get_scheduler(
            interval=options["interval"], scheduler_class=OutageTolerantScheduler
        )
        wait_until_redis_answers(scheduler.connection, "scheduler")
        for job_id, action in register_jobs(scheduler):
            self.stdout.write(f"{action} {job_id}")
        refresh_channels()  # logs its own outcome; a failure must not stop the scheduler
        self.stdout.flush()
        fields = {"interval_s": options["interval"], "scheduler": scheduler.name}
        log.info("scheduler starting", extra={"fields": fields})
        while True:
            try:
                scheduler.run()
                return
            except REDIS_DOWN as error:
                wait_for_redis(scheduler.connection, "scheduler", error)
                # The outage kept run() from releasing its lock and recording its end.
                scheduler.remove_lock()
                scheduler.register_death()
