"""Prefix commands: `xkcd:`, `d/`, `ghd/` and `define `
(docs/behaviour.md#prefix-commands, #glossary)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from bot import replies
from bot.context import Context
from bot.message import Message
from bot.replies import SlackCall

XKCD_ALIASES = {"compiling": 303, "ballmer": 323, "standards": 927, "optimization": 1691}
XKCD_HINT = "That was almost right: the format is `xkcd:1234` (or `xkcd:compiling`)."
PKG_GO_DEV = "https://pkg.go.dev/"
# Characters of an import path (and @version) that stay as they are in the link.
_PATH_SAFE = "/@.-_~+"


def xkcd(ctx: Context, message: Message) -> Iterator[SlackCall]:
    words = message.lower_text[len("xkcd:") :].split(maxsplit=1)
    word = words[0] if words else ""
    number = XKCD_ALIASES.get(word)
    if number is None and word.isascii() and word.isdigit() and len(word) <= 7 and int(word):
        number = int(word)
    if number is None:
        yield replies.post_with_mentions(message, XKCD_HINT)
        return
    yield replies.post_with_mentions(message, f"https://xkcd.com/{number}", unfurl=True)


def _package_docs(prefix: str, base: str) -> Callable[[Context, Message], Iterator[SlackCall]]:
    def package_docs(ctx: Context, message: Message) -> Iterator[SlackCall]:
        rest = replies.unescape(message.text[len(prefix) :])
        path = rest.split(maxsplit=1)[0] if rest[:1].strip() else ""  # text after a space ignored
        if not path:
            return
        # Quoting keeps `|`, `<` and `>` from turning the path into a disguised link.
        yield replies.post(message, f"<{base}{quote(path, safe=_PATH_SAFE)}>")

    return package_docs


def define(ctx: Context, message: Message) -> Iterator[SlackCall]:
    from glossary.answers import define_reply

    # Looked up as written (`define r&d`); define_reply escapes it where it echoes it.
    term = replies.unescape(message.text[len("define") :])
    answer = define_reply(ctx.index, term, ctx.channel_id)
    reply = replies.post_to if answer.to_asker else replies.post_with_mentions
    yield reply(message, answer.text)


@dataclass(frozen=True)
class Prefix:
    prefix: str
    action: Callable[[Context, Message], Iterator[SlackCall]]
    mentioned_only: bool = False  # only in a DM or when the bot is mentioned

    def matches(self, lower_text: str) -> bool:
        return lower_text.startswith(self.prefix) or lower_text == self.prefix.strip()


PREFIXES = (
    Prefix("xkcd:", xkcd),
    Prefix("d/", _package_docs("d/", PKG_GO_DEV)),
    Prefix("ghd/", _package_docs("ghd/", PKG_GO_DEV + "github.com/")),
    Prefix("define ", define, mentioned_only=True),
)
