import json
import os
import subprocess
import sys
from pathlib import Path

from slackapi.identity import IDENTITY_KEY, BotIdentity, bot_identity, forget_identity

ROOT = Path(__file__).resolve().parent.parent


def test_it_learns_the_identity_from_auth_test(slack, settings):
    assert bot_identity() == BotIdentity(
        user_id="U0GOPHERBOT", bot_id="B0GOPHERBOT", name="gopher", team_id=settings.SLACK_TEAM_ID
    )
    assert len(slack.calls_to("auth.test")) == 1
    assert slack.calls_to("users.info") == []


def test_it_asks_users_info_when_auth_test_leaves_out_the_bot_id(slack, settings):
    slack.fail_next(
        "auth.test",
        200,
        body={"ok": True, "user_id": "U0GOPHERBOT", "team_id": settings.SLACK_TEAM_ID},
    )

    found = bot_identity()

    assert (found.bot_id, found.name) == ("B0GOPHERBOT", "gopher")
    assert slack.calls_to("users.info")[0].params["user"] == "U0GOPHERBOT"


def test_it_asks_slack_only_once_per_process(slack):
    bot_identity()
    bot_identity()

    assert len(slack.calls_to("auth.test")) == 1


def test_it_keeps_the_identity_in_redis_for_an_hour(slack, redis_db):
    bot_identity()

    assert 3590 < redis_db.ttl(IDENTITY_KEY) <= 3600
    assert json.loads(redis_db.get(IDENTITY_KEY))["user_id"] == "U0GOPHERBOT"


def test_a_fresh_worker_process_reads_it_from_redis(slack):
    learned = bot_identity()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gopherbot.settings",
        "GOPHER_SLACK_API_URL": slack.url,
        "GOPHER_SLACK_BOT_ACCESS_TOKEN": slack.token,
    }
    script = "import django; django.setup(); from slackapi.identity import bot_identity; "
    script += "print(bot_identity().user_id)"

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.strip() == learned.user_id, result.stderr
    assert len(slack.calls_to("auth.test")) == 1


def test_an_identity_cached_for_another_workspace_is_not_used(slack, redis_db):
    record = {"fingerprint": "another-api-or-token", "user_id": "U0IMPOSTOR", "bot_id": "B0X"}
    redis_db.set(IDENTITY_KEY, json.dumps({**record, "name": "x", "team_id": "T0X"}))

    assert bot_identity().user_id == "U0GOPHERBOT"
    assert len(slack.calls_to("auth.test")) == 1


def test_a_damaged_record_is_replaced(slack, redis_db):
    redis_db.set(IDENTITY_KEY, "{not json")

    assert bot_identity().user_id == "U0GOPHERBOT"
    assert json.loads(redis_db.get(IDENTITY_KEY))["user_id"] == "U0GOPHERBOT"


def test_forget_identity_makes_the_next_call_ask_slack(slack, redis_db):
    bot_identity()

    forget_identity()

    assert redis_db.get(IDENTITY_KEY) is None
    bot_identity()
    assert len(slack.calls_to("auth.test")) == 2
