"""Slack mentions in message text: find them, splice them out (docs/behaviour.md#parsing).

https://api.slack.com/reference/surfaces/formatting#advanced
One compiled regular expression with no nested repetition does the work: a
label can't contain `<` or `>`, so no two attempts scan the same characters
twice and the parse stays linear in the length of the text.
"""

import re
from dataclasses import dataclass

USER = "user"
GROUP = "group"
HERE = "here"
CHANNEL = "channel"
EVERYONE = "everyone"
CHANNEL_REF = "channel_ref"

# An id has 2 to 64 characters, its first one being the type letter where there is one.
_MENTION = re.compile(
    r"<(?:"
    r"@(?P<user>[UW][A-Z0-9]{1,63})(?:\|(?P<user_label>[^<>|]*))?"
    r"|!subteam\^(?P<group>[A-Z0-9]{2,64})(?:\|(?P<group_label>[^<>|]*))?"
    r"|!(?P<special>here|channel|everyone)(?:\|[^<>|]*)?"
    r"|#(?P<channel>C[A-Z0-9]{1,63})(?:\|(?P<channel_label>[^<>|]*))?"
    r")>"
)


@dataclass(frozen=True)
class Mention:
    """A mention; for here/channel/everyone the id is the channel the message was sent in."""

    kind: str
    id: str
    label: str = ""

    def __str__(self) -> str:
        if self.kind in (HERE, CHANNEL, EVERYONE):
            return f"<!{self.kind}>"
        prefix = {USER: "@", GROUP: "!subteam^", CHANNEL_REF: "#"}[self.kind]
        return f"<{prefix}{self.id}>"


def _mention(match: re.Match, channel_id: str) -> Mention:
    groups = match.groupdict()
    if groups["user"]:
        return Mention(USER, groups["user"], groups["user_label"] or "")
    if groups["group"]:
        return Mention(GROUP, groups["group"], groups["group_label"] or "")
    if groups["special"]:
        return Mention(groups["special"], channel_id)
    return Mention(CHANNEL_REF, groups["channel"], groups["channel_label"] or "")


def parse_mentions(text: str, channel_id: str) -> tuple[str, list[Mention]]:
    """The text with the well-formed mentions spliced out and trimmed, and those mentions."""
    mentions: list[Mention] = []
    pieces: list[str] = []
    start = 0
    for match in _MENTION.finditer(text):
        mentions.append(_mention(match, channel_id))
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return "".join(pieces).strip(), mentions


def user_mention(user_id: str) -> str:
    return f"<@{user_id}>"
