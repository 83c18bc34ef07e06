"""The process's Redis client and RQ queues, from the one Redis configuration.

settings.RQ_QUEUES is that configuration: django-rq builds the workers' and the
queue views' connections from it, and this module builds the one client everything
else shares (the gateway, the bot, the pollers, the health check), through
django-rq's `get_connection`. A forked child gets a fresh client, never its
parent's sockets.
"""

import os

import django_rq
import redis
from django.conf import settings
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from rq import Queue

# A dropped idle connection is reconnected at once; a Redis that is down is reported
# within a tenth of a second (redis-py's default keeps trying for seconds, longer than
# Slack waits for the gateway's answer: refused at once, Slack delivers it again).
RETRY = Retry(ExponentialBackoff(cap=0.05, base=0.01), retries=2)

_client: redis.Redis | None = None
_client_pid: int | None = None
_queues: dict[str, Queue] = {}


def get_redis() -> redis.Redis:
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        _client = django_rq.get_connection(settings.QUEUE_DEFAULT)
        _client.set_retry(RETRY)
        _client_pid = os.getpid()
        _queues.clear()
    return _client


def get_queue(name: str) -> Queue:
    connection = get_redis()
    queue = _queues.get(name)
    if queue is None:
        queue = _queues[name] = Queue(name, connection=connection)
    return queue


def reset() -> None:
    """Forget the client, e.g. after settings changed in a test."""
    global _client
    if _client is not None:
        _client.close()
    _client = None
    _queues.clear()
