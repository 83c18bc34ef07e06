"""gunicorn's settings for the web process; gunicorn reads this file from the working directory.

The choices and the figures behind them: docs/operations.md#the-web-tier-under-load-and-attack
and docs/performance.md#hostile-traffic.
"""

import os

from gunicorn.workers.ggevent import GeventWorker

# Nothing here imports Django: gunicorn's master reads this file, and each worker patches
# the standard library for gevent before it loads Django (gopherbot.wsgi).

# Every interface, on the platform's $PORT. `manage.py runbot` sets GOPHER_WEB_HOST=127.0.0.1
# for local runs, so the local signing secret is not reachable from the network.
_host = os.environ.get("GOPHER_WEB_HOST") or "0.0.0.0"  # noqa: S104 (a platform's router)
bind = [f"{_host}:{os.environ.get('PORT') or 8000}"]


class QuietGeventWorker(GeventWorker):
    """gunicorn's gevent worker, leaving as on SIGTERM when told to quit at once.

    Ctrl-C in a terminal signals the workers too (SIGINT), then the master asks them to
    quit (SIGQUIT): either way a worker finishes the requests in hand and exits quietly.
    gunicorn's quick exit from a gevent worker ends in a traceback of gevent's.
    """

    def handle_quit(self, sig, frame):
        self.handle_exit(sig, frame)


# gevent: a connection costs a greenlet, not a thread, so hundreds of slow clients hold
# no worker; what would stall a process's event loop is kept off it (gopherbot.eventloop).
worker_class = QuietGeventWorker
workers = int(os.environ.get("WEB_CONCURRENCY") or 4)
worker_connections = 1000

# No control socket: its default path ($HOME/.gunicorn/gunicorn.ctl) is one per user, and
# nothing here uses it.
control_socket_disable = True

# gunicorn's own lines (boot, worker exits, bad requests) in logfmt like the app's, one line
# each; no access log: the gateway writes its own line per event.
logconfig_dict = {
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "logfmt"}},
    "formatters": {"logfmt": {"()": "gopherbot.logfmt.LogfmtFormatter"}},
}
