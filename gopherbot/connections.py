"""One Redis client (and connection pool) per process, shared by everything.

Building a client per request costs a TCP connect and a handshake each time;
the gateway is hot, so it and the workers reuse this one. A forked child gets
a fresh client, never its parent's sockets.
"""

import os

import redis
from django.conf import settings
from rq import Queue

_client: redis.Redis | None = None
_client_pid: int | None = None
_queues: dict[str, Queue] = {}


def get_redis() -> redis.Redis:
    global _client, _client_pid
    if _client is None or _client_pid != os.getpid():
        options = {"socket_connect_timeout": 2, "socket_timeout": 5, "health_check_interval": 30}
        if settings.REDIS_TLS and settings.REDIS_SKIP_VERIFY:
            options["ssl_cert_reqs"] = "none"
        _client = redis.Redis.from_url(settings.REDIS_URL, **options)
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
