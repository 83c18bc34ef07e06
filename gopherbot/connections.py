"""One Redis client (and connection pool) per process, shared by everything.

Building a client per request costs a TCP connect and a handshake each time;
the gateway is hot, so it and the workers reuse this one. A forked child gets
a fresh client, never its parent's sockets.
"""

import hashlib
import os
import threading

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


class ScriptRunner:
    """Runs one Lua script on connections it keeps aside, for the gateway's hot path.

    redis-py's full command path (pool checkout and release, retry wrapper, metrics
    hooks) cost more CPU than the command itself; the gateway sends one command per
    event, so it takes connections from the shared pool once, keeps them in its own
    free list, and speaks to them directly. list.pop() and append() never switch
    threads or greenlets midway, so each connection has one user at a time, whatever
    the web server's concurrency (sync, threads, gevent). A broken connection is
    dropped and the next call reconnects; a Redis that lost its scripts (a restart)
    gets the script itself.
    """

    def __init__(self, source: str, max_connections: int):
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()  # noqa: S324 (Redis names scripts so)
        self._client: redis.Redis | None = None
        self._idle: list = []
        # Hosted Redis plans allow few connections; a burst waits its turn instead (a script
        # takes a fraction of a millisecond). Under gevent this semaphore is gevent's.
        self._slots = threading.BoundedSemaphore(max_connections)

    def __call__(self, keys: list, args: list):
        """The script's answer. Safe to send twice only because the scripts used here are."""
        with self._slots:
            return self._call(keys, args)

    def _call(self, keys: list, args: list):
        connection = self._take()
        try:
            try:
                return self._run(connection, keys, args)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                # A connection Redis or the network dropped while idle: once more, reconnected.
                connection.disconnect()
            try:
                return self._run(connection, keys, args)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                connection.disconnect()
                raise
        finally:
            self._idle.append(connection)

    def _run(self, connection, keys: list, args: list):
        try:
            connection.send_command("EVALSHA", self.sha, len(keys), *keys, *args)
            return connection.read_response()
        except redis.exceptions.NoScriptError:
            connection.send_command("EVAL", self.source, len(keys), *keys, *args)
            return connection.read_response()

    def _take(self):
        client = get_redis()
        if client is not self._client:  # a new client (after a fork, or in tests)
            self._client, self._idle = client, []
        try:
            return self._idle.pop()
        except IndexError:
            # Checked out of the pool for good: from now on it is this runner's.
            return client.connection_pool.get_connection()
