"""Slack's text rules (slackapi.text): inert code spans, the length limit, mass mentions."""

import pytest

from slackapi.text import MAX_MESSAGE_CHARS, code_span, mass_mentions, truncate

# --- code spans -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("tdd", "`tdd`"),
        ("x`` https://evil.example/login ``", "`x'' https://evil.example/login ''`"),
        ("`", "`'`"),
        (
            "<!channel> & <https://evil.example|docs>",
            "`&lt;!channel&gt; &amp; &lt;https://evil.example|docs&gt;`",
        ),
        ("two\nlines\t and  spaces", "`two lines and spaces`"),
    ],
    ids=["plain", "backticks", "a lone backtick", "markup", "whitespace"],
)
def test_a_code_span_cannot_be_ended_or_ping_or_link(text, span):
    assert code_span(text) == span
    assert span.count("`") == 2


def test_a_code_span_is_capped():
    span = code_span("a" * 500)
    assert span == "`" + "a" * 99 + "…`"
    assert len(code_span("&" * 500)) <= 2 + 100 * len("&amp;")


# --- length ---------------------------------------------------------------------------------


def test_a_text_within_the_limit_is_left_alone():
    text = "x" * MAX_MESSAGE_CHARS
    assert truncate(text) is text


def test_a_long_text_is_cut_at_a_line_break_and_marked():
    lines = [f"• `command {n}` - what it does" for n in range(3_000)]
    text = "\n".join(lines)
    cut = truncate(text)
    assert len(text) > MAX_MESSAGE_CHARS >= len(cut)
    assert cut.endswith("\n…")
    kept = cut[: -len("\n…")].split("\n")
    assert kept == lines[: len(kept)]  # whole lines only
    assert len(cut) > MAX_MESSAGE_CHARS - 100


def test_a_cut_never_leaves_half_a_link_or_half_an_entity():
    link = "<https://go.dev/doc/effective_go|Effective Go>"
    assert truncate("x" * 30 + link + "x" * 100, limit=100) == "x" * 30 + link + "x" * 23 + "…"
    assert truncate("x" * 60 + link + "x" * 100, limit=100) == "x" * 60 + "…"  # link at 99
    assert truncate("x" * 96 + "&amp;y", limit=100) == "x" * 96 + "…"
    assert truncate("a & b " * 20, limit=100).endswith("…")


def test_a_long_text_without_line_breaks_is_cut_at_the_limit():
    assert truncate("y" * 50_000) == "y" * (MAX_MESSAGE_CHARS - 1) + "…"


# --- mass mentions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!here|here>",
        "<!channel|@channel>",
        "<!subteam^S0MODS>",
        "<!subteam^S0MODS|@moderators>",
        "<!HERE>",
        "Hey <!here|@here>, read this",
    ],
)
def test_it_finds_mass_mentions(text):
    assert len(mass_mentions(text)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "@here and @channel as plain words",
        "&lt;!channel&gt;",
        "<@U0ALICE> <#C0GENERAL> <https://go.dev|go.dev>",
        "<!date^1392734382^{date}|Feb 18, 2014>",
        "<!heretic>",
        "<!here",
    ],
)
def test_it_leaves_other_text_alone(text):
    assert mass_mentions(text) == []
