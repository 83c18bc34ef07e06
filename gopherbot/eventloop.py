"""The web process's event loop: gunicorn's gevent workers (see gunicorn.conf.py).

One OS thread serves every request of a worker process, switching between them
whenever one waits for the network. Two things would stall all of them, and are
kept off it: waiting without end for a client (`deadline`), and long CPU work in C
that never yields, like a password hash (`off_loop`). Outside gevent (runserver,
the test client, a management command) both are plain calls.
"""

import contextlib
import sys


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
    """function(*args), run in a native thread while the loop serves other requests."""
    if under_gevent():
        import gevent

        return gevent.get_hub().threadpool.apply(function, args)
    return function(*args)
