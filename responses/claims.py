"""Names claimed by content, kept in one table so the database refuses a name claimed twice.

A canned response's trigger and aliases share one namespace with the function
commands ("command"); glossary terms and their aliases share another ("term");
contains rules' triggers a third ("contains"): they match anywhere in a message,
so they never clash with a command or a term, only with another rule's trigger.
Models sync their claims when they are saved (see CannedResponse.save) and
release them when deleted; the code-defined commands claim theirs after migrate.
"""

import logging

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.functions import Lower

from responses.builtins import builtin_names

log = logging.getLogger("responses.claims")

COMMAND = "command"
TERM = "term"
CONTAINS = "contains"
BUILTIN_OWNER = "builtin"


class ClaimedName(models.Model):
    """A trigger, alias or term held by one owner; the unique index is the point."""

    namespace = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    owner = models.CharField(max_length=64, db_index=True)  # "builtin", "canned:12", "term:3"
    owner_label = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(F("namespace"), Lower("name"), name="claimed_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner_label})"


def claim_names(namespace: str, owner: str, names: list[str], label: str) -> None:
    """Make `owner` hold exactly `names`; raises IntegrityError when one is held by another."""
    held = ClaimedName.objects.filter(namespace=namespace, owner=owner)
    held.exclude(name__in=names).delete()
    held.exclude(owner_label=label).update(owner_label=label)
    have = set(held.values_list("name", flat=True))
    for name in names:
        if name not in have:
            ClaimedName.objects.create(
                namespace=namespace, name=name, owner=owner, owner_label=label
            )


def release_names(owner: str) -> None:
    ClaimedName.objects.filter(owner=owner).delete()


def find_conflicts(namespace: str, names: list[str], owner: str) -> dict[str, str]:
    """Each of `names` already claimed by someone other than `owner` -> who claimed it."""
    reserved = builtin_claims() if namespace == COMMAND else {}
    taken = {name: reserved[name] for name in names if name in reserved}
    claims = ClaimedName.objects.filter(namespace=namespace, name__in=names).exclude(owner=owner)
    for name, label in claims.values_list("name", "owner_label"):
        taken.setdefault(name, label)
    return taken


def builtin_claims() -> dict[str, str]:
    """Each name the function commands reserve -> who holds it, as the admin says it."""
    return {name: f"the built-in command “{trigger}”" for name, trigger in builtin_names().items()}


def sync_builtin_claims(**kwargs) -> None:
    """Reserve the function commands' names (a post_migrate receiver)."""
    wanted = builtin_claims()
    builtin = ClaimedName.objects.filter(owner=BUILTIN_OWNER)
    builtin.exclude(name__in=wanted).delete()
    have = set(builtin.values_list("name", flat=True))
    for name, label in wanted.items():
        if name in have:
            continue
        try:
            with transaction.atomic():
                ClaimedName.objects.create(
                    namespace=COMMAND, name=name, owner=BUILTIN_OWNER, owner_label=label
                )
        except IntegrityError:
            # Content claimed it before the command existed; the admin still refuses
            # new claims on it, and the moderators should rename theirs.
            log.warning("built-in command name already claimed", extra={"fields": {"name": name}})
