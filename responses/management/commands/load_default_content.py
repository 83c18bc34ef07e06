from django.core.management.base import BaseCommand

from responses.loading import CREATED, SKIPPED, UNCHANGED, UPDATED, load_default_content


class Command(BaseCommand):
    help = (
        "Load the default canned responses, contains rules, glossary, channels, welcomes "
        "and playground deny list. Safe to rerun: moderators' edits are kept unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite moderators' edits (and same-named entries) with the defaults.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        outcomes = load_default_content(force=force, report=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Default content: {outcomes[CREATED]} created, {outcomes[UPDATED]} updated, "
                f"{outcomes[UNCHANGED]} unchanged, {outcomes[SKIPPED]} skipped."
            )
        )
