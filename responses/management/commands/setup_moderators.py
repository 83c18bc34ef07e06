from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from responses.moderators import MODERATORS, setup_moderators_group


class Command(BaseCommand):
    help = (
        "Create the moderators group with the permissions to edit the bot's content "
        "(not users or groups). Safe to rerun. --add makes existing users moderators."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--add", nargs="+", default=[], metavar="USERNAME", help="Users to make moderators."
        )

    def handle(self, *args, add: list[str], **options) -> None:
        group, created, changed = setup_moderators_group()
        if created:
            self.stdout.write(f"Created the {MODERATORS} group.")
        if changed:
            self.stdout.write(f"Set the {MODERATORS} group's permissions.")
        if not created and not changed:
            self.stdout.write(f"The {MODERATORS} group is already set up.")

        users = get_user_model().objects
        for username in add:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user named {username!r}.")
            user.is_staff = True  # the admin lets in staff only
            user.save(update_fields=["is_staff"])
            user.groups.add(group)
            self.stdout.write(f"{username} is a moderator.")
