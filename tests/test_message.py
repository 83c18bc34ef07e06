import time

import pytest

from bot.mentions import USER, Mention
from bot.message import discard_reason, parse_message
from tests.slack_events import (
    circleci_bot_message,
    github_app_post,
    human_message,
    message_event,
    slackbot_message,
    workflow_message,
)

BOT = "U0GOPHERBOT"
BOT_ID = "B0GOPHERBOT"


def discard(event):
    return discard_reason(event, bot_user_id=BOT, bot_id=BOT_ID)


def test_it_splices_mentions_and_knows_the_bot_was_mentioned():
    event = message_event("<@U0GOPHERBOT> go tour <@U0ALICE> <@U0BOB>", ts="1700000000.000100")
    message = parse_message(event, BOT)
    assert message.text == "go tour"
    assert message.raw_text == "<@U0GOPHERBOT> go tour <@U0ALICE> <@U0BOB>"
    assert message.bot_mentioned is True
    assert message.other_mentions == ("U0ALICE", "U0BOB")
    assert message.mentions[0] == Mention(USER, BOT)
    assert (message.user, message.channel, message.ts) == (
        "U0ALICE",
        "C0GENERAL",
        "1700000000.000100",
    )
    assert message.thread_ts is None


def test_other_mentions_keep_only_users_in_order():
    event = message_event("<@U0CAROL> <!here> <#C0NEWBIES> <!subteam^S0MODS> <@U0BOB> hi")
    message = parse_message(event, BOT)
    assert message.bot_mentioned is False
    assert message.other_mentions == ("U0CAROL", "U0BOB")


def test_it_keeps_the_thread():
    message = parse_message(message_event("hi", thread_ts="1700000000.000001"), BOT)
    assert message.thread_ts == "1700000000.000001"


@pytest.mark.parametrize(
    ("channel_type", "is_dm"),
    [("im", True), ("mpim", True), ("app_home", True), ("group", False), ("channel", False)],
)
def test_it_knows_a_dm_from_a_channel(channel_type, is_dm):
    message = parse_message(message_event("hi", channel_type=channel_type), BOT)
    assert message.is_dm is is_dm


def test_a_missing_channel_type_is_a_channel():
    event = message_event("hi")
    del event["channel_type"]
    assert parse_message(event, BOT).is_dm is False


def test_it_keeps_attached_files():
    event = message_event("", files=[{"id": "F0CODE", "filetype": "go"}, "junk"])
    assert parse_message(event, BOT).files == ({"id": "F0CODE", "filetype": "go"},)


def test_it_looks_at_a_fresh_message():
    assert discard(message_event("hi")) is None


def test_it_looks_at_a_thread_broadcast():
    assert discard(message_event("hi", subtype="thread_broadcast")) is None
    assert discard(message_event("hi", subtype="file_share")) is None


@pytest.mark.parametrize("subtype", ["message_changed", "channel_join", "channel_topic"])
def test_it_discards_a_message_with_another_subtype(subtype):
    assert discard(message_event("hi", subtype=subtype)) == f"subtype {subtype}"


@pytest.mark.parametrize("ts", ["", "yesterday", "1700000000", "1.2.3", None, 1700000000.5])
def test_it_discards_a_malformed_ts(ts):
    assert discard(message_event("hi", ts=ts)) == "malformed ts"


def test_it_discards_its_own_messages():
    assert discard(message_event("hi", user=BOT)) == "own message"
    assert discard(message_event("hi", user="U0OTHER", bot_id=BOT_ID)) == "own message"


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (github_app_post("deployed"), "from an app (bot_id B0GITHUB)"),
        (circleci_bot_message("build failed"), "from an app (subtype bot_message)"),
        (slackbot_message("Reminder: bbq."), "from Slackbot"),
        (workflow_message("Welcome!"), "from an app (bot_id B0WORKFLOW)"),
        (message_event("hi", bot_id="B0OTHER"), "from an app (bot_id B0OTHER)"),
        (message_event("hi", bot_profile={"id": "B0OTHER"}), "from an app (bot_profile)"),
        (slackbot_message("hi", bot_id="B01"), "from Slackbot"),
        (message_event("hi", subtype="bot_message", bot_id="B0OTHER"), "from an app (subtype "),
    ],
    ids=[
        "github app",
        "circleci bot_message",
        "slackbot",
        "workflow",
        "bot_id only",
        "bot_profile only",
        "slackbot with a bot_id",
        "bot_message with a bot_id",
    ],
)
def test_it_discards_messages_from_apps_bots_and_slackbot(event, reason):
    assert discard(event).startswith(reason)


def test_it_looks_at_a_members_message_that_mentions_a_bot():
    event = human_message("<@U0GOPHERBOT> help, and thanks <@U0GITHUBAPP>")
    assert discard(event) is None
    assert parse_message(event, BOT).other_mentions == ("U0GITHUBAPP",)


def test_other_mentions_name_each_user_once():
    event = message_event("<@U0BOB> <@U0GOPHERBOT> <@U0CAROL> <@U0BOB> <@U0BOB|bob> hi")
    assert parse_message(event, BOT).other_mentions == ("U0BOB", "U0CAROL")


@pytest.mark.parametrize(
    ("field", "value"),
    [("text", 5), ("user", ["U0ALICE"]), ("channel", {"id": "C0GENERAL"}), ("files", "F0ONE")],
)
def test_it_discards_a_field_of_the_wrong_type(field, value):
    event = {**message_event("hello"), field: value}
    assert discard(event) == f"malformed {field}"


def test_how_old_a_message_may_be_is_not_its_question():
    # Staleness is measured from when the gateway received it (bot.staleness).
    assert discard(message_event("hello", ts=f"{time.time() - 3600:.6f}")) is None
