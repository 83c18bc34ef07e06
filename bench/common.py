"""Shared pieces of the benchmarks: a private Redis, the Procfile's processes, tables."""

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gopherbot.settings")

SIGNING_SECRET = "bench-signing-secret"
TEAM_ID = "T0LOCALTEAM"
APP_ID = "A0LOCALBOT"


def bot_env(redis_url: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of a local production-like run (no DEBUG, real settings paths)."""
    data = Path(tempfile.mkdtemp(prefix="gopherbot-bench-"))
    return {
        "PORT": str(port),
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}",
        "GOPHER_SLACK_REQUEST_SECRET": SIGNING_SECRET,
        "GOPHER_SLACK_TEAM_ID": TEAM_ID,
        "GOPHER_SLACK_APP_ID": APP_ID,
        "BENCH_SIGNING_SECRET": SIGNING_SECRET,
        "BENCH_TEAM_ID": TEAM_ID,
        **extra,
    }


def cpu_seconds(pid: int) -> float:
    """User+system CPU of a process and all its children (gunicorn's master and workers)."""
    parent = psutil.Process(pid)
    total = 0.0
    for proc in [parent, *parent.children(recursive=True)]:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def at_fixed_rate(rate: float, seconds: float, send) -> None:
    """Open-loop load: `send(index)` every 1/rate s, each on its own thread, then wait for all."""
    threads = []
    start = time.perf_counter()
    for index in range(int(rate * seconds)):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=send, args=(index,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(cell.rjust(widths[i]) for i, cell in enumerate(row)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
