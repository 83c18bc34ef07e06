"""Starts the test session's redis-server before Django reads its settings.

Loaded with `-p tests.redis_plugin` (pytest.ini), so its hook runs before
pytest-django imports the settings, which read REDIS_URL. With REDIS_URL
already set, that server is used (and flushed by the tests) instead.
"""

import os

import pytest

from localdev.local_redis import LocalRedis

_server: LocalRedis | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _server
    if os.environ.get("REDIS_URL"):
        return
    _server = LocalRedis().start()
    os.environ["REDIS_URL"] = _server.url


def pytest_unconfigure(config):
    if _server is not None:
        _server.stop()
