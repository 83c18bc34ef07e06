"""The Slack Events API endpoint, step by step as docs/behaviour.md#checks-in-order numbers them."""

import functools
import json
import time

import pytest
import redis
from rq import Queue
from rq.job import Job

from gateway.delivery import job_id_for
from tests.slack_events import encode, event_callback, message_event, signed_headers

URL = "/slack/event"
EVENT_QUEUES = [
    "slack_message_public",
    "slack_message_private",
    "slack_team_join",
    "slack_channel_join",
]


def post(client, body, headers=None, **extra):
    raw = body if isinstance(body, bytes) else encode(body)
    headers = {**signed_headers(raw), **(headers or {})}
    return client.generic("POST", URL, raw, headers=headers, **extra)


def queued_jobs(redis_db) -> dict[str, list[Job]]:
    return {
        name: Queue(name, connection=redis_db).get_jobs() for name in [*EVENT_QUEUES, "default"]
    }


def all_jobs(redis_db) -> list[Job]:
    return [job for jobs in queued_jobs(redis_db).values() for job in jobs]


# 1. Method


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_it_answers_405_with_allow_to_other_methods(client, redis_db, method):
    response = client.generic(method, URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert all_jobs(redis_db) == []


# 2. Content type


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
def test_it_accepts_json_content_types(client, content_type):
    response = post(client, event_callback(), headers={"Content-Type": content_type})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "content_type, status",
    [
        ("text/plain", 415),
        ("application/x-www-form-urlencoded", 415),
        ("", 415),
        ("json", 400),
        ("application/json; charset", 400),
        ("application/json;; x", 400),
        ("a b/c", 400),
    ],
)
def test_it_rejects_other_content_types(client, redis_db, content_type, status):
    response = post(client, event_callback(), headers={"Content-Type": content_type})
    assert response.status_code == status
    assert all_jobs(redis_db) == []


# 3. Size


def test_it_refuses_a_body_over_2_mib(client, redis_db):
    body = event_callback(message_event("x" * (2 * 1024 * 1024)))
    response = post(client, body)
    assert response.status_code == 413
    assert all_jobs(redis_db) == []


def test_it_accepts_a_large_body_under_the_limit(client, redis_db):
    response = post(client, event_callback(message_event("x" * (1024 * 1024))))
    assert response.status_code == 200
    assert len(all_jobs(redis_db)) == 1


def test_a_chunked_body_the_server_cannot_end_is_answered_411(client, redis_db, log_text):
    # gunicorn ends chunked bodies (tests/test_web_process.py): read. A server that
    # does not say so (wsgi.input_terminated) leaves nothing to read: 411, not a 401.
    raw = encode(event_callback())
    response = post(client, raw, CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert all_jobs(redis_db) == []
    assert "chunked body" in log_text()
    assert "signature" not in log_text()


# 4. Signature


def test_it_rejects_a_request_without_signature_headers(client, redis_db):
    raw = encode(event_callback())
    response = client.generic("POST", URL, raw, content_type="application/json")
    assert response.status_code == 401
    assert all_jobs(redis_db) == []


def test_it_rejects_a_wrong_signature(client, redis_db):
    raw = encode(event_callback())
    response = post(client, raw, headers=signed_headers(raw, secret="not-the-secret"))
    assert response.status_code == 401
    assert all_jobs(redis_db) == []


# A minute into the future: 301 s raced the clock (int() of now, and a slow machine).
@pytest.mark.parametrize("skew", [-301, 360])
def test_it_rejects_a_stale_or_future_timestamp(client, redis_db, skew):
    raw = encode(event_callback())
    response = post(client, raw, headers=signed_headers(raw, timestamp=int(time.time()) + skew))
    assert response.status_code == 401
    assert all_jobs(redis_db) == []


def test_it_rejects_a_body_changed_after_signing(client, redis_db):
    raw = encode(event_callback())
    headers = signed_headers(raw)
    response = post(client, raw.replace(b"hello", b"HELLO"), headers=headers)
    assert response.status_code == 401
    assert all_jobs(redis_db) == []


@pytest.mark.parametrize("signature", ["v0=\u00e9", "v0=\u202e" + "0" * 63])
def test_it_rejects_a_non_ascii_signature_with_401(client, redis_db, signature):
    # hmac.compare_digest raised TypeError on these: a 500 for anyone who sent one.
    raw = encode(event_callback())
    response = post(client, raw, headers={"X-Slack-Signature": signature})
    assert response.status_code == 401
    assert all_jobs(redis_db) == []


def test_it_logs_a_rejection_without_the_secret(client, settings, log_text):
    raw = encode(event_callback())
    post(client, raw, headers=signed_headers(raw, secret="wrong"))
    assert "signature mismatch" in log_text()
    assert settings.SLACK_SIGNING_SECRET not in log_text()


# 5. JSON object


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_it_rejects_a_body_that_is_not_a_json_object(client, redis_db, raw):
    assert post(client, raw).status_code == 400
    assert all_jobs(redis_db) == []


def test_it_rejects_json_nested_too_deep_to_parse(client, redis_db):
    # 100,000 nested arrays made json.loads raise RecursionError: a 500.
    assert post(client, b"[" * 100_000 + b"]" * 100_000).status_code == 400
    assert post(client, b'{"a":' * 50_000 + b"1" + b"}" * 50_000).status_code == 400
    assert all_jobs(redis_db) == []


def test_it_rejects_an_event_nested_deeper_than_slack_sends(client, redis_db):
    def nested(depth):
        return message_event(blocks=functools.reduce(lambda inner, _: [inner], range(depth), []))

    assert post(client, event_callback(nested(70))).status_code == 400
    assert all_jobs(redis_db) == []
    assert post(client, event_callback(nested(20))).status_code == 200
    assert len(all_jobs(redis_db)) == 1


# 6. Verification token


def test_it_checks_the_legacy_token_when_configured(client, redis_db, settings):
    settings.SLACK_VERIFICATION_TOKEN = "the-legacy-token"
    assert post(client, event_callback(token="other")).status_code == 403
    assert all_jobs(redis_db) == []
    assert post(client, event_callback(token="the-legacy-token")).status_code == 200
    assert len(all_jobs(redis_db)) == 1


def test_it_ignores_the_legacy_token_when_not_configured(client, settings):
    settings.SLACK_VERIFICATION_TOKEN = ""
    assert post(client, event_callback(token="anything")).status_code == 200


# 7. URL verification


def test_it_echoes_the_url_verification_challenge(client, redis_db):
    body = {"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification"}  # fmt: skip
    response = post(client, body)
    assert response.status_code == 200
    assert response.content == b"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    assert response["Content-Type"].startswith("text/plain")
    assert all_jobs(redis_db) == []


def test_it_rejects_a_challenge_it_cannot_write_back(client):
    # A lone surrogate (JSON "\\ud800") can't be encoded: the response raised, a 500.
    body = {"challenge": "\ud800", "type": "url_verification"}
    assert post(client, body).status_code == 400


def test_url_verification_still_needs_a_valid_signature(client):
    raw = encode({"challenge": "abc", "type": "url_verification"})
    response = post(client, raw, headers=signed_headers(raw, secret="wrong"))
    assert response.status_code == 401


# 8. App and team


@pytest.mark.parametrize(
    "fields, status",
    [
        ({"api_app_id": "A0SOMEONEELSE"}, 403),
        ({"api_app_id": None}, 400),
        ({"api_app_id": 7}, 400),
    ],
)
def test_it_rejects_another_app(client, redis_db, fields, status):
    body = event_callback()
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    assert post(client, body).status_code == status
    assert all_jobs(redis_db) == []


def shared_channel_message(settings, *, envelope_team: str, authorized_team: str) -> dict:
    """A message in a Slack Connect channel, as Slack sends it: the envelope's team_id is
    the sender's workspace, `authorizations` names the installation that sees the event."""
    event = message_event(
        "hello from the other org",
        channel="C0SHARED",
        user="U0VISITOR",
        team=envelope_team,
        user_team=envelope_team,
        source_team=envelope_team,
    )
    return event_callback(
        event,
        team_id=envelope_team,
        enterprise_id="E0OTHERORG",
        context_team_id=envelope_team,
        context_enterprise_id="E0OTHERORG",
        authorizations=[
            {
                "enterprise_id": None,
                "team_id": authorized_team,
                "user_id": "U0GOPHERBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        is_ext_shared_channel=True,
        event_context="4-eyJldCI6Im1lc3NhZ2UiLCJ0aWQiOiJUMFNIQVJFRCJ9",
    )


def test_a_slack_connect_event_seen_by_our_workspace_is_enqueued(client, redis_db, settings):
    body = shared_channel_message(
        settings, envelope_team="T0OTHERORG", authorized_team=settings.SLACK_TEAM_ID
    )
    assert post(client, body).status_code == 200
    (job,) = all_jobs(redis_db)
    assert job.args[0]["event"]["text"] == "hello from the other org"


def test_a_slack_connect_event_with_our_team_in_the_envelope_is_enqueued(
    client, redis_db, settings
):
    body = shared_channel_message(
        settings, envelope_team=settings.SLACK_TEAM_ID, authorized_team="T0OTHERORG"
    )
    assert post(client, body).status_code == 200
    assert len(all_jobs(redis_db)) == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"team_id": "T0OTHERTEAM"},
        {"team_id": "T0OTHERTEAM", "authorizations": [{"team_id": "T0THIRDTEAM"}]},
        {"team_id": 7, "authorizations": "nonsense"},
        {"team_id": None},
    ],
)
def test_our_apps_event_for_no_workspace_of_ours_is_ignored_with_200(
    client, redis_db, settings, log_text, fields
):
    # Never a 4xx for a signed event addressed to our app: Slack would retry it, and
    # count the failures against the app.
    body = event_callback()
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    assert post(client, body).status_code == 200
    assert all_jobs(redis_db) == []
    assert 'outcome="ignored: not our workspace"' in log_text()
    if body.get("team_id") == "T0OTHERTEAM":
        assert "teams=T0OTHERTEAM" in log_text()


def test_it_logs_an_app_rate_limited_callback_and_answers_200(client, settings, log_text):
    body = {
        "token": "t",
        "type": "app_rate_limited",
        "team_id": settings.SLACK_TEAM_ID,
        "minute_rate_limited": 1518467820,
        "api_app_id": settings.SLACK_APP_ID,
    }
    response = post(client, body)
    assert response.status_code == 200
    assert "rate-limited" in log_text()
    assert "minute=1518467820" in log_text()


# 9. Event fields


@pytest.mark.parametrize(
    "fields",
    [
        {"event_id": None},
        {"event_id": 12},
        {"event_id": ""},
        {"event_id": "Ev\ud800"},  # a lone surrogate broke the Redis key: a 500
        {"event_id": "Ev\x00"},
        {"event_id": "Ev 01"},
        {"event_id": "Ev\u202e01"},
        {"event_id": "E" * 256},
        {"event_time": "1700000000"},
        {"event_time": 1.5},
        {"event_time": True},
        {"event": None},
        {"event": "message"},
        {"event": {"text": "no type"}},
        {"event": {"type": 3}},
    ],
)
def test_it_rejects_an_event_callback_with_bad_fields(client, redis_db, fields):
    body = event_callback()
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    assert post(client, body).status_code == 400
    assert all_jobs(redis_db) == []


# 10. Routing


@pytest.mark.parametrize(
    "event, queue, job",
    [
        (message_event(channel_type="channel"), "slack_message_public", "handle_message"),
        (message_event(channel_type=None), "slack_message_public", "handle_message"),
        (message_event(channel_type="group"), "slack_message_private", "handle_message"),
        (message_event(channel_type="im"), "slack_message_private", "handle_message"),
        (message_event(channel_type="mpim"), "slack_message_private", "handle_message"),
        (message_event(channel_type="app_home"), "slack_message_private", "handle_message"),
        ({"type": "team_join", "user": {"id": "U0NEW"}}, "slack_team_join", "handle_team_join"),
        (
            {"type": "member_joined_channel", "user": "U0NEW", "channel": "C0NEWBIES"},
            "slack_channel_join",
            "handle_channel_join",
        ),
    ],
)
def test_it_puts_each_event_on_its_queue(client, redis_db, event, queue, job):
    event = {k: v for k, v in event.items() if v is not None}
    body = event_callback(event)
    assert post(client, body).status_code == 200
    jobs = queued_jobs(redis_db)
    assert [j.func_name for j in jobs[queue]] == [f"bot.jobs.{job}"]
    assert sum(len(js) for name, js in jobs.items() if name != queue) == 0


@pytest.mark.parametrize("channel_type", [["im"], {"im": 1}, 7])
def test_a_channel_type_that_is_not_a_string_goes_to_the_public_queue(
    client, redis_db, channel_type
):
    # An unhashable channel_type raised TypeError in routing: a 500.
    assert post(client, event_callback(message_event(channel_type=channel_type))).status_code == 200
    assert len(queued_jobs(redis_db)["slack_message_public"]) == 1


def test_the_job_carries_the_event_and_its_delivery_details(client, redis_db):
    body = event_callback()
    before = time.time()
    post(client, body, headers={"X-Request-ID": "req-42"})
    (job,) = all_jobs(redis_db)
    (payload,) = job.args
    assert payload["event"] == body["event"]
    assert payload["event_id"] == body["event_id"]
    assert payload["event_time"] == body["event_time"]
    assert payload["request_id"] == "req-42"
    assert before <= payload["enqueued_at"] <= time.time()
    assert payload["receiver"] == "http"
    assert payload["retry_num"] is None and payload["retry_reason"] is None


def test_a_redelivery_carries_slacks_retry_number_and_reason(client, redis_db):
    # A first delivery we refused (Redis down): the redelivery is the one enqueued.
    body = event_callback()
    post(client, body, headers={"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"})
    (job,) = all_jobs(redis_db)
    assert job.args[0]["retry_num"] == 2
    assert job.args[0]["retry_reason"] == "http_error"


@pytest.mark.parametrize("event_type", ["reaction_added", "app_mention", "channel_created"])
def test_it_answers_200_and_ignores_unknown_event_types(client, redis_db, event_type, log_text):
    response = post(client, event_callback({"type": event_type}))
    assert response.status_code == 200
    assert all_jobs(redis_db) == []
    assert f"event_type={event_type}" in log_text()
    assert "outcome=ignored" in log_text()


def test_it_ignores_an_unknown_callback_type(client, redis_db):
    response = post(client, event_callback(type="something_new"))
    assert response.status_code == 200
    assert all_jobs(redis_db) == []


# 11. Idempotent delivery


def test_a_retried_event_is_enqueued_once(client, redis_db):
    body = event_callback()
    assert post(client, body).status_code == 200
    retry = post(client, body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "x"})
    assert retry.status_code == 200
    assert post(client, body).status_code == 200
    assert len(all_jobs(redis_db)) == 1


def test_the_delivery_record_covers_slacks_retries_and_then_expires(client, redis_db, settings):
    # The record is the job itself (tests/test_delivery.py follows it through a worker).
    body = event_callback(message_event("hello"))
    post(client, body)
    (job,) = all_jobs(redis_db)
    assert job.id == job_id_for(body["event_id"])
    assert 10 * 60 - 5 <= redis_db.ttl(job.key) <= settings.SLACK_EVENT_DEDUP_SECONDS


def test_distinct_events_are_each_enqueued(client, redis_db):
    for _ in range(3):
        post(client, event_callback())
    assert len(all_jobs(redis_db)) == 3


# 12. Redis down


def test_it_answers_503_and_records_nothing_when_redis_is_down(client, redis_db, redis_down):
    body = event_callback()
    response = post(client, body)
    assert response.status_code == 503
    # Back up: nothing was recorded, so Slack's retry is enqueued.
    assert not redis_db.exists(Job.key_for(job_id_for(body["event_id"])))


def break_redis(monkeypatch, *, after_the_script_ran: bool) -> None:
    """Breaks the gateway's Redis connection at one point of RQ's unique enqueue (a script):
    before Redis runs it, or after, losing its answer; every retry of it breaks the same way."""
    send, read = redis.connection.Connection.send_command, redis.connection.Connection.read_response
    last = {"command": ""}

    def send_command(connection, *args, **kwargs):
        command, last["command"] = str(args[0]).upper(), ""  # (a reconnect sends its own)
        if command == "EVALSHA" and not after_the_script_ran:
            raise redis.ConnectionError("Redis went away before the script")
        send(connection, *args, **kwargs)
        last["command"] = command

    def read_response(connection, *args, **kwargs):
        response = read(connection, *args, **kwargs)
        if last["command"] == "EVALSHA" and after_the_script_ran:
            raise redis.ConnectionError("Redis went away before its answer")
        return response

    monkeypatch.setattr(redis.connection.Connection, "send_command", send_command)
    monkeypatch.setattr(redis.connection.Connection, "read_response", read_response)


def test_a_failure_before_the_enqueue_leaves_nothing_and_slacks_retry_lands(
    client, redis_db, monkeypatch
):
    body = event_callback()
    with monkeypatch.context() as patch:
        break_redis(patch, after_the_script_ran=False)
        assert post(client, body).status_code == 503
    assert not redis_db.exists(Job.key_for(job_id_for(body["event_id"])))
    assert all_jobs(redis_db) == []
    assert post(client, body, headers={"X-Slack-Retry-Num": "1"}).status_code == 200
    assert len(all_jobs(redis_db)) == 1


def test_an_answer_lost_after_the_enqueue_leaves_the_event_queued_once(
    client, redis_db, monkeypatch, log_text
):
    body = event_callback()
    with monkeypatch.context() as patch:
        break_redis(patch, after_the_script_ran=True)
        assert post(client, body).status_code == 503
    (job,) = all_jobs(redis_db)
    assert job.args[0]["event_id"] == body["event_id"]
    assert post(client, body, headers={"X-Slack-Retry-Num": "1"}).status_code == 200
    assert len(all_jobs(redis_db)) == 1
    assert "outcome=duplicate" in log_text()


def test_it_logs_one_line_per_request_with_event_id_queue_and_outcome(client, caplog):
    body = event_callback()
    post(client, body)
    lines = [r for r in caplog.records if r.name == "gateway"]
    assert len(lines) == 1
    fields = lines[0].fields
    assert fields["event_id"] == body["event_id"]
    assert fields["queue"] == "slack_message_public"
    assert fields["outcome"] == "enqueued"
    assert fields["status"] == 200
    assert fields["duration_ms"] >= 0
    assert fields["receiver"] == "http"


def test_the_log_line_names_slacks_retry(client, caplog):
    body = event_callback()
    post(client, body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    (line,) = [r for r in caplog.records if r.name == "gateway"]
    assert (line.fields["retry"], line.fields["retry_reason"]) == (1, "http_timeout")


def test_the_response_body_does_not_echo_the_event(client):
    body = event_callback(message_event("secret plans"))
    response = post(client, body)
    assert b"secret plans" not in response.content
    assert json.dumps(body).encode() not in response.content
