"""The stand-in's Socket Mode endpoint speaks Slack's protocol, frame for frame."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from localdev.standin import STANDIN_APP_TOKEN
from tests.slack_events import event_callback


def open_url(slack, token: str = STANDIN_APP_TOKEN) -> str:
    client = WebClient(base_url=slack.url, retry_handlers=[])
    return client.apps_connections_open(app_token=token)["url"]


def receive(connection, timeout: float = 5) -> dict:
    return json.loads(connection.recv(timeout=timeout))


@pytest.fixture
def app(slack):
    """A raw Socket Mode connection, greeted: what an app sees on the wire."""
    with connect(open_url(slack)) as connection:
        hello = receive(connection)
        assert hello["type"] == "hello"
        yield connection


def test_apps_connections_open_answers_a_websocket_url_for_the_app_token(slack, settings):
    url = open_url(slack)

    assert url.startswith(f"ws://127.0.0.1:{slack.socket.port}/link/?ticket=")
    assert url.endswith(f"&app_id={settings.SLACK_APP_ID}")
    assert slack.calls_to("apps.connections.open")[0].response["ok"] is True


@pytest.mark.parametrize(
    ("token", "error"),
    [("xoxb-standin", "not_allowed_token_type"), ("xapp-1-A0-wrong", "invalid_auth")],
)
def test_apps_connections_open_refuses_any_but_the_app_token(slack, token, error):
    with pytest.raises(SlackApiError) as raised:
        open_url(slack, token)

    assert raised.value.response["error"] == error


def test_the_app_token_opens_nothing_else(slack):
    client = WebClient(token=STANDIN_APP_TOKEN, base_url=slack.url, retry_handlers=[])

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0GENERAL", text="hi")

    assert raised.value.response["error"] == "not_allowed_token_type"
    assert slack.calls_to("chat.postMessage")[0].response["ok"] is False


def test_a_ticket_opens_one_connection(slack):
    url = open_url(slack)
    with connect(url) as first:
        assert receive(first)["type"] == "hello"
        with pytest.raises(InvalidStatus) as raised:
            connect(url)
    assert raised.value.response.status_code == 401

    with pytest.raises(InvalidStatus):
        connect(url.replace("ticket=", "ticket=forged"))


def test_hello_then_an_events_api_envelope_acknowledged_by_its_id(slack, settings):
    with connect(open_url(slack)) as connection:
        hello = receive(connection)
        body = event_callback()
        delivery = slack.socket.send(body)
        envelope = receive(connection)
        connection.send(json.dumps({"envelope_id": envelope["envelope_id"]}))
        assert delivery.wait_acked(5)

    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": settings.SLACK_APP_ID}
    assert set(hello["debug_info"]) == {"host", "build_number", "approximate_connection_time"}
    assert envelope == {
        "envelope_id": delivery.envelope_ids[0],
        "payload": body,
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
    }
    assert slack.socket.stray_acks == []


def test_an_unacknowledged_envelope_comes_again_as_a_retry_then_stops(slack, app):
    slack.socket.ack_timeout = 0.3
    slack.socket.max_retries = 2
    delivery = slack.socket.send(event_callback())

    envelopes = [receive(app) for _ in range(3)]
    with pytest.raises(TimeoutError):
        receive(app, timeout=1)

    assert [(e["retry_attempt"], e["retry_reason"]) for e in envelopes] == [
        (0, ""),
        (1, "timeout"),
        (2, "timeout"),
    ]
    assert len({e["envelope_id"] for e in envelopes}) == 3
    assert {e["payload"]["event_id"] for e in envelopes} == {delivery.payload["event_id"]}
    assert delivery.gave_up and not delivery.acked


def test_an_envelope_unacknowledged_when_its_connection_closes_comes_on_the_next(slack):
    slack.socket.ack_timeout = 60  # only the lost connection makes it due again
    body = event_callback()
    with connect(open_url(slack)) as first:
        receive(first)
        slack.socket.send(body)
        assert receive(first)["retry_attempt"] == 0
    with connect(open_url(slack)) as second:
        receive(second)
        again = receive(second)

    assert again["payload"] == body
    assert (again["retry_attempt"], again["retry_reason"]) == (1, "timeout")


def test_events_wait_for_a_connection(slack):
    body = event_callback()
    delivery = slack.socket.send(body)
    time.sleep(0.2)
    with connect(open_url(slack)) as connection:
        receive(connection)
        envelope = receive(connection)
        connection.send(json.dumps({"envelope_id": envelope["envelope_id"]}))
        assert delivery.wait_acked(5)

    assert envelope["retry_attempt"] == 0


def test_disconnect_warns_then_closes_the_connection_after_the_grace(slack, app):
    assert slack.socket.disconnect("warning", grace=0.5) == 1
    message = receive(app)
    slack.socket.send(event_callback())  # never on a connection that is going away

    assert message == {
        "type": "disconnect",
        "reason": "warning",
        "debug_info": {"host": "applink-standin"},
    }
    with pytest.raises(ConnectionClosed):
        receive(app)
    assert app.close_code == 1001


def test_a_dropped_connection_ends_without_a_close_frame(slack, app):
    slack.socket.drop_connections()

    with pytest.raises(ConnectionClosed):
        receive(app)
    assert app.close_code == 1006  # abnormal closure: no close frame, the stream just ended


def test_interactive_envelopes_carry_no_retry_fields(slack, app):
    payload = {"type": "block_actions", "token": "legacy", "team": {"id": "T0LOCALTEAM"}}
    slack.socket.send(payload, type="interactive")

    envelope = receive(app)

    assert envelope["type"] == "interactive"
    assert envelope["payload"] == payload
    assert "retry_attempt" not in envelope


def post_socket_event(slack, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        slack.root_url + "/_standin/socket/events",
        data=json.dumps({"payload": body}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_the_control_endpoint_refuses_when_no_app_is_connected(slack):
    assert post_socket_event(slack, event_callback()) == (
        409,
        {"ok": False, "error": "no_socket_connection"},
    )
    assert slack.socket.deliveries() == []


def test_the_control_endpoint_delivers_and_says_whether_it_was_acknowledged(slack, app):
    slack.socket.ack_timeout = 60
    body = event_callback()
    answers = []

    def acknowledge():
        envelope = receive(app)
        app.send(json.dumps({"envelope_id": envelope["envelope_id"]}))
        answers.append(envelope)

    acker = threading.Thread(target=acknowledge)
    acker.start()
    status, answer = post_socket_event(slack, body)
    acker.join(timeout=5)

    assert status == 200
    assert answer == {"ok": True, "envelope_id": answers[0]["envelope_id"], "acknowledged": True}
    assert answers[0]["payload"] == body
