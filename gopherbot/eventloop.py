"""The web process's event loop: gunicorn's gevent workers (see gunicorn.conf.py).

One OS thread serves every request of a worker process, switching between them
whenever one waits for the network. Two things would stall all of them, and are
kept off it: waiting without end for a client (`deadline`), and long CPU work in C
that never yields, like a password hash (`off_loop`). Outside gevent (runserver,
the test client, a management command) both are plain calls.
"""

import contextlib
import os
import sys
import threading


def under_gevent() -> bool:
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket")


def deadline(seconds: float, exception: type[Exception]):
    """A context in which waiting for the network raises `exception` after `seconds`."""
    if under_gevent():
        import gevent

        return gevent.Timeout(seconds, exception)
    return contextlib.nullcontext()


def off_loop(function, *args):
    """function(*args), run in a native thread while the loop serves other requests.

    One such thread per process, at the lowest CPU priority: its work still competes
    with the loop for the machine's cores, and twenty at once would leave the loop a
    twentieth of them. Calls queue.
    """
    if not under_gevent():
        return function(*args)
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        from gevent.threadpool import ThreadPool

        _pool, _pool_pid = ThreadPool(1), os.getpid()
    return _pool.apply(_niced, (function, args))


def _niced(function, args):
    if hasattr(os, "setpriority"):  # this thread only, on Linux (its id names it there)
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    return function(*args)


_pool = None
_pool_pid: int | None = None
