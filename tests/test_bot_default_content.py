"""The bot with the shipped default content (load_default_content), as operators deploy it."""

import io

import pytest
from django.core.management import call_command

from responses.index import forget_index
from responses.models import CannedResponse, ContainsRule, Welcome
from tests.slack_events import message_event

BOT = "<@U0GOPHERBOT>"


@pytest.fixture
def defaults(bot):
    for model in (CannedResponse, ContainsRule, Welcome):
        model.objects.all().delete()  # the harness's own content: only the defaults now
    call_command("load_default_content", stdout=io.StringIO())
    forget_index()
    return bot


def reactions(bot) -> list[str]:
    return [params["name"] for params in bot.sent("reactions.add")]


def test_the_default_go_tour(defaults):
    defaults.deliver(message_event(f"{BOT} tour <@U0BOB>"))
    (params,) = defaults.sent("chat.postMessage")
    assert params["text"].startswith("<@U0BOB> ")
    assert "https://go.dev/tour/" in params["text"]


@pytest.mark.parametrize(
    ("text", "emojis"),
    [
        ("bbq tonight", ["bbqgopher"]),
        ("ermahgerd", ["dragon"]),
        ("talk to the rubber-duck", ["rubberduck"]),
        ("beer me", ["beer", "beers"]),
        ("spacex launch", ["rocket"]),
        (f"{BOT} *wave*", ["wave", "gopher"]),
        ("*wave*", []),
    ],
)
def test_the_default_reactions(defaults, text, emojis):
    defaults.deliver(message_event(text))
    assert reactions(defaults) == emojis


def test_the_default_table_flip_reply(defaults):
    defaults.deliver(message_event("(╯°□°)╯︵ ┻━┻"))
    assert [p["text"] for p in defaults.sent("chat.postMessage")] == ["┬─┬ノ( º _ ºノ)"]  # noqa: RUF001


def test_the_default_glossary(defaults):
    defaults.deliver(message_event(f"{BOT} define di"))
    (params,) = defaults.sent("chat.postMessage")
    assert params["text"].startswith("`dependency injection`, or `di`, is ")


def test_the_default_newbies_welcome(defaults):
    defaults.deliver({"type": "member_joined_channel", "user": "U0CAROL", "channel": "C0NEWBIES"})
    (params,) = defaults.sent("chat.postEphemeral")
    assert params["user"] == "U0CAROL"
    assert params["text"].startswith("<@U0CAROL> Welcome to <#C0NEWBIES>!")
    assert "<@U0GOPHERBOT>" in params["text"] and "newbie resources" in params["text"]


def test_the_default_team_welcome(defaults):
    defaults.deliver({"type": "team_join", "user": {"id": "U0CAROL"}})
    (params,) = defaults.sent("chat.postMessage")
    assert params["channel"] == "D0CAROL"
    assert "<#C0ADMINHELP>" in params["text"] and "gopherize.me" in params["text"]


def test_the_default_code_of_conduct_links_the_admin_help_channel(defaults):
    defaults.deliver(message_event(f"{BOT} coc"))
    (params,) = defaults.sent("chat.postMessage")
    assert params["text"] == (
        "Please read and follow our code of conduct: <https://coc.golangbridge.org/>. "
        "The Go project's own: <https://go.dev/conduct>. "
        "Questions or concerns? Ask the moderators in <#C0ADMINHELP>, or email "
        "<mailto:support@gobridge.org|support@gobridge.org>."
    )


def test_an_unknown_term_links_the_admin_help_channel(defaults):
    defaults.deliver(message_event(f"{BOT} define bdd"))
    (params,) = defaults.sent("chat.postMessage")
    assert params["text"].endswith("ask the moderators in <#C0ADMINHELP> to add it.")
