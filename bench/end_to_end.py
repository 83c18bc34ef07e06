"""End-to-end benchmark: from the signed POST to the reply arriving at the Slack stand-in.

    python -m bench.end_to_end [--rate 25] [--seconds 10] [--workers fork simple bot]

Runs the Procfile's `web` and `worker` processes against a private Redis and the
local Slack stand-in, sends DMs `d/pkgN` at a fixed rate, and times each reply
(`<https://pkg.go.dev/pkgN>`) as the stand-in receives it. Each worker class RQ
offers is measured in the same run, so the choice in the Procfile rests on numbers.
Each DM comes from its own member: posts to one channel are paced to Slack's
one a second, which would measure the pacing, not the bot.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request

from bench.common import APP_ID, SIGNING_SECRET, TEAM_ID, bot_env, percentile, print_table
from bench.signed_events import event_request
from localdev.local_redis import LocalRedis, free_port
from localdev.processes import ROOT, procfile_command, running, wait_for_http

WORKER_CLASSES = {
    "fork": "rq.worker.Worker",
    "simple": "rq.worker.SimpleWorker",
}
_REPLY = re.compile(r"pkg\.go\.dev/pkg(\d+)")


def worker_command(worker_class: str | None) -> str:
    command = procfile_command("worker")
    if worker_class is None:
        return command
    command = re.sub(r"\s--worker-class\s+\S+", "", command)
    return command.replace("rqworker", f"rqworker --worker-class {worker_class}", 1)


def member(index: int) -> str:
    return f"bench{index}"


def dm_body(index: int) -> bytes:
    import json

    from localdev.standin import id_for

    user = id_for("U", member(index))
    now = time.time()
    return json.dumps({
        "token": "bench",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": f"EvE2E{os.getpid()}x{index}x{int(now * 1000)}",
        "event_time": int(now),
        "event": {
            "type": "message", "channel": "D" + user[1:], "channel_type": "im", "user": user,
            "text": f"d/pkg{index}", "ts": f"{now:.6f}", "event_ts": f"{now:.6f}",
        },
    }).encode()  # fmt: skip


def run(worker: str, args, redis_url: str, standin) -> dict:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    standin.reset()
    for index in range(args.rate * args.seconds + 1):
        standin.add_user(member(index))
    arrivals: dict[int, float] = {}
    sent: dict[int, float] = {}
    standin.on_call = lambda call: _arrived(call, arrivals)

    port = free_port()
    env = bot_env(redis_url, port, WEB_CONCURRENCY="2")
    env["DATABASE_URL"] = env["DATABASE_URL"]
    env.update(GOPHER_SLACK_API_URL=standin.url, GOPHER_SLACK_BOT_ACCESS_TOKEN=standin.token)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env={**os.environ, **env}, check=True)
    with running(procfile_command("web"), env) as web, running(worker_command(worker), env) as w:
        wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
        # Warm up: the first reply proves the worker is up (identity, index, client).
        _send(port, 0, sent)
        deadline = time.monotonic() + 30
        while 0 not in arrivals:
            if time.monotonic() > deadline or w.process.poll() is not None:
                raise RuntimeError(f"no reply from the worker:\n{w.output()[-3000:]}")
            time.sleep(0.05)
        count = args.rate * args.seconds
        threads = []
        start = time.perf_counter()
        for index in range(1, count + 1):
            delay = start + index / args.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            thread = threading.Thread(target=_send, args=(port, index, sent))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        deadline = time.monotonic() + 15
        while len([i for i in sent if i in arrivals]) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.05)
    latencies = [(arrivals[i] - sent[i]) * 1000 for i in sent if i in arrivals and i > 0]
    return {"sent": len(sent) - 1, "replied": len(latencies), "latencies": latencies}


def _arrived(call, arrivals: dict[int, float]) -> None:
    if call.method == "chat.postMessage":
        match = _REPLY.search(str(call.params.get("text", "")))
        if match:
            arrivals.setdefault(int(match[1]), time.perf_counter())


def _send(port: int, index: int, sent: dict[int, float]) -> None:
    request = event_request(port, dm_body(index), SIGNING_SECRET)
    sent[index] = time.perf_counter()
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=25)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--workers",
        nargs="+",
        default=["procfile", *WORKER_CLASSES],
        help="procfile (the Procfile's worker as is) and/or: " + ", ".join(WORKER_CLASSES),
    )
    args = parser.parse_args()

    import django

    django.setup()
    from localdev.standin import SlackStandIn

    redis_server = LocalRedis().start()
    standin = SlackStandIn().start()
    rows = []
    try:
        for name in args.workers:
            worker_class = None if name == "procfile" else WORKER_CLASSES[name]
            result = run(worker_class, args, redis_server.url, standin)
            lat = result["latencies"]
            label = name if worker_class is None else f"{name} ({worker_class})"
            rows.append([
                label, result["sent"], result["replied"], f"{percentile(lat, 50):.1f}",
                f"{percentile(lat, 99):.1f}", f"{max(lat) if lat else float('nan'):.1f}",
            ])  # fmt: skip
    finally:
        standin.stop()
        redis_server.stop()
    print(f"\nPOST to reply at the stand-in, {args.rate} events/s for {args.seconds} s")
    print(f"worker line in the Procfile: {procfile_command('worker')}")
    print_table(["worker", "sent", "replied", "p50 ms", "p99 ms", "max ms"], rows)
    print("p99 target at 25 events/s: < 150 ms (issue 11's floor)")


if __name__ == "__main__":
    main()
