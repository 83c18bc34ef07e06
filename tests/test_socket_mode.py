"""`manage.py socket_mode`: events over Slack's Socket Mode, through the gateway's one code path.

The real processes: the stand-in's socket → the socket_mode process → Redis → a Procfile
worker → the reply at the stand-in.
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from django.core.management import CommandError, call_command
from rq import Queue

from gopherbot.connections import get_redis
from localdev.local_redis import LocalRedis
from localdev.processes import procfile_command, running
from localdev.standin import STANDIN_APP_TOKEN
from localdev.state import read_state
from responses.defaults import CONTAINS
from tests.fixtures.reliability import wait_until
from tests.slack_events import event_callback, message_event
from tests.test_runbot import chat, command_line, local_env, start_runbot, wait_until_running

PROVERBS = next(rule["reply"] for rule in CONTAINS if rule["name"] == "proverbs")
SOCKET_MODE = "python manage.py socket_mode"


def replies(slack) -> list[str]:
    return [call.params["text"] for call in slack.calls_to("chat.postMessage")]


@pytest.fixture
def socket_env(worker_env, settings) -> dict[str, str]:
    """The socket_mode process's environment: the workers', the app token, our app and team."""
    return {
        **worker_env,
        "GOPHER_SLACK_APP_TOKEN": STANDIN_APP_TOKEN,
        "GOPHER_SLACK_APP_ID": settings.SLACK_APP_ID,
        "GOPHER_SLACK_TEAM_ID": settings.SLACK_TEAM_ID,
    }


def connected(slack, socket, hellos: int = 1):
    wait_until(lambda: slack.socket.hellos >= hellos, 30, "the socket_mode connection", socket)
    assert slack.socket.wait_for_connections(1, timeout=10), socket.output()


def test_an_event_over_socket_mode_is_answered_end_to_end(slack, socket_env):
    body = event_callback(message_event("proverbs"))

    with running(SOCKET_MODE, socket_env) as socket:
        connected(slack, socket)
        delivery = slack.socket.send(body)
        assert delivery.wait_acked(5), socket.output()
        with running(procfile_command("worker"), socket_env) as worker:
            wait_until(lambda: replies(slack), 30, "the reply", socket, worker)
        socket.process.send_signal(signal.SIGTERM)
        assert socket.process.wait(timeout=15) == 0, socket.output()
        output = socket.output()

    assert replies(slack) == [PROVERBS]
    assert slack.calls_to("chat.postMessage")[0].params["channel"] == "C0GENERAL"
    assert delivery.attempts == 1
    assert [call.method for call in slack.calls if call.method.startswith("apps.")] == [
        "apps.connections.open"
    ]
    line = next(line for line in output.splitlines() if 'msg="slack event"' in line)
    assert "receiver=socket_mode" in line
    assert f"event_id={body['event_id']}" in line
    assert "outcome=enqueued" in line
    assert f"request_id={delivery.envelope_ids[0]}" in line
    assert STANDIN_APP_TOKEN not in output
    assert "socket mode stopping" in output and "Traceback" not in output


def test_a_redelivered_envelope_is_enqueued_and_answered_once(slack, socket_env):
    body = event_callback(message_event("proverbs"))

    with running(SOCKET_MODE, socket_env) as socket:
        connected(slack, socket)
        # The bot takes the event in, but its acknowledgement never reaches Slack, which
        # delivers it again on the next connection.
        slack.socket.lose_next_acks(1)
        delivery = slack.socket.send(body)
        wait_until(lambda: slack.socket.lost_acks, 10, "the first acknowledgement", socket)
        slack.socket.disconnect("refresh_requested")
        assert delivery.wait_acked(30), socket.output()
        with running(procfile_command("worker"), socket_env) as worker:
            wait_until(lambda: replies(slack), 30, "the reply", socket, worker)
            time.sleep(2)  # room for a second reply, if there were one
        output = socket.output()

    assert replies(slack) == [PROVERBS]
    assert delivery.attempts >= 2  # more if an acknowledgement was slower than Slack waits
    assert delivery.acked_envelope_id in delivery.envelope_ids[1:]
    first, *again = [line for line in output.splitlines() if 'msg="slack event"' in line]
    assert "outcome=enqueued" in first and "retry=" not in first
    assert again and all("outcome=duplicate" in line for line in again)
    assert "retry=1" in again[0] and "retry_reason=timeout" in again[0]


def test_it_reconnects_when_slack_says_disconnect(slack, socket_env):
    with running(SOCKET_MODE, socket_env) as socket:
        connected(slack, socket)
        assert slack.socket.disconnect("refresh_requested", grace=30) == 1
        connected(slack, socket, hellos=2)
        # The old connection is the bot's to close; it does not wait for Slack's grace.
        wait_until(lambda: slack.socket.open_connections == 1, 10, "the old one closed", socket)
        first = event_callback(message_event("proverbs"))
        assert slack.socket.send(first).wait_acked(10), socket.output()

        slack.socket.disconnect("warning", grace=30)
        connected(slack, socket, hellos=3)
        # Sent at once: the client reads the new connection once it has let go of the old
        # one, which can take longer than Slack waits for an acknowledgement; if so, the
        # event comes twice and is enqueued once.
        second = event_callback(message_event("proverbs"))
        assert slack.socket.send(second).wait_acked(10), socket.output()
        assert socket.process.poll() is None

    assert len(slack.calls_to("apps.connections.open")) == 3
    assert queued_event_ids() == [first["event_id"], second["event_id"]]


def test_it_reconnects_after_the_connection_drops(slack, socket_env):
    with running(SOCKET_MODE, socket_env) as socket:
        connected(slack, socket)
        slack.socket.close_connections()  # a Slack server going away (close frame 1001)
        connected(slack, socket, hellos=2)
        slack.socket.drop_connections()  # a Slack server that died: no close frame
        connected(slack, socket, hellos=3)  # slack_sdk notices within 4 ping intervals
        body = event_callback(message_event("proverbs"))
        assert slack.socket.send(body).wait_acked(10), socket.output()

    assert len(slack.calls_to("apps.connections.open")) == 3
    assert queued_event_ids() == [body["event_id"]]


def test_while_redis_is_down_nothing_is_acknowledged_then_the_event_lands_once(
    slack, socket_env, tmp_path
):
    store = LocalRedis(data_dir=tmp_path / "redis", persist=True).start()
    env = {**socket_env, "REDIS_URL": store.url}
    slack.socket.ack_timeout = 1.0  # Slack's is 3 s: the same steps, sooner
    slack.socket.max_retries = 30
    body = event_callback(message_event("proverbs"))
    try:
        with running(SOCKET_MODE, env) as socket:
            connected(slack, socket)
            store.kill()
            delivery = slack.socket.send(body)
            wait_until(lambda: delivery.attempts >= 3, 30, "Slack's retries", socket)
            assert not delivery.acked
            store.start()
            assert delivery.wait_acked(30), socket.output()
            with running(procfile_command("worker"), env) as worker:
                wait_until(lambda: replies(slack), 30, "the reply", socket, worker)
                time.sleep(2)  # room for a second reply, if there were one
            output = socket.output()

        assert replies(slack) == [PROVERBS]
        lines = [line for line in output.splitlines() if 'msg="slack event"' in line]
        (enqueued,) = [i for i, line in enumerate(lines) if "outcome=enqueued" in line]
        refused, later = lines[:enqueued], lines[enqueued + 1 :]
        assert len(refused) >= 2
        assert all('outcome="redis error: ConnectionError" status=503' in x for x in refused)
        assert all("outcome=duplicate" in line for line in later)  # a slow ack's retry
        assert delivery.acked_envelope_id != delivery.envelope_ids[0]
    finally:
        store.stop()


# --- the receiver in-process, for what needs no worker -------------------------------------


@pytest.fixture
def receiver(slack, settings):
    """The Socket Mode client in this process, connected to the stand-in."""
    from gateway.socket_mode import build_client

    client = build_client(slack.app_token)
    client.connect()
    assert slack.socket.wait_for_connections(1, timeout=10)
    yield client
    client.close()


def queued_event_ids(queue: str = "slack_message_public") -> list[str]:
    return [job.args[0]["event_id"] for job in Queue(queue, connection=get_redis()).get_jobs()]


def test_interactive_and_slash_command_envelopes_are_acknowledged_and_ignored(
    slack, receiver, log_text
):
    action = slack.socket.send(
        {"type": "block_actions", "token": "legacy", "team": {"id": "T0LOCALTEAM"}},
        type="interactive",
    )
    command = slack.socket.send(
        {"command": "/gopher", "text": "help", "team_id": "T0LOCALTEAM"},
        type="slash_commands",
        accepts_response_payload=True,
    )

    assert action.wait_acked(5) and command.wait_acked(5)
    assert queued_event_ids() == []
    text = log_text()
    assert "envelope_type=interactive" in text and "envelope_type=slash_commands" in text
    assert text.count('msg="socket mode envelope ignored"') == 2


def test_an_event_for_another_app_is_acknowledged_and_not_enqueued(slack, receiver, log_text):
    body = event_callback(message_event("proverbs"), api_app_id="A0SOMEONEELSE")

    delivery = slack.socket.send(body)

    assert delivery.wait_acked(5)
    time.sleep(0.5)
    assert delivery.attempts == 1  # acknowledged: Slack does not deliver it again
    assert queued_event_ids() == []
    assert "receiver=socket_mode" in log_text() and "api_app_id mismatch" in log_text()


def test_events_land_on_the_same_queues_as_over_http(slack, receiver):
    public = event_callback(message_event("proverbs"))
    private = event_callback(message_event("proverbs", channel="D0ALICE", channel_type="im"))

    for body in (public, private):
        assert slack.socket.send(body).wait_acked(5)

    assert queued_event_ids("slack_message_public") == [public["event_id"]]
    assert queued_event_ids("slack_message_private") == [private["event_id"]]


def test_it_refuses_to_start_without_an_app_token(settings):
    settings.SLACK_APP_TOKEN = ""

    with pytest.raises(CommandError, match=r"GOPHER_SLACK_APP_TOKEN is not set.*connections:write"):
        call_command("socket_mode")


def test_it_refuses_a_bot_token(settings):
    settings.SLACK_APP_TOKEN = "xoxb-1234"

    with pytest.raises(CommandError, match="not an app-level token"):
        call_command("socket_mode")


def test_it_says_when_slack_refuses_the_token(slack, settings):
    settings.SLACK_APP_TOKEN = "xapp-1-A0LOCALBOT-revoked"

    with pytest.raises(CommandError, match=r"Slack refused .* \(invalid_auth\)"):
        call_command("socket_mode")

    assert slack.calls_to("apps.connections.open")[0].response["error"] == "invalid_auth"


# --- chat and runbot ------------------------------------------------------------------------


def test_chat_socket_mode_sends_the_message_down_the_bots_socket(
    slack, receiver, settings, tmp_path
):
    settings.LOCAL_DATA_DIR = tmp_path  # no runbot state: everything from the options

    with pytest.raises(CommandError, match="no answer within 1 s"):  # no worker here
        call_command("chat", "define tdd", socket_mode=True, standin=slack.root_url, timeout=1)

    (job,) = Queue("slack_message_private", connection=get_redis()).get_jobs()
    assert job.args[0]["event"]["text"] == "define tdd"
    assert job.args[0]["event"]["channel"] == "D0ALICE"
    (delivery,) = slack.socket.deliveries()
    assert delivery.acked and delivery.payload["event"] == job.args[0]["event"]


def test_chat_socket_mode_says_when_no_bot_is_connected(slack, settings, tmp_path):
    settings.LOCAL_DATA_DIR = tmp_path

    with pytest.raises(CommandError, match=r"no bot is connected .* GOPHER_SLACK_APP_TOKEN"):
        call_command("chat", "hello", socket_mode=True, standin=slack.root_url, timeout=1)


def test_runbot_takes_events_over_socket_mode_when_an_app_token_is_set(tmp_path):
    env = local_env(tmp_path, GOPHER_SLACK_APP_TOKEN="xapp-1-A0LOCALBOT-mine")
    log = tmp_path / "runbot.log"
    runbot = start_runbot(env, log)
    try:
        wait_until_running(runbot, env, log)
        state = read_state(Path(env["GOPHER_LOCAL_DIR"]))
        commands = [command_line(p) for p in psutil.Process(runbot.pid).children(True)]
        banner = log.read_text()

        coin = chat(env, "flip a coin")  # over the socket: runbot's state says so

        output = log.read_text()
    finally:
        os.kill(runbot.pid, signal.SIGINT)
        try:
            runbot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(runbot.pid, signal.SIGKILL)
            raise

    assert state.socket_mode
    assert any(command.endswith("manage.py socket_mode") for command in commands)
    assert any("gunicorn gopherbot.wsgi" in command for command in commands)  # the admin
    assert re.search(r"Events +over Socket Mode \(GOPHER_SLACK_APP_TOKEN\)", banner)
    assert "/slack/event" not in banner
    assert coin.returncode == 0, coin.stderr
    assert re.fullmatch(r"gopher: .*\b(heads|tails)\b.*", coin.stdout.strip(), re.I)
    assert "apps.connections.open" in output
    assert "receiver=socket_mode" in output
    assert "xapp-1-A0LOCALBOT-mine" not in output
    assert runbot.returncode == 0, output
