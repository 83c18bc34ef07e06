"""Admin logins are throttled before the password is checked.

Django's own means rather than a package: an authentication backend (Django's
extension point for this) that counts every attempt per username and per client
address in Redis, and refuses past the limit without checking the password.
django-axes counts failures after the check, so a burst of attempts sent at once is
checked in full (each check is 0.4 s of CPU); this counts before. A successful login
clears its username's count; every count expires after the window.
"""

import contextlib
import logging

import redis
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from gopherbot.connections import get_redis

log = logging.getLogger("gopherbot.login")


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not isinstance(username, str):
            return super().authenticate(request, username, password, **kwargs)
        user_key = f"gopherbot:login-attempts:user:{username.casefold()}"
        address_key = f"gopherbot:login-attempts:address:{client_address(request)}"
        try:
            attempts = _count(user_key), _count(address_key)
        except redis.RedisError as error:
            # Passwords are still checked (off the event loop), just not counted.
            log.warning("login attempts not counted", extra={"fields": {"error": repr(error)}})
            attempts = (0, 0)
        if attempts[0] > settings.LOGIN_ATTEMPTS_PER_USER or (
            attempts[1] > settings.LOGIN_ATTEMPTS_PER_ADDRESS
        ):
            log.warning(
                "login throttled",
                extra={"fields": {"user_attempts": attempts[0], "address_attempts": attempts[1]}},
            )
            raise PermissionDenied("too many login attempts")  # no other backend is asked
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            with contextlib.suppress(redis.RedisError):
                get_redis().delete(user_key)
        return user


def client_address(request) -> str:
    """Behind the platform's router (production), the address it appends to X-Forwarded-For."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.PRODUCTION and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _count(key: str) -> int:
    """One more attempt on `key`; the count expires a window after its first attempt."""
    _, attempts = (
        get_redis()
        .pipeline()
        .set(key, 0, ex=settings.LOGIN_ATTEMPTS_WINDOW_SECONDS, nx=True)
        .incr(key)
        .execute()
    )
    return attempts
