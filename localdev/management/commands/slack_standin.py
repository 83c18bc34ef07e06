import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from localdev.standin import STANDIN_APP_TOKEN, Call, SlackStandIn


class Command(BaseCommand):
    help = "Run the local Slack Web API stand-in in the foreground (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=0, help="port to bind (default: any)")
        parser.add_argument(
            "--token",
            default=settings.SLACK_STANDIN_TOKEN,
            help="the bot token it accepts (default: the one a local run without a token uses)",
        )
        parser.add_argument(
            "--app-token",
            default=STANDIN_APP_TOKEN,
            help="the app-level token it accepts for Socket Mode",
        )

    def handle(self, *args, port: int, token: str, app_token: str, **options):
        if settings.PRODUCTION:
            raise CommandError("The Slack stand-in never runs in production (ENV=production).")
        standin = SlackStandIn(port, token=token, app_token=app_token, on_call=self.echo).start()
        self.stdout.write(f"Slack stand-in listening on {standin.url}")
        self.stdout.write(f"Point the bot at it: GOPHER_SLACK_API_URL={standin.url}")
        self.stdout.write(f"For Socket Mode, also: GOPHER_SLACK_APP_TOKEN={app_token}")
        self.stdout.flush()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            standin.stop()

    def echo(self, call: Call) -> None:
        summary = " ".join(
            f"{key}={call.params[key]!r}"
            for key in ("channel", "user", "users", "text", "name", "file")
            if key in call.params
        )
        error = "" if call.response and call.response.get("ok") else f" -> HTTP {call.status}"
        if call.response and call.response.get("error"):
            error = f" -> {call.response['error']}"
        self.stdout.write(f"{call.method} {summary}{error}")
        self.stdout.flush()
