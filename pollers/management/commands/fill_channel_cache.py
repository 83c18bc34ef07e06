from django.core.management.base import BaseCommand, CommandError

from pollers.commands import describe_run
from pollers.jobs import refresh_channels


class Command(BaseCommand):
    help = "Fill the channel name <-> id cache from Slack's conversations.list, once."

    def handle(self, *args, **options):
        run = refresh_channels()
        describe_run(self.stdout, run)
        if run.outcome == "failed":
            raise CommandError(run.detail)
