"""Hostile traffic against the web process while Slack delivers events: Slack's ack latency.

    python -m bench.attack [--seconds 8] [--slow 200] [--logins 20] [--rate 10]
                           [--variants procfile gthread-8 gthread-64 sync]

Slow bodies: connections that send a POST's headers, then its body a byte every half
second, reopened whenever the server closes one. Login flood: threads posting wrong
passwords to /admin/login/ without pause (a new username each time, so only the
per-address limit stops them). Meanwhile Slack sends signed events at a fixed rate,
each on a new connection. Each variant is the Procfile's web process with other
gunicorn settings (GUNICORN_CMD_ARGS); prints the ack latencies. Never fails on a
slow machine. tests/test_hostile_traffic.py runs the same attack on the Procfile's web.
"""

import argparse
import contextlib
import http.cookies
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.common import (
    APP_ID,
    ROOT,
    SIGNING_SECRET,
    TEAM_ID,
    at_fixed_rate,
    bot_env,
    percentile,
    print_table,
)
from gateway.signing import sign

ADMIN_PASSWORD = "the-real-admin-password"

VARIANTS = {
    "procfile": "",
    "gthread-8": "--worker-class gthread --threads 8",
    "gthread-64": "--worker-class gthread --threads 64",
    "sync": "--worker-class sync",
}


class SlowBodies(threading.Thread):
    """`count` connections each sending a POST body a byte at a time, kept up until stopped."""

    def __init__(self, port: int, count: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.port, self.count, self.interval = port, count, interval
        self.stopping = threading.Event()
        self.opened = self.answered = 0
        self.open_now = 0
        self.most_open = 0

    def _open(self) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            sock.sendall(
                b"POST /slack/event HTTP/1.1\r\nHost: gopherbot\r\n"
                b"Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"
            )
        except OSError:
            return None
        sock.setblocking(False)
        self.opened += 1
        return sock

    def run(self) -> None:
        socks: list[socket.socket | None] = [self._open() for _ in range(self.count)]
        while not self.stopping.wait(self.interval):
            for index, sock in enumerate(socks):
                if sock is not None and _closed_or_answered(sock):
                    self.answered += 1
                    sock.close()
                    sock = None
                if sock is None:
                    sock = socks[index] = self._open()
                    continue
                try:
                    sock.send(b" ")
                except OSError:
                    sock.close()
                    socks[index] = None
            self.open_now = sum(sock is not None for sock in socks)
            self.most_open = max(self.most_open, self.open_now)
        for sock in socks:
            if sock is not None:
                sock.close()


def _closed_or_answered(sock: socket.socket) -> bool:
    try:
        return sock.recv(4096, socket.MSG_PEEK) is not None
    except BlockingIOError:
        return False
    except OSError:
        return True


class LoginFlood:
    """`count` threads posting wrong passwords to the admin's login form until stopped."""

    def __init__(self, base: str, count: int):
        self.base, self.count = base, count
        self.stopping = threading.Event()
        self.attempts = 0
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                        for n in range(count)]  # fmt: skip

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=15)

    def _run(self, number: int) -> None:
        attempt = 0
        while not self.stopping.is_set():
            attempt += 1
            with contextlib.suppress(OSError):
                self._login(f"intruder{number}x{attempt}", "wrong-password")
                self.attempts += 1

    def _login(self, username: str, password: str) -> int:
        with urllib.request.urlopen(f"{self.base}/admin/login/", timeout=10) as response:
            page = response.read().decode()
            cookie = http.cookies.SimpleCookie(response.headers["Set-Cookie"])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/admin/login/",
            data=form,
            headers={
                "Cookie": f"csrftoken={cookie['csrftoken'].value}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{self.base}/admin/login/",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def signed_event(index: int) -> tuple[bytes, dict]:
    now = time.time()
    body = json.dumps({
        "token": "t", "team_id": TEAM_ID, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": f"EvAttack{os.getpid()}x{index}x{int(now * 1000)}", "event_time": int(now),
        "event": {"type": "message", "channel": "C0GENERAL", "channel_type": "channel",
                  "user": "U0ALICE", "text": f"hello {index}", "ts": f"{now:.6f}"},
    }).encode()  # fmt: skip
    timestamp = str(int(now))
    return body, {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": sign(SIGNING_SECRET, timestamp, body),
    }


def slack_deliveries(base: str, rate: float, seconds: float) -> list[tuple[str, int, float]]:
    """Signed events at `rate` a second, each from its own thread: (event id, status, seconds)."""
    results: list[tuple[str, int, float]] = []
    lock = threading.Lock()

    def deliver(index: int) -> None:
        body, headers = signed_event(index)
        event_id = json.loads(body)["event_id"]
        request = urllib.request.Request(f"{base}/slack/event", data=body, headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        with lock:
            results.append((event_id, status, time.perf_counter() - started))

    at_fixed_rate(rate, seconds, deliver)
    return results


def site_env(redis_url: str, port: int, data_dir: Path) -> dict[str, str]:
    """The web process's environment, with a migrated database holding one admin."""
    env = bot_env(redis_url, port, WEB_CONCURRENCY="2")
    env["DATABASE_URL"] = f"sqlite:///{data_dir / 'db.sqlite3'}"
    create_admin = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('migrate', verbosity=0); from django.contrib.auth.models import User; "
        f"User.objects.create_superuser('admin', 'admin@example.org', {ADMIN_PASSWORD!r})"
    )
    subprocess.run(
        [sys.executable, "-c", create_admin],
        cwd=ROOT,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "gopherbot.settings"},
        check=True,
    )
    return env


def attack(base: str, port: int, *, slow: int, logins: int, rate: float, seconds: float):
    """Slack's deliveries while the attack runs: (results, slow bodies, login flood)."""
    bodies = SlowBodies(port, slow)
    flood = LoginFlood(base, logins)
    bodies.start()
    flood.start()
    time.sleep(1)  # every slow connection open, the first logins being checked
    try:
        results = slack_deliveries(base, rate, seconds)
    finally:
        bodies.stopping.set()
        flood.stop()
        bodies.join(timeout=15)
    return results, bodies, flood


def main() -> None:
    from localdev.local_redis import LocalRedis, free_port
    from localdev.processes import procfile_command, running, wait_for_http

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    args = parser.parse_args()

    rows = []
    for name in args.variants:
        redis_server = LocalRedis().start()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        data_dir = Path(redis_server.data_dir)
        try:
            env = site_env(redis_server.url, port, data_dir)
            env["GUNICORN_CMD_ARGS"] = VARIANTS[name]
            with running(procfile_command("web"), env) as web:
                wait_for_http(f"{base}/_ruok", proc=web)
                results, bodies, flood = attack(
                    base, port, slow=args.slow, logins=args.logins,
                    rate=args.rate, seconds=args.seconds,
                )  # fmt: skip
        finally:
            redis_server.stop()
        latencies = [seconds * 1000 for _, status, seconds in results if status == 200]
        failed = sum(status != 200 for _, status, _ in results)
        rows.append([
            name, len(results), failed, f"{percentile(latencies, 50):.0f}",
            f"{percentile(latencies, 99):.0f}", f"{max(latencies, default=float('nan')):.0f}",
            bodies.most_open, flood.attempts,
        ])  # fmt: skip
    print(
        f"\nSlack's events at {args.rate:g}/s for {args.seconds:g} s, while {args.slow} slow "
        f"bodies and {args.logins} login threads attack (web: WEB_CONCURRENCY=2)"
    )
    print_table(
        ["variant", "events", "not 200", "p50 ms", "p99 ms", "max ms", "slow conns",
         "logins tried"],
        rows,
    )  # fmt: skip


if __name__ == "__main__":
    main()
