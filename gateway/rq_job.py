"""RQ's job record, written directly: the gateway's enqueue in a few microseconds.

`rq.Job.create(...).to_dict()` costs more CPU than the rest of the gateway's work;
this writes the same fields RQ's own `Queue.enqueue_job` writes for a plain
queued job, read back by RQ's `Job.restore` (an empty or absent field reads as
unset, uncompressed data is accepted). rq is pinned in requirements.txt, and
tests/test_delivery.py checks that RQ reads every field and a real worker runs it.
"""

import functools
import json
import os
import pickle
import time

from rq.job import JobStatus
from rq.serializers import DefaultSerializer

JOB_KEY_PREFIX = "rq:job:"
QUEUE_KEY_PREFIX = "rq:queue:"
QUEUES_KEY = "rq:queues"
assert DefaultSerializer.dumps.keywords == {"protocol": pickle.HIGHEST_PROTOCOL}


_second: int | None = None
_second_text = ""


def _now_stamp() -> str:
    """Now, as RQ writes its timestamps (utcformat: %Y-%m-%dT%H:%M:%S.%fZ)."""
    global _second, _second_text
    now = time.time()
    second = int(now)
    if second != _second:
        _second, _second_text = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{_second_text}.{int((now - second) * 1_000_000):06d}Z"


@functools.lru_cache(maxsize=64)
def shared_fields(
    *, queue: str, timeout: int, result_ttl: int, failure_ttl: int,
    retry_intervals: tuple[int, ...] = (),
) -> str:  # fmt: skip
    """The fields every job of a queue shares, as one JSON object of strings (built once).

    `retry_intervals` are RQ's Retry(max=len, interval=list): written at enqueue, they
    also cover a job whose worker died, which RQ retries only if the job says so.
    """
    fields = {
        "origin": queue,
        "timeout": str(timeout),
        "result_ttl": str(result_ttl),
        "failure_ttl": str(failure_ttl),
        "status": JobStatus.QUEUED.value,
    }
    if retry_intervals:
        fields["retries_left"] = str(len(retry_intervals))
        fields["retry_intervals"] = json.dumps(list(retry_intervals))
    return json.dumps(fields)


def new_job(func: str, payload: dict, *, description: str) -> tuple[str, list]:
    """A new job id and its own fields as a flat [field, value, ...] list, ready for HSET."""
    job_id = os.urandom(16).hex()  # random like RQ's uuid4 ids, without building the object
    stamp = _now_stamp()
    data = pickle.dumps((func, None, (payload,), {}), protocol=pickle.HIGHEST_PROTOCOL)
    return job_id, [
        "data", data,
        "created_at", stamp,
        "enqueued_at", stamp,
        "description", description,
    ]  # fmt: skip
