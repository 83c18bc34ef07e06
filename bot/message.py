"""A Slack message event, parsed into what the matchers need
(docs/behaviour.md#ignored-messages, #parsing)."""

import re
from dataclasses import dataclass

from bot.mentions import USER, Mention, parse_mentions

_DM_CHANNEL_TYPES = frozenset({"im", "mpim", "app_home"})  # `group` is a private channel
_TS = re.compile(r"\d{1,12}\.\d{1,9}")
_TEXT_FIELDS = ("text", "user", "channel", "channel_type", "thread_ts", "bot_id")


@dataclass(frozen=True)
class Message:
    text: str  # mentions spliced out, trimmed
    raw_text: str
    user: str
    channel: str
    channel_type: str
    ts: str
    thread_ts: str | None
    is_dm: bool
    bot_mentioned: bool
    other_mentions: tuple[str, ...]  # user ids other than the bot's, each once, in order
    mentions: tuple[Mention, ...]
    files: tuple[dict, ...]
    file_share: bool = False  # a file upload: only the Playground uploader looks at it

    @property
    def lower_text(self) -> str:
        return self.text.lower()


def parse_message(event: dict, bot_user_id: str) -> Message:
    raw_text = event.get("text") or ""
    channel = event.get("channel") or ""
    text, mentions = parse_mentions(raw_text, channel)
    users = [m.id for m in mentions if m.kind == USER]
    channel_type = event.get("channel_type") or "channel"
    return Message(
        text=text,
        raw_text=raw_text,
        user=event.get("user") or "",
        channel=channel,
        channel_type=channel_type,
        ts=event.get("ts") or "",
        thread_ts=event.get("thread_ts") or None,
        is_dm=channel_type in _DM_CHANNEL_TYPES,
        bot_mentioned=bot_user_id in users,
        other_mentions=tuple(dict.fromkeys(user for user in users if user != bot_user_id)),
        mentions=tuple(mentions),
        files=tuple(f for f in event.get("files") or () if isinstance(f, dict)),
        file_share=event.get("subtype") == "file_share",
    )


_KEPT_SUBTYPES = {"thread_broadcast", "file_share"}
# Slackbot posts reminders and its own notices as this user, often without a bot_id.
SLACKBOT_USER_ID = "USLACKBOT"


def app_marker(event: dict) -> str | None:
    """What shows that an app, a bot or Slackbot posted this message, or None for a person.

    Modern app posts (GitHub, Workflow Builder, any bot token) carry `bot_id` and
    `bot_profile` and no subtype, with `user` set to the app's bot user; older
    integrations post with subtype `bot_message`. The bot answers none of them, so two
    bots can never keep each other talking.
    """
    if event.get("user") == SLACKBOT_USER_ID:
        return "from Slackbot"
    if event.get("subtype") == "bot_message":
        return "from an app (subtype bot_message)"
    if event.get("bot_id"):
        return f"from an app (bot_id {event['bot_id']})"
    if event.get("bot_profile"):
        return "from an app (bot_profile)"
    return None


def discard_reason(event: dict, *, bot_user_id: str, bot_id: str) -> str | None:
    """Why the bot ignores this message event, or None when it should look at it.

    How old it may be is bot.staleness's question.
    """
    if event.get("user") == bot_user_id or (bot_id and event.get("bot_id") == bot_id):
        return "own message"
    from_an_app = app_marker(event)
    if from_an_app:
        return from_an_app
    subtype = event.get("subtype")
    # Slack sends a message with files as subtype file_share: the uploader needs those.
    if subtype and (not isinstance(subtype, str) or subtype not in _KEPT_SUBTYPES):
        return f"subtype {subtype}"
    ts = event.get("ts")
    if not isinstance(ts, str) or not _TS.fullmatch(ts):
        return "malformed ts"
    for name in _TEXT_FIELDS:
        if event.get(name) is not None and not isinstance(event[name], str):
            return f"malformed {name}"
    if not isinstance(event.get("files") or [], list):
        return "malformed files"
    if not event.get("user") or not event.get("channel"):
        return "no user or channel"
    return None
