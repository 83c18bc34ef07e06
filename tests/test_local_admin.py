"""The superuser runbot prints at start: its password always works."""

from django.contrib.auth import authenticate

from localdev.accounts import ensure_local_admin, new_password


def test_it_creates_a_superuser_admin_with_the_password(db):
    password = new_password()

    ensure_local_admin(password)

    admin = authenticate(username="admin", password=password)
    assert admin is not None
    assert admin.is_superuser and admin.is_staff


def test_a_new_start_replaces_the_old_password(db):
    ensure_local_admin("first-password-1")

    ensure_local_admin("second-password-2")

    assert authenticate(username="admin", password="first-password-1") is None
    assert authenticate(username="admin", password="second-password-2") is not None


def test_each_password_is_new():
    assert len({new_password() for _ in range(20)}) == 20
