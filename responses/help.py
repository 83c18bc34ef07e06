"""The `help` answer, generated from the content and the function commands."""

from collections.abc import Callable
from typing import Protocol

from responses.builtins import PREFIX_COMMANDS
from responses.channel_links import render_channel_links
from responses.index import Command

INTRO = "Here is what I can do. Ask me in a DM, or mention me in a channel, e.g. {bot} go tour."


class HelpSource(Protocol):
    def help_commands(self) -> list[Command]: ...


def no_channels(name: str) -> str | None:
    return None


def command_line(command: Command, channel_id: Callable[[str], str | None] = no_channels) -> str:
    description = render_channel_links(command.description, channel_id)
    line = f"• `{command.trigger}` - {description}"
    if command.aliases:
        line += " (also: " + ", ".join(f"`{alias}`" for alias in command.aliases) + ")"
    return line


def help_text(
    index: HelpSource,
    bot_user_id: str | None = None,
    channel_id: Callable[[str], str | None] = no_channels,
) -> tuple[str, str]:
    """(the intro line, the list for a text attachment); the intro mentions the bot by id."""
    lines = [command_line(command, channel_id) for command in index.help_commands()]
    lines.append("")
    lines.append("These work at the start of a message:")
    for prefix in PREFIX_COMMANDS:
        lines.append(f"• `{prefix.usage}` - {prefix.description}")
    bot = f"<@{bot_user_id}>" if bot_user_id else "`@gopher`"
    return INTRO.format(bot=bot), "\n".join(lines)
