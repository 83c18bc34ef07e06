import logging

from django.core.management.base import BaseCommand

from pollers.jobs import refresh_channels
from pollers.schedule import get_scheduler, register_jobs

log = logging.getLogger("pollers")


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
        scheduler = get_scheduler(interval=options["interval"])
        for job_id, action in register_jobs(scheduler):
            self.stdout.write(f"{action} {job_id}")
        refresh_channels()  # logs its own outcome; a failure must not stop the scheduler
        self.stdout.flush()
        fields = {"interval_s": options["interval"], "scheduler": scheduler.name}
        log.info("scheduler starting", extra={"fields": fields})
        scheduler.run()
