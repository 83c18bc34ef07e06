"""The local superuser that `manage.py runbot` prints at start."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

LOCAL_ADMIN_USERNAME = "admin"


def new_password() -> str:
    return secrets.token_urlsafe(12)


def ensure_local_admin(password: str) -> AbstractUser:
    """Create (or reset) the superuser `admin` with `password`, so the printed one always works."""
    user, _ = get_user_model().objects.get_or_create(
        username=LOCAL_ADMIN_USERNAME, defaults={"email": "admin@localhost"}
    )
    user.is_active = user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return user
