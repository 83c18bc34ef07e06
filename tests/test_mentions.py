import time

import pytest

from bot.mentions import (
    CHANNEL,
    CHANNEL_REF,
    EVERYONE,
    GROUP,
    HERE,
    USER,
    Mention,
    parse_mentions,
)

CHANNEL_ID = "C0GENERAL"

CASES = {
    "nothing": ("", "", []),
    "no mentions": ("a message with no mentions", "a message with no mentions", []),
    "user": ("<@U0ALICE> hi", "hi", [Mention(USER, "U0ALICE")]),
    "enterprise user": ("hi <@W0BOB>", "hi", [Mention(USER, "W0BOB")]),
    "user with a label": ("<@U0ALICE|alice> hi", "hi", [Mention(USER, "U0ALICE", "alice")]),
    "user group": ("ping <!subteam^S0MODS>", "ping", [Mention(GROUP, "S0MODS")]),
    "user group with a label": (
        "ping <!subteam^S0MODS|@mods> now",
        "ping  now",
        [Mention(GROUP, "S0MODS", "@mods")],
    ),
    "here": ("<!here> look", "look", [Mention(HERE, CHANNEL_ID)]),
    "channel": ("<!channel> look", "look", [Mention(CHANNEL, CHANNEL_ID)]),
    "everyone": ("<!everyone> look", "look", [Mention(EVERYONE, CHANNEL_ID)]),
    "channel reference": ("join <#C0NEWBIES>!", "join !", [Mention(CHANNEL_REF, "C0NEWBIES")]),
    "channel reference with a label": (
        "join <#C0NEWBIES|newbies>",
        "join",
        [Mention(CHANNEL_REF, "C0NEWBIES", "newbies")],
    ),
    "channel reference with an empty label": (
        "join <#C0NEWBIES|>",
        "join",
        [Mention(CHANNEL_REF, "C0NEWBIES")],
    ),
    "all kinds, in order": (
        "Hey <@UA1234>, you and <@WZ7890> know that <!subteam^ABC1234> allowed <!channel> "
        "in <#CTST123|general> today",
        "Hey , you and  know that  allowed  in  today",
        [
            Mention(USER, "UA1234"),
            Mention(USER, "WZ7890"),
            Mention(GROUP, "ABC1234"),
            Mention(CHANNEL, CHANNEL_ID),
            Mention(CHANNEL_REF, "CTST123", "general"),
        ],
    ),
    "malformed ones stay untouched": (
        "<!UW#|^><@>heythere<!^><#><!><@U><@W><#C|g>",
        "<!UW#|^><@>heythere<!^><#><!><@U><@W><#C|g>",
        [],
    ),
    "lower-case ids are not ids": ("<@u0alice> <#c0general>", "<@u0alice> <#c0general>", []),
    "an id of 64 characters": ("<@U" + "A" * 63 + ">", "", [Mention(USER, "U" + "A" * 63)]),
    "an id over 64 characters": ("<@U" + "A" * 64 + ">", "<@U" + "A" * 64 + ">", []),
    "a user group id of one character": ("<!subteam^S>", "<!subteam^S>", []),
    "links stay": ("see <https://go.dev|go.dev>", "see <https://go.dev|go.dev>", []),
    "a mention inside a broken one": ("<<@U0ALICE> x", "< x", [Mention(USER, "U0ALICE")]),
    "whitespace around is trimmed": (
        "  <@U0GOPHERBOT>\n help \n",
        "help",
        [Mention(USER, "U0GOPHERBOT")],
    ),
}


@pytest.mark.parametrize(("text", "want_text", "want_mentions"), CASES.values(), ids=CASES.keys())
def test_it_splices_mentions_out_of_the_text(text, want_text, want_mentions):
    assert parse_mentions(text, CHANNEL_ID) == (want_text, want_mentions)


def test_a_mention_prints_as_slack_markup():
    assert str(Mention(USER, "U0ALICE", "alice")) == "<@U0ALICE>"
    assert str(Mention(HERE, CHANNEL_ID)) == "<!here>"
    assert str(Mention(GROUP, "S0MODS")) == "<!subteam^S0MODS>"
    assert str(Mention(CHANNEL_REF, "C0NEWBIES")) == "<#C0NEWBIES>"


@pytest.mark.parametrize(
    "piece",
    ["<@U" + "A" * 70, "<#C12|", "<!subteam^", "<@", "<@U0ALICE|label", "<" * 10],
    ids=["long id", "open label", "open group", "open user", "open user label", "brackets"],
)
def test_it_parses_a_hostile_40_kb_message_in_linear_time(piece):
    text = piece * (40_000 // len(piece))
    started = time.perf_counter()
    spliced, mentions = parse_mentions(text, CHANNEL_ID)
    # Quadratic backtracking on 40 KB takes many seconds; linear takes about a millisecond.
    assert time.perf_counter() - started < 1.0
    assert spliced == text.strip()
    assert mentions == []


def test_it_finds_every_one_of_thousands_of_mentions():
    text = "<@U0ALICE> x " * 3000
    spliced, mentions = parse_mentions(text, CHANNEL_ID)
    assert len(mentions) == 3000
    assert spliced == ("x  " * 3000).strip()
