"""Pure builders of the Slack Web API calls the bot makes (docs/behaviour.md#replies).

Each builder returns a SlackCall; bot.slack_out sends them. Replies go into the
message's thread when it was in one, with link unfurling off unless asked for.
No text is longer than Slack takes (slackapi.text.MAX_MESSAGE_CHARS): a longer one
is cut at a line break and ends with "…".
"""

from dataclasses import dataclass, field

from bot.mentions import user_mention
from bot.message import Message
from slackapi.text import escape, truncate, unescape  # noqa: F401 (part of this module's API)

# A reply names at most this many of the users a message mentioned, each once.
MAX_FORWARDED_MENTIONS = 20


@dataclass(frozen=True)
class SlackCall:
    method: str
    params: dict = field(hash=False)
    # Set for a DM: the sender opens the conversation with this user
    # (conversations.open) and posts to the channel it returns.
    dm_user: str | None = None


def _post_params(
    channel: str, text: str, thread_ts: str | None, unfurl: bool, attachment: str | None
) -> dict:
    params = {
        "channel": channel,
        "text": truncate(text),
        "unfurl_links": unfurl,
        "unfurl_media": unfurl,
    }
    if thread_ts:
        params["thread_ts"] = thread_ts
    if attachment is not None:
        attachment = truncate(attachment)
        params["attachments"] = [{"text": attachment, "fallback": attachment}]
    return params


def post(
    message: Message, text: str, *, unfurl: bool = False, attachment: str | None = None
) -> SlackCall:
    """A plain reply in the message's channel (and thread)."""
    params = _post_params(message.channel, text, message.thread_ts, unfurl, attachment)
    return SlackCall("chat.postMessage", params)


def post_to(
    message: Message, text: str, *, unfurl: bool = False, attachment: str | None = None
) -> SlackCall:
    """A reply addressed to the asker: `<@asker> text` (define's unknown-term answer)."""
    return post(
        message, f"{user_mention(message.user)} {text}", unfurl=unfurl, attachment=attachment
    )


def post_with_mentions(
    message: Message, text: str, *, unfurl: bool = False, attachment: str | None = None
) -> SlackCall:
    """A reply that names the other users of the message first: `@bot go tour @alice`."""
    if message.other_mentions:
        forwarded = message.other_mentions[:MAX_FORWARDED_MENTIONS]
        names = " ".join(user_mention(user) for user in forwarded)
        text = f"{names} {text}"
    return post(message, text, unfurl=unfurl, attachment=attachment)


def post_ephemeral(message: Message, text: str, *, attachment: str | None = None) -> SlackCall:
    """A reply only the requester sees, addressed to them: `<@requester> text`."""
    text = f"{user_mention(message.user)} {text}"
    params = _post_params(message.channel, text, message.thread_ts, False, attachment)
    del params["unfurl_links"], params["unfurl_media"]  # not arguments of chat.postEphemeral
    params["user"] = message.user
    return SlackCall("chat.postEphemeral", params)


def ephemeral_to(channel: str, user: str, text: str) -> SlackCall:
    """An ephemeral message to `user` in `channel` (channel welcomes): `<@user> text`."""
    text = truncate(f"{user_mention(user)} {text}")
    return SlackCall("chat.postEphemeral", {"channel": channel, "user": user, "text": text})


def direct_message(user: str, text: str, *, unfurl: bool = False) -> SlackCall:
    """A DM to `user`; the sender opens the conversation first."""
    return SlackCall("chat.postMessage", _post_params("", text, None, unfurl, None), dm_user=user)


def react(message: Message, emoji: str) -> SlackCall:
    return SlackCall(
        "reactions.add", {"channel": message.channel, "timestamp": message.ts, "name": emoji}
    )
