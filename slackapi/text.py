"""Slack's text rules: escaping, code spans, length, mass mentions, one-line cuts.

https://api.slack.com/reference/surfaces/formatting
"""

import re

# https://api.slack.com/methods/chat.postMessage#truncating: Slack refuses longer texts.
MAX_MESSAGE_CHARS = 40_000
TRUNCATED = "…"

# Mentions that notify a whole channel, the workspace or a user group, with or without a
# label (`<!here|here>`, `<!subteam^S0MODS|@mods>`); Slack reads them in any case.
_MASS_MENTION = re.compile(r"<!(?:here|channel|everyone|subteam\^[^<>|]*)(?:\|[^<>]*)?>", re.I)


def escape(text: str) -> str:
    """Text from elsewhere made inert: it can't ping `<!channel>` or disguise a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Slack's escaping undone: message text arrives with &, < and > as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def code_span(text: str, max_chars: int = 100) -> str:
    """`text` as inline code that stays code: no backtick inside can end the span early
    (and let a URL after it become a live link), no `<…>` can ping or link, no line break."""
    inert = " ".join(text.replace("`", "'").split())
    if len(inert) > max_chars:
        inert = inert[: max_chars - len(TRUNCATED)] + TRUNCATED
    return f"`{escape(inert)}`"


def truncate(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` cut to at most `limit` characters, at a line break when one is near, marked …"""
    if len(text) <= limit:
        return text
    kept = text[: limit - len(TRUNCATED)]
    line_break = kept.rfind("\n")
    if line_break >= len(kept) // 2:
        kept = kept[: line_break + 1]
    # Never end on half a `<link|label>` or half an `&amp;`: Slack would show the pieces.
    opening = kept.rfind("<")
    if opening > kept.rfind(">"):
        kept = kept[:opening]
    ampersand = kept.rfind("&")
    if ampersand > max(kept.rfind(";"), len(kept) - len("&amp;")):
        kept = kept[:ampersand]
    return kept + TRUNCATED


def mass_mentions(text: str) -> list[str]:
    """The `<!here>`, `<!channel>`, `<!everyone>` and `<!subteam^…>` mentions in `text`."""
    return _MASS_MENTION.findall(text)


def one_line(text: str, limit: int) -> str:
    """`text` on one line of at most `limit` characters, its end cut to "…" when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
