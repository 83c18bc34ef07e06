"""The RQ worker class for the bot: one warm process, no fork per job.

RQ's default Worker forks a work horse for every job; each horse starts cold
and the fork itself costs milliseconds, so at 25 events/s replies queued up for
seconds (bench/end_to_end.py: p50 8 s forking, 7 ms here). This worker runs jobs
in its own process, keeping the Slack client, the bot identity and the content
index warm between jobs; the index still follows admin edits (one Redis GET per
job). Scale out by running more worker processes.
"""

import logging

from django.db import close_old_connections
from rq import SimpleWorker

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


class BotWorker(SimpleWorker):
    def work(self, *args, **kwargs) -> bool:
        warm_up()
        return super().work(*args, **kwargs)

    def execute_job(self, job, queue) -> None:
        # As Django does around each request: drop a database connection that went stale.
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            close_old_connections()
