import pytest

from gopherbot import connections

pytest_plugins = ["tests.fixtures.outside"]


@pytest.fixture(autouse=True)
def redis_db():
    """A clean Redis database for every test (the session's private server, or REDIS_URL)."""
    connections.reset()
    client = connections.get_redis()
    client.flushdb()
    yield client
    connections.reset()
