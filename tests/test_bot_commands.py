"""Operator commands: slack_check and replay_event."""

import io
import json
import time

import pytest
from django.core.management import CommandError, call_command

from tests.fixtures.bot import GO_TOUR_TEXT
from tests.slack_events import event_callback, message_event


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_slack_check_prints_the_bot_and_the_workspace(slack):
    out = run("slack_check")
    assert "Bot:       @gopher user U0GOPHERBOT, bot B0GOPHERBOT" in out
    assert "(T0LOCALTEAM)" in out
    assert "The Slack token works." in out
    assert [call.method for call in slack.calls][:1] == ["auth.test"]


def test_slack_check_fails_clearly_on_a_bad_token(slack, settings):
    settings.SLACK_BOT_TOKEN = "xoxb-wrong"
    with pytest.raises(CommandError, match="Slack refused the bot token: invalid_auth"):
        run("slack_check")


def test_slack_check_fails_clearly_for_another_workspace(slack, settings):
    settings.SLACK_TEAM_ID = "T0ELSEWHERE"
    with pytest.raises(CommandError, match="workspace T0LOCALTEAM, but GOPHER_SLACK_TEAM_ID"):
        run("slack_check")


def write(tmp_path, data) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_replay_prints_what_the_bot_would_send_and_sends_nothing(bot, tmp_path):
    old = f"{time.time() - 3600:.6f}"  # a saved event is old; replay judges it as new
    path = write(tmp_path, event_callback(message_event("<@U0GOPHERBOT> go tour", ts=old)))
    out = run("replay_event", path)
    assert "would send: chat.postMessage {'channel': 'C0GENERAL', 'text': 'The Tour" in out
    assert "outcome: answered (actions: command:go tour)" in out
    assert bot.sent("chat.postMessage") == []


def test_replay_without_send_shares_nothing_on_the_playground(bot, playground, tmp_path):
    code = "package main\n" + "// line\n" * 12
    path = write(tmp_path, message_event(code))  # in #general: DMs are never shared
    out = run("replay_event", path)
    assert "would share" in out and "bytes of Go on the Playground" in out
    assert "would send: chat.postMessage" in out
    assert playground.requests == []


def test_replay_send_sends(bot, tmp_path):
    out = run(
        "replay_event",
        write(tmp_path, message_event("tour", channel_type="im", channel="D0ALICE")),
        "--send",
    )
    assert "sending: chat.postMessage" in out
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [GO_TOUR_TEXT]


def test_replay_a_team_join(bot, tmp_path):
    out = run("replay_event", write(tmp_path, {"type": "team_join", "user": {"id": "U0CAROL"}}))
    assert "would send: DM to U0CAROL: chat.postMessage" in out
    assert "outcome: welcomed" in out
    assert bot.sent("conversations.open") == []


def test_replay_rejects_what_is_not_an_event(bot, tmp_path):
    with pytest.raises(CommandError, match="No event with a type"):
        run("replay_event", write(tmp_path, {"hello": "world"}))
    with pytest.raises(CommandError, match="is not JSON"):
        (tmp_path / "bad.json").write_text("{")
        run("replay_event", str(tmp_path / "bad.json"))
