"""Hostile traffic never delays Slack: the Procfile's web process under attack, over HTTP.

200 connections send their bodies a byte at a time, and 20 threads post wrong passwords
to the admin without pause, while Slack delivers signed events. bench/attack.py runs
the same attack against other gunicorn settings and prints the figures.
"""

import os
from pathlib import Path

from rq import Queue

from bench.attack import attack, site_env
from bench.common import percentile
from gopherbot.local_redis import free_port
from localdev.processes import procfile_command, running, wait_for_http


def test_slack_gets_its_200s_within_a_second_under_slow_bodies_and_a_login_flood(
    redis_db, tmp_path: Path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = site_env(os.environ["REDIS_URL"], port, tmp_path)
    with running(procfile_command("web"), env) as web:
        wait_for_http(f"{base}/_ruok", proc=web)
        results, bodies, flood = attack(base, port, slow=200, logins=20, rate=10, seconds=6)
        log = web.output()

    # The attack happened: every slow connection was held open, then cut at the deadline;
    # the flood's attempts were counted, and refused past the limit without a check.
    assert bodies.most_open == 200
    assert bodies.answered >= 150, "the body deadline cut no slow connection"
    assert "request body too slow" in log
    assert flood.attempts >= 20
    assert "login throttled" in log

    statuses = [status for _, status, _ in results]
    assert statuses == [200] * 60
    latencies = [seconds for _, _, seconds in results]
    assert percentile(latencies, 99) < 1.0, sorted(latencies)[-5:]
    queued = {
        job.args[0]["event_id"]
        for job in Queue("slack_message_public", connection=redis_db).get_jobs()
    }
    assert queued == {event_id for event_id, _, _ in results}
