import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from slack_sdk.errors import SlackApiError

from gateway.socket_mode import build_client

log = logging.getLogger("gateway.socket_mode")

WHAT_IT_NEEDS = (
    "an app-level token (xapp-…) with the connections:write scope, from the Slack app's "
    "Basic Information page, with Socket Mode turned on in the app's settings"
)


class Command(BaseCommand):
    help = (
        "Receive Slack's events over Socket Mode (GOPHER_SLACK_APP_TOKEN) instead of "
        "POST /slack/event, into the same queues; runs until stopped."
    )

    def handle(self, *args, **options) -> None:
        token = settings.SLACK_APP_TOKEN
        if not token:
            raise CommandError(
                f"GOPHER_SLACK_APP_TOKEN is not set: Socket Mode needs {WHAT_IT_NEEDS}."
            )
        if not token.startswith("xapp-"):
            raise CommandError(
                "GOPHER_SLACK_APP_TOKEN is not an app-level token (a bot token, xoxb-…, cannot "
                f"open Socket Mode connections): Socket Mode needs {WHAT_IT_NEEDS}."
            )
        log.info("socket mode starting", extra={"fields": {"api": settings.SLACK_API_URL}})
        client = build_client(token)
        try:
            client.connect()
        except SlackApiError as error:
            client.close()
            raise CommandError(
                f"Slack refused to open a Socket Mode connection ({error.response.get('error')}): "
                f"GOPHER_SLACK_APP_TOKEN must be {WHAT_IT_NEEDS}."
            ) from None
        except OSError as error:
            client.close()
            raise CommandError(
                f"Slack did not answer at {settings.SLACK_API_URL}: {error}"
            ) from None
        # Connected: from now on SIGTERM and Ctrl-C close the connection before leaving.
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        stop.wait()
        log.info("socket mode stopping")
        client.close()
