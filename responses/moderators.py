"""The moderators group: exactly the permissions to edit the bot's content."""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from responses.signals import CONTENT_MODELS

MODERATORS = "moderators"
ACTIONS = ("add", "change", "delete", "view")


def moderator_permissions() -> list[Permission]:
    from django.apps import apps

    wanted = []
    for label in CONTENT_MODELS:
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        for action in ACTIONS:
            wanted.append(
                Permission.objects.get(
                    content_type=content_type, codename=f"{action}_{content_type.model}"
                )
            )
    # The admin's history of who changed what, read-only.
    wanted.append(Permission.objects.get(content_type__app_label="admin", codename="view_logentry"))
    # What members use and ask for (insights.admin).
    wanted.append(
        Permission.objects.get(content_type__app_label="insights", codename="view_insights")
    )
    return wanted


def setup_moderators_group() -> tuple[Group, bool, bool]:
    """(the group, whether it was created, whether its permissions changed)."""
    group, created = Group.objects.get_or_create(name=MODERATORS)
    wanted = {permission.pk for permission in moderator_permissions()}
    have = set(group.permissions.values_list("pk", flat=True))
    if wanted != have:
        group.permissions.set(wanted)
    return group, created, wanted != have
