"""Admin logins: counted before the password is checked, refused past the limit."""

import pytest
from django.contrib.auth import get_user_model

from gopherbot import connections
from gopherbot.passwords import OffLoopPBKDF2PasswordHasher

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("admin", "admin@example.org", PASSWORD)


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every password hashed from now on (a check of a password is a hash)."""
    hashed: list[str] = []
    encode = OffLoopPBKDF2PasswordHasher.encode

    def spy(self, password, salt, iterations=None):
        hashed.append(password)
        return encode(self, password, salt, iterations)

    monkeypatch.setattr(OffLoopPBKDF2PasswordHasher, "encode", spy)
    return hashed


def log_in(client, username: str, password: str, address: str = "203.0.113.7", **headers):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_a_username_is_refused_unchecked_past_its_limit_even_with_the_right_password(
    client, settings, admin_user, checks, log_text
):
    settings.LOGIN_ATTEMPTS_PER_USER = 2
    assert not log_in(client, "admin", "guess-1")
    assert not log_in(client, "Admin", "guess-2")  # the same user, however it is written
    assert checks == ["guess-1", "guess-2"]

    assert not log_in(client, "admin", PASSWORD)
    assert checks == ["guess-1", "guess-2"]  # refused before its password was hashed
    assert "login throttled" in log_text()


def test_a_successful_login_clears_its_usernames_count(client, settings, admin_user):
    settings.LOGIN_ATTEMPTS_PER_USER = 2
    assert not log_in(client, "admin", "typo")
    assert log_in(client, "admin", PASSWORD)
    client.logout()
    assert not log_in(client, "admin", "another typo")
    assert log_in(client, "admin", PASSWORD)


def test_an_address_trying_many_usernames_is_refused_unchecked(
    client, settings, admin_user, checks
):
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 3
    for number in range(3):
        assert not log_in(client, f"intruder{number}", "x")
    assert len(checks) == 3
    assert not log_in(client, "admin", PASSWORD)
    assert len(checks) == 3
    # Another address is not affected.
    assert log_in(client, "admin", PASSWORD, address="198.51.100.9")


def test_in_production_the_address_is_the_one_the_router_appended(client, settings, admin_user):
    settings.PRODUCTION = True
    settings.LOGIN_ATTEMPTS_PER_ADDRESS = 1
    router = "10.1.2.3"  # every request reaches us from the platform's router
    forwarded = "HTTP_X_FORWARDED_FOR"
    assert not log_in(client, "a", "x", router, **{forwarded: "1.1.1.1, 203.0.113.7"})
    # A forged first hop changes nothing: the last one is the client the router saw.
    assert not log_in(client, "admin", PASSWORD, router, **{forwarded: "9.9.9.9, 203.0.113.7"})
    assert log_in(client, "admin", PASSWORD, router, **{forwarded: "203.0.113.8"})


def test_every_count_expires(client, admin_user, redis_db, settings):
    log_in(client, "admin", "typo")
    keys = redis_db.keys("gopherbot:login-attempts:*")
    assert len(keys) == 2
    assert all(0 < redis_db.ttl(key) <= settings.LOGIN_ATTEMPTS_WINDOW_SECONDS for key in keys)


def test_logins_still_work_while_redis_is_down(client, settings, admin_user, log_text):
    settings.RQ_QUEUES = {name: {"URL": "redis://127.0.0.1:1/0"} for name in settings.RQ_QUEUES}
    connections.reset()
    try:
        assert log_in(client, "admin", PASSWORD)
    finally:
        connections.reset()
    assert "login attempts not counted" in log_text()
