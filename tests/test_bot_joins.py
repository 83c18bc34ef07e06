"""Welcomes for new members and channel joins (docs/behaviour.md#welcomes), through real RQ jobs."""

import time

import pytest

from gateway.delivery import RETRY_INTERVALS


def team_join(user_id: str = "U0CAROL", **user) -> dict:
    return {"type": "team_join", "user": {"id": user_id, "name": "carol", **user}}


def channel_join(channel: str = "C0NEWBIES", user: str = "U0CAROL") -> dict:
    return {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": "C",
        "team": "T0LOCALTEAM",
    }


TEAM_WELCOME_TEXT = (
    "Welcome to Gophers! Ask <@U0GOPHERBOT> for `help`. Say hi in <#C0GENERAL>.\n"
    "• <#C0GENERAL> - general Go questions\n"
    "• <#C0NEWBIES> - newbie resources"
)


def test_a_new_member_gets_a_welcome_dm(bot):
    job = bot.deliver(team_join())
    assert job.is_finished
    assert bot.sent("conversations.open") == [{"users": "U0CAROL"}]
    assert bot.sent("chat.postMessage") == [
        {
            "channel": "D0CAROL",
            "text": TEAM_WELCOME_TEXT,
            "unfurl_links": False,
            "unfurl_media": False,
        }
    ]


def test_a_new_bot_gets_no_welcome(bot):
    bot.deliver(team_join("U0BOB", is_bot=True))
    assert bot.sent("chat.postMessage") == []


def test_shadow_mode_only_logs_the_welcome(bot, settings, log_text):
    settings.SHADOW_MODE = True
    job = bot.deliver(team_join())
    assert job.is_finished
    assert bot.sent("conversations.open") == []
    assert bot.sent("chat.postMessage") == []
    assert 'outcome="shadow mode: logged"' in log_text()


def test_a_failed_welcome_dm_is_retried(bot, slack, quick_backoff):
    slack.fail_next("chat.postMessage", 503, times=3)
    job = bot.deliver(team_join())
    assert job.is_scheduled
    assert job.retries_left == len(RETRY_INTERVALS) - 1
    bot.run_due_retries("slack_team_join")
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [TEAM_WELCOME_TEXT]


def test_a_member_joining_newbies_gets_an_ephemeral_welcome_addressed_to_them(bot):
    job = bot.deliver(channel_join())
    assert job.is_finished
    assert bot.sent("chat.postEphemeral") == [
        {
            "channel": "C0NEWBIES",
            "user": "U0CAROL",
            "text": "<@U0CAROL> Welcome to <#C0NEWBIES>! Try `<@U0GOPHERBOT> newbie resources`.",
        }
    ]


@pytest.mark.parametrize(
    ("channel", "user"), [("C0GENERAL", "U0CAROL"), ("C0NEWBIES", "U0GOPHERBOT")]
)
def test_no_welcome_for_other_channels_or_the_bot_itself(bot, channel, user):
    job = bot.deliver(channel_join(channel, user))
    assert job.is_finished
    assert bot.sent("chat.postEphemeral") == []


def test_shadow_mode_only_logs_the_channel_welcome(bot, settings):
    settings.SHADOW_MODE = True
    bot.deliver(channel_join())
    assert bot.sent("chat.postEphemeral") == []


def test_a_failed_channel_welcome_is_retried_while_timely(bot, slack, quick_backoff):
    slack.fail_next("chat.postEphemeral", 503, times=3)
    job = bot.deliver(channel_join())
    assert job.is_scheduled
    bot.run_due_retries("slack_channel_join")
    assert len(bot.sent("chat.postEphemeral")) == 1


def test_a_failed_channel_welcome_over_10_minutes_old_is_not_retried(bot, slack, quick_backoff):
    slack.fail_next("chat.postEphemeral", 503, times=3)
    job = bot.deliver(channel_join(), event_time=int(time.time()) - 11 * 60)
    assert job.is_failed
    assert job.retries_left == 0
    assert "welcome not sent: internal_error, HTTP 503" in job.latest_result().exc_string
