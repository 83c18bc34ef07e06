"""`manage.py slack_check`: is the bot token good, and who is the bot?"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from slack_sdk.errors import SlackApiError

from bot.slack_out import describe_error


class Command(BaseCommand):
    help = "Check the Slack bot token with auth.test and print the bot's identity and workspace."

    def handle(self, *args, **options) -> None:
        from slackapi.client import build_client
        from slackapi.identity import bot_identity, forget_identity

        client = build_client()
        try:
            auth = client.auth_test()
        except SlackApiError as error:
            raise CommandError(f"Slack refused the bot token: {describe_error(error)}") from None
        except OSError as error:
            raise CommandError(
                f"Slack did not answer at {settings.SLACK_API_URL}: {error}"
            ) from None
        forget_identity()  # a token change must not keep an old identity cached
        identity = bot_identity(client)
        self.stdout.write(f"API:       {settings.SLACK_API_URL}")
        self.stdout.write(
            f"Workspace: {auth.get('team', '')} ({auth['team_id']}) {auth.get('url', '')}"
        )
        self.stdout.write(
            f"Bot:       @{identity.name} user {identity.user_id}, bot {identity.bot_id}"
        )
        if settings.SLACK_TEAM_ID and auth["team_id"] != settings.SLACK_TEAM_ID:
            raise CommandError(
                f"The token belongs to workspace {auth['team_id']}, "
                f"but GOPHER_SLACK_TEAM_ID is {settings.SLACK_TEAM_ID}."
            )
        self.stdout.write(self.style.SUCCESS("The Slack token works."))
