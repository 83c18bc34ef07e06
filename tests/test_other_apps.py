"""Messages from other apps, bots and Slackbot get nothing from the bot
(docs/behaviour.md#ignored-messages).

Each payload is shaped as Slack delivers it (tests/slack_events.py) and carries text that
the bot would answer from a member: the control test sends the same text as a member.
"""

import pytest

from tests.fixtures.bot import shared
from tests.slack_events import (
    circleci_bot_message,
    event_callback,
    github_app_post,
    human_message,
    slackbot_message,
    workflow_message,
)
from tests.test_gateway import post
from tests.test_playground import GO_FILE, LONG_TEXT

BOT = "<@U0GOPHERBOT>"
CI_LOG = "Build failed\n" + "\n".join(f"#{n} go test ./... FAIL" for n in range(12))
# Everything the bot could do: a reply, a reaction, an ephemeral note, a Playground share,
# a file lookup, a DM.
ACTING_METHODS = (
    "chat.postMessage",
    "chat.postEphemeral",
    "reactions.add",
    "files.info",
    "conversations.open",
)

APP_MESSAGES = {
    "github app, bbq deploy": lambda: github_app_post("Deployed bbq-service to production"),
    "github app asks for help": lambda: github_app_post(f"{BOT} help"),
    "circleci log": lambda: circleci_bot_message(CI_LOG),
    "circleci asks for a definition": lambda: circleci_bot_message(f"{BOT} define tdd"),
    "slackbot reminder": lambda: slackbot_message("Reminder: bbq on Friday."),
    "slackbot in a dm": lambda: slackbot_message("help", channel="D0ALICE", channel_type="im"),
    "workflow welcome": lambda: workflow_message("Welcome to the team! Team bbq on Friday."),
    "workflow with long text": lambda: workflow_message(LONG_TEXT),
}


def calls(slack) -> dict[str, int]:
    return {method: len(slack.calls_to(method)) for method in ACTING_METHODS}


NOTHING = dict.fromkeys(ACTING_METHODS, 0)


@pytest.mark.parametrize("name", APP_MESSAGES)
def test_an_app_message_gets_nothing(bot, playground, name, log_text):
    job = bot.deliver(APP_MESSAGES[name]())
    assert calls(bot.slack) == NOTHING
    assert shared(playground) == []
    assert job.is_finished
    assert 'outcome="discarded: from ' in log_text()


@pytest.mark.parametrize("name", APP_MESSAGES)
def test_the_same_text_from_a_member_is_answered(bot, playground, name):
    event = APP_MESSAGES[name]()
    member = human_message(
        event["text"], channel=event["channel"], channel_type=event["channel_type"]
    )
    bot.deliver(member)
    assert calls(bot.slack) != NOTHING or shared(playground)


def test_an_app_sharing_a_go_file_gets_no_playground_link(bot, playground, slack):
    code = slack.add_file("main.go", GO_FILE, user="U0GITHUBAPP")
    files = [{"id": code["id"], "filetype": "go"}]
    bot.deliver(github_app_post("build output", subtype="file_share", files=files))
    assert calls(slack) == NOTHING
    assert shared(playground) == []


def test_a_member_mentioning_a_bot_is_answered(bot):
    bot.deliver(human_message(f"{BOT} go tour <@U0GITHUBAPP>"))
    bot.deliver(human_message("did <@U0GITHUBAPP> deploy the bbq service?"))
    (reply,) = bot.sent("chat.postMessage")
    assert reply["text"].startswith("<@U0GITHUBAPP> The Tour of Go")
    assert [r["name"] for r in bot.sent("reactions.add")] == ["bbqgopher"]


def test_two_bots_cannot_keep_each_other_talking(bot):
    """The bot's own reply, echoed back as Slack delivers it, is not answered again."""
    bot.deliver(human_message(f"{BOT} help"))
    (first,) = bot.slack.calls_to("chat.postMessage")
    echoed = dict(first.response["message"], channel="C0GENERAL", channel_type="channel")
    other_bot = github_app_post(f"{BOT} help")  # and another app repeating it
    bot.deliver(echoed)
    bot.deliver(other_bot)
    assert len(bot.sent("chat.postMessage")) == 1


# --- through the real path: signed request → gateway → Redis → worker → stand-in ----------


@pytest.mark.parametrize(
    "app_message",
    [lambda: github_app_post(f"{BOT} help, and bbq"), lambda: circleci_bot_message(CI_LOG)],
    ids=["github app", "circleci"],
)
def test_an_app_message_through_the_gateway_makes_no_slack_call(
    bot, playground, client, app_message, log_text
):
    response = post(client, event_callback(app_message()))
    assert response.status_code == 200
    bot.work("slack_message_public")

    assert calls(bot.slack) == NOTHING
    assert shared(playground) == []
    assert 'outcome="discarded: from an app' in log_text()


def test_a_member_through_the_gateway_is_answered(bot, client):
    response = post(client, event_callback(human_message(f"{BOT} xkcd:927 bbq")))
    assert response.status_code == 200
    bot.work("slack_message_public")

    assert len(bot.sent("chat.postMessage")) == 1
    assert len(bot.sent("reactions.add")) == 1
