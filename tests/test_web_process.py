"""The `web` process exactly as the Procfile runs it: gunicorn, over real HTTP."""

import os
import signal
import socket
import urllib.error
import urllib.request

from rq import Queue

from gopherbot.local_redis import free_port
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


def web_env(tmp_path, port: int) -> dict[str, str]:
    return {
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "REDIS_URL": os.environ["REDIS_URL"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def raw_request(port: int, data: bytes, *, close_early: bool = False) -> bytes:
    """Send `data` as is; the server's answer (its status line and headers at least)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        if close_early:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_chunked_event_is_read_and_enqueued(redis_db, tmp_path):
    port = free_port()
    body = event_callback()
    raw = encode(body)
    headers = signed_headers(raw)
    head = (
        b"POST /slack/event HTTP/1.1\r\nHost: gopherbot\r\nTransfer-Encoding: chunked\r\n"
        + b"".join(f"{name}: {value}\r\n".encode() for name, value in headers.items())
        + b"\r\n"
    )
    half = len(raw) // 2
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (raw[:half], raw[half:])
    )
    with running(procfile_command("web"), web_env(tmp_path, port)) as web:
        wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
        answer = raw_request(port, head + chunks + b"0\r\n\r\n")
        log = web.output()
    assert answer.startswith(b"HTTP/1.1 200 "), answer
    assert "outcome=enqueued" in log
    (job,) = Queue("slack_message_public", connection=redis_db).get_jobs()
    assert job.args[0]["event"] == body["event"]


def test_a_body_cut_short_is_a_400_that_says_so_not_a_bad_signature(redis_db, tmp_path):
    port = free_port()
    raw = encode(event_callback())
    headers = {**signed_headers(raw), "Content-Length": str(len(raw))}
    head = b"POST /slack/event HTTP/1.1\r\nHost: gopherbot\r\n" + b"".join(
        f"{name}: {value}\r\n".encode() for name, value in headers.items()
    )
    with running(procfile_command("web"), web_env(tmp_path, port)) as web:
        wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
        answer = raw_request(port, head + b"\r\n" + raw[:100], close_early=True)
        log = web.output()
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert "body ended before its Content-Length" in log
    assert "signature" not in log


def test_gunicorns_own_lines_are_single_logfmt_lines_through_bad_requests_and_ctrl_c(tmp_path):
    port = free_port()
    with running(procfile_command("web"), web_env(tmp_path, port)) as web:
        wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
        for bad in [
            b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
            b"GARBAGE\r\n\r\n",
            b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",
        ]:
            assert raw_request(port, bad).startswith((b"HTTP/1.1 400 ", b"HTTP/1.1 414 "))
        # A terminal's Ctrl-C signals the whole foreground process group.
        os.killpg(web.process.pid, signal.SIGINT)
        assert web.process.wait(timeout=20) == 0
        log = web.output()
    lines = log.splitlines()
    assert lines, "gunicorn wrote nothing"
    assert all(line.startswith("ts=") and " logger=" in line for line in lines), log
    assert "Traceback" not in log and "Logging error" not in log
    assert log.count('msg="Invalid request from ip=127.0.0.1') == 3
    assert "Worker exiting" in log and 'msg="Shutting down: Master"' in log


def test_the_web_process_listens_on_every_interface_by_default(tmp_path):
    # On a platform, its router reaches the process from outside (runbot's: tests/test_runbot.py).
    port = free_port()
    with running(procfile_command("web"), web_env(tmp_path, port)) as web:
        wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
        log = web.output()
    assert f"Listening at: http://0.0.0.0:{port}" in log
