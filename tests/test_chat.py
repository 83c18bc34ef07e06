"""`manage.py chat` against the real gateway (a live server) and the stand-in, with no worker."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from rq import Queue

from localdev.chat import ChatError, Conversation, event_callback, message_event, now_ts, post_event
from localdev.local_redis import free_port
from localdev.processes import ROOT


@pytest.fixture
def bot(live_server, slack_standin, redis_db):
    """The gateway, live over HTTP, and the stand-in; nothing consumes the queues."""
    slack_standin.reset()
    return {"url": live_server.url, "standin": slack_standin.root_url}


def bot_options(bot: dict) -> list[str]:
    return ["--url", bot["url"], "--standin", bot["standin"]]


def queued_event(redis_db, queue: str) -> dict:
    (job,) = Queue(queue, connection=redis_db).get_jobs()
    return job.args[0]["event"]


def test_it_exits_non_zero_when_nothing_answers(bot, redis_db, tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "chat", "hello", "--timeout", "1", *bot_options(bot)],
        cwd=ROOT,
        env={**os.environ, "GOPHER_LOCAL_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 1
    assert "no answer within 1 s" in result.stderr
    assert result.stdout == ""
    # It did get through: signed as Slack signs, the gateway verified and queued it.
    event = queued_event(redis_db, "slack_message_private")
    assert (event["type"], event["text"], event["user"]) == ("message", "hello", "U0ALICE")
    assert (event["channel"], event["channel_type"]) == ("D0ALICE", "im")


def test_in_a_channel_it_mentions_the_bot_and_people(bot, redis_db):
    with pytest.raises(CommandError, match="no answer"):
        call_command(
            "chat", "@gopher go tour @bob", channel="general", user="carol", timeout=0.2, **bot
        )

    event = queued_event(redis_db, "slack_message_public")
    assert event["text"] == "<@U0GOPHERBOT> go tour <@U0BOB>"
    assert (event["channel"], event["channel_type"], event["user"]) == (
        "C0GENERAL",
        "channel",
        "U0CAROL",
    )


def test_it_replies_in_a_thread(bot, redis_db):
    with pytest.raises(CommandError, match="no answer"):
        call_command("chat", "me too", thread="1700000000.000100", timeout=0.2, **bot)

    assert queued_event(redis_db, "slack_message_private")["thread_ts"] == "1700000000.000100"


def test_it_joins_the_team_and_a_channel(bot, redis_db):
    with pytest.raises(CommandError, match="no answer"):
        call_command("chat", user="bob", join_team=True, join_channel="newbies", timeout=0.2, **bot)

    joined_team = queued_event(redis_db, "slack_team_join")
    assert (joined_team["type"], joined_team["user"]["id"]) == ("team_join", "U0BOB")
    joined_channel = queued_event(redis_db, "slack_channel_join")
    assert joined_channel["type"] == "member_joined_channel"
    assert (joined_channel["user"], joined_channel["channel"]) == ("U0BOB", "C0NEWBIES")


def test_it_says_when_no_bot_is_running(slack_standin):
    url = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(CommandError, match=rf"nothing answers at {url}.*make run"):
        call_command("chat", "hello", url=url, standin=slack_standin.root_url)


def test_it_says_when_the_gateway_refuses_the_signature(bot, settings, redis_db):
    body = event_callback(
        message_event(Conversation(), "hello", now_ts(), settings.SLACK_TEAM_ID),
        app_id=settings.SLACK_APP_ID,
        team_id=settings.SLACK_TEAM_ID,
    )

    with pytest.raises(ChatError, match=r"HTTP 401.*GOPHER_SLACK_REQUEST_SECRET"):
        post_event(bot["url"], body, "not-the-gateway-secret")
    assert Queue("slack_message_private", connection=redis_db).get_jobs() == []


def test_it_refuses_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="never production"):
        call_command("chat", "hello")
