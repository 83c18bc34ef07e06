import logging

import pytest

from gopherbot import connections
from gopherbot.logfmt import LogfmtFormatter

pytest_plugins = [
    "tests.fixtures.content",
    "tests.fixtures.outside",
    "tests.fixtures.slack",
    "tests.fixtures.bot",
    "tests.fixtures.reliability",
    "tests.fixtures.browser",
]


@pytest.fixture(autouse=True)
def redis_db():
    """A clean Redis database for every test (the session's private server, or REDIS_URL)."""
    connections.reset()
    client = connections.get_redis()
    client.flushdb()
    yield client
    connections.reset()


@pytest.fixture
def redis_down(settings):
    """Every Redis client of this process points where nothing listens, as if Redis were down."""
    settings.RQ_QUEUES = {
        name: {"URL": "redis://127.0.0.1:1/0"}  # nothing listens on port 1
        for name in settings.RQ_QUEUES
    }
    connections.reset()
    yield
    connections.reset()


@pytest.fixture
def log_text(caplog):
    """What the operator would read: the captured records as formatted logfmt lines."""
    caplog.set_level(logging.DEBUG)
    formatter = LogfmtFormatter()
    return lambda: "\n".join(formatter.format(record) for record in caplog.records)
