"""What the bot's actions on a message count as: pure functions, no Redis, no database.

bot.pipeline names each action it takes (`command:go tour`, `prefix:define`,
`react:12`, `reply:7`, `playground`); a use is a (kind, name) pair of content
names. Nothing about who wrote the message is kept, and of its text only an
alias or a term asked for, once cleaned up.
"""

import re
import unicodedata

from insights.kinds import ALIAS, COMMAND, CONTAINS, PLAYGROUND, PREFIX, TERM, WANTED
from responses.names import normalize_name
from slackapi.text import unescape

Use = tuple[str, str]

# An unknown term is kept only when it looks like a term, not like a sentence, an address,
# a link or an id: short, a few words, letters and a little punctuation.
WANTED_MAX_LENGTH = 40
WANTED_MAX_WORDS = 4
_TERM = re.compile(r"[\w.][\w .+#/&'-]*")
# Quotes and Slack formatting around a term, and a question mark after it, are not part of it.
_LEADING = "\"'`\u201c\u201d\u2018\u2019*_~([{"  # straight and curly quotes
_TRAILING = _LEADING + "?!.,;:)]}"
# Slack ids, tokens and hashes: a long word of letters and digits mixed.
_ID_LIKE = re.compile(r"(?=\w*\d)(?=\w*[a-z])\w{9,}")
_MAX_DIGITS = 6  # more is a phone number or an account number, not a term


def wanted_name(asked: str) -> str:
    """An unknown term as counted: normalised, trimmed; "" when it does not look like a term."""
    term = normalize_name(unicodedata.normalize("NFKC", asked))
    term = term.lstrip(_LEADING).rstrip(_TRAILING).strip()
    if (
        not term
        or len(term) > WANTED_MAX_LENGTH
        or len(term.split()) > WANTED_MAX_WORDS
        or not _TERM.fullmatch(term)
        or _ID_LIKE.search(term)
        or sum(c.isdigit() for c in term) > _MAX_DIGITS
    ):
        return ""
    return term


def define_use(index, text: str) -> Use | None:
    """The term `define …` asked for: found (its glossary term) or wanted; None for no term."""
    # As bot.prefixes.define and glossary.answers.define_answer read it.
    asked = normalize_name(unescape(text[len("define") :]))
    if not asked or asked == "define":
        return None
    found = index.define(asked)
    if found is not None:
        return (TERM, found.term)
    return (WANTED, wanted_name(asked))


def message_uses(index, text: str, taken: list[str]) -> list[Use]:
    """The uses of the actions taken for a message whose text (mentions spliced out) is `text`."""
    uses: list[Use] = []
    for action in taken:
        kind, _, name = action.partition(":")
        if kind == "command":
            uses.append((COMMAND, name))
            written = text.lower()
            if written != name:  # the command was matched through this alias
                uses.append((ALIAS, written))
        elif kind == "prefix":
            uses.append((PREFIX, name))
            term = define_use(index, text) if name == "define" else None
            if term is not None:
                uses.append(term)
        elif kind in ("react", "reply"):
            uses.append((CONTAINS, name))
        elif kind == "playground":
            uses.append((PLAYGROUND, "share"))
    return uses
