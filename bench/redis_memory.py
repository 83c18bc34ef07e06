"""Redis memory at Slack's full rate: what each event leaves in Redis, and the steady state.

    python -m bench.redis_memory [--events 250] [--rate 8.3] [--size 2000]

Runs the Procfile's web and worker against a private Redis and the local Slack
stand-in, sends ~2 KB message events (DMs the bot answers, so the worker keeps its
per-event records too), waits for every reply, then reads every key. Each per-event
key kind is listed with its size and lifetime (a key without one is flagged: it
would grow for ever), as are shared keys that hold a member per event (RQ's
registries). At a steady rate, each kind holds rate x lifetime events at once:

    steady state = Redis before the run + sum over kinds (rate x lifetime x bytes per event)

which is what a 25 MB hosted plan must hold. Never fails on a slow machine.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request

import redis

from bench.common import APP_ID, SIGNING_SECRET, TEAM_ID, bot_env, print_table
from gateway.signing import sign
from localdev.local_redis import LocalRedis, free_port
from localdev.processes import ROOT, procfile_command, running, wait_for_http

PLAN_BYTES = 25 * 1024 * 1024
WORDS = (  # noqa: SIM905 (a sentence reads better than a list of words)
    "go gopher channel goroutine interface struct slice map error nil defer panic "
    "module package import "
    "func return range select context test bench build vet the a to of and is "
    "it in for with that this why how does my code works fails compile runtime"
).split()


def dm(index: int, size: int, user: str) -> bytes:
    """A DM `d/pkgN` as Slack sends it, its blocks padded so the body is about `size` bytes."""
    now = time.time()
    body = {
        "token": "bench", "team_id": TEAM_ID, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": f"EvMem{os.getpid()}x{index}", "event_time": int(now),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": "U0GOPHERBOT",
                            "is_bot": True, "is_enterprise_install": False}],
        "event": {
            "type": "message", "channel": "D" + user[1:], "channel_type": "im", "user": user,
            "text": f"d/pkg{index}", "ts": f"{now:.6f}", "event_ts": f"{now:.6f}",
            "client_msg_id": f"{index:08d}-0000-4000-8000-000000000000",
            "blocks": [{"type": "rich_text", "block_id": "b1", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": ""}]}]}],
        },
    }  # fmt: skip
    padding = size - len(json.dumps(body))
    words = random.Random(index).choices(WORDS, k=padding)  # compresses like chat, not like "xxx"
    text = " ".join(words)[: max(padding, 0)]
    body["event"]["blocks"][0]["elements"][0]["elements"][0]["text"] = text
    return json.dumps(body).encode()


def send(port: int, raw: bytes) -> int:
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/event",
        data=raw,
        headers={
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(SIGNING_SECRET, timestamp, raw),
        },
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status


def key_kinds(client: redis.Redis, event_ids: set[str]) -> tuple[dict, list]:
    """Per-event key kinds {kind: [(bytes, ttl)]}, and the shared keys [(key, type, bytes, n)]."""
    per_event: dict[str, list[tuple[int, int]]] = {}
    shared = []
    pattern = re.compile("|".join(sorted(event_ids, key=len, reverse=True)))
    for raw_key in client.scan_iter(count=1000):
        key = raw_key.decode()
        size = client.memory_usage(raw_key) or 0
        found = pattern.search(key)
        if found:
            kind = re.sub(r"[0-9a-f]{32}", "<id>", key.replace(found[0], "<event>"))
            per_event.setdefault(kind, []).append((size, client.ttl(raw_key)))
        else:
            kind = client.type(raw_key).decode()
            members = {"zset": client.zcard, "list": client.llen, "set": client.scard,
                       "hash": client.hlen, "stream": client.xlen}.get(kind)  # fmt: skip
            shared.append((key, kind, size, members(raw_key) if members else 1))
    return per_event, shared


def registry_lifetime(client: redis.Redis, key: str) -> float | None:
    """How long a member stays in one of RQ's registries (scored by expiry), if it is one."""
    newest = client.zrange(key, -1, -1, withscores=True)
    if newest and newest[0][1] > time.time():
        return newest[0][1] - time.time()
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=250)
    parser.add_argument("--rate", type=float, default=8.3)
    parser.add_argument("--size", type=int, default=2000)
    args = parser.parse_args()

    import django

    django.setup()
    from localdev.standin import SlackStandIn, id_for

    redis_server = LocalRedis().start()
    standin = SlackStandIn().start()
    client = redis.Redis.from_url(redis_server.url)
    replied: set[int] = set()
    standin.on_call = lambda call: (
        replied.add(int(match[1]))
        if call.method == "chat.postMessage"
        and (match := re.search(r"pkg\.go\.dev/pkg(\d+)", str(call.params.get("text", ""))))
        else None
    )
    users = []
    for index in range(args.events):
        standin.add_user(f"mem{index}")
        users.append(id_for("U", f"mem{index}"))
    port = free_port()
    env = bot_env(redis_server.url, port, WEB_CONCURRENCY="2")
    env.update(GOPHER_SLACK_API_URL=standin.url, GOPHER_SLACK_BOT_ACCESS_TOKEN=standin.token)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT, env={**os.environ, **env}, check=True,
        )  # fmt: skip
        with (
            running(procfile_command("web"), env) as web,
            running(procfile_command("worker"), env) as worker,
        ):
            wait_for_http(f"http://127.0.0.1:{port}/_ruok", proc=web)
            time.sleep(3)  # the worker connects and warms up
            baseline = client.info("memory")["used_memory"]
            event_ids = set()
            started = time.perf_counter()
            threads = []
            for index in range(args.events):
                delay = started + index / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                body = dm(index, args.size, users[index])  # sent as soon as written, as Slack does
                event_ids.add(json.loads(body)["event_id"])
                threads.append(threading.Thread(target=send, args=(port, body)))
                threads[-1].start()
            for thread in threads:
                thread.join()
            # Measured as soon as the replies stop coming: RQ keeps a finished job a minute.
            last, quiet_since = -1, time.monotonic()
            while len(replied) < args.events and time.monotonic() - quiet_since < 5:
                if len(replied) != last:
                    last, quiet_since = len(replied), time.monotonic()
                time.sleep(0.2)
            if worker.process.poll() is not None:
                raise RuntimeError(worker.output()[-3000:])
            unanswered = [line for line in worker.output().splitlines()
                          if "job done" in line and "outcome=answered" not in line]  # fmt: skip
            per_event, shared = key_kinds(client, event_ids)
            lifetimes = {key: registry_lifetime(client, key) for key, kind, *_ in shared
                         if kind == "zset"}  # fmt: skip
            used = client.info("memory")["used_memory"]
    finally:
        standin.stop()
        redis_server.stop()

    rows, steady = [], 0.0
    for kind, keys in sorted(per_event.items()):
        per_key = sum(size for size, _ in keys) / len(keys)
        ttls = [ttl for _, ttl in keys]
        forever = sum(ttl < 0 for ttl in ttls)
        lifetime = max(ttls)
        held = per_key * len(keys) / args.events * args.rate * lifetime
        steady += 0 if forever else held
        rows.append([kind, len(keys), f"{per_key:.0f}",
                     "NO EXPIRY" if forever else f"{lifetime} s", f"{held / 1e6:.2f}"])  # fmt: skip
    for key, kind, size, members in shared:
        lifetime = lifetimes.get(key)
        if lifetime and members >= args.events / 2:  # a member per event: RQ's registries
            held = size / members * args.rate * lifetime
            steady += held
            rows.append([f"{key} ({kind}, a member each)", members, f"{size / members:.0f}",
                         f"{lifetime:.0f} s", f"{held / 1e6:.2f}"])  # fmt: skip
    print(
        f"\n{args.events} DMs of ~{args.size} bytes at {args.rate}/s, answered: "
        f"{len(replied)}/{args.events}"
    )
    for line in unanswered[:5]:
        print("  not answered:", line)
    print_table(["per-event key", "keys", "bytes each", "lifetime", "MB at steady state"], rows)
    fixed = sum(size for _, _, size, _ in shared)
    print(f"\n{len(shared)} shared keys (queues, registries, workers): {fixed / 1e3:.0f} KB in all")
    print("(gopherbot:sent: the bot's record of what it sent for an event, bot/jobs.py)")
    total = baseline + steady  # (the shared keys: in the baseline, or a few KB more)
    print(
        f"Redis before the run (used_memory): {baseline / 1e6:.2f} MB; after: {used / 1e6:.2f} MB"
    )
    print(
        f"steady state at {args.rate} events/s: {total / 1e6:.1f} MB of a 25 MB plan "
        f"({'fits' if total < PLAN_BYTES else 'DOES NOT FIT'})"
    )


if __name__ == "__main__":
    main()
