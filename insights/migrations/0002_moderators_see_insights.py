"""An existing moderators group gets the new permission (setup_moderators grants it anew)."""

from django.db import migrations

MODERATORS = "moderators"  # responses.moderators.MODERATORS


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=MODERATORS).first()
    if group is None:
        return  # setup_moderators creates it with every permission, this one included
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    # Django creates permissions after all migrations ran; make this one now, as it would.
    content_type, _ = ContentType.objects.get_or_create(app_label="insights", model="dailycount")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_insights",
        defaults={"name": "Can see the Insights page"},
    )
    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
