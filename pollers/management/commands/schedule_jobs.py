from datetime import UTC, datetime

from django.core.management.base import BaseCommand

from pollers.schedule import get_scheduler, register_jobs, scheduled_jobs


class Command(BaseCommand):
    help = "Register (or update) the periodic jobs in rq-scheduler; --list shows what is scheduled."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="only list the scheduled jobs and their next run"
        )

    def handle(self, *args, **options):
        scheduler = get_scheduler()
        if not options["list"]:
            for job_id, action in register_jobs(scheduler):
                self.stdout.write(f"{action} {job_id}")
        print_schedule(self.stdout, scheduled_jobs(scheduler))


def print_schedule(out, jobs) -> None:
    if not jobs:
        out.write("nothing is scheduled")
        return
    now = datetime.now(UTC)
    for job in jobs:
        every = f"every {job.interval}s" if job.interval else "once"
        seconds = max(0, round((job.next_run - now).total_seconds()))
        next_run = job.next_run.strftime("%Y-%m-%dT%H:%M:%SZ")
        out.write(f"{job.job_id}  {job.func}  {every}  next run {next_run} (in {seconds}s)")
