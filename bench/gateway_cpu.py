"""In-process CPU per request: our WSGI application against the slack-bolt reference.

    python -m bench.gateway_cpu [--requests 2000] [--rounds 7]

Calls each WSGI app directly (no HTTP server, no load generator), with the same
distinct signed events, alternating the apps round by round, and reports the
median CPU time per request (time.process_time: steadier than wall time on a
shared machine). Ours includes the Redis round trip to a private redis-server.
"""

import argparse
import io
import os
import time

from bench.common import APP_ID, SIGNING_SECRET, TEAM_ID, median, print_table
from bench.signed_events import message_body, signed
from localdev.local_redis import LocalRedis


def environs(count: int, start: int) -> list[dict]:
    result = []
    for index in range(start, start + count):
        body = message_body(index, TEAM_ID, APP_ID)
        timestamp, signature = signed(body, SIGNING_SECRET)
        result.append({
            "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/event", "SERVER_NAME": "bench",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "HTTP_HOST": "bench",
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp, "HTTP_X_SLACK_SIGNATURE": signature,
        })  # fmt: skip
    return result


def cpu_per_request(app, envs: list[dict]) -> float:
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    started = time.process_time()
    for environ in envs:
        b"".join(app(environ, start_response))
    elapsed = time.process_time() - started
    if any(not status.startswith("200") for status in statuses):
        raise RuntimeError(f"non-200 answers: {sorted(set(statuses))}")
    return elapsed / len(envs) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    redis_server = LocalRedis().start()
    os.environ.update(
        REDIS_URL=redis_server.url,
        GOPHER_SLACK_REQUEST_SECRET=SIGNING_SECRET,
        GOPHER_SLACK_TEAM_ID=TEAM_ID,
        GOPHER_SLACK_APP_ID=APP_ID,
        BENCH_SIGNING_SECRET=SIGNING_SECRET,
        BENCH_TEAM_ID=TEAM_ID,
        GOPHER_LOG_LEVEL="info",
    )
    import logging

    from bench.bolt_reference import application as bolt
    from gopherbot.wsgi import application as ours

    # Our one log line a request is part of the cost; written where it costs no terminal.
    logging.getLogger().handlers[0].stream = open(os.devnull, "w")  # noqa: SIM115
    apps = {"gopherbot": ours, "slack-bolt (ack only)": bolt}
    samples: dict[str, list[float]] = {name: [] for name in apps}
    try:
        serial = 0
        for app in apps.values():  # warm up: imports, connections, scripts
            cpu_per_request(app, environs(200, serial))
            serial += 200
        for _ in range(args.rounds):
            for name, app in apps.items():
                samples[name].append(cpu_per_request(app, environs(args.requests, serial)))
                serial += args.requests
    finally:
        redis_server.stop()

    rows = [
        [name, f"{median(v):.0f}", f"{min(v):.0f}", f"{max(v):.0f}"] for name, v in samples.items()
    ]
    print(f"\nCPU per request in-process, {args.rounds} rounds of {args.requests} distinct events")
    print_table(["app", "median µs", "min µs", "max µs"], rows)
    ours_median, bolt_median = (median(samples[name]) for name in apps)
    print(f"gopherbot / slack-bolt CPU per request: {ours_median / bolt_median:.2f}")


if __name__ == "__main__":
    main()
