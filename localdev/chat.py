"""Talk to a running bot the way Slack does, and read its answers off the Slack stand-in.

The way in is the real one: an Events API request signed with the signing secret, posted
to the gateway, or with Socket Mode an events_api envelope the stand-in sends down the
bot's WebSocket (`POST /_standin/socket/events`). The way out is the stand-in's record of
the Web API calls the bot made, read from `GET /_standin/calls?since=N` and printed as a
person in Slack would see them.
"""

import html
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, replace

from gateway.signing import sign
from localdev.standin import (
    BOT_NAME,
    BOT_USER_ID,
    SEED_ARCHIVED_CHANNEL,
    SEED_CHANNELS,
    SEED_PRIVATE_CHANNEL,
    SEED_USERS,
    id_for,
)

# The stand-in's seed data: runbot's stand-in knows exactly these people and channels.
USERS = {BOT_NAME: BOT_USER_ID, **{name: user_id for user_id, name, _ in SEED_USERS}}
CHANNELS = {name: id_for("C", name) for name in (*SEED_CHANNELS, SEED_PRIVATE_CHANNEL)}
PRIVATE_CHANNELS = {SEED_PRIVATE_CHANNEL}
_NAMES_BY_ID = {user_id: name for name, user_id in USERS.items()}
_CHANNELS_BY_ID = {channel_id: name for name, channel_id in CHANNELS.items()}

# The Web API calls a person in Slack would notice.
VISIBLE_METHODS = ("chat.postMessage", "chat.postEphemeral", "reactions.add")


class ChatError(Exception):
    """Something the person chatting must fix; the message says what."""


@dataclass(frozen=True)
class Conversation:
    """Who is talking, and where: a DM with the bot unless `channel` names a channel."""

    user: str = "alice"
    channel: str | None = None
    thread_ts: str | None = None

    def __post_init__(self) -> None:
        if self.user not in USERS or self.user == BOT_NAME:
            people = ", ".join(name for name in USERS if name != BOT_NAME)
            raise ChatError(f"no user {self.user!r} in the stand-in; try one of: {people}")
        if self.channel is not None and self.channel not in CHANNELS:
            known = ", ".join(sorted(CHANNELS))
            archived = " (it is archived)" if self.channel == SEED_ARCHIVED_CHANNEL else ""
            raise ChatError(f"no channel #{self.channel}{archived}; try one of: {known}")

    @property
    def user_id(self) -> str:
        return USERS[self.user]

    @property
    def channel_id(self) -> str:
        if self.channel is None:
            return dm_channel_id(self.user_id)
        return CHANNELS[self.channel]

    @property
    def channel_type(self) -> str:
        if self.channel is None:
            return "im"
        return "group" if self.channel in PRIVATE_CHANNELS else "channel"

    @property
    def label(self) -> str:
        return f"DM with @{BOT_NAME}" if self.channel is None else "#" + self.channel

    def is_in(self, channel: str) -> bool:
        """Whether `channel` (as the bot named it: C…, D… or a user id for a DM) is this one."""
        if self.channel is None:
            return channel in (self.channel_id, self.user_id)
        return channel == self.channel_id

    def moved(self, **changes) -> "Conversation":
        return replace(self, **changes)


def dm_channel_id(user_id: str) -> str:
    # The stand-in's scheme: a user's DM with the bot is D + the user id's tail.
    return "D" + user_id[1:]


def channel_label(channel: str) -> str:
    """`#general` for a channel, `DM with @alice` for a DM (by D… id, or by user id)."""
    if channel in _CHANNELS_BY_ID:
        return "#" + _CHANNELS_BY_ID[channel]
    if channel.startswith(("D", "U")):
        user_id = "U" + channel[1:]
        return f"DM with @{_NAMES_BY_ID.get(user_id, user_id)}"
    return channel


# --- what is sent: text and events, as Slack writes them -----------------------------

_AT_NAME = re.compile(r"(?<![\w<@])@([a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)", re.IGNORECASE)
_HASH_NAME = re.compile(r"(?<![\w<#&])#([a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)", re.IGNORECASE)
_SPECIAL_MENTIONS = ("here", "channel", "everyone")


def to_slack_text(text: str) -> str:
    """What Slack's client sends for typed text: escaped, with `@name`/`#name` as mentions."""
    # https://api.slack.com/reference/surfaces/formatting#escaping
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def user(match: re.Match) -> str:
        name = match.group(1).lower()
        if name in _SPECIAL_MENTIONS:
            return f"<!{name}>"
        return f"<@{USERS[name]}>" if name in USERS else match.group(0)

    def channel(match: re.Match) -> str:
        name = match.group(1).lower()
        return f"<#{CHANNELS[name]}|{name}>" if name in CHANNELS else match.group(0)

    return _HASH_NAME.sub(channel, _AT_NAME.sub(user, escaped))


def message_event(conversation: Conversation, text: str, ts: str, team_id: str) -> dict:
    event = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": to_slack_text(text),
        "user": conversation.user_id,
        "ts": ts,
        "team": team_id,
        "channel": conversation.channel_id,
        "event_ts": ts,
        "channel_type": conversation.channel_type,
    }
    if conversation.thread_ts:
        event["thread_ts"] = conversation.thread_ts
    return event


def team_join_event(conversation: Conversation, ts: str, team_id: str) -> dict:
    name = conversation.user
    profile = {"real_name": f"{name.title()} Gopher", "display_name": name}
    return {
        "type": "team_join",
        "user": {
            "id": conversation.user_id,
            "team_id": team_id,
            "name": name,
            "deleted": False,
            "real_name": profile["real_name"],
            "is_bot": False,
            "is_app_user": False,
            "profile": profile,
        },
        "event_ts": ts,
    }


def channel_join_event(conversation: Conversation, ts: str, team_id: str) -> dict:
    return {
        "type": "member_joined_channel",
        "user": conversation.user_id,
        "channel": conversation.channel_id,
        "channel_type": "G" if conversation.channel_type == "group" else "C",
        "team": team_id,
        "event_ts": ts,
    }


def event_callback(event: dict, *, app_id: str, team_id: str, token: str = "") -> dict:
    """The Events API envelope around `event`, field for field as Slack sends it."""
    return {
        "token": token or "local-verification-token",
        "team_id": team_id,
        "context_team_id": team_id,
        "api_app_id": app_id,
        "event": event,
        "type": "event_callback",
        "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "local-" + uuid.uuid4().hex,
    }


def now_ts() -> str:
    return f"{time.time():.6f}"


def post_event(gateway_url: str, body: dict, secret: str, timeout: float = 5) -> None:
    """Sign `body` as Slack does and POST it to the gateway; ChatError unless it answers 200."""
    # https://api.slack.com/authentication/verifying-requests-from-slack
    if not gateway_url.startswith(("http://", "https://")):
        raise ChatError(f"the gateway URL must be http:// or https://, not {gateway_url!r}")
    raw = json.dumps(body).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 (checked above)
        gateway_url.rstrip("/") + "/slack/event",
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(secret, timestamp, raw),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310 (a local URL)
            return
    except urllib.error.HTTPError as error:
        raise ChatError(_refusal(error.code, gateway_url)) from None
    except OSError as error:
        raise ChatError(
            f"nothing answers at {gateway_url} ({_reason(error)}): start the bot first "
            "with `make run`, or pass --url"
        ) from None


def push_socket_event(standin_url: str, body: dict, timeout: float = 10) -> bool:
    """Have the stand-in send `body` down the bot's Socket Mode connection; True once acked.

    ChatError when no bot is connected. False when the bot did not acknowledge it in
    time (the stand-in then delivers it again, as Slack does).
    """
    request = urllib.request.Request(  # noqa: S310 (the stand-in's URL, from runbot's state)
        standin_url.rstrip("/") + "/_standin/socket/events",
        data=json.dumps({"payload": body}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return bool(json.load(response).get("acknowledged"))
    except urllib.error.HTTPError as error:
        if error.code == 409:
            raise ChatError(
                "no bot is connected to the stand-in over Socket Mode: start it with "
                "GOPHER_SLACK_APP_TOKEN set (`make run` says Events: Socket Mode), or leave "
                "out --socket-mode"
            ) from None
        raise ChatError(f"the stand-in answered HTTP {error.code} to a Socket Mode event") from None
    except (OSError, ValueError) as error:
        raise ChatError(
            f"the Slack stand-in at {standin_url} does not answer ({_reason(error)}): start the "
            "bot first with `make run`"
        ) from None


def _refusal(status: int, gateway_url: str) -> str:
    why = {
        401: "the signature was refused: do runbot and chat share GOPHER_SLACK_REQUEST_SECRET?",
        400: "the event was refused: do runbot and chat share GOPHER_SLACK_APP_ID and TEAM_ID?",
        403: "the event was refused: do runbot and chat share GOPHER_SLACK_APP_ID and TEAM_ID?",
    }.get(status, "see the web process's log")
    return f"the gateway at {gateway_url} answered HTTP {status}; {why}"


def _reason(error: OSError) -> str:
    reason = getattr(error, "reason", error)
    return getattr(reason, "strerror", None) or str(reason)


# --- what comes back: the stand-in's record of the bot's calls ------------------------


class StandinWatcher:
    """Reads the stand-in's recorded calls, each once, in order."""

    def __init__(self, standin_url: str, timeout: float = 2):
        self.standin_url = standin_url.rstrip("/")
        self.timeout = timeout
        self.next_index = 0

    def fetch(self) -> list[dict]:
        """Every call recorded since the last fetch."""
        url = f"{self.standin_url}/_standin/calls?since={self.next_index}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310
                calls = json.load(response)
        except (OSError, ValueError) as error:
            raise ChatError(
                f"the Slack stand-in at {self.standin_url} does not answer ({error}); "
                "is the bot running with `make run`?"
            ) from None
        if calls:
            self.next_index = calls[-1]["index"] + 1
        return calls

    def skip_past(self) -> None:
        """Start from now: what happened before is not part of this conversation."""
        self.fetch()

    def visible(self) -> list[dict]:
        return [call for call in self.fetch() if call["method"] in VISIBLE_METHODS]


def format_call(call: dict, conversation: Conversation) -> list[str]:
    """The lines a person in `conversation` would read for one of the bot's calls."""
    params = call.get("params") or {}
    response = call.get("response") or {}
    channel = str(params.get("channel", ""))
    prefix = "" if conversation.is_in(channel) else f"[{channel_label(channel)}] "
    speaker = params.get("username") or BOT_NAME
    if not response.get("ok"):
        error = response.get("error") or f"HTTP {call.get('status')}"
        return [f"{prefix}{speaker} tried {call['method']}, and Slack answered {error}"]
    if call["method"] == "reactions.add":
        return [f"{prefix}{speaker} reacted :{params.get('name')}:"]
    if call["method"] == "chat.postEphemeral":
        viewer = params.get("user")
        who = "you" if viewer == conversation.user_id else "@" + _NAMES_BY_ID.get(viewer, viewer)
        speaker = f"{speaker} (only visible to {who})"
    if params.get("thread_ts"):
        speaker = f"{speaker} (in thread {params['thread_ts']})"
    text = readable(str(params.get("text") or "")) or _blocks_text(params.get("blocks"))
    lines = text.split("\n") if text else [""]
    out = [f"{prefix}{speaker}: {lines[0]}".rstrip(), *(f"  {line}".rstrip() for line in lines[1:])]
    for attachment in _as_list(params.get("attachments")):
        out += ["  | " + line if line else "  |" for line in _attachment_lines(attachment)]
    return out


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def readable(text: str) -> str:
    """Slack's markup as a person reads it: `<@U0ALICE>` is `@alice`, `<url|x>` is `x (url)`."""

    # https://api.slack.com/reference/surfaces/formatting
    def link(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (label or _NAMES_BY_ID.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or _CHANNELS_BY_ID.get(target[1:], target[1:]))
        if target.startswith("!"):
            special = target[1:].split("^")[-1]
            return "@" + (label or special)
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_LINK.sub(link, text))


def _attachment_lines(attachment: dict) -> list[str]:
    lines = []
    for key in ("pretext", "author_name"):
        if attachment.get(key):
            lines.append(readable(attachment[key]))
    if attachment.get("title"):
        title = readable(attachment["title"])
        link = attachment.get("title_link")
        lines.append(f"{title} ({link})" if link else title)
    if attachment.get("text"):
        lines += readable(attachment["text"]).split("\n")
    for field in attachment.get("fields") or []:
        lines.append(f"{readable(field.get('title', ''))}: {readable(field.get('value', ''))}")
    if attachment.get("footer"):
        lines.append(readable(attachment["footer"]))
    if not lines and attachment.get("fallback"):
        lines.append(readable(attachment["fallback"]))
    return lines


def _blocks_text(blocks: object) -> str:
    """The text of section blocks, for messages that carry no plain text."""
    texts = []
    for block in _as_list(blocks):
        text = block.get("text") if isinstance(block, dict) else None
        if isinstance(text, dict) and text.get("text"):
            texts.append(readable(text["text"]))
    return "\n".join(texts)


def _as_list(value: object) -> list[dict]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
