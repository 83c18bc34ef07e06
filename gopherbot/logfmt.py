"""One line per log record, in logfmt: easy to read, easy to grep, easy to ship.

Structured fields travel in `extra={"fields": {...}}`:

    log.info("event", extra={"fields": {"event_id": "Ev1", "outcome": "enqueued"}})

prints `ts=... level=info logger=gateway msg=event event_id=Ev1 outcome=enqueued`.
"""

import logging
import re
import time

from django.conf import settings

# Our lines name no source file, thread or process: skip collecting them for every record.
# https://docs.python.org/3/howto/logging.html#optimization
logging._srcfile = None
logging.logThreads = False
logging.logProcesses = False
logging.logMultiprocessing = False

_NEEDS_QUOTES = re.compile(r'[ ="\\]')


def _quote(value: object) -> str:
    text = str(value)
    # The regex and isprintable() run in C: most values (ids, numbers) pass both at once.
    if text == "" or _NEEDS_QUOTES.search(text) or not text.isprintable():
        # Control and format characters escaped (\r, \x00, \u202e...): a value, whoever
        # sent it, can neither forge a log line nor reorder what the operator reads.
        text = '"' + "".join(_escape(c) for c in text) + '"'
    return text


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")


def logfmt(fields: dict) -> str:
    return " ".join(f"{key}={_quote(value)}" for key, value in fields.items() if value is not None)


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        line = {
            "ts": f"{ts}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **getattr(record, "fields", {}),
            "dyno": getattr(record, "dyno", None),
        }
        text = logfmt(line)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class ProcessFilter(logging.Filter):
    """Adds the platform's dyno name when there is one (HEROKU_DYNO_ID)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.dyno = settings.HEROKU_DYNO_ID or None
        return True
