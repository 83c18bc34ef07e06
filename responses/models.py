from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from responses import claims
from responses.builtins import PREFIX_COMMANDS
from responses.channel_links import channel_link_errors
from responses.names import (
    CHANNEL_NAME,
    EMOJI_NAME,
    join_list,
    normalize_channel,
    normalize_name,
    split_emoji,
    split_list,
)
from responses.names import probability as probability_of
from responses.welcome import template_errors
from slackapi.text import mass_mentions

LIST_HELP = "Comma-separated; matched case-insensitively."

# The content models below; the table of claimed names (ClaimedName) is in responses.claims.
# The glossary app builds on this one (its Term is a ContentModel); this app names Term only
# by its label, through Django's app registry, so the two never import each other.
GLOSSARY_TERM = "glossary.Term"


class ContentModel(models.Model):
    """What every piece of admin-managed content carries."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by load_default_content: which default this row came from, and a digest of
    # its values as loaded, so a later load can tell a moderator's edit from a stale default.
    default_key = models.CharField(max_length=120, blank=True, editable=False, db_index=True)
    default_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.normalize()
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.claim_names()

    def normalize(self) -> None:
        """Bring admin-entered values to their stored form (lower-cased names, clean lists)."""

    def claim_names(self) -> None:
        """Hold this object's names in ClaimedName, for those that have unique names."""


def names_errors(namespace: str, owner: str, field_names: dict[str, list[str]]) -> dict:
    """Form errors for names repeated within one object or claimed by another."""
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for field, names in field_names.items():
        for name in names:
            if name in seen:
                errors.setdefault(field, []).append(f"“{name}” is listed twice.")
            seen.add(name)
    taken = claims.find_conflicts(namespace, sorted(seen), owner)
    for field, names in field_names.items():
        for name in names:
            if name in taken:
                errors.setdefault(field, []).append(f"“{name}” is already taken by {taken[name]}.")
    return errors


def mass_mention_errors(*texts: str) -> list[str]:
    """Form errors for mentions that would notify a whole channel, workspace or user group."""
    found = dict.fromkeys(token for text in texts for token in mass_mentions(text))
    return [
        f"“{token}” would notify many people at once: texts the bot sends may not "
        "mention @here, @channel, @everyone or a user group. Remove it."
        for token in found
    ]


def add_mass_mention_errors(errors: dict[str, list[str]], **fields: str | list[str]) -> None:
    """Add mass_mention_errors for each of these fields (a text or a list of names)."""
    for field, value in fields.items():
        problems = mass_mention_errors(*([value] if isinstance(value, str) else value))
        if problems:
            errors.setdefault(field, []).extend(problems)


class CannedResponse(ContentModel):
    trigger = models.CharField(
        max_length=100,
        help_text="What people send the bot (in a DM or mentioning it), e.g. “go tour”.",
    )
    aliases = models.TextField(blank=True, help_text="Other names for it. " + LIST_HELP)
    description = models.CharField(max_length=200, help_text="One line, shown in `help`.")
    text = models.TextField(
        help_text=(
            "The answer, in Slack mrkdwn: *bold*, <https://…|links>; "
            "{#channel-name} links to a channel."
        )
    )
    enabled = models.BooleanField(default=True)
    show_in_help = models.BooleanField(
        "shown in help", default=True, help_text="Hidden commands still answer."
    )
    unfurl_links = models.BooleanField(default=False, help_text="Let Slack preview the links.")

    class Meta:
        ordering = ["trigger"]
        constraints = [
            models.UniqueConstraint(
                Lower("trigger"),
                name="cannedresponse_trigger_unique_ci",
                violation_error_message="A canned response with this trigger already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.trigger

    @property
    def alias_list(self) -> list[str]:
        return split_list(self.aliases)

    @property
    def claim_owner(self) -> str:
        return f"canned:{self.pk}"

    def normalize(self) -> None:
        self.trigger = normalize_name(self.trigger)
        self.aliases = join_list(self.alias_list)

    def clean(self) -> None:
        self.normalize()
        if not self.trigger:
            raise ValidationError({"trigger": "A trigger is required."})
        field_names = {"trigger": [self.trigger], "aliases": self.alias_list}
        errors = names_errors(claims.COMMAND, self.claim_owner, field_names)
        for field, names in field_names.items():
            for name in names:
                prefix = next(
                    (p.prefix for p in PREFIX_COMMANDS if name.startswith(p.prefix)), None
                )
                if prefix:
                    errors.setdefault(field, []).append(
                        f"“{name}” starts like the built-in “{prefix}” command."
                    )
        for field in ("description", "text"):
            if problems := channel_link_errors(getattr(self, field)):
                errors[field] = problems
        add_mass_mention_errors(
            errors,
            trigger=self.trigger,
            aliases=self.alias_list,
            description=self.description,
            text=self.text,
        )
        if errors:
            raise ValidationError(errors)

    def claim_names(self) -> None:
        claims.claim_names(
            claims.COMMAND,
            self.claim_owner,
            [self.trigger, *self.alias_list],
            f"the canned response “{self.trigger}”",
        )


class ContainsRule(ContentModel):
    name = models.CharField(
        max_length=100, unique=True, help_text="A label for moderators, e.g. “bbq reaction”."
    )
    triggers = models.TextField(
        help_text=(
            "Words or phrases found anywhere in a message; each belongs to one rule. " + LIST_HELP
        )
    )
    reactions = models.CharField(
        max_length=300,
        blank=True,
        help_text="Emoji to react with, without colons, comma-separated. Or a reply, not both.",
    )
    reply = models.TextField(
        blank=True,
        help_text="A reply in Slack mrkdwn; {#channel-name} links to a channel. Or reactions.",
    )
    mention_required = models.BooleanField(
        default=False, help_text="Only when the message mentions the bot."
    )
    chance_one_in = models.PositiveIntegerField(
        "chance: 1 in",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="1 = every time; 150 = once in 150 matching messages.",
    )
    unfurl_links = models.BooleanField(default=False, help_text="For replies with links.")
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reactions="") & ~Q(reply="")) | (~Q(reactions="") & Q(reply="")),
                name="containsrule_reactions_or_reply",
                violation_error_message="Give emoji reactions or a reply text, not both.",
            ),
            models.CheckConstraint(
                condition=Q(chance_one_in__gte=1), name="containsrule_chance_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def trigger_list(self) -> list[str]:
        return split_list(self.triggers)

    @property
    def reaction_list(self) -> list[str]:
        return split_emoji(self.reactions)

    @property
    def kind(self) -> str:
        return "reply" if self.reply.strip() else "reaction"

    @property
    def probability(self) -> float:
        return probability_of(self.chance_one_in)

    @property
    def claim_owner(self) -> str:
        return f"contains:{self.pk}"

    def normalize(self) -> None:
        self.name = self.name.strip()
        self.triggers = join_list(self.trigger_list)
        self.reactions = join_list(self.reaction_list)
        self.reply = self.reply.strip()

    def clean(self) -> None:
        self.normalize()
        errors: dict[str, list[str]] = {}
        if not self.trigger_list:
            errors["triggers"] = ["At least one trigger is required."]
        else:
            errors.update(
                names_errors(claims.CONTAINS, self.claim_owner, {"triggers": self.trigger_list})
            )
        bad = [name for name in self.reaction_list if not EMOJI_NAME.match(name)]
        if bad:
            errors["reactions"] = [f"Not an emoji name: {', '.join(bad)}."]
        if bool(self.reactions) == bool(self.reply):
            errors.setdefault("reply", []).append(
                "Give emoji reactions or a reply text, exactly one of them."
            )
        errors.setdefault("reply", []).extend(channel_link_errors(self.reply))
        add_mass_mention_errors(errors, reply=self.reply)
        errors = {field: problems for field, problems in errors.items() if problems}
        if errors:
            raise ValidationError(errors)

    def claim_names(self) -> None:
        claims.claim_names(
            claims.CONTAINS, self.claim_owner, self.trigger_list, f"the contains rule “{self.name}”"
        )


class NamedChannel:
    """A row named by a Slack channel: shown as #name, stored normalised, validated."""

    name: str

    def __str__(self) -> str:
        return f"#{self.name}"

    def normalize(self) -> None:
        self.name = normalize_channel(self.name)

    def clean(self) -> None:
        self.normalize()
        if not CHANNEL_NAME.match(self.name):
            raise ValidationError({"name": "Not a Slack channel name."})


class RecommendedChannel(NamedChannel, ContentModel):
    name = models.CharField(max_length=80, unique=True, help_text="Without the #.")
    description = models.CharField(max_length=200)
    in_welcome = models.BooleanField(
        "shown in the welcome", default=False, help_text="Listed in the welcome DM to new members."
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "name"]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        if problems := channel_link_errors(self.description):
            errors["description"] = problems
        add_mass_mention_errors(errors, description=self.description)
        if errors:
            raise ValidationError(errors)


class Welcome(ContentModel):
    TEAM_JOIN = "team_join"
    CHANNEL_JOIN = "channel_join"
    KINDS = [
        (TEAM_JOIN, "new member of the workspace (DM)"),
        (CHANNEL_JOIN, "member joining a channel (only they see it)"),
    ]

    kind = models.CharField(max_length=16, choices=KINDS, default=CHANNEL_JOIN)
    channel = models.CharField(
        max_length=80, blank=True, help_text="For channel welcomes: the channel, without the #."
    )
    template = models.TextField(
        help_text=(
            "Slack mrkdwn. Placeholders: {bot} (the bot's mention), {#channel-name} "
            "(a link to a channel), {recommended_channels} (the channels shown in the welcome)."
        )
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="team_join"),
                name="welcome_one_team_join",
                violation_error_message="There is already a welcome for new members.",
            ),
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(kind="channel_join"),
                name="welcome_one_per_channel",
                violation_error_message="This channel already has a welcome.",
            ),
            models.CheckConstraint(
                condition=(Q(kind="team_join") & Q(channel=""))
                | (Q(kind="channel_join") & ~Q(channel="")),
                name="welcome_channel_only_for_channel_joins",
            ),
        ]

    def __str__(self) -> str:
        return "welcome for new members" if self.kind == self.TEAM_JOIN else f"#{self.channel}"

    def normalize(self) -> None:
        self.channel = normalize_channel(self.channel)
        self.template = self.template.strip()

    def clean(self) -> None:
        self.normalize()
        errors: dict[str, list[str]] = {}
        if self.kind == self.CHANNEL_JOIN and not CHANNEL_NAME.match(self.channel):
            errors["channel"] = ["A channel welcome needs a Slack channel name."]
        if self.kind == self.TEAM_JOIN and self.channel:
            errors["channel"] = ["The welcome for new members is not for a channel."]
        template_problems = template_errors(self.template)
        if template_problems:
            errors["template"] = template_problems
        add_mass_mention_errors(errors, template=self.template)
        if errors:
            raise ValidationError(errors)


class PlaygroundDeniedChannel(NamedChannel, ContentModel):
    name = models.CharField(max_length=80, unique=True, help_text="Without the #.")
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other moderators.")

    class Meta:
        ordering = ["name"]
        verbose_name = "channel without playground uploads"
        verbose_name_plural = "channels without playground uploads"
