"""The `help` answer, generated from the content and the function commands."""

from typing import Protocol

from responses.builtins import PREFIX_COMMANDS
from responses.index import Command

INTRO = "Here is what I can do. Ask me in a DM, or mention me in a channel, e.g. {bot} go tour."


class HelpSource(Protocol):
    def help_commands(self) -> list[Command]: ...


def command_line(command: Command) -> str:
    line = f"• `{command.trigger}` - {command.description}"
    if command.aliases:
        line += " (also: " + ", ".join(f"`{alias}`" for alias in command.aliases) + ")"
    return line


def help_text(index: HelpSource, bot_user_id: str | None = None) -> tuple[str, str]:
    """(the intro line, the list for a text attachment); the intro mentions the bot by id."""
    lines = [command_line(command) for command in index.help_commands()]
    lines.append("")
    lines.append("These work at the start of a message:")
    for prefix in PREFIX_COMMANDS:
        lines.append(f"• `{prefix.usage}` - {prefix.description}")
    bot = f"<@{bot_user_id}>" if bot_user_id else "`@gopher`"
    return INTRO.format(bot=bot), "\n".join(lines)
