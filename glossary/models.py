from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from responses import claims
from responses.models import LIST_HELP, ContentModel, add_mass_mention_errors, names_errors
from responses.names import join_list, normalize_name, split_list


class Term(ContentModel):
    term = models.CharField(max_length=100, help_text="As people ask for it: `define TERM`.")
    aliases = models.TextField(blank=True, help_text="Other spellings or short forms. " + LIST_HELP)
    definition = models.TextField(
        help_text="Slack mrkdwn. The bot answers “`term` is DEFINITION”, so start lower-case."
    )

    class Meta:
        ordering = ["term"]
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

    def normalize(self) -> None:
        self.term = normalize_name(self.term)
        self.aliases = join_list(self.alias_list)
        self.definition = self.definition.strip()

    def clean(self) -> None:
        self.normalize()
        if not self.term:
            raise ValidationError({"term": "A term is required."})
        field_names = {"term": [self.term], "aliases": self.alias_list}
        errors = names_errors(claims.TERM, self.claim_owner, field_names)
        add_mass_mention_errors(
            errors, term=self.term, aliases=self.alias_list, definition=self.definition
        )
        if errors:
            raise ValidationError(errors)

    def claim_names(self) -> None:
        claims.claim_names(
            claims.TERM, self.claim_owner, [self.term, *self.alias_list], f"the term “{self.term}”"
        )
