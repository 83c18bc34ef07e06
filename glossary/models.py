from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from responses import claims
from responses.channel_links import channel_link_errors
from responses.models import LIST_HELP, ContentModel, add_mass_mention_errors, names_errors
from responses.names import join_list, normalize_name, split_list


class Term(ContentModel):
    term = models.CharField(
        max_length=100,
        help_text=(
            "As people ask for it: `define TERM`. Shown as you write it (“gRPC”), "
            "matched in any case."
        ),
    )
    aliases = models.TextField(blank=True, help_text="Other spellings or short forms. " + LIST_HELP)
    definition = models.TextField(
        help_text=(
            "Slack mrkdwn: *bold*, <https://…|links>; {#channel-name} links to a channel. "
            "The bot answers “`term` is DEFINITION”, so start lower-case."
        )
    )

    class Meta:
        # Case-insensitive, like matching and uniqueness (the constraint's index serves both).
        ordering = [Lower("term")]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="term_unique_ci",
                violation_error_message="This term is already in the glossary.",
            )
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def alias_list(self) -> list[str]:
        return split_list(self.aliases)

    @property
    def claim_owner(self) -> str:
        return f"term:{self.pk}"

    @property
    def matched_as(self) -> str:
        """The term as members' words are compared with it: lower-cased."""
        return normalize_name(self.term)

    def normalize(self) -> None:
        self.term = " ".join(self.term.split())  # the case stays as typed, for display
        self.aliases = join_list(self.alias_list)
        self.definition = self.definition.strip()

    def clean(self) -> None:
        self.normalize()
        if not self.term:
            raise ValidationError({"term": "A term is required."})
        field_names = {"term": [self.matched_as], "aliases": self.alias_list}
        errors = names_errors(claims.TERM, self.claim_owner, field_names)
        add_mass_mention_errors(
            errors, term=self.term, aliases=self.alias_list, definition=self.definition
        )
        definition_problems = channel_link_errors(self.definition)
        if definition_problems:
            errors.setdefault("definition", []).extend(definition_problems)
        if errors:
            raise ValidationError(errors)

    def claim_names(self) -> None:
        claims.claim_names(
            claims.TERM,
            self.claim_owner,
            [self.matched_as, *self.alias_list],
            f"the term “{self.term}”",
        )
