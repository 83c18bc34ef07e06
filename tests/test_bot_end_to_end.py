"""The whole path with real processes: signed HTTP → gunicorn → Redis → `rqworker` → Slack."""

import os
import subprocess
import sys
import urllib.request

from localdev.local_redis import free_port
from localdev.processes import ROOT, procfile_command, running, wait_for_http
from tests.slack_events import encode, event_callback, message_event, signed_headers


def test_a_signed_mention_is_answered_by_a_real_worker(slack, tmp_path):
    port = free_port()
    env = {
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "REDIS_URL": os.environ["REDIS_URL"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GOPHER_SLACK_API_URL": slack.url,
        "GOPHER_SLACK_BOT_ACCESS_TOKEN": slack.token,
    }
    full_env = {**os.environ, **env}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=full_env,
        check=True,
        timeout=120,
    )
    body = event_callback(message_event("<@U0GOPHERBOT> xkcd:927 <@U0BOB>"))
    raw = encode(body)

    with running(procfile_command("web"), env) as web:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(f"{base}/_ruok", proc=web)
        request = urllib.request.Request(
            f"{base}/slack/event", data=raw, headers=signed_headers(raw), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200

    # The Procfile's worker, in burst mode: it runs what is queued, then exits.
    worker_command = procfile_command("worker").replace("rqworker", "rqworker --burst", 1)
    with running(worker_command, env) as worker:
        worker.process.wait(timeout=60)
        output = worker.output()
        assert worker.process.returncode == 0, output

    assert "worker warmed up" in output
    assert "outcome=answered" in output
    assert [call.params for call in slack.calls_to("chat.postMessage")] == [
        {
            "channel": "C0GENERAL",
            "text": "<@U0BOB> https://xkcd.com/927",
            "unfurl_links": True,
            "unfurl_media": True,
            # The reply's mark: a retried job finds it in the channel instead of posting again.
            "metadata": {
                "event_type": "gopherbot_reply",
                "event_payload": {"event_id": body["event_id"], "action": "prefix:xkcd:#0"},
            },
        }
    ]
