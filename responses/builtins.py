"""Commands defined in code. Their names are reserved: no canned response may claim them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BuiltinCommand:
    trigger: str
    aliases: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class BuiltinPrefix:
    prefix: str
    usage: str
    description: str


FUNCTION_COMMANDS: tuple[BuiltinCommand, ...] = (
    BuiltinCommand("help", ("commands",), "lists everything I can do"),
    BuiltinCommand("flip a coin", ("flip coin", "coin flip"), "heads or tails"),
    BuiltinCommand("newbie resources", (), "resources for learning Go"),
    BuiltinCommand(
        "recommended channels", ("channels",), "channels worth joining, with what they are for"
    ),
)

PREFIX_COMMANDS: tuple[BuiltinPrefix, ...] = (
    BuiltinPrefix("xkcd:", "xkcd:1234", "links an xkcd comic (also xkcd:compiling, …)"),
    BuiltinPrefix("d/", "d/net/http", "links the documentation of a package on pkg.go.dev"),
    BuiltinPrefix(
        "ghd/", "ghd/user/repo", "links the documentation of a GitHub package on pkg.go.dev"
    ),
    BuiltinPrefix("define ", "define tdd", "explains a term from the glossary"),
)


def builtin_names() -> dict[str, str]:
    """Every reserved command name (trigger or alias), lower-cased -> its command's trigger."""
    names = {}
    for command in FUNCTION_COMMANDS:
        for name in (command.trigger, *command.aliases):
            names[name.lower()] = command.trigger
    return names
