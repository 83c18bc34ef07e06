"""The `web` process exactly as the Procfile runs it: gunicorn, over real HTTP."""

import os
import urllib.error
import urllib.request

from rq import Queue

from localdev.local_redis import free_port
from localdev.processes import procfile_command, running, wait_for_http
from tests.slack_events import encode, event_callback, signed_headers


def test_the_procfile_web_process_enqueues_a_signed_event(redis_db, tmp_path):
    port = free_port()
    env = {
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "REDIS_URL": os.environ["REDIS_URL"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    with running(procfile_command("web"), env) as web:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/_ruok", proc=web)

        body = event_callback()
        raw = encode(body)
        request = urllib.request.Request(
            f"{base}/slack/event", data=raw, headers=signed_headers(raw), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

        bad = urllib.request.Request(
            f"{base}/slack/event", data=raw, headers=signed_headers(raw, secret="x")
        )
        try:
            urllib.request.urlopen(bad, timeout=5)
            raise AssertionError("a badly signed request was accepted")
        except urllib.error.HTTPError as error:
            assert error.code == 401

    (job,) = Queue("slack_message_public", connection=redis_db).get_jobs()
    assert job.args[0]["event_id"] == body["event_id"]
    assert job.args[0]["event"] == body["event"]
