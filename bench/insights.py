"""Insights benchmark: a worker's cost per message with use counting on and off.

    python -m bench.insights [--pairs 2000]

Runs the worker's message path (bot.jobs.process_message: parse, match, act, count)
in this process against a private Redis, a scratch SQLite database with the default
content, and the local Slack stand-in, for a mix of messages members send (commands,
aliases, define known and unknown, xkcd, reactions, replies, and chatter that matches
nothing). Counting off swaps insights' one call for a no-op. Each message is run
twice in a row, once per mode, in alternating order, so both modes see the same
machine at the same moment (shared machines are noisy): compare the paired figures
and ratios, not the absolute ones. Two tables: with the Slack calls made to the
stand-in (what a worker does), and without them (the bot's own work, where counting
weighs most). Prints figures; never fails on a slow machine.
"""

import argparse
import io
import itertools
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import median, print_table
from localdev.local_redis import LocalRedis

BOT = "<@U0GOPHERBOT>"
MIX = [
    # (text, DM?) — roughly what a week of #general and DMs asks of the bot
    (f"{BOT} go tour", False),
    ("tour", True),
    (f"{BOT} define tdd", False),
    ("define monads", True),
    ("xkcd:927", False),
    ("bbq tonight?", False),
    (f"thanks {BOT}", False),
    ("proverbs", False),
    ("just chatting about generics", False),
    ("has anyone tried the new iterators", False),
]
_ids = itertools.count()


def setup(redis_url: str) -> None:
    data = Path(tempfile.mkdtemp(prefix="gopherbot-bench-insights-"))
    os.environ.update(
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{data / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="gopherbot.settings",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_default_content", verbosity=0, stdout=io.StringIO())
    settings.SHADOW_MODE = False
    settings.SLACK_CHANNEL_POST_BURST = 10**9  # measure the bot, not Slack's pacing


def payload(text: str, is_dm: bool) -> dict:
    event = {
        "type": "message",
        "channel": "D0ALICE" if is_dm else "C0GENERAL",
        "channel_type": "im" if is_dm else "channel",
        "user": "U0ALICE",
        "text": text,
        "ts": f"{time.time():.6f}",
    }
    return {"event": event, "event_id": f"EvBENCH{next(_ids)}"}


def one_message(ctx, send, text: str, is_dm: bool, counting: bool) -> float:
    """Seconds the worker spends on one message; SystemExit if the bot failed to answer it."""
    from bot import jobs

    real = jobs.count_uses
    if not counting:
        jobs.count_uses = lambda *args, **kwargs: None
    try:
        message = payload(text, is_dm)
        began = time.perf_counter()
        result, _ = jobs.process_message(
            message, ctx, send, sent_key=f"gopherbot:sent:{message['event_id']}"
        )
        spent = time.perf_counter() - began
        if result not in ("answered", "no match"):
            raise SystemExit(f"the bot did not answer {text!r}: {result}")
        return spent
    finally:
        jobs.count_uses = real


def measure(pairs: int, send, label: str) -> list:
    from bot.context import current_context

    ctx = current_context()
    for text, is_dm in MIX:  # warm up: index, identity, script, connections
        one_message(ctx, send, text, is_dm, True)
    off, on = [], []
    for n in range(pairs):
        text, is_dm = MIX[n % len(MIX)]
        for counting in (False, True) if n % 2 else (True, False):
            (on if counting else off).append(one_message(ctx, send, text, is_dm, counting))
    differences = [b - a for a, b in zip(off, on, strict=True)]
    us = 1e6
    return [
        label,
        f"{statistics.mean(off) * us:.0f}",
        f"{statistics.mean(on) * us:.0f}",
        f"{median(differences) * us:+.0f}",
        f"{statistics.mean(on) / statistics.mean(off):.2f}",
        f"{median(on) / median(off):.2f}",
    ]


def count_alone(count: int) -> float:
    """Seconds per call of insights' hook for a command and its alias."""
    from insights.counting import count_uses
    from responses.index import get_index

    index = get_index()
    began = time.perf_counter()
    for n in range(count):
        count_uses(index, "tour", ["command:go tour"], once_key=f"gopherbot:sent:EvALONE{n}")
    return (time.perf_counter() - began) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000, help="messages run in both modes")
    args = parser.parse_args()

    redis_server = LocalRedis().start()
    setup(redis_server.url)
    from django.conf import settings

    from bot.slack_out import send
    from gopherbot.connections import get_redis
    from localdev.standin import SlackStandIn
    from slackapi.channels import refresh_channel_cache

    standin = SlackStandIn().start()
    settings.SLACK_API_URL = standin.url
    settings.SLACK_BOT_TOKEN = standin.token
    rows = []
    try:
        refresh_channel_cache()
        # (A sender may also be given the call's key within the job: ignored here.)
        rows.append(
            measure(args.pairs, lambda call, *key: send(call), "Slack calls to the stand-in")
        )
        rows.append(measure(args.pairs, lambda call, *key: None, "Slack calls not made"))
        alone = count_alone(args.pairs)
        pings = []
        for _ in range(args.pairs):
            began = time.perf_counter()
            get_redis().ping()
            pings.append(time.perf_counter() - began)
    finally:
        standin.stop()
        redis_server.stop()

    answered = sum(1 for text, _ in MIX if "chatting" not in text and "iterators" not in text)
    print(
        f"\nWorker cost per message, counting off and on, {args.pairs} messages in each mode; "
        f"{answered} of every {len(MIX)} messages get an answer (and are counted)"
    )
    print_table(
        ["", "off µs (mean)", "on µs (mean)", "on - off (median pair)", "on/off mean", "median"],
        rows,
    )
    print(f"\nThe counting call alone (one Lua script run in Redis): {alone * 1e6:.0f} µs")
    print(f"One Redis round trip (PING), for scale: {median(pings) * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
