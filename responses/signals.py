"""Keep the workers' content index fresh and the claimed names in step with deletions."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from responses import claims
from responses.index import bump_content_version

CONTENT_MODELS = (
    "responses.CannedResponse",
    "responses.ContainsRule",
    "responses.RecommendedChannel",
    "responses.Welcome",
    "responses.PlaygroundDeniedChannel",
    "glossary.Term",
)


def content_changed(sender, **kwargs) -> None:
    # After commit: a worker rebuilding earlier would cache the old rows under the new version.
    transaction.on_commit(bump_content_version)


def release_claims(sender, instance, **kwargs) -> None:
    claims.release_names(instance.claim_owner)


def connect() -> None:
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        post_save.connect(content_changed, sender=model, dispatch_uid=f"content-saved-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-deleted-{label}")
    for label in ("responses.CannedResponse", "responses.ContainsRule", "glossary.Term"):
        post_delete.connect(
            release_claims, sender=apps.get_model(label), dispatch_uid=f"release-claims-{label}"
        )
