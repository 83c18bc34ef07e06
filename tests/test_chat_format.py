"""How `manage.py chat` prints what the bot did, read off the stand-in as chat reads it."""

import time

import pytest

from localdev.chat import (
    ChatError,
    Conversation,
    StandinWatcher,
    format_call,
    readable,
    to_slack_text,
)
from slackapi.client import get_client

ALICE_IN_A_DM = Conversation()


def printed(slack, conversation: Conversation = ALICE_IN_A_DM) -> list[str]:
    watcher = StandinWatcher(slack.root_url)
    return [line for call in watcher.visible() for line in format_call(call, conversation)]


def a_ts() -> str:
    return f"{time.time():.6f}"


def test_a_reply_in_the_dm_reads_as_the_bot_speaking(slack):
    get_client().chat_postMessage(channel="D0ALICE", text="`tdd` is test-driven development")

    assert printed(slack) == ["gopher: `tdd` is test-driven development"]


def test_mentions_links_and_escapes_read_as_in_slack(slack):
    get_client().chat_postMessage(
        channel="D0ALICE",
        text="<@U0ALICE> see <#C0NEWBIES|newbies> and <https://go.dev/tour/|the tour>: "
        "<https://go.dev/play/> &lt;3 &amp; <!here>",
    )

    assert printed(slack) == [
        "gopher: @alice see #newbies and the tour (https://go.dev/tour/): "
        "https://go.dev/play/ <3 & @here"
    ]


def test_a_long_message_continues_indented(slack):
    get_client().chat_postMessage(channel="D0ALICE", text="Welcome!\n\nA few things:\n• one")

    assert printed(slack) == ["gopher: Welcome!", "", "  A few things:", "  • one"]


def test_attachments_are_indented_under_the_message(slack):
    get_client().chat_postMessage(
        channel="D0ALICE",
        text="Here is what I can do.",
        attachments=[{"title": "Commands", "text": "• `flip a coin`\n• `help`", "footer": "v1"}],
    )

    assert printed(slack) == [
        "gopher: Here is what I can do.",
        "  | Commands",
        "  | • `flip a coin`",
        "  | • `help`",
        "  | v1",
    ]


def test_an_ephemeral_message_is_marked_only_visible_to_you(slack):
    get_client().chat_postEphemeral(channel="C0NEWBIES", user="U0ALICE", text="Welcome!")
    in_newbies = Conversation(channel="newbies")

    assert printed(slack, in_newbies) == ["gopher (only visible to you): Welcome!"]


def test_an_ephemeral_message_for_someone_else_names_them(slack):
    get_client().chat_postEphemeral(channel="C0NEWBIES", user="U0BOB", text="Welcome!")
    in_newbies = Conversation(channel="newbies")

    assert printed(slack, in_newbies) == ["gopher (only visible to @bob): Welcome!"]


def test_a_reaction_reads_as_the_bot_reacting(slack):
    get_client().reactions_add(channel="C0GENERAL", timestamp=a_ts(), name="bbqgopher")

    assert printed(slack, Conversation(channel="general")) == ["gopher reacted :bbqgopher:"]


def test_a_thread_reply_is_marked_with_its_thread(slack):
    get_client().chat_postMessage(
        channel="C0GENERAL", thread_ts="1700000000.000100", text="`select {}`"
    )

    assert printed(slack, Conversation(channel="general")) == [
        "gopher (in thread 1700000000.000100): `select {}`"
    ]


def test_an_answer_elsewhere_says_where_it_went(slack):
    get_client().chat_postMessage(channel="U0ALICE", text="Welcome to Gophers!")

    assert printed(slack, Conversation(channel="general")) == [
        "[DM with @alice] gopher: Welcome to Gophers!"
    ]


def test_a_dm_addressed_by_user_id_is_the_dm_itself(slack):
    get_client().chat_postMessage(channel="U0ALICE", text="Welcome to Gophers!")

    assert printed(slack) == ["gopher: Welcome to Gophers!"]


def test_a_conversation_is_named_as_its_person_sees_it():
    assert ALICE_IN_A_DM.label == "DM with @gopher"
    assert Conversation(channel="general").label == "#general"


def test_a_custom_username_speaks_for_the_bot(slack):
    get_client().chat_postMessage(
        channel="C0GOTIMEFM", text="<https://changelog.social/@gotime/1>", username="Changelog"
    )

    assert printed(slack, Conversation(channel="gotimefm")) == [
        "Changelog: https://changelog.social/@gotime/1"
    ]


def test_a_call_slack_refused_is_shown_with_slacks_error(slack):
    with pytest.raises(Exception, match="is_archived"):
        get_client().chat_postMessage(channel="C0GOPHERCON2016", text="hello")

    assert printed(slack) == [
        "[C0GOPHERCON2016] gopher tried chat.postMessage, and Slack answered is_archived"
    ]


def test_calls_nobody_would_see_are_not_printed(slack):
    get_client().auth_test()
    get_client().conversations_list()

    assert printed(slack) == []


def test_each_call_is_printed_once(slack):
    watcher = StandinWatcher(slack.root_url)
    get_client().chat_postMessage(channel="D0ALICE", text="one")
    assert [call["params"]["text"] for call in watcher.visible()] == ["one"]

    get_client().chat_postMessage(channel="D0ALICE", text="two")
    assert [call["params"]["text"] for call in watcher.visible()] == ["two"]
    assert watcher.visible() == []


def test_typed_mentions_become_slack_mentions():
    assert to_slack_text("@gopher go tour @bob, see #newbies") == (
        "<@U0GOPHERBOT> go tour <@U0BOB>, see <#C0NEWBIES|newbies>"
    )


def test_typed_text_is_escaped_and_unknown_names_stay_as_typed():
    assert to_slack_text("a <b> & @nobody #nowhere mail@example.com @here") == (
        "a &lt;b&gt; &amp; @nobody #nowhere mail@example.com <!here>"
    )


def test_readable_keeps_what_is_not_markup():
    table = "┬─┬ノ( º _ ºノ)"  # noqa: RUF001 (the bot's table, put back)
    assert readable(f"<@U0UNKNOWN> {table} `x < y`") == f"@U0UNKNOWN {table} `x < y`"


def test_it_rejects_people_and_channels_the_stand_in_does_not_know():
    with pytest.raises(ChatError, match=r"no user 'dave'.*alice, bob, carol"):
        Conversation(user="dave")
    with pytest.raises(ChatError, match=r"no channel #gophercon-2016 \(it is archived\)"):
        Conversation(channel="gophercon-2016")
