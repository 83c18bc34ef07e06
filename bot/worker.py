"""The RQ worker class for the bot: warms what every job needs before forking work horses.

RQ forks a work horse per job; whatever the parent holds, each horse starts
with. So the parent builds the Slack client and learns the bot identity once,
at start, and (through ContentIndexWorker) brings the content index up to date
before each fork; jobs skip that work.
"""

import logging

from django.db import connections

from responses.worker import ContentIndexWorker

log = logging.getLogger("bot.worker")


def warm_up() -> None:
    """Fill the caches jobs use; a failure is logged, and jobs fill them themselves later."""
    from responses.index import get_index
    from slackapi.client import get_client
    from slackapi.identity import bot_identity

    try:
        get_client()
        identity = bot_identity()
        get_index()
        log.info("worker warmed up", extra={"fields": {"bot_user_id": identity.user_id}})
    except Exception:
        log.exception("worker warm-up failed; jobs will retry it")
    finally:
        connections.close_all()  # a forked horse must not share the parent's DB socket


class BotWorker(ContentIndexWorker):
    def work(self, *args, **kwargs) -> bool:
        warm_up()
        return super().work(*args, **kwargs)
