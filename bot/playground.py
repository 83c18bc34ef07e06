"""Share long code from a message, or attached Go files, on the Go Playground (spec §4)."""

import html
import logging
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.conf import settings

from bot import replies
from bot.context import Context
from bot.message import Message
from bot.replies import SlackCall
from gopherbot.outside import request

log = logging.getLogger("bot.playground")

MIN_NEWLINES = 10
MIN_FILE_LINES = 6
CODE_FILE_TYPES = frozenset({"go", "text"})

TEXT_NOTE = (
    "You posted a long block of text. To make it easier for others to read and run, "
    "please share code on the Go Playground ({url}) next time. "
    "If you don't want a Playground link, put `nolink` in your message."
)
FILE_NOTE = (
    "You uploaded a Go file. To make it easier for others to read, run and share back, "
    "please use the Go Playground ({url}) next time. "
    "If you don't want a Playground link, put `nolink` in your message."
)


def go_source(text: str) -> str:
    """Slack text as a Go file: code inside ``` fences, everything else as // comments."""
    lines: list[str] = []
    for number, part in enumerate(html.unescape(text).split("```")):
        if number % 2:  # inside a fence
            lines.extend(part.strip("\n").splitlines())
        else:
            lines.extend(f"// {line}".rstrip() for line in part.strip().splitlines())
    return "\n".join(lines) + "\n"


def _has_code_files(message: Message) -> bool:
    return any(f.get("filetype") in CODE_FILE_TYPES for f in message.files)


def wants_playground(ctx: Context, message: Message) -> bool:
    if settings.SHADOW_MODE or "nolink" in message.raw_text:
        return False
    if not _has_code_files(message) and message.raw_text.count("\n") < MIN_NEWLINES:
        return False
    if message.is_dm:
        return True
    # A channel the cache doesn't know (a private one, or one created since the last refresh)
    # may be private: never publish its messages.
    name = ctx.channel_name(message.channel)
    return name is not None and name not in ctx.index.playground_denied_channels


def _slack_auth(url: str, token: str | None) -> dict[str, str]:
    """The bot token, only for Slack's own file hosts (or the stand-in's)."""
    host = urlsplit(url).hostname or ""
    slack_hosts = (urlsplit(settings.SLACK_API_URL).hostname, "files.slack.com")
    if token and (host in slack_hosts or host.endswith(".slack.com")):
        return {"Authorization": f"Bearer {token}"}
    return {}


def _link_reply(message: Message, link: str) -> SlackCall:
    return replies.post(
        message, f"The above code from <@{message.user}> in the playground: <{link}>"
    )


def share_on_playground(ctx: Context, message: Message) -> Iterator[SlackCall]:
    play = f"<{settings.PLAYGROUND_URL.rstrip('/')}/play/>"
    if _has_code_files(message):
        shared = yield from _share_files(ctx, message)
        if shared:
            yield replies.post_ephemeral(message, FILE_NOTE.format(url=play))
        return
    link = ctx.share(go_source(message.text).encode())
    yield _link_reply(message, link)
    yield replies.post_ephemeral(message, TEXT_NOTE.format(url=play))


def _share_files(ctx: Context, message: Message) -> Iterator[SlackCall]:
    # Right after an upload files.info can answer file_not_found; give Slack a moment.
    time.sleep(settings.PLAYGROUND_FILE_DELAY_SECONDS)
    shared = 0
    for attached in message.files:
        if attached.get("filetype") not in CODE_FILE_TYPES or not attached.get("id"):
            continue
        info = ctx.client.files_info(file=attached["id"])["file"]
        if info.get("lines", 0) < MIN_FILE_LINES or info.get("pretty_type") == "Plain Text":
            log.debug("file not shared", extra={"fields": {"file": attached["id"]}})
            continue
        url = info["url_private_download"]
        download = request("GET", url, headers=_slack_auth(url, ctx.client.token))
        yield _link_reply(message, ctx.share(download.body))
        shared += 1
    return shared
