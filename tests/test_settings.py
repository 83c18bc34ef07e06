"""Settings come from the environment: checked in a fresh interpreter per case."""

import subprocess
import sys
from pathlib import Path

import pytest

PRODUCTION_ENV = {
    "ENV": "production",
    "DJANGO_SECRET_KEY": "a-long-random-production-key-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "gopherbot.example.org",
    "GOPHER_SLACK_APP_ID": "A0PROD",
    "GOPHER_SLACK_TEAM_ID": "T0PROD",
    "GOPHER_SLACK_REQUEST_SECRET": "prod-signing-secret",
    "GOPHER_SLACK_BOT_ACCESS_TOKEN": "xoxb-prod",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "DATABASE_URL": "postgres://bot:pw@db.internal:5432/gopherbot",
}


def load_settings(env: dict, expression: str) -> subprocess.CompletedProcess:
    code = f"import gopherbot.settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )


def test_local_defaults_need_no_configuration():
    result = load_settings({}, "s.ENV, s.SHADOW_MODE, s.DATABASES['default']['ENGINE']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "development False django.db.backends.sqlite3"


def test_without_a_bot_token_a_local_run_uses_the_standins_token():
    result = load_settings({}, "s.SLACK_USES_STANDIN, s.SLACK_BOT_TOKEN == s.SLACK_STANDIN_TOKEN")
    assert result.stdout.strip() == "True True", result.stderr


def test_a_real_token_is_never_replaced_by_the_standins():
    result = load_settings({"GOPHER_SLACK_BOT_ACCESS_TOKEN": "xoxb-dev"}, "s.SLACK_BOT_TOKEN")
    assert result.stdout.strip() == "xoxb-dev", result.stderr


def test_production_names_every_missing_secret():
    result = load_settings({"ENV": "production"}, "1")
    assert result.returncode != 0
    assert "ENV=production needs these environment variables" in result.stderr
    for name in ["DJANGO_SECRET_KEY", "GOPHER_SLACK_REQUEST_SECRET", "GOPHER_SLACK_APP_ID"]:
        assert name in result.stderr


def test_production_with_everything_set_loads():
    result = load_settings(PRODUCTION_ENV, "s.SHADOW_MODE, s.DATABASES['default']['ENGINE']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False django.db.backends.postgresql"


def test_staging_with_a_real_token_runs_in_shadow_mode():
    env = {**PRODUCTION_ENV, "ENV": "staging"}
    assert load_settings(env, "s.SHADOW_MODE").stdout.strip() == "True"


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({}, "rediss://redis.internal:6379/0"),
        ({"GOPHER_REDIS_INSECURE": "1"}, "redis://redis.internal:6379/0"),
        ({"REDIS_URL": "rediss://h:1/0"}, "rediss://h:1/0"),
    ],
)
def test_production_speaks_tls_to_redis_unless_told_insecure(extra, expected):
    result = load_settings({**PRODUCTION_ENV, **extra}, "s.REDIS_URL")
    assert result.stdout.strip() == expected


def test_skipverify_turns_off_certificate_checks_for_queues():
    env = {**PRODUCTION_ENV, "REDIS_URL": "rediss://h:1/0", "GOPHER_REDIS_SKIPVERIFY": "1"}
    result = load_settings(env, "s.RQ_QUEUES['default']['SSL_CERT_REQS']")
    assert result.stdout.strip() == "none"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"ENV": "prod"}, "ENV must be one of"),
        ({"GOPHER_LOG_LEVEL": "loud"}, "GOPHER_LOG_LEVEL must be one of"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be a boolean"),
        ({"PORT": "eighty"}, "PORT must be an integer"),
    ],
)
def test_a_bad_value_fails_loudly_with_the_variable_name(env, message):
    result = load_settings(env, "1")
    assert result.returncode != 0
    assert message in result.stderr


def test_secrets_do_not_leak_into_the_error_message():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = load_settings(env, "1")
    assert "prod-signing-secret" not in result.stderr
    assert "xoxb-prod" not in result.stderr


def test_rq_and_the_bot_share_one_redis_configuration():
    env = {**PRODUCTION_ENV, "REDIS_URL": "rediss://:pw@h:1/0", "GOPHER_REDIS_SKIPVERIFY": "1"}
    result = load_settings(
        env,
        "s.REDIS_CONNECTION, all(q['URL'] == s.REDIS_CONNECTION['URL'] "
        "for q in s.RQ_QUEUES.values())",
    )
    connection, shared = result.stdout.strip().rsplit(" ", 1)
    assert shared == "True"
    assert "'URL': 'rediss://:pw@h:1/0?socket_connect_timeout=2&socket_timeout=5" in connection
    assert "'SSL_CERT_REQS': 'none'" in connection


def test_the_dedup_window_cannot_be_shorter_than_slacks_retries():
    result = load_settings({"GOPHER_EVENT_DEDUP_SECONDS": "300"}, "1")
    assert result.returncode != 0
    assert "GOPHER_EVENT_DEDUP_SECONDS must be at least 600" in result.stderr
