"""One line per log record, in logfmt: easy to read, easy to grep, easy to ship.

Structured fields travel in `extra={"fields": {...}}`:

    log.info("event", extra={"fields": {"event_id": "Ev1", "outcome": "enqueued"}})

prints `ts=... level=info logger=gateway msg=event event_id=Ev1 outcome=enqueued`.
"""

import logging
import re
import time

_NEEDS_QUOTES = re.compile(r'[ ="\\]')


def _quote(value: object) -> str:
    if type(value) is int:  # status codes, counts: the common case, nothing to check
        return str(value)
    text = str(value)
    if text and not _NEEDS_QUOTES.search(text) and text.isprintable():
        return text
    if text.isprintable():  # a space or a quote: the usual reason, escaped in C
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    # Control and format characters escaped (\r, \x00, \u202e...): a value, whoever
    # sent it, can neither forge a log line nor reorder what the operator reads.
    return '"' + "".join(_escape(c) for c in text) + '"'


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")


def logfmt(fields: dict) -> str:
    return " ".join(f"{key}={_quote(value)}" for key, value in fields.items() if value is not None)


class LogfmtFormatter(logging.Formatter):
    _second: int | None = None
    _stamp = ""

    def format(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second:  # one strftime a second, not one a line
            self._second, self._stamp = (
                second,
                time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)),
            )
        line = {
            "ts": f"{self._stamp}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **getattr(record, "fields", {}),
            **getattr(record, "process_fields", {}),
        }
        text = logfmt(line)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class ProcessFilter(logging.Filter):
    """Adds the platform's app, dyno and release to every line, when set (HEROKU_*)."""

    def __init__(self, name: str = ""):
        from django.conf import settings  # (gunicorn's master loads this module without Django)

        super().__init__(name)
        self.fields = {
            "app": settings.HEROKU_APP_NAME or None,
            "dyno": settings.HEROKU_DYNO_ID or None,
            "release": settings.HEROKU_SLUG_COMMIT[:7] or None,
        }

    def filter(self, record: logging.LogRecord) -> bool:
        record.process_fields = self.fields
        return True
