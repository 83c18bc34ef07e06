from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    f"{action}_{model}"
    for model in (
        "cannedresponse",
        "containsrule",
        "recommendedchannel",
        "welcome",
        "playgrounddeniedchannel",
        "term",
    )
    for action in ("add", "change", "delete", "view")
} | {"view_logentry", "view_insights"}


def setup(*args: str) -> str:
    out = StringIO()
    call_command("setup_moderators", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_group_with_exactly_the_content_permissions():
    assert setup() == "Created the moderators group.\nSet the moderators group's permissions.\n"
    group = Group.objects.get(name="moderators")
    assert set(group.permissions.values_list("codename", flat=True)) == EXPECTED


def test_a_rerun_changes_nothing():
    setup()
    assert setup() == "The moderators group is already set up.\n"


def test_a_rerun_repairs_the_permissions():
    setup()
    group = Group.objects.get(name="moderators")
    group.permissions.add(Permission.objects.get(codename="change_user"))
    assert setup() == "Set the moderators group's permissions.\n"
    assert set(group.permissions.values_list("codename", flat=True)) == EXPECTED


def test_it_makes_existing_users_moderators():
    alice = MemberFactory(username="alice")
    assert "alice is a moderator." in setup("--add", "alice")
    alice.refresh_from_db()
    assert alice.is_staff and not alice.is_superuser
    assert list(alice.groups.values_list("name", flat=True)) == ["moderators"]


def test_it_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        setup("--add", "nobody")
