"""The answer to `define TERM`; the bot and the admin preview both use it."""

import re
from collections.abc import Callable
from typing import NamedTuple, Protocol

from responses.channel_links import render_channel_links
from responses.index import Definition
from responses.names import normalize_name
from slackapi.text import code_span

USAGE = "Tell me which term to define, e.g. `define tdd`."
DEFINE_DEFINE = (
    "`define` is what you ask me when a word puzzles you. "
    "Asking me to define `define` puzzles *me*, so let's call it even."
)


UNKNOWN_HINT = "If it belongs in the glossary, ask the moderators in {#admin-help} to add it."
# Slack turns what a member types as a link into `<https://…>`: a term with a link in it is
# not echoed at all, so the bot never repeats a link, even as code.
_LINK = re.compile(r"://|\bwww\.|\bmailto:", re.IGNORECASE)


class Lookup(Protocol):
    def define(self, term: str) -> Definition | None: ...


def no_channels(name: str) -> str | None:
    return None


class DefineReply(NamedTuple):
    text: str
    # Usage, `define define` and an unknown term are said to the asker (`<@asker> ...`),
    # as the Go bot did; a definition names the other people mentioned instead.
    to_asker: bool


def define_reply(
    index_or_lookup: Lookup | Callable[[str], Definition | None],
    term: str,
    channel_id: Callable[[str], str | None] = no_channels,
) -> DefineReply:
    """What the bot says to `define TERM`, and to whom (the caller prepends the mentions).

    `term` is as the member wrote it (Slack's entities undone); the answer echoes it as
    inert code (slackapi.text.code_span), so it can't ping anyone, end its code span or
    make a link. `channel_id` links #admin-help.
    """
    lookup = getattr(index_or_lookup, "define", index_or_lookup)
    wanted = normalize_name(term)
    if not wanted:
        return DefineReply(USAGE, to_asker=True)
    if wanted == "define":
        return DefineReply(DEFINE_DEFINE, to_asker=True)
    found = lookup(wanted)
    if found is None:
        # Only the fixed hint is rendered: a `{#...}` the member wrote stays as written.
        hint = render_channel_links(UNKNOWN_HINT, channel_id)
        echo = "that term" if _LINK.search(wanted) else code_span(wanted)
        return DefineReply(f"Sorry, I don't know {echo} yet. {hint}", to_asker=True)
    # The definition is the moderators' text: its `{#channel}` links are rendered.
    definition = render_channel_links(found.definition, channel_id)
    if found.alias_used:
        text = f"`{found.term}`, or `{found.alias_used}`, is {definition}"
    else:
        text = f"`{found.term}` is {definition}"
    return DefineReply(text, to_asker=False)


def define_answer(
    index_or_lookup: Lookup | Callable[[str], Definition | None],
    term: str,
    channel_id: Callable[[str], str | None] = no_channels,
) -> str:
    """The text of define_reply (the admin's preview shows it)."""
    return define_reply(index_or_lookup, term, channel_id).text
