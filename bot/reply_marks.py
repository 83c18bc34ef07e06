"""The mark each reply carries in Slack, so that a retried job can tell it was posted.

A job runs at least once: its worker may die, or Redis may fail, after a post reached
Slack and before the job recorded it. Each chat.postMessage therefore carries message
metadata naming the event and the action (https://api.slack.com/metadata/using); Slack
keeps it with the message, and conversations.history / conversations.replies list it
with `include_all_metadata`. Only attempts after the first look for it.

Ephemeral messages take no metadata and no method lists them: a retry may repeat one.
"""

from slack_sdk.errors import SlackApiError

from bot.slack_out import slack_error_code

EVENT_TYPE = "gopherbot_reply"
PAGE_SIZE = 200
# A reply is looked for among the messages posted since the member's message: a few
# pages even in a busy channel. Not found that far: it is posted (again, at worst).
MAX_PAGES = 5


def mark(event_id: str, action: str) -> dict:
    """The `metadata` of the reply to `event_id` made by `action` (e.g. "command:go tour#0")."""
    return {"event_type": EVENT_TYPE, "event_payload": {"event_id": event_id, "action": action}}


def is_posted(client, *, channel: str, thread_ts: str | None, oldest: str, metadata: dict) -> bool:
    """Does `channel` (or the thread at `thread_ts`) hold a message newer than `oldest`
    carrying `metadata`?"""
    cursor = ""
    for _ in range(MAX_PAGES):
        page = {
            "channel": channel,
            "oldest": oldest,
            "limit": PAGE_SIZE,
            "include_all_metadata": True,
            "cursor": cursor or None,
        }
        try:
            if thread_ts:
                answer = client.conversations_replies(ts=thread_ts, **page)
            else:
                answer = client.conversations_history(**page)
        except SlackApiError as error:
            if slack_error_code(error) == "thread_not_found":
                return False
            raise
        if any(_same_mark(m.get("metadata"), metadata) for m in answer.get("messages") or []):
            return True
        cursor = (answer.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            return False
    return False


def _same_mark(found: object, wanted: dict) -> bool:
    return (
        isinstance(found, dict)
        and found.get("event_type") == wanted["event_type"]
        and found.get("event_payload") == wanted["event_payload"]
    )
