"""Loading the default content without trampling on what moderators changed.

Each row loaded from a default remembers which default it came from (default_key)
and a digest of its values as loaded (default_fingerprint). On a later load a row
whose values no longer match that digest was edited by a moderator and is kept,
unless forced; a row still as loaded is brought up to date with the defaults.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction

from responses import defaults
from responses.models import (
    GLOSSARY_TERM,
    CannedResponse,
    ContainsRule,
    ContentModel,
    PlaygroundDeniedChannel,
    RecommendedChannel,
    Welcome,
)

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
SKIPPED = "skipped"


@dataclass(frozen=True)
class Default:
    model: type[ContentModel]
    key: str
    natural: tuple[str, ...]  # fields naming the row, to spot a moderator's own entry
    values: dict
    label: str


def all_defaults() -> list[Default]:
    items = [
        Default(CannedResponse, f"canned:{v['trigger']}", ("trigger",), v, "canned response")
        for v in defaults.CANNED
    ]
    items += [
        Default(ContainsRule, f"contains:{v['name']}", ("name",), v, "contains rule")
        for v in defaults.CONTAINS
    ]
    items += [
        Default(apps.get_model(GLOSSARY_TERM), f"term:{v['term']}", ("term",), v, "glossary term")
        for v in defaults.TERMS
    ]
    items += [
        Default(RecommendedChannel, f"channel:{v['name']}", ("name",), v, "recommended channel")
        for v in defaults.RECOMMENDED
    ]
    items += [
        Default(Welcome, f"welcome:{v['kind']}:{v['channel']}", ("kind", "channel"), v, "welcome")
        for v in defaults.WELCOMES
    ]
    items += [
        Default(
            PlaygroundDeniedChannel,
            f"playground-deny:{v['name']}",
            ("name",),
            v,
            "channel without playground uploads",
        )
        for v in defaults.PLAYGROUND_DENIED
    ]
    return items


def fingerprint(row: ContentModel, fields) -> str:
    values = {field: getattr(row, field) for field in sorted(fields)}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def load_one(default: Default, *, force: bool) -> tuple[str, str]:
    """Load one default; returns (outcome, why)."""
    model = default.model
    wanted = model(**default.values)
    wanted.normalize()
    wanted_fp = fingerprint(wanted, default.values)

    row = model.objects.filter(default_key=default.key).first()
    if row is None:
        # Names match in any case, as they do for members (a term keeps the case it was typed in).
        natural = {f"{field}__iexact": getattr(wanted, field) for field in default.natural}
        row = model.objects.filter(**natural).first()
        if row is not None and not force:
            return SKIPPED, "a moderator's entry has that name (--force replaces it)"
    created = row is None
    if created:
        row = model()
    else:
        current_fp = fingerprint(row, default.values)
        if current_fp == wanted_fp and row.default_key == default.key:
            if row.default_fingerprint != wanted_fp:
                # A moderator made it exactly the default: nothing to save, only remember it.
                model.objects.filter(pk=row.pk).update(default_fingerprint=wanted_fp)
            return UNCHANGED, ""
        edited = row.default_key == default.key and row.default_fingerprint != current_fp
        if edited and not force:
            return SKIPPED, "edited by a moderator (--force overwrites)"

    for field, value in default.values.items():
        setattr(row, field, value)
    row.default_key = default.key
    row.default_fingerprint = wanted_fp
    try:
        row.full_clean()
    except ValidationError as error:
        return SKIPPED, "; ".join(error.messages)
    row.save()
    return (CREATED if created else UPDATED), ""


def load_default_content(*, force: bool = False, report: Callable[[str], None]) -> Counter:
    outcomes: Counter = Counter()
    with transaction.atomic():
        for default in all_defaults():
            outcome, why = load_one(default, force=force)
            outcomes[outcome] += 1
            if outcome != UNCHANGED:
                name = default.key.split(":", 1)[1].rstrip(":").replace(":", " ")
                line = f"{outcome} {default.label} “{name}”"
                report(f"{line}: {why}" if why else line)
    return outcomes
