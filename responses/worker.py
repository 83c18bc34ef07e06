"""An RQ worker that keeps the content index warm across forked jobs.

RQ's Worker forks a fresh work horse for every job, so an index cached in the
horse dies with it, and every message would rebuild it from the database. This
worker checks the index in the parent (one Redis GET, a rebuild only when the
content changed) just before forking; each horse inherits the built index.
Use it with `manage.py rqworker --worker-class responses.worker.ContentIndexWorker …`.
"""

from django.db import connections
from rq import Worker

from responses.index import get_index


class ContentIndexWorker(Worker):
    def execute_job(self, job, queue) -> None:
        try:
            get_index()
        finally:
            # The horse must open its own database connection, not share the parent's socket.
            connections.close_all()
        super().execute_job(job, queue)
