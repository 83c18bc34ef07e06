"""Sending what a poller found: to Slack, to the log (shadow mode), or nowhere (dry run)."""

import logging
from dataclasses import dataclass, field

from django.conf import settings

from insights.counting import count
from insights.kinds import POLLER

log = logging.getLogger("pollers")


class PollerError(Exception):
    """A run cannot go on (e.g. its channel is not in the channel cache)."""


@dataclass
class Post:
    channel: str
    message: dict
    delivery: str  # "posted", "shadow" (logged only), "dry-run"


@dataclass
class Run:
    """What one run of a job did; printed by the commands and logged in one line."""

    job: str
    dry_run: bool = False
    outcome: str = ""
    detail: str = ""
    posts: list[Post] = field(default_factory=list)
    ms: float = 0.0

    def finish(self, outcome: str, detail: str = "") -> None:
        self.outcome = outcome
        self.detail = detail


def post(run: Run, channel: str, message: dict) -> None:
    """Post `message` to #`channel`, unless this is a dry run or the bot is in shadow mode."""
    if run.dry_run:
        run.posts.append(Post(channel, message, "dry-run"))
        return
    target = channel
    if settings.SHADOW_MODE:
        if not settings.SHADOW_MODE_CHANNEL:
            fields = {"job": run.job, "channel": channel, "text": message.get("text")}
            log.info("shadow mode: not posting", extra={"fields": fields})
            run.posts.append(Post(channel, message, "shadow"))
            return
        target = settings.SHADOW_MODE_CHANNEL
    _send(target, message)
    count(POLLER, run.job)
    run.posts.append(Post(target, message, "posted"))


def _send(channel: str, message: dict) -> None:
    from slackapi.channels import channel_id
    from slackapi.client import get_client

    resolved = channel_id(channel)
    if resolved is None:
        raise PollerError(f"#{channel} is not in the channel cache")
    get_client().chat_postMessage(channel=resolved, **message)
