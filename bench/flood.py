"""A flood of mentions in one channel, and DMs meanwhile: does the channel keep Slack's pace,
and are the DMs answered at once?

    python -m bench.flood [--mentions 60] [--workers 2] [--dms 10]

Runs the Procfile's `web` and `worker` processes against a private Redis and the local
Slack stand-in, sends all the mentions at once to #general, then one DM a second from other
members, and prints how long each DM waited for its reply and how the channel's replies
were spread (Slack allows about one post a second per channel, with short bursts).
"""

import argparse
import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench.common import APP_ID, SIGNING_SECRET, TEAM_ID, bot_env, percentile, print_table
from bench.signed_events import event_request
from localdev.local_redis import LocalRedis, free_port
from localdev.processes import ROOT, procfile_command, running, wait_for_http

_ids = itertools.count(1)


def event(text: str, user: str, channel: str, channel_type: str) -> bytes:
    now = time.time()
    return json.dumps({
        "token": "bench", "team_id": TEAM_ID, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": f"EvFLOOD{os.getpid()}x{next(_ids)}", "event_time": int(now),
        "event": {
            "type": "message", "channel": channel, "channel_type": channel_type, "user": user,
            "text": text, "ts": f"{now:.6f}",
        },
    }).encode()  # fmt: skip


def post(port: int, body: bytes) -> None:
    with urllib.request.urlopen(event_request(port, body, SIGNING_SECRET), timeout=10) as answer:
        answer.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dms", type=int, default=10)
    args = parser.parse_args()

    import django

    django.setup()
    from localdev.standin import SlackStandIn

    redis_server = LocalRedis().start()
    standin = SlackStandIn().start()
    members = [standin.add_user(f"flood{n}")["id"] for n in range(args.dms)]
    channel_replies: list[float] = []
    dm_replies: dict[str, float] = {}
    lock = threading.Lock()

    def arrived(call) -> None:
        if call.method != "chat.postMessage" or call.injected:
            return
        with lock:
            if call.params["channel"] == "C0GENERAL":
                channel_replies.append(call.at)
            else:
                dm_replies.setdefault(call.params["channel"], time.time())

    standin.on_call = arrived
    port = free_port()
    env = bot_env(redis_server.url, port, WEB_CONCURRENCY="2")
    env.update(GOPHER_SLACK_API_URL=standin.url, GOPHER_SLACK_BOT_ACCESS_TOKEN=standin.token)
    full_env = {**os.environ, **env}
    for command in (["migrate", "-v0"], ["load_default_content", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=full_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    dm_sent: dict[str, float] = {}
    try:
        with contextlib.ExitStack() as stack:
            web = stack.enter_context(running(procfile_command("web"), env))
            workers = [
                stack.enter_context(running(procfile_command("worker"), env))
                for _ in range(args.workers)
            ]
            wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
            while not all("worker warmed up" in w.output() for w in workers):
                time.sleep(0.1)
            flood = [
                event(f"<@U0GOPHERBOT> xkcd:{100 + n}", "U0ALICE", "C0GENERAL", "channel")
                for n in range(args.mentions)
            ]
            started = time.time()
            with ThreadPoolExecutor(max_workers=20) as pool:
                list(pool.map(lambda body: post(port, body), flood))
            flood_sent = time.time() - started
            for member in members:
                channel = "D" + member[1:]
                dm_sent[channel] = time.time()
                post(port, event("go tour", member, channel, "im"))
                time.sleep(1.0)
            deadline = time.monotonic() + args.mentions * 1.5 + 30
            while len(channel_replies) < args.mentions and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        standin.stop()
        redis_server.stop()

    waits = [(dm_replies[c] - dm_sent[c]) * 1000 for c in dm_sent if c in dm_replies]
    replies = sorted(channel_replies)
    gaps = [later - earlier for earlier, later in itertools.pairwise(replies)]
    in_a_second = max(
        (sum(1 for t in replies if start <= t < start + 1) for start in replies), default=0
    )
    print(f"\n{args.mentions} mentions to #general in {flood_sent:.2f} s, then {args.dms} DMs")
    print(
        f"(one a second, from other members); {args.workers} workers: {procfile_command('worker')}"
    )
    print_table(
        ["DMs answered", "p50 ms", "max ms"],
        [[f"{len(waits)}/{args.dms}", f"{percentile(waits, 50):.0f}", f"{max(waits):.0f}"]],
    )
    print()
    print_table(
        ["channel replies", "span s", "min gap s", "max gap s", "most in 1 s"],
        [[
            f"{len(replies)}/{args.mentions}", f"{replies[-1] - replies[0]:.1f}",
            f"{min(gaps):.3f}", f"{max(gaps):.2f}", in_a_second,
        ]],
    )  # fmt: skip


if __name__ == "__main__":
    main()
