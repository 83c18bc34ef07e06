"""Hostile input to the worker: arbitrary text and events never crash the parser or the
matcher, a 40 KB message costs milliseconds, and text the bot echoes can't ping or disguise."""

import re
import time

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.errors import SlackApiError

from bot import context
from bot.jobs import process_message
from bot.mentions import CHANNEL, CHANNEL_REF, EVERYONE, GROUP, HERE, USER, parse_mentions
from bot.message import discard_reason, parse_message
from bot.pipeline import act, match
from bot.playground import go_source
from glossary.answers import UNKNOWN_HINT
from glossary.models import Term
from gopherbot.outside import OutsideError
from responses.channel_links import render_channel_links
from responses.index import forget_index
from responses.loading import load_default_content
from responses.models import CannedResponse, ContainsRule
from slackapi.channels import channel_id, refresh_channel_cache
from tests.fixtures.bot import FixedRandom

BOT_ID = "U0GOPHERBOT"
REQUESTER = "U0ALICE"
HOSTILE_PIECES = [
    "<!channel>", "<!here>", "<!everyone>", "<!channel|@channel>", "<!subteam^S0MODS>",
    "<@U0EVIL>", "<@W0EVIL|boss>", "<@", "<!", "<#C0GENERAL>", "<#C0GENERAL|general>",
    "<http://evil.example|https://go.dev>", "<https://evil.example>", "<mailto:a@b.c|x>",
    "&lt;!channel&gt;", "&lt;http://evil.example|trusted&gt;", "&lt;", "&gt;", "&amp;",
    "<", ">", "|", "@channel", "@here", "`", "```", "\n", " ", "%3C", "javascript:",
    f"<@{BOT_ID}>", "define ", "d/", "ghd/", "xkcd:", "bbq", "proverbs", "tdd", "golang.org/x",
]  # fmt: skip
hostile_text = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=4)), max_size=25).map(
        "".join
    ),
)
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# --- the mention parser ---------------------------------------------------------------


@given(hostile_text)
@settings(max_examples=400)
def test_any_text_parses_into_well_formed_mentions(text):
    spliced, mentions = parse_mentions(text, "C0GENERAL")
    assert len(spliced) <= len(text)
    for mention in mentions:
        assert mention.kind in (USER, GROUP, HERE, CHANNEL, EVERYONE, CHANNEL_REF)
        assert 2 <= len(mention.id) <= 64
        assert "<" not in mention.id and ">" not in mention.id and "|" not in mention.id


# --- arbitrary events through parsing, matching and acting ---------------------------------


@pytest.fixture
def defaults(slack, db, settings, playground, monkeypatch):
    """The shipped default content, a filled channel cache, not in shadow mode."""
    settings.SHADOW_MODE = False
    load_default_content(report=lambda line: None)
    forget_index()
    refresh_channel_cache()
    monkeypatch.setattr(context, "RANDOM", FixedRandom(0.0))  # rare reactions fire too
    yield context.current_context()
    forget_index()


def mostly(value, *others):
    """`value` three times in four, else one of the others."""
    return st.one_of(st.just(value), st.just(value), st.just(value), *others)


def events(text=hostile_text):
    return st.fixed_dictionaries(
        {
            "ts": mostly("1700000000.000100", junk),
            "user": mostly(REQUESTER, st.just(BOT_ID), junk),
            "channel": mostly("C0GENERAL", st.sampled_from(["D0ALICE", "C0RANDOM"]), junk),
            "text": st.one_of(text, text, text, junk),
        },
        optional={
            "type": st.one_of(st.just("message"), junk),
            "channel_type": st.one_of(st.sampled_from(["channel", "im", "group", "mpim"]), junk),
            "thread_ts": st.one_of(st.just("1700000000.000001"), junk),
            "subtype": st.one_of(st.just("thread_broadcast"), junk),
            "bot_id": junk,
            "files": st.one_of(junk, st.lists(st.one_of(junk, st.just({"id": "F0NOPE"})))),
        },
    )


@given(event=events())
@FUZZ
def test_any_event_is_discarded_or_handled_without_a_bug(defaults, event):
    reason = discard_reason(event, bot_user_id=BOT_ID, bot_id="B0GOPHERBOT")
    if reason is not None:
        return
    message = parse_message(event, BOT_ID)
    outcome = act(defaults, message, match(defaults, message), send=lambda call, key: None)
    # An action may fail on an outside answer (Slack, the Playground), never on our own code.
    for name, error in outcome.failed:
        assert isinstance(error, SlackApiError | OutsideError), (name, error)


# --- a 40 KB message costs milliseconds -------------------------------------------------------

HOSTILE_40KB = {
    "brackets": "<" * 40_000,
    "open user mentions": "<@" * 20_000,
    "long ids": ("<@U" + "A" * 70) * 547,
    "open labels": "<#C12|" * 6_600,
    "open groups": "<!subteam^" * 4_000,
    "backticks": "`" * 40_000,
    "fences and newlines": "```\n" * 10_000,
    "newlines": "\n" * 40_000,
    "entities": "&lt;" * 10_000,
    "mixed": ("<@U0ALICE|<<@``\n<!here|<#C1|x>&lt;" * 1_200)[:40_000],
    "define": "define " + "<@" * 19_990,
    "a long package path": "d/" + "a/" * 19_990,
}


def cost(text: str, ctx) -> float:
    """The fastest of three runs of what the worker does with a message's text."""
    event = {"text": text, "user": REQUESTER, "channel": "C0GENERAL", "ts": "1.000001"}
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        message = parse_message(event, BOT_ID)
        match(ctx, message)
        go_source(message.text)  # what the Playground uploader would share
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("name", HOSTILE_40KB)
def test_a_hostile_40_kb_message_is_parsed_and_matched_in_milliseconds(defaults, name):
    text = HOSTILE_40KB[name]
    assert 39_000 <= len(text) <= 40_000
    baseline = cost("just a plain sentence. " * 1_739, defaults)  # 40 KB of ordinary chat
    # Linear work is within a small multiple of the baseline; backtracking would take seconds.
    assert cost(text, defaults) < 20 * baseline + 0.05


# --- echoed text can't ping anyone or disguise a link -------------------------------------

_TOKEN = re.compile(r"<([^<>]*)>")


def content_tokens() -> set[str]:
    """The <…> tokens moderators wrote into the content: the bot may send those."""
    texts = [row.text for row in CannedResponse.objects.all()]
    texts += [row.reply for row in ContainsRule.objects.all()]
    texts += [row.definition for row in Term.objects.all()]
    # `{#channel}` links, rendered the way the bot renders them; define's hint has one too.
    texts = [render_channel_links(text, channel_id) for text in [*texts, UNKNOWN_HINT]]
    return {token for text in texts for token in _TOKEN.findall(text)}


def check_text(text: str, allowed_users: set[str], allowed_tokens: set[str], play: str) -> None:
    assert not _TOKEN.sub("", text).count("<") and not _TOKEN.sub("", text).count(">"), text
    for token in _TOKEN.findall(text):
        if token.startswith("@"):
            assert token[1:] in allowed_users, text
        elif token in allowed_tokens:
            continue
        else:  # a link the bot built: to a known site, no label, nothing of markup in it
            assert re.fullmatch(
                rf"(https://pkg\.go\.dev|https://xkcd\.com|{re.escape(play)})/[^\s|<>!]*", token
            ), text


def echoes(user_text: str) -> list[str]:
    many_lines = "\n".join([user_text] * 11)
    return [
        f"d/{user_text}",
        f"ghd/{user_text}",
        f"<@{BOT_ID}> define {user_text}",
        f"<@{BOT_ID}> xkcd:{user_text}",
        f"<@{BOT_ID}> d/{user_text}",
        f"look at this:\n```{many_lines}```",  # shared on the Playground, attributed
        user_text,
    ]


@given(user_text=hostile_text, channel=st.sampled_from(["C0GENERAL", "D0ALICE"]))
@FUZZ
def test_text_the_bot_echoes_never_pings_or_disguises_a_link(defaults, user_text, channel):
    allowed_tokens = content_tokens()
    play = django_settings.PLAYGROUND_URL.rstrip("/")
    for text in echoes(user_text):
        event = {
            "type": "message",
            "text": text,
            "user": REQUESTER,
            "channel": channel,
            "channel_type": "im" if channel.startswith("D") else "channel",
            "ts": f"{time.time():.6f}",
        }
        calls = []
        process_message(
            {"event": event, "event_id": "EvFUZZ"},
            defaults,
            lambda call, key, calls=calls: calls.append(call),
        )
        # The requester and the users they mentioned themselves may be named; nobody else.
        mentioned = {m.id for m in parse_message(event, BOT_ID).mentions if m.kind == USER}
        allowed_users = {REQUESTER} | (mentioned - {BOT_ID})
        for call in calls:
            texts = [call.params.get("text", "")]
            texts += [a.get("text", "") for a in call.params.get("attachments", [])]
            for sent in texts:
                check_text(sent, allowed_users, allowed_tokens, play)
