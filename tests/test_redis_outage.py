"""The `web` process while Redis crashes and comes back: nothing lost, nothing doubled."""

import threading
import time

import redis
from rq import Queue
from rq.job import Job

from gateway.delivery import job_id_for
from localdev.local_redis import LocalRedis, free_port
from localdev.processes import procfile_command, running, wait_for_http
from tests.fixtures.reliability import send_event
from tests.slack_events import event_callback


class Slack(threading.Thread):
    """Sends distinct events one after another until stopped; remembers every answer."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base = base
        self.answers: list[tuple[dict, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            body = event_callback()
            self.answers.append((body, send_event(self.base, body)))

    def wait_for(self, condition, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.answers):
            assert time.monotonic() < deadline, f"gave up waiting; answers: {self.statuses()}"
            time.sleep(0.02)

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for _, status in self.answers:
            counts[status] = counts.get(status, 0) + 1
        return counts


def count(status: int):
    return lambda answers: sum(1 for _, s in answers if s == status)


def test_a_redis_crash_loses_no_acknowledged_event_and_slacks_retries_land_once(tmp_path):
    # Every write fsync'd before Redis answers it: the guarantee a crash must not break.
    store = LocalRedis(data_dir=tmp_path / "redis", persist=True, fsync_every_write=True)
    store.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "REDIS_URL": store.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    try:
        with running(procfile_command("web"), env) as web:
            wait_for_http(f"{base}/_ruok", proc=web)
            slack = Slack(base)
            slack.start()
            try:
                slack.wait_for(lambda a: count(200)(a) >= 30)
                store.kill()
                slack.wait_for(lambda a: count(503)(a) >= 20)
                store.start()
                before = len(slack.answers)
                # Recovered without restarting the web process: new events are taken again.
                slack.wait_for(lambda a: count(200)(a[before:]) >= 30)
            finally:
                slack.stopping.set()
                slack.join(timeout=10)

            statuses = slack.statuses()
            assert set(statuses) == {200, 503}, statuses
            acknowledged = [body["event_id"] for body, status in slack.answers if status == 200]
            refused = [body for body, status in slack.answers if status != 200]

            # Slack retries what was refused, and sometimes what was not.
            assert [send_event(base, body, retry_num=1) for body in refused] == [200] * len(refused)
            some_acknowledged = [body for body, status in slack.answers[:10]]
            assert [send_event(base, b, retry_num=1) for b in some_acknowledged] == [200] * 10

            assert web.process.poll() is None
            log = web.output()
            assert log.count("Booting worker") == 2, "a gunicorn worker died and was replaced"
            assert 'outcome="redis error: ConnectionError" status=503' in log

        connection = redis.Redis.from_url(store.url)
        queue = Queue("slack_message_public", connection=connection)
        queued = [job.args[0]["event_id"] for job in queue.get_jobs()]
        sent = [body["event_id"] for body, _ in slack.answers]
        assert sorted(queued) == sorted(sent), "an event was lost or enqueued twice"
        assert set(acknowledged) <= set(queued)
        assert all(connection.exists(Job.key_for(job_id_for(event_id))) for event_id in sent)
        connection.close()
    finally:
        store.stop()
