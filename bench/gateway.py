"""Gateway benchmark: our `web` process (as the Procfile runs it) against a slack-bolt app.

    python -m bench.gateway [--seconds 8] [--connections 16 64] [--rate 100]

Both serve distinct, validly signed ~1.3 KB message events under wrk; ours also
verifies, dedups and durably enqueues each one, and the script checks that every
200 it answered is a job in Redis. It prints the sustained events/s, the CPU per
event, and our rate against the floor (a quarter of slack-bolt's ack-only rate);
then a fixed-rate run measures ack latency (p99 target: 50 ms at 100 events/s).
The event-to-reply latency is bench/end_to_end.py's. Never fails on a slow machine.
"""

import argparse
import re
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import redis
from rq import Queue

from bench.common import (
    APP_ID,
    ROOT,
    SIGNING_SECRET,
    TEAM_ID,
    at_fixed_rate,
    bot_env,
    cpu_seconds,
    percentile,
    print_table,
)
from bench.signed_events import event_request, message_body, write_wrk_requests
from localdev.local_redis import LocalRedis, free_port
from localdev.processes import procfile_command, running, wait_for_http

# The reference as the issue measured it: gunicorn's sync workers, four of them.
BOLT_COMMAND = (
    "gunicorn bench.bolt_reference --worker-class sync --bind 127.0.0.1:${PORT} "
    "--workers ${WEB_CONCURRENCY:-4} --log-file -"
)
APPS = {"gopherbot": procfile_command("web"), "slack-bolt (ack only)": BOLT_COMMAND}
QUEUE = "slack_message_public"
# Issue 11's floor: at least a quarter of slack-bolt's ack-only rate, on the same machine.
FLOOR = 0.25


def queued(redis_url: str) -> int:
    return Queue(QUEUE, connection=redis.Redis.from_url(redis_url)).count


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
        request = event_request(port, body, SIGNING_SECRET)
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()
            ok = response.status == 200
        if ok:
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    at_fixed_rate(rate, seconds, send)
    return latencies


def throughput(app: str, connections: int, args, redis_url: str, workdir: Path) -> dict:
    """One wrk run against a fresh process of `app`; its figures and the enqueue check."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    port = free_port()
    requests_file = workdir / f"requests-{connections}.txt"
    count = 12_000 * args.seconds  # far more than either app can take: no event is sent twice
    write_wrk_requests(requests_file, count, SIGNING_SECRET, TEAM_ID, APP_ID)
    env = bot_env(redis_url, port, WEB_CONCURRENCY="4")
    if app == "gopherbot" and args.web_concurrency:
        env["WEB_CONCURRENCY"] = str(args.web_concurrency)
    if app == "gopherbot" and args.gunicorn_args:
        env["GUNICORN_CMD_ARGS"] = args.gunicorn_args
    if app == "gopherbot" and args.log_level:
        env["GOPHER_LOG_LEVEL"] = args.log_level
    with running(APPS[app], env) as web:
        wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web, accept_any=True)
        cpu_before = cpu_seconds(web.process.pid)
        result = run_wrk(port, connections, args.seconds, requests_file)
        result["cpu"] = cpu_seconds(web.process.pid) - cpu_before
    result["ok"] = result["requests"] - result["non2xx"]
    result["enqueued"] = queued(redis_url) if app == "gopherbot" else None
    return result


def throughput_row(app: str, connections: int, result: dict) -> list:
    enqueued, ok = result["enqueued"], result["ok"]
    check = "-" if enqueued is None else f"{'yes' if enqueued >= ok else 'NO'} ({enqueued}/{ok})"
    errors = result["connect_errors"] + result["read_errors"] + result["timeouts"]
    return [
        app, connections, f"{result['rps']:.0f}", f"{result['p50_us'] / 1000:.2f}",
        f"{result['p99_us'] / 1000:.2f}", result["non2xx"], errors,
        f"{result['cpu'] / max(result['requests'], 1) * 1000:.2f}", check,
        "requests wrapped!" if result["wrapped"] else "",
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--rounds", type=int, default=2, help="alternate the apps this many times")
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--rate-seconds", type=int, default=10)
    parser.add_argument("--gunicorn-args", default="", help="extra GUNICORN_CMD_ARGS for gopherbot")
    parser.add_argument("--web-concurrency", type=int, default=0, help="gopherbot's workers")
    parser.add_argument("--log-level", default="", help="GOPHER_LOG_LEVEL for gopherbot")
    parser.add_argument("--only", choices=["throughput", "latency"], default=None)
    args = parser.parse_args()

    redis_server = LocalRedis().start()
    workdir = Path(tempfile.mkdtemp(prefix="gopherbot-bench-"))
    try:
        if args.only != "latency":
            rows, ratios = [], []
            for connections in args.connections:
                for _ in range(args.rounds):
                    results = {app: throughput(app, connections, args, redis_server.url, workdir)
                               for app in APPS}  # fmt: skip
                    rows += [throughput_row(app, connections, r) for app, r in results.items()]
                    ours, reference = (results[app]["rps"] for app in APPS)
                    ratios.append((connections, ours / reference))
            print(f"\nThroughput: wrk -t2 for {args.seconds} s a run, distinct signed events")
            print_table(
                ["app", "conns", "req/s", "p50 ms", "p99 ms", "non-200", "sock errs",
                 "CPU ms/req", "200s enqueued (jobs/200s)", ""],
                rows,
            )  # fmt: skip
            for connections in args.connections:
                values = [ratio for conns, ratio in ratios if conns == connections]
                listed = ", ".join(f"{v:.2f}" for v in values)
                verdict = "met" if min(values) >= FLOOR else "NOT met"
                print(
                    f"gopherbot / slack-bolt req/s at {connections} connections: {listed} "
                    f"(floor {FLOOR}: {verdict})"
                )

        if args.only != "throughput":
            port = free_port()
            env = bot_env(redis_server.url, port, WEB_CONCURRENCY="4")
            if args.gunicorn_args:
                env["GUNICORN_CMD_ARGS"] = args.gunicorn_args
            redis.Redis.from_url(redis_server.url).flushdb()
            with running(APPS["gopherbot"], env) as web:
                wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
                latencies = fixed_rate(port, args.rate, args.rate_seconds)
            enqueued = queued(redis_server.url)
            print(f"\nAck latency at a fixed {args.rate} events/s for {args.rate_seconds} s")
            print_table(
                ["app", "events/s", "sent", "200s", "enqueued", "p50 ms", "p99 ms"],
                [["gopherbot", args.rate, args.rate * args.rate_seconds, len(latencies), enqueued,
                  f"{percentile(latencies, 50):.2f}", f"{percentile(latencies, 99):.2f}"]],
            )  # fmt: skip
            verdict = "met" if percentile(latencies, 99) < 50 else "NOT met"
            print(f"p99 target < 50 ms: {verdict}")
    finally:
        redis_server.stop()


if __name__ == "__main__":
    main()
