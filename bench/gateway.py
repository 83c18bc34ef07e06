"""Gateway benchmark: our `web` process (as the Procfile runs it) against a slack-bolt app.

    python -m bench.gateway [--seconds 8] [--connections 16 64] [--rate 100]

Both serve distinct, validly signed ~1.3 KB message events under wrk; ours also
verifies, dedups and durably enqueues each one, and the script checks that every
200 it answered is a job in Redis. Then a fixed-rate run measures ack latency.
Prints tables; never fails on a slow machine.
"""

import argparse
import re
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from bench.common import (
    APP_ID,
    ROOT,
    SIGNING_SECRET,
    TEAM_ID,
    bot_env,
    cpu_seconds,
    percentile,
    print_table,
)
from bench.signed_events import message_body, signed, write_wrk_requests
from gopherbot.local_redis import LocalRedis, free_port
from localdev.processes import procfile_command, running, wait_for_http

BOLT_COMMAND = procfile_command("web").replace("gopherbot.wsgi", "bench.bolt_reference")
APPS = {"gopherbot": procfile_command("web"), "slack-bolt (ack only)": BOLT_COMMAND}
QUEUE_KEY = "rq:queue:slack_message_public"


def run_wrk(port: int, connections: int, seconds: int, requests_file: Path) -> dict:
    threads = 2
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
        "-s", str(ROOT / "bench" / "wrk_requests.lua"), f"http://127.0.0.1:{port}/slack/event",
        "--", str(requests_file), str(threads),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = dict(re.findall(r"(\w+)=(\d+)", output.split("RESULT", 1)[1]))
    result = {key: int(value) for key, value in result.items()}
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    return result


def fixed_rate(port: int, rate: int, seconds: int) -> list[float]:
    """Open-loop load: one request every 1/rate s, each on its own thread; ack latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()

    def send(index: int) -> None:
        body = message_body(10_000_000 + index, TEAM_ID, APP_ID)
        timestamp, signature = signed(body, SIGNING_SECRET)
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/slack/event", data=body, headers=headers
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            ok = response.status == 200
        if ok:
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    workers = []
    start = time.perf_counter()
    for index in range(rate * seconds):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        worker = threading.Thread(target=send, args=(index,))
        worker.start()
        workers.append(worker)
    for worker in workers:
        worker.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--rate-seconds", type=int, default=10)
    args = parser.parse_args()

    redis_server = LocalRedis().start()
    import redis

    client = redis.Redis.from_url(redis_server.url)
    workdir = Path(tempfile.mkdtemp(prefix="gopherbot-bench-"))
    rows, latency_rows = [], []
    try:
        for connections in args.connections:
            for name, command in APPS.items():
                client.flushdb()
                port = free_port()
                requests_file = workdir / f"requests-{connections}.txt"
                count = 12_000 * args.seconds  # far more than either app can take
                write_wrk_requests(requests_file, count, SIGNING_SECRET, TEAM_ID, APP_ID)
                env = bot_env(redis_server.url, port, WEB_CONCURRENCY="4")
                with running(command, env) as web:
                    wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web, accept_any=True)
                    cpu_before = cpu_seconds(web.process.pid)
                    result = run_wrk(port, connections, args.seconds, requests_file)
                    cpu = cpu_seconds(web.process.pid) - cpu_before
                ok = result["requests"] - result["non2xx"]
                enqueued = client.llen(QUEUE_KEY) if name == "gopherbot" else None
                verdict = "-" if enqueued is None else "yes" if enqueued >= ok else "NO"
                rows.append([
                    name, connections, f"{result['rps']:.0f}", f"{result['p50_us'] / 1000:.2f}",
                    f"{result['p99_us'] / 1000:.2f}", result["non2xx"],
                    result["connect_errors"] + result["read_errors"] + result["timeouts"],
                    f"{cpu / max(result['requests'], 1) * 1000:.2f}",
                    verdict if enqueued is None else f"{verdict} ({enqueued}/{ok})",
                    "" if not result["wrapped"] else "requests wrapped!",
                ])  # fmt: skip

        client.flushdb()
        port = free_port()
        with running(
            APPS["gopherbot"], bot_env(redis_server.url, port, WEB_CONCURRENCY="4")
        ) as web:
            wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
            latencies = fixed_rate(port, args.rate, args.rate_seconds)
        latency_rows.append([
            "gopherbot", args.rate, len(latencies), args.rate * args.rate_seconds,
            f"{percentile(latencies, 50):.2f}", f"{percentile(latencies, 99):.2f}",
            client.llen(QUEUE_KEY),
        ])  # fmt: skip
    finally:
        redis_server.stop()

    print(f"\nThroughput: wrk -t2, {args.seconds} s per run, distinct signed events, gunicorn x4")
    print_table(
        ["app", "conns", "req/s", "p50 ms", "p99 ms", "non-200", "sock errs", "CPU ms/req",
         "200s enqueued (jobs/200s)", ""],
        rows,
    )  # fmt: skip
    by = {(r[0], r[1]): float(r[2]) for r in rows}
    for connections in args.connections:
        ratio = by[("gopherbot", connections)] / by[("slack-bolt (ack only)", connections)]
        print(f"gopherbot / slack-bolt at {connections} connections: {ratio:.2f}x")
    print(f"\nAck latency at a fixed {args.rate} events/s for {args.rate_seconds} s")
    print_table(["app", "events/s", "200s", "sent", "p50 ms", "p99 ms", "enqueued"], latency_rows)


if __name__ == "__main__":
    main()
