"""Where a job's Slack calls go: out now, out later at the channel's pace, or nowhere
because an earlier attempt already posted them.

Pacing (slackapi.pacing, docs/behaviour.md#pacing): a post books its channel's next turn. When
the turn is now it goes out at once; otherwise it is scheduled for that second with RQ
(`Queue.enqueue_at`, enqueued when due by the scheduler every worker runs with
`--with-scheduler`) and the job carries on. A flood in one channel so never holds a
worker, and the pace holds with any number of workers: they all book from one bucket
in Redis.

Once only: each chat.postMessage carries its mark (bot.reply_marks). An attempt after
one that may have posted looks for the mark before posting again.
"""

import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from rq import Retry

from bot import reply_marks
from bot.replies import SlackCall
from bot.slack_out import call_method, open_dm
from gateway.delivery import FAILURE_TTL, RESULT_TTL, RETRY_INTERVALS
from gopherbot.connections import get_queue
from slackapi.pacing import ChannelBusy, book_turn

log = logging.getLogger("bot.outbox")

PACED_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral"})
PACED_POST_JOB = "bot.jobs.handle_paced_post"


def _client():
    from slackapi.client import get_client

    return get_client(paced=False)  # this module keeps the pace itself


@dataclass(frozen=True)
class Outbox:
    """The replies of one attempt of one job."""

    event_id: str
    queue: str  # where a post waiting for its turn is scheduled
    oldest: str  # every reply is newer than this ts (the member's message, the join)
    retry: bool = False  # an earlier attempt may have posted: look before posting

    def send(self, call: SlackCall, key: str) -> str:
        """Send `call`, the job's call number `key`, or schedule it; says what happened."""
        client = _client()
        params = dict(call.params)
        if call.dm_user:
            params["channel"] = open_dm(client, call.dm_user)
        if call.method == "chat.postMessage":
            params["metadata"] = reply_marks.mark(self.event_id, key)
        post = {
            "event_id": self.event_id,
            "key": key,
            "method": call.method,
            "params": params,
            "oldest": self.oldest,
        }
        if self.retry and call.method == "chat.postMessage" and already_posted(client, post):
            return "already posted"
        if call.method in PACED_METHODS:
            try:
                wait = book_turn(params["channel"])
            except ChannelBusy as busy:
                fields = {"event_id": self.event_id, "key": key, "channel": busy.channel}
                log.warning(f"dropped: {busy}", extra={"fields": fields})
                return "dropped: channel busy"
            if wait > 0:
                return self._schedule(post, wait)
        call_method(client, call.method, params)
        return "sent"

    def _schedule(self, post: dict, wait: float) -> str:
        # RQ schedules to the whole second: round up, never early for the turn.
        due = math.ceil(time.time() + wait)
        job = get_queue(self.queue).enqueue_at(
            datetime.fromtimestamp(due, UTC),
            PACED_POST_JOB,
            {**post, "retry": self.retry},
            at_front=True,  # due now: ahead of the messages still queued
            retry=Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS)),
            job_timeout=settings.EVENT_JOB_TIMEOUT,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            description=f"paced post {post['event_id']} {post['key']}",
        )
        seconds = max(1, round(due - time.time()))
        fields = {
            "event_id": post["event_id"],
            "key": post["key"],
            "channel": post["params"]["channel"],
            "job_id": job.id,
        }
        log.info(f"paced: posting in {seconds} s", extra={"fields": fields})
        return f"paced: posting in {seconds} s"


def already_posted(client, post: dict) -> bool:
    """Is the reply `post` (as the outbox records it) in Slack already?"""
    params = post["params"]
    found = reply_marks.is_posted(
        client,
        channel=params["channel"],
        thread_ts=params.get("thread_ts"),
        oldest=post["oldest"],
        metadata=params["metadata"],
    )
    if found:
        fields = {"event_id": post["event_id"], "key": post["key"], "channel": params["channel"]}
        log.info("already posted: not sending again", extra={"fields": fields})
    return found


def send_paced(post: dict, *, retry: bool) -> str:
    """Make a post whose turn has come (it was booked when scheduled: no pacing again)."""
    client = _client()
    if retry and post["method"] == "chat.postMessage" and already_posted(client, post):
        return "already posted"
    call_method(client, post["method"], post["params"])
    return "sent"
