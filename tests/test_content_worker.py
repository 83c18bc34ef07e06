import pytest
from rq import Worker

from responses import index as index_module
from responses.worker import ContentIndexWorker
from tests.factories import CannedResponseFactory


@pytest.mark.django_db
def test_the_worker_builds_the_index_before_forking_a_job(fresh_index, redis_db, monkeypatch):
    CannedResponseFactory(trigger="books", text="gopl.io")
    seen = []
    monkeypatch.setattr(
        Worker, "execute_job", lambda self, job, queue: seen.append(index_module._index)
    )
    worker = ContentIndexWorker(["default"], connection=redis_db)

    worker.execute_job(job=None, queue=None)

    [inherited] = seen
    assert inherited.command("books").text == "gopl.io"
