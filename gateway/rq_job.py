"""RQ's job record, written directly: the gateway's enqueue in a few microseconds.

`rq.Job.create(...).to_dict()` costs more CPU than the rest of the gateway's work;
this writes the same fields RQ's own `Queue.enqueue_job` writes for a plain
queued job, read back by RQ's `Job.restore` (an empty or absent field reads as
unset, uncompressed data is accepted). rq is pinned in requirements.txt, and
tests/test_delivery.py checks that RQ reads every field and a real worker runs it.
"""

import json
import pickle
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from rq.job import JobStatus
from rq.serializers import DefaultSerializer
from rq.utils import utcformat

JOB_KEY_PREFIX = "rq:job:"
QUEUE_KEY_PREFIX = "rq:queue:"
QUEUES_KEY = "rq:queues"
assert DefaultSerializer.dumps.keywords == {"protocol": pickle.HIGHEST_PROTOCOL}


def new_job(
    func: str, payload: dict, *, queue: str, description: str, timeout: int, result_ttl: int,
    failure_ttl: int, retry_intervals: Sequence[int] = (),
) -> tuple[str, list]:  # fmt: skip
    """A new job id and its hash as a flat [field, value, ...] list, ready for HSET.

    `retry_intervals` are RQ's Retry(max=len, interval=list): written at enqueue, they
    also cover a job whose worker died, which RQ retries only if the job says so.
    """
    job_id = str(uuid.uuid4())
    stamp = utcformat(datetime.now(UTC))
    data = pickle.dumps((func, None, (payload,), {}), protocol=pickle.HIGHEST_PROTOCOL)
    retry = (
        ["retries_left", len(retry_intervals), "retry_intervals", json.dumps(list(retry_intervals))]
        if retry_intervals
        else []
    )
    return job_id, [
        *retry,
        "data", data,
        "created_at", stamp,
        "enqueued_at", stamp,
        "origin", queue,
        "description", description,
        "timeout", timeout,
        "result_ttl", result_ttl,
        "failure_ttl", failure_ttl,
        "status", JobStatus.QUEUED.value,
    ]  # fmt: skip
