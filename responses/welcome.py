"""Welcome templates: rendering and validation. Plain functions; the admin preview uses them too."""

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from responses.channel_links import channel_link, channel_name_error, render_channel_links
from responses.names import CHANNEL_NAME

# {bot}, {recommended_channels}, {#channel-name}; other text in braces (e.g. `struct{}`) is literal.
PLACEHOLDER = re.compile(r"\{(#?[\w-]+)\}")


class Channel(Protocol):
    name: str
    description: str
    in_welcome: bool


def template_errors(template: str) -> list[str]:
    """What is wrong with a welcome template's placeholders, for a form error."""
    errors = []
    for match in PLACEHOLDER.finditer(template):
        name = match.group(1)
        if name in ("bot", "recommended_channels"):
            continue
        if name.startswith("#"):
            if not CHANNEL_NAME.match(name[1:]):
                errors.append(channel_name_error(name[1:]))
            continue
        errors.append(
            f"Unknown placeholder “{{{name}}}”: use {{bot}}, {{#channel-name}} "
            "or {recommended_channels}."
        )
    return errors


def recommended_lines(
    recommended: Sequence[Channel], channel_id: Callable[[str], str | None]
) -> str:
    lines = []
    for channel in recommended:
        if not channel.in_welcome:
            continue
        cid = channel_id(channel.name)
        if cid:
            description = render_channel_links(channel.description, channel_id)
            lines.append(f"• <#{cid}> - {description}")
    return "\n".join(lines)


def render_welcome(
    template: str,
    *,
    bot_user_id: str,
    channel_id: Callable[[str], str | None],
    recommended: Sequence[Channel],
) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name == "bot":
            return f"<@{bot_user_id}>"
        if name == "recommended_channels":
            return recommended_lines(recommended, channel_id)
        if name.startswith("#"):
            return channel_link(name[1:], channel_id)
        return match.group(0)

    return PLACEHOLDER.sub(replace, template)
