"""`manage.py replay_event FILE`: run one Slack event through the bot's handlers, here and now."""

import dataclasses
import json
import re
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bot import jobs
from bot.context import current_context
from bot.replies import SlackCall
from bot.slack_out import describe, send

_TS = re.compile(r"\d{1,12}\.\d{1,9}")


def payload_from(data: object) -> dict:
    """The job payload for a bare event or a whole event_callback body."""
    if not isinstance(data, dict):
        raise CommandError("The file must hold a JSON object: an event or an event_callback.")
    if data.get("type") == "event_callback":
        event, event_id = data.get("event"), str(data.get("event_id") or "EvREPLAY")
        event_time = data.get("event_time")
    else:
        event, event_id, event_time = data, "EvREPLAY", None
    if not isinstance(event, dict) or not event.get("type"):
        raise CommandError("No event with a type in the file.")
    return {
        "event": event,
        "event_id": event_id,
        "event_time": event_time if isinstance(event_time, int) else int(time.time()),
        "request_id": None,
        "enqueued_at": time.time(),
    }


class Command(BaseCommand):
    help = (
        "Run one event JSON (a bare Slack event or a whole event_callback) through the bot's "
        "handlers and print the Slack calls it would make; --send makes them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a JSON file, or - for standard input")
        parser.add_argument("--send", action="store_true", help="really send the Slack calls")

    def handle(self, *args, **options) -> None:
        payload = payload_from(self._read(options["file"]))
        try:
            self._replay(payload, options["send"])
        except jobs.JobFailed as error:
            raise CommandError(str(error)) from None

    def _replay(self, payload: dict, do_send: bool) -> None:

        def deliver(call: SlackCall, key: str = "") -> object:
            self.stdout.write(("sending: " if do_send else "would send: ") + describe(call))
            return send(call) if do_send else {}

        ctx = current_context()
        if not do_send:
            ctx = dataclasses.replace(ctx, share_code=self._would_share)
        event = payload["event"]
        kind = event["type"]
        if kind == "message":
            ts = event.get("ts")
            # A saved event is old by now: judge it as if it had just arrived.
            now = float(ts) if isinstance(ts, str) and _TS.fullmatch(ts) else None
            outcome, done = jobs.process_message(payload, ctx, deliver, now=now)
            if done is not None and done.taken:
                outcome += f" (actions: {', '.join(done.taken)})"
            if done is not None and done.failed:
                failed = ", ".join(f"{name}: {error}" for name, error in done.failed)
                raise CommandError(f"{outcome}; failed: {failed}")
        elif kind in ("team_join", "member_joined_channel"):
            build = jobs.team_welcome if kind == "team_join" else jobs.channel_welcome
            outcome, call = build(payload, ctx)
            if call is not None:
                deliver(call)
        else:
            outcome = f"ignored: the bot does not handle {kind} events"
        self.stdout.write(f"outcome: {outcome}")

    def _would_share(self, source: bytes) -> str:
        self.stdout.write(f"would share {len(source)} bytes of Go on the Playground")
        return f"{settings.PLAYGROUND_URL.rstrip('/')}/play/p/(not-shared)"

    def _read(self, path: str) -> object:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
            return json.loads(text)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        except ValueError as error:
            raise CommandError(f"{path} is not JSON: {error}") from None
