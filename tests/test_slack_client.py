import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError

from slackapi import client as slack_client
from slackapi.client import build_client, get_client, reset_client

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_it_calls_the_configured_api_with_the_bot_token(slack):
    get_client().auth_test()

    [call] = slack.calls_to("auth.test")
    assert call.headers["authorization"] == f"Bearer {slack.token}"


def test_it_adds_the_trailing_slash_the_base_url_needs(slack, settings):
    settings.SLACK_API_URL = slack.url.rstrip("/")

    get_client().auth_test()

    assert len(slack.calls_to("auth.test")) == 1


def test_a_local_run_without_a_token_talks_to_the_standin_with_its_token(slack):
    # A fresh process, as `manage.py runbot` starts them: no GOPHER_SLACK_BOT_ACCESS_TOKEN.
    code = (
        "import django; django.setup(); from slackapi.client import get_client; "
        "print(get_client().auth_test()['user_id'])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "gopherbot.settings",
        "GOPHER_SLACK_API_URL": slack.url,
        "REDIS_URL": os.environ["REDIS_URL"],
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "U0GOPHERBOT"
    [call] = slack.calls_to("auth.test")
    assert call.headers["authorization"] == f"Bearer {slack.token}"


def test_it_keeps_one_client_per_process(slack, monkeypatch):
    first = get_client()
    assert get_client() is first

    monkeypatch.setattr(slack_client.os, "getpid", lambda: -1)  # as in a forked child

    assert get_client() is not first


def test_reset_client_picks_up_new_settings(slack, settings):
    get_client()
    settings.SLACK_BOT_TOKEN = "xoxb-rotated"
    reset_client()

    with pytest.raises(SlackApiError) as raised:
        get_client().auth_test()

    assert raised.value.response["error"] == "invalid_auth"


def test_it_waits_out_a_429_and_posts_once(slack):
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "1"})

    started = time.monotonic()
    answer = get_client().chat_postMessage(channel="C0GENERAL", text="hello")
    waited = time.monotonic() - started

    assert answer["ok"] is True
    assert 1.0 <= waited < 2.5
    assert [c.status for c in slack.attempts_to("chat.postMessage")] == [429, 200]
    [post] = slack.calls_to("chat.postMessage")
    assert post.params["text"] == "hello"


def test_it_gives_up_at_once_when_retry_after_is_too_long(slack):
    slack.fail_next("chat.postMessage", 429, headers={"Retry-After": "120"})

    started = time.monotonic()
    with pytest.raises(SlackApiError) as raised:
        get_client().chat_postMessage(channel="C0GENERAL", text="hello")

    assert time.monotonic() - started < 1
    assert raised.value.response.status_code == 429
    assert slack.calls_to("chat.postMessage") == []


def test_it_stops_retrying_a_429_after_three_tries(slack):
    slack.fail_next("auth.test", 429, headers={"Retry-After": "0"}, times=10)

    with pytest.raises(SlackApiError) as raised:
        get_client().auth_test()

    assert raised.value.response.status_code == 429
    assert len(slack.attempts_to("auth.test")) == 4  # the call and three retries


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_it_retries_a_server_error(slack, status):
    slack.fail_next("reactions.add", status)

    get_client().reactions_add(channel="C0GENERAL", timestamp="1.000001", name="gopher")

    assert [c.status for c in slack.attempts_to("reactions.add")] == [status, 200]


def test_it_does_not_retry_a_slack_error_answer(slack):
    with pytest.raises(SlackApiError):
        get_client().chat_postMessage(channel="C0NOWHERE", text="hi")

    assert len(slack.attempts_to("chat.postMessage")) == 1


def test_it_retries_a_dropped_connection_then_gives_up(settings):
    # A server that accepts each connection and closes it without answering.
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def drop_connections():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)
            connection.close()

    threading.Thread(target=drop_connections, daemon=True).start()
    settings.SLACK_API_URL = f"http://127.0.0.1:{listener.getsockname()[1]}/api/"
    reset_client()
    try:
        with pytest.raises(ConnectionError):
            get_client().auth_test()
    finally:
        listener.close()
        reset_client()

    assert len(accepted) == 3  # the call and two retries


def test_a_read_timeout_is_not_retried_so_nothing_posts_twice(slack):
    slack.delay_next("chat.postMessage", 1.0)
    client = build_client(timeout=0.3)

    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel="C0GENERAL", text="slow")

    wait_for(lambda: slack.attempts_to("chat.postMessage"))
    time.sleep(0.3)
    assert len(slack.attempts_to("chat.postMessage")) == 1
