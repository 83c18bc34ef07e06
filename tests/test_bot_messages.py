"""Message behaviour (docs/behaviour.md#messages) through real RQ jobs, asserting the exact
Slack calls."""

import time

import pytest

from bot.functions import NEWBIE_RESOURCES
from bot.prefixes import XKCD_HINT
from responses.help import help_text
from responses.index import get_index
from tests.fixtures.bot import GO_TOUR_TEXT, PROVERBS, TABLE_BACK, FixedRandom
from tests.slack_events import message_event

BOT = "<@U0GOPHERBOT>"
NO_UNFURL = {"unfurl_links": False, "unfurl_media": False}
UNFURL = {"unfurl_links": True, "unfurl_media": True}


def dm(text: str, **fields) -> dict:
    return message_event(text, channel="D0ALICE", channel_type="im", **fields)


def reply(text: str, channel: str = "C0GENERAL", unfurl: dict = NO_UNFURL, **extra) -> dict:
    return {"channel": channel, "text": text, **unfurl, **extra}


def posted(bot) -> list[dict]:
    return bot.sent("chat.postMessage")


def reactions(bot) -> list[str]:
    return [params["name"] for params in bot.sent("reactions.add")]


# --- gating: DM, mention, channel, shadow mode ----------------------------------------


def test_a_mention_runs_a_command_and_names_the_other_users(bot):
    bot.deliver(message_event(f"{BOT} go tour <@U0BOB>"))
    assert posted(bot) == [reply(f"<@U0BOB> {GO_TOUR_TEXT}")]


def test_a_dm_runs_a_command_without_a_mention(bot):
    bot.deliver(dm("go tour"))
    assert posted(bot) == [reply(GO_TOUR_TEXT, channel="D0ALICE")]


@pytest.mark.parametrize("channel_type", ["mpim", "app_home"])
def test_group_dms_and_the_app_home_are_dms(bot, channel_type):
    bot.deliver(message_event("go tour", channel="D0ALICE", channel_type=channel_type))
    assert posted(bot) == [reply(GO_TOUR_TEXT, channel="D0ALICE")]


@pytest.mark.parametrize("shadow_mode", [False, True])
def test_a_command_in_a_channel_needs_a_mention(bot, settings, shadow_mode):
    settings.SHADOW_MODE = shadow_mode
    bot.deliver(message_event("go tour"))
    assert posted(bot) == []


def test_a_private_channel_is_not_a_dm(bot):
    bot.deliver(message_event("go tour", channel="C0GENERAL", channel_type="group"))
    assert posted(bot) == []


def test_an_alias_runs_its_command(bot):
    bot.deliver(message_event(f"{BOT} TOUR"))
    assert posted(bot) == [reply(GO_TOUR_TEXT)]


def test_a_command_ignores_case_and_surrounding_space(bot):
    bot.deliver(message_event(f"  {BOT}   Go Tour  "))
    assert posted(bot) == [reply(GO_TOUR_TEXT)]


def test_a_command_must_be_the_whole_text(bot):
    bot.deliver(message_event(f"{BOT} go tour please"))
    assert posted(bot) == []


def test_prefixes_and_reactions_run_in_any_channel_outside_shadow_mode(bot):
    bot.deliver(message_event("xkcd:303 bbq"))
    assert posted(bot) == [reply("https://xkcd.com/303", unfurl=UNFURL)]
    assert reactions(bot) == ["bbqgopher"]


def test_shadow_mode_keeps_prefixes_and_reactions_out_of_channels(bot, settings):
    settings.SHADOW_MODE = True
    bot.deliver(message_event("xkcd:303 bbq"))
    assert posted(bot) == []
    assert reactions(bot) == []


def test_shadow_mode_still_answers_a_mention(bot, settings):
    settings.SHADOW_MODE = True
    bot.deliver(message_event(f"xkcd:303 bbq {BOT}"))
    assert posted(bot) == [reply("https://xkcd.com/303", unfurl=UNFURL)]
    assert reactions(bot) == ["bbqgopher"]


def test_shadow_mode_still_answers_a_dm(bot, settings):
    settings.SHADOW_MODE = True
    bot.deliver(dm("xkcd:303 bbq"))
    assert posted(bot) == [reply("https://xkcd.com/303", channel="D0ALICE", unfurl=UNFURL)]
    assert reactions(bot) == ["bbqgopher"]


def test_every_match_runs(bot):
    bot.deliver(message_event(f"{BOT} proverbs bbq rubber duck"))
    assert posted(bot) == [reply(PROVERBS)]
    assert reactions(bot) == ["bbqgopher", "rubberduck"]


# --- reply placement -----------------------------------------------------------------


def test_it_answers_in_the_thread_of_the_message(bot):
    bot.deliver(message_event(f"{BOT} go tour", thread_ts="1700000000.000001"))
    assert posted(bot) == [reply(GO_TOUR_TEXT, thread_ts="1700000000.000001")]


def test_it_answers_a_thread_broadcast_in_its_thread(bot):
    event = message_event(f"{BOT} go tour", subtype="thread_broadcast", thread_ts="1700000000.1")
    bot.deliver(event)
    assert posted(bot) == [reply(GO_TOUR_TEXT, thread_ts="1700000000.1")]


def test_a_canned_response_can_unfurl_its_links(bot):
    bot.deliver(dm("invite"))
    assert posted(bot) == [
        reply("<https://invite.slack.golangbridge.org>", channel="D0ALICE", unfurl=UNFURL)
    ]


# --- discards ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"subtype": "message_changed"},
        {"subtype": "bot_message"},
        {"ts": f"{time.time() - 601:.6f}"},
        {"ts": "not-a-ts"},
        {"user": "U0GOPHERBOT"},
        {"user": "U0ALICE", "bot_id": "B0GOPHERBOT"},
    ],
    ids=["edited", "bot message", "stale", "malformed ts", "own user", "own bot id"],
)
def test_it_discards_without_a_word(bot, fields, log_text):
    job = bot.deliver(dm("go tour bbq xkcd:303", **fields))
    assert posted(bot) == []
    assert reactions(bot) == []
    assert job.is_finished
    assert 'outcome="discarded: ' in log_text()


# --- function commands ---------------------------------------------------------------


def test_help_lists_the_commands_in_an_attachment(bot):
    bot.deliver(dm("commands"))
    intro, commands = help_text(get_index(), "U0GOPHERBOT")
    assert intro.endswith("mention me in a channel, e.g. <@U0GOPHERBOT> go tour.")
    attachment = {"text": commands, "fallback": commands}
    assert posted(bot) == [reply(intro, channel="D0ALICE", attachments=[attachment])]
    assert "`go tour`" in commands and "`xkcd:1234`" in commands


@pytest.mark.parametrize(("value", "side"), [(0.1, "heads"), (0.9, "tails")])
def test_flip_a_coin(bot, monkeypatch, value, side):
    monkeypatch.setattr("bot.context.RANDOM", FixedRandom(value))
    bot.deliver(dm("coin flip"))
    assert posted(bot) == [reply(side, channel="D0ALICE")]


def test_newbie_resources_outside_the_newbies_channel_points_there(bot):
    bot.deliver(message_event(f"{BOT} newbie resources <@U0BOB>"))
    intro = (
        "<@U0BOB> <#C0NEWBIES> is the place to ask beginner questions. "
        "Here are some resources to check out if you are new to Go:"
    )
    attachment = {"text": NEWBIE_RESOURCES, "fallback": NEWBIE_RESOURCES}
    assert posted(bot) == [reply(intro, attachments=[attachment])]
    for link in ("go.dev/tour", "effective_go", "go.dev/ref/spec", "gobyexample.com"):
        assert link in NEWBIE_RESOURCES


def test_newbie_resources_in_the_newbies_channel(bot):
    bot.deliver(message_event(f"{BOT} newbie resources", channel="C0NEWBIES"))
    (params,) = posted(bot)
    assert params["text"] == "Here are some resources to check out if you are new to Go:"


def test_recommended_channels_resolve_through_the_cache_and_skip_unknown_ones(bot):
    bot.deliver(dm("channels"))
    lines = (
        "- <#C0GENERAL>: general Go questions\n"
        "- <#C0NEWBIES>: newbie resources\n"
        "- <#C0MODULES>: Go modules help"
    )
    attachment = {"text": lines, "fallback": lines}
    assert posted(bot) == [
        reply("Here are the channels we recommend:", channel="D0ALICE", attachments=[attachment])
    ]


# --- prefix commands -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("xkcd:303", 303),
        ("XKCD:1234 ha", 1234),
        ("xkcd:compiling", 303),
        ("xkcd:ballmer", 323),
        ("xkcd:standards", 927),
        ("xkcd:Optimization", 1691),
    ],
)
def test_xkcd_links_the_comic_with_unfurling(bot, text, number):
    bot.deliver(message_event(f"{text} {BOT} <@U0CAROL>"))
    assert posted(bot) == [reply(f"<@U0CAROL> https://xkcd.com/{number}", unfurl=UNFURL)]


@pytest.mark.parametrize("text", ["xkcd:", "xkcd:nope", "xkcd:-1", "xkcd:0"])
def test_xkcd_hints_at_the_format(bot, text):
    bot.deliver(message_event(text))
    assert posted(bot) == [reply(XKCD_HINT)]
    assert "`xkcd:1234`" in XKCD_HINT


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("d/net/http", "https://pkg.go.dev/net/http"),
        (
            "d/golang.org/x/tools/cmd/goimports is what you want",
            ("https://pkg.go.dev/golang.org/x/tools/cmd/goimports"),
        ),
        ("ghd/gorilla/mux", "https://pkg.go.dev/github.com/gorilla/mux"),
        ("ghd/Sirupsen/logrus@v1.9.0", "https://pkg.go.dev/github.com/Sirupsen/logrus@v1.9.0"),
        ("d/fmt|click&amp;me", "https://pkg.go.dev/fmt%7Cclick%26me"),
    ],
)
def test_package_docs_link_pkg_go_dev(bot, text, link):
    bot.deliver(message_event(text))
    assert posted(bot) == [reply(f"<{link}>")]


@pytest.mark.parametrize("text", ["d/", "ghd/", "d/ net/http"])
def test_an_empty_package_path_gets_no_reply(bot, text):
    bot.deliver(message_event(text))
    assert posted(bot) == []


def test_define_answers_from_the_glossary_with_mentions(bot):
    bot.deliver(message_event(f"{BOT} define TDD <@U0BOB>"))
    text = (
        "<@U0BOB> `test-driven development`, or `tdd`, is "
        "writing a failing test first, then the code that makes it pass."
    )
    assert posted(bot) == [reply(text)]


def test_define_works_in_a_dm(bot):
    bot.deliver(dm("define test-driven development"))
    text = (
        "`test-driven development` is "
        "writing a failing test first, then the code that makes it pass."
    )
    assert posted(bot) == [reply(text, channel="D0ALICE")]


def test_define_in_a_channel_needs_a_mention_even_outside_shadow_mode(bot):
    bot.deliver(message_event("define tdd"))
    assert posted(bot) == []


def test_define_finds_a_term_with_an_ampersand_and_echoes_unknown_ones_inert(bot):
    from tests.factories import TermFactory

    TermFactory(term="r&d", aliases="", definition="research and development.")
    bot.deliver(dm("define r&amp;d"))  # Slack sends & as &amp;
    bot.deliver(dm("define &lt;!channel&gt;"))
    assert [call["text"] for call in bot.sent("chat.postMessage")] == [
        "`r&d` is research and development.",
        "<@U0ALICE> Sorry, I don't know `&lt;!channel&gt;` yet. If it belongs in the glossary, "
        "ask the moderators in <#C0ADMINHELP> to add it.",
    ]


def test_a_canned_response_links_known_channels_and_names_unknown_ones(bot):
    from tests.factories import CannedResponseFactory

    CannedResponseFactory(
        trigger="where", text="Ask in {#admin-help}, not {#no-such-channel}; `select {}` waits."
    )
    bot.deliver(dm("where"))
    assert posted(bot) == [
        reply("Ask in <#C0ADMINHELP>, not #no-such-channel; `select {}` waits.", channel="D0ALICE")
    ]


def test_a_contains_reply_links_a_channel(bot):
    from tests.factories import ContainsRuleFactory

    ContainsRuleFactory(triggers="lost", reactions="", reply="Try {#general}.")
    bot.deliver(message_event("I am lost"))
    assert posted(bot) == [reply("Try <#C0GENERAL>.")]


def test_a_definition_links_the_channels_it_names(bot):
    from tests.factories import TermFactory

    TermFactory(term="gRPC", aliases="", definition="RPC over HTTP/2; ask in {#general}.")
    bot.deliver(dm("define GRPC"))
    assert posted(bot) == [
        reply("`gRPC` is RPC over HTTP/2; ask in <#C0GENERAL>.", channel="D0ALICE")
    ]


def test_descriptions_link_the_channels_they_name(bot):
    from responses.models import RecommendedChannel
    from tests.factories import CannedResponseFactory

    CannedResponseFactory(trigger="rules", description="the rules ({#admin-help} for questions)")
    RecommendedChannel.objects.filter(name="modules").update(description="see also {#general}")
    bot.deliver(dm("help"))
    bot.deliver(dm("channels"))
    help_list, channels = (p["attachments"][0]["text"] for p in posted(bot))
    assert "• `rules` - the rules (<#C0ADMINHELP> for questions)" in help_list
    assert "- <#C0MODULES>: see also <#C0GENERAL>" in channels


def test_define_without_a_term_says_how(bot):
    bot.deliver(dm("define"))
    assert posted(bot) == [
        reply("<@U0ALICE> Tell me which term to define, e.g. `define tdd`.", channel="D0ALICE")
    ]


def test_an_unknown_term_is_answered_to_the_asker_not_to_the_others_mentioned(bot):
    bot.deliver(message_event(f"{BOT} define bdd <@U0BOB>"))
    assert posted(bot) == [
        reply(
            "<@U0ALICE> Sorry, I don't know `bdd` yet. If it belongs in the "
            "glossary, ask the moderators in <#C0ADMINHELP> to add it."
        )
    ]


def test_define_define_is_a_joke_on_the_asker(bot):
    bot.deliver(message_event(f"{BOT} define define"))
    (params,) = posted(bot)
    assert params["text"].startswith("<@U0ALICE> `define` is what you ask me")


def test_define_echoes_an_unknown_term_inert(bot):
    bot.deliver(dm("define &lt;b&gt; | &amp;"))
    bot.deliver(dm("define <https://evil.example|docs>"))
    first, second = posted(bot)
    assert "`&lt;b&gt; | &amp;`" in first["text"]
    assert "moderators" in first["text"]
    # A link is not repeated at all, not even as code.
    assert second["text"].startswith("<@U0ALICE> Sorry, I don't know that term yet.")
    assert "evil" not in second["text"]


# --- contains rules ------------------------------------------------------------------


def test_a_reaction_goes_on_the_message(bot):
    event = message_event("who wants bbq?")
    bot.deliver(event)
    assert bot.sent("reactions.add") == [
        {"channel": "C0GENERAL", "timestamp": event["ts"], "name": "bbqgopher"}
    ]


def test_a_mention_only_reaction_needs_the_mention(bot):
    bot.deliver(message_event("thanks everyone, hello"))
    assert reactions(bot) == []
    bot.deliver(message_event(f"thanks {BOT}"))
    assert reactions(bot) == ["gopher"]


def test_a_mention_only_reaction_needs_the_mention_in_a_dm_too(bot):
    bot.deliver(dm("thanks"))
    assert reactions(bot) == []


def test_two_rules_with_one_emoji_react_once(bot):
    bot.deliver(message_event(f"hello {BOT}, thanks! *wave*"))
    assert reactions(bot) == ["gopher", "wave"]


@pytest.mark.parametrize(("value", "reacted"), [(0.0, ["emacs"]), (1 / 150, [])])
def test_a_rare_reaction_follows_its_chance(bot, monkeypatch, value, reacted):
    monkeypatch.setattr("bot.context.RANDOM", FixedRandom(value))
    bot.deliver(message_event("I use vim"))
    assert reactions(bot) == reacted


@pytest.mark.parametrize("text", ["(╯°□°)╯︵ ┻━┻", "彡┻━┻"])
def test_a_flipped_table_is_put_back(bot, text):
    bot.deliver(message_event(text))
    assert posted(bot) == [reply(TABLE_BACK)]


def test_proverbs_get_a_link(bot):
    bot.deliver(message_event("any Go proverbs about errors?", thread_ts="1700000000.5"))
    assert posted(bot) == [reply(PROVERBS, thread_ts="1700000000.5")]
