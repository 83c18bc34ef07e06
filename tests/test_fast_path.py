"""The WSGI fast path serves /slack/event exactly as the Django view does."""

import io

import pytest
from rq import Queue

from gopherbot.wsgi import application
from tests.slack_events import encode, event_callback, message_event, signed_headers


def call(path: str, method: str = "POST", body: bytes = b"", headers: dict | None = None):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "testserver",
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    answer["body"] = b"".join(application(environ, start_response))
    return answer


def signed(body: dict | bytes, **overrides) -> tuple[bytes, dict]:
    raw = body if isinstance(body, bytes) else encode(body)
    return raw, {**signed_headers(raw), **overrides}


CASES = [
    ("a good event", lambda: signed(event_callback()), 200),
    ("a wrong signature", lambda: (encode(event_callback()), signed_headers(b"x")), 401),
    ("a form body", lambda: signed(b"a=1", **{"Content-Type": "text/plain"}), 415),
    ("not JSON", lambda: signed(b"{nope"), 400),
    ("another team", lambda: signed(event_callback(team_id="T0OTHER")), 403),
    ("an unknown event", lambda: signed(event_callback({"type": "pin_added"})), 200),
]  # fmt: skip


@pytest.mark.parametrize("name, make, status", CASES, ids=[c[0] for c in CASES])
def test_the_fast_path_answers_like_the_django_view(client, redis_db, name, make, status):
    raw, headers = make()
    fast = call("/slack/event", body=raw, headers=headers)
    redis_db.flushdb()
    django_headers = {k: v for k, v in headers.items() if k != "Content-Type"}
    view = client.generic(
        "POST", "/slack/event", raw, content_type=headers["Content-Type"], headers=django_headers
    )
    assert fast["status"] == view.status_code == status


def test_the_fast_path_enqueues_the_event(redis_db):
    body = event_callback(message_event("hello gopher"))
    raw, headers = signed(body)
    assert call("/slack/event", body=raw, headers=headers)["status"] == 200
    (job,) = Queue("slack_message_public", connection=redis_db).get_jobs()
    assert job.args[0]["event"]["text"] == "hello gopher"


def test_the_fast_path_says_allow_post_to_other_methods():
    answer = call("/slack/event", method="GET")
    assert answer["status"] == 405
    assert answer["headers"]["Allow"] == "POST"


def test_the_fast_path_echoes_the_url_verification_challenge():
    raw, headers = signed({"type": "url_verification", "challenge": "c-123", "token": "t"})
    answer = call("/slack/event", body=raw, headers=headers)
    assert (answer["status"], answer["body"]) == (200, b"c-123")
    assert answer["headers"]["Content-Length"] == "5"


@pytest.mark.django_db  # Django's own handler checks the database connection per request
def test_other_paths_go_through_django():
    answer = call("/_ruok", method="GET")
    assert (answer["status"], answer["body"]) == (200, b"imok")


def test_an_unexpected_error_is_a_500_so_slack_retries(monkeypatch, log_text):
    def explode(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("gateway.fast_path.handle_slack_event", explode)
    raw, headers = signed(event_callback())
    assert call("/slack/event", body=raw, headers=headers)["status"] == 500
    assert "gateway failed" in log_text()
