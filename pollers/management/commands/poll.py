from django.core.management.base import BaseCommand, CommandError

from pollers import jobs
from pollers.commands import describe_run

POLLERS = {
    "gerrit": jobs.poll_gerrit,
    "gotime": jobs.poll_gotime,
    "gotime_social": jobs.poll_gotime_social,
}


class Command(BaseCommand):
    help = "Run one poller once, in the foreground, and print what it did."

    def add_arguments(self, parser):
        parser.add_argument("poller", choices=sorted(POLLERS))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print what would be posted; post nothing and save no state",
        )

    def handle(self, *args, **options):
        run = POLLERS[options["poller"]](dry_run=options["dry_run"])
        describe_run(self.stdout, run)
        if run.outcome == "failed":
            raise CommandError(run.detail)
