"""Share long code from a message, or attached Go files, on the Go Playground
(docs/behaviour.md#playground-uploader).

A share is public, so the uploader only ever publishes what was said in a public
channel: never a DM, a group DM or a private channel. Attached files are downloaded
with the bot token, so only from Slack's file host (or the configured Web API's
origin, where the local stand-in serves them), and never through a redirect elsewhere.
"""

import html
import logging
import time
from collections.abc import Iterator

from django.conf import settings
from slack_sdk.errors import SlackApiError

from bot import replies
from bot.context import Context
from bot.message import Message
from bot.replies import SlackCall
from bot.slack_out import slack_error_code
from gopherbot.outside import OutsideError, origin, request

log = logging.getLogger("bot.playground")

MIN_NEWLINES = 10
MIN_FILE_LINES = 6
CODE_FILE_TYPES = frozenset({"go", "text"})
SLACK_FILE_HOST = "https://files.slack.com"
# files.info's answers for a file deleted since it was shared: nothing to share, no failure.
VANISHED_FILE_ERRORS = frozenset({"file_not_found", "file_deleted"})

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
    if message.is_dm or message.channel_type != "channel":
        return False  # a DM, a group DM, the app home or a private channel (`group`)
    # A channel the cache lists as private, or doesn't know (created since the last refresh,
    # or private without the groups:read scope), is never published either.
    name = ctx.public_channel_name(message.channel)
    return name is not None and name not in ctx.index.playground_denied_channels


def file_download_origins() -> set[tuple]:
    """Where the bot fetches files with its token: Slack's file host, over HTTPS, and the
    configured Web API's origin, which receives the token with every API call anyway."""
    return {origin(SLACK_FILE_HOST), origin(settings.SLACK_API_URL)}


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
        source = _download(ctx, attached["id"])
        if source is not None:
            yield _link_reply(message, ctx.share(source))
            shared += 1
    return shared


def _download(ctx: Context, file_id: str) -> bytes | None:
    """The file's content, or None (logged with the reason) when it is not to be shared."""
    try:
        info = ctx.client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        if slack_error_code(error) not in VANISHED_FILE_ERRORS:
            raise
        return _not_shared(file_id, f"gone: {slack_error_code(error)}")
    if info.get("lines", 0) < MIN_FILE_LINES or info.get("pretty_type") == "Plain Text":
        return _not_shared(file_id, "short or plain text", level=logging.DEBUG)
    url = info.get("url_private_download")
    if not isinstance(url, str) or origin(url) not in file_download_origins():
        return _not_shared(file_id, "not on Slack's file host")
    try:
        download = request("GET", url, headers={"Authorization": f"Bearer {ctx.client.token}"})
    except OutsideError as error:
        if error.status not in (404, 410):
            raise
        return _not_shared(file_id, f"gone: HTTP {error.status}")
    content_type = {k.lower(): v for k, v in download.headers.items()}.get("content-type", "")
    if content_type.startswith("text/html"):
        # Slack's sign-in page, not the file: the token may lack the files:read scope.
        raise OutsideError(f"GET {url}: a web page instead of the file", retryable=False)
    return download.body


def _not_shared(file_id: str, reason: str, level: int = logging.INFO) -> None:
    log.log(level, "file not shared", extra={"fields": {"file": file_id, "reason": reason}})
