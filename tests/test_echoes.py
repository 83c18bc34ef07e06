"""What the bot repeats can't break out of its formatting, name a crowd or outgrow a post
(docs/behaviour.md#replies, #glossary), through real jobs against the stand-in, which refuses
a post over 40,000 characters with msg_too_long as Slack does."""

import re

import pytest

from responses.index import forget_index
from responses.models import CannedResponse
from slackapi.text import MAX_MESSAGE_CHARS
from tests.factories import CannedResponseFactory, TermFactory
from tests.fixtures.bot import GO_TOUR_TEXT
from tests.slack_events import message_event

BOT = "<@U0GOPHERBOT>"
HINT = "If it belongs in the glossary, ask the moderators in <#C0ADMINHELP> to add it."


def posted_texts(bot) -> list[str]:
    return [params["text"] for params in bot.sent("chat.postMessage")]


# --- define's echo ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"{BOT} define x`` https://evil.example/login ``",  # as the issue wrote it
        f"{BOT} define x`` <https://evil.example/login> ``",  # as Slack delivers a typed link
        f"{BOT} define x`` <https://evil.example/login|docs.go.dev> ``",
        f"{BOT} define `www.evil.example`",
    ],
    ids=["bare url", "slack link", "disguised link", "www"],
)
def test_define_never_repeats_a_link(bot, text):
    job = bot.deliver(message_event(text))
    assert job.is_finished
    assert posted_texts(bot) == [f"<@U0ALICE> Sorry, I don't know that term yet. {HINT}"]


@pytest.mark.parametrize(
    ("term", "echo"),
    [
        ("x`` evil.example/login ``", "`x'' evil.example/login ''`"),
        ("a|b &lt;c&gt; &amp;", "`a|b &lt;c&gt; &amp;`"),
        ("&lt;!channel&gt; &lt;@U0EVIL&gt;", "`&lt;!channel&gt; &lt;@u0evil&gt;`"),
        ("``` fenced ```", "`''' fenced '''`"),
    ],
    ids=["backticks", "markup characters", "a ping", "a fence"],
)
def test_define_echoes_an_unknown_term_as_one_inert_code_span(bot, term, echo):
    bot.deliver(message_event(f"{BOT} define {term}"))
    (text,) = posted_texts(bot)
    assert text == f"<@U0ALICE> Sorry, I don't know {echo} yet. {HINT}"
    assert text.count("`") == 2
    assert re.findall(r"<[^>]*>", text) == ["<@U0ALICE>", "<#C0ADMINHELP>"]  # the asker, the hint


def test_define_shortens_a_long_term(bot):
    bot.deliver(message_event(f"{BOT} define " + "gopher " * 5_000))
    (text,) = posted_texts(bot)
    echo = text.split("`")[1]
    assert len(echo) == 100 and echo.endswith("…")


# --- forwarded mentions --------------------------------------------------------------------------


def test_each_mentioned_user_is_named_once(bot):
    bot.deliver(message_event(f"{BOT} go tour <@U0BOB> <@U0CAROL> <@U0BOB> <@U0BOB|bob>"))
    assert posted_texts(bot) == [f"<@U0BOB> <@U0CAROL> {GO_TOUR_TEXT}"]


def test_at_most_20_users_are_named(bot):
    users = [f"U0{n:04d}" for n in range(1_000)]
    bot.deliver(message_event(f"{BOT} go tour " + " ".join(f"<@{u}>" for u in users)))
    (text,) = posted_texts(bot)
    assert re.findall(r"<@(U\w+)>", text) == users[:20]
    assert text.endswith(GO_TOUR_TEXT)


def test_5000_copies_of_a_mention_name_the_user_once(bot):
    job = bot.deliver(message_event(f"{BOT} go tour " + "<@U0BOB> " * 5_000))
    assert job.is_finished
    assert posted_texts(bot) == [f"<@U0BOB> {GO_TOUR_TEXT}"]


# --- Slack's 40,000 characters -----------------------------------------------------------------


def test_a_huge_definition_is_cut_to_fit_a_post(bot):
    TermFactory(term="gopher", definition="a burrowing rodent. " * 3_000)  # 60,000 characters
    job = bot.deliver(message_event(f"{BOT} define gopher <@U0BOB>"))
    assert job.is_finished  # the stand-in took it: no msg_too_long
    (text,) = posted_texts(bot)
    assert len(text) <= MAX_MESSAGE_CHARS
    assert text.startswith("<@U0BOB> `gopher` is a burrowing rodent.")
    assert text.endswith("…")


def test_a_huge_canned_response_is_cut_to_fit_a_post(bot):
    paragraphs = "\n".join(f"{n}. Read <https://go.dev/doc/#{n}|the docs>." for n in range(2_000))
    CannedResponseFactory(trigger="reading list", text=paragraphs)
    job = bot.deliver(message_event(f"{BOT} reading list"))
    assert job.is_finished
    (text,) = posted_texts(bot)
    assert len(text) <= MAX_MESSAGE_CHARS
    assert text.endswith(">.\n…")  # whole lines, no half link


def test_help_with_hundreds_of_commands_fits_a_post(bot):
    CannedResponse.objects.bulk_create(
        CannedResponse(trigger=f"command {n:03d}", description="d" * 150, text="t")
        for n in range(300)
    )
    forget_index()
    job = bot.deliver(message_event(f"{BOT} help"))
    assert job.is_finished
    (params,) = bot.sent("chat.postMessage")
    (attachment,) = params["attachments"]
    assert len(attachment["text"]) <= MAX_MESSAGE_CHARS
    assert attachment["text"].startswith("• `command 000` - ddd")
    assert attachment["text"].endswith("\n…")
