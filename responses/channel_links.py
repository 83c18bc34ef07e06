"""`{#channel-name}` in admin-written texts: a link to the channel, by id from the channel cache.

Slack links a channel in a bot's message only as `<#C123>`; a plain `#name` stays text.
Only this placeholder is replaced: other text in braces (`select {}`) is literal.
"""

import re
from collections.abc import Callable

from responses.names import CHANNEL_NAME

CHANNEL_LINK = re.compile(r"\{#([\w-]+)\}")


def channel_link(name: str, channel_id: Callable[[str], str | None]) -> str:
    """`<#CID>` for a channel the lookup knows; `#name` as plain text otherwise."""
    cid = channel_id(name) if CHANNEL_NAME.match(name) else None
    return f"<#{cid}>" if cid else f"#{name}"


def render_channel_links(text: str, channel_id: Callable[[str], str | None]) -> str:
    return CHANNEL_LINK.sub(lambda match: channel_link(match.group(1), channel_id), text)


def channel_name_error(name: str) -> str:
    return f"“{{#{name}}}”: channel names are lower-case letters, digits, - and _."


def channel_link_errors(text: str) -> list[str]:
    """Form errors for `{#...}` placeholders that name no possible channel."""
    return [
        channel_name_error(name)
        for name in CHANNEL_LINK.findall(text)
        if not CHANNEL_NAME.match(name)
    ]
