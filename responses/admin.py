from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from responses.channel_links import CHANNEL_LINK, render_channel_links
from responses.content_admin import ContentAdmin, ContentForm, updated
from responses.help import command_line
from responses.index import Command
from responses.index import RecommendedChannel as ChannelValue
from responses.models import (
    CannedResponse,
    ContainsRule,
    PlaygroundDeniedChannel,
    RecommendedChannel,
    Welcome,
)
from responses.preview import preview_block
from responses.signals import CONTENT_MODELS
from responses.welcome import render_welcome
from slackapi.text import one_line

admin.site.site_header = "gopherbot admin"
admin.site.site_title = "gopherbot admin"
admin.site.index_title = "Content and moderation"

LINKED_BY_ID = "In Slack, channel references link to the channels by their ids."
ONE_LINE = forms.TextInput(attrs={"size": 80})


def channel_preview(text: str, note: str) -> tuple[str, str]:
    """A text's `{#channel}` links, keeping the names as the welcome preview does."""
    if not CHANNEL_LINK.search(text):
        return text, note
    return render_channel_links(text, lambda name: name), f"{note} {LINKED_BY_ID}"


class CannedResponseForm(ContentForm):
    class Meta:
        model = CannedResponse
        fields = (
            "trigger",
            "aliases",
            "description",
            "text",
            "enabled",
            "show_in_help",
            "unfurl_links",
        )
        widgets = {"aliases": ONE_LINE, "description": ONE_LINE}
        help_texts = {"description": "One line, shown in `help`; {#channel-name} links a channel."}


@admin.register(CannedResponse)
class CannedResponseAdmin(ContentAdmin):
    form = CannedResponseForm
    list_display = ("trigger", "aliases", "description", "behaviour", updated)
    list_filter = ("enabled", "show_in_help", "unfurl_links")
    search_fields = ("trigger", "aliases", "description", "text")
    readonly_fields = ("preview", "updated_at")
    fieldsets = (
        (None, {"fields": ("trigger", "aliases", "description", "text")}),
        ("Behaviour", {"fields": ("enabled", "show_in_help", "unfurl_links")}),
        ("What the bot answers", {"fields": ("preview", "updated_at")}),
    )

    @admin.display(description="behaviour")
    def behaviour(self, obj: CannedResponse) -> str:
        """The three switches in one column (three were too wide for the list)."""
        parts = ["answers" if obj.enabled else "disabled"]
        if not obj.show_in_help:
            parts.append("not in help")
        if obj.unfurl_links:
            parts.append("link previews")
        return ", ".join(parts)

    def answer_preview(self, obj: CannedResponse) -> SafeString:
        command = Command(
            trigger=obj.trigger,
            aliases=tuple(obj.alias_list),
            description=obj.description,
            text=obj.text,
            kind="canned",
            unfurl_links=obj.unfurl_links,
            show_in_help=obj.show_in_help,
        )
        if not obj.enabled:
            note = "Disabled: the bot does not answer this, and `help` does not list it."
        elif obj.show_in_help:
            note = f"Listed in `help` as: {command_line(command)}"
        else:
            note = "Hidden from `help`; the bot still answers it."
        return preview_block(*channel_preview(obj.text, note))


class ContainsRuleForm(ContentForm):
    class Meta:
        model = ContainsRule
        fields = (
            "name",
            "triggers",
            "reactions",
            "reply",
            "unfurl_links",
            "enabled",
            "mention_required",
            "chance_one_in",
        )
        widgets = {"triggers": ONE_LINE, "reactions": ONE_LINE}


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return (("reaction", "emoji reactions"), ("reply", "reply text"))

    def queryset(self, request, queryset):
        if self.value() == "reaction":
            return queryset.filter(reply="")
        if self.value() == "reply":
            return queryset.exclude(reply="")
        return queryset


@admin.register(ContainsRule)
class ContainsRuleAdmin(ContentAdmin):
    form = ContainsRuleForm
    list_display = ("name", "triggers", "answer", "when", updated)
    list_filter = ("enabled", KindFilter, "mention_required")
    search_fields = ("name", "triggers", "reactions", "reply")
    readonly_fields = ("preview", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "triggers")}),
        ("Answer: reactions or a reply", {"fields": ("reactions", "reply", "unfurl_links")}),
        ("When", {"fields": ("enabled", "mention_required", "chance_one_in")}),
        ("What the bot does", {"fields": ("preview", "updated_at")}),
    )

    @admin.display(description="answer")
    def answer(self, obj: ContainsRule) -> str:
        if obj.reply:
            return one_line(obj.reply, 60)
        return " ".join(f":{name}:" for name in obj.reaction_list)

    @admin.display(description="when")
    def when(self, obj: ContainsRule) -> str:
        """Enabled, mention and chance in one column (three were too wide for the list)."""
        parts = [] if obj.enabled else ["disabled"]
        parts.append("always" if obj.chance_one_in == 1 else f"1 in {obj.chance_one_in}")
        if obj.mention_required:
            parts.append("if mentioned")
        return ", ".join(parts)

    def answer_preview(self, obj: ContainsRule) -> SafeString:
        when = "A message containing " + " or ".join(f"“{t}”" for t in obj.trigger_list)
        if obj.mention_required:
            when += " and mentioning the bot"
        if obj.chance_one_in > 1:
            when += f", once in {obj.chance_one_in} times"
        if not obj.enabled:
            when = "Disabled. " + when
        if obj.reply:
            return preview_block(*channel_preview(obj.reply, when + " gets this reply."))
        reactions = format_html_join(" ", "<code>:{}:</code>", ((n,) for n in obj.reaction_list))
        return format_html("<p>{} gets the reactions {}.</p>", when, reactions)


class RecommendedChannelForm(ContentForm):
    class Meta:
        model = RecommendedChannel
        fields = ("name", "description", "in_welcome", "order")
        help_texts = {"description": "{#channel-name} links to a channel."}


@admin.register(RecommendedChannel)
class RecommendedChannelAdmin(admin.ModelAdmin):
    form = RecommendedChannelForm
    list_display = ("name", "description", "in_welcome", "order")
    list_editable = ("description", "in_welcome", "order")
    list_filter = ("in_welcome",)
    search_fields = ("name", "description")


class WelcomeForm(ContentForm):
    class Meta:
        model = Welcome
        fields = ("kind", "channel", "template", "enabled")
        widgets = {"template": forms.Textarea(attrs={"rows": 18, "cols": 100})}


@admin.register(Welcome)
class WelcomeAdmin(ContentAdmin):
    form = WelcomeForm
    list_display = ("__str__", "kind", "enabled", updated)
    list_filter = ("kind", "enabled")
    search_fields = ("channel", "template")
    readonly_fields = ("preview", "updated_at")
    fields = ("kind", "channel", "template", "enabled", "preview", "updated_at")

    def answer_preview(self, obj: Welcome) -> SafeString:
        channels = [
            ChannelValue(name=c.name, description=c.description, in_welcome=c.in_welcome)
            for c in RecommendedChannel.objects.all()
        ]
        # The bot links channels by id from its channel cache; here they keep their names.
        text = render_welcome(
            obj.template,
            bot_user_id="gopherbot",
            channel_id=lambda name: name,
            recommended=channels,
        )
        if obj.kind == Welcome.TEAM_JOIN:
            return preview_block(text, f"Sent as a direct message. {LINKED_BY_ID}")
        # Only the member sees it, addressed to them as bot.replies.ephemeral_to does.
        text = f"<@member> {text}"
        return preview_block(text, f"Only the member joining sees it. {LINKED_BY_ID}")


@admin.register(PlaygroundDeniedChannel)
class PlaygroundDeniedChannelAdmin(admin.ModelAdmin):
    form = ContentForm
    list_display = ("name", "note", updated)
    search_fields = ("name", "note")


def content_types() -> list[ContentType]:
    from django.apps import apps

    return [ContentType.objects.get_for_model(apps.get_model(label)) for label in CONTENT_MODELS]


def kind_of(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


class LoggedContentTypeFilter(admin.SimpleListFilter):
    """The kinds of content the log has entries for, not every type Django knows."""

    title = "content type"
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        logged = model_admin.get_queryset(request).values("content_type")
        types = ContentType.objects.filter(pk__in=logged)
        return sorted(((str(t.pk), kind_of(t)) for t in types), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if self.value() else queryset


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """Who changed what, from the admin's own log. Read-only."""

    date_hierarchy = "action_time"
    list_display = ("action_time", "user", "what", "change")
    list_filter = (
        "action_flag",
        LoggedContentTypeFilter,
        ("user", admin.RelatedOnlyFieldListFilter),  # people with entries only
    )
    search_fields = ("object_repr", "change_message", "user__username")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user", "content_type")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(content_type__in=content_types())

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="what")
    def what(self, entry: LogEntry) -> SafeString:
        """`changed canned response “books”` (the object linked): one column for three."""
        return format_html(
            "{} {} {}", self.action(entry), kind_of(entry.content_type), self.changed_object(entry)
        )

    def changed_object(self, entry: LogEntry) -> SafeString | str:
        if entry.is_deletion():
            return entry.object_repr
        try:
            url = reverse(
                f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change",
                args=[entry.object_id],
            )
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    def action(self, entry: LogEntry) -> str:
        return {1: "added", 2: "changed", 3: "deleted"}.get(entry.action_flag, "?")

    @admin.display(description="change")
    def change(self, entry: LogEntry) -> str:
        return entry.get_change_message()
