"""What the admin's content pages share: help texts shown as written, and Preview.

Preview is a submit button beside Save. It validates the form as Save does, then shows
the page again with the bot's answer built from the unsaved values, and saves nothing:
members see a change only once a moderator saves it. It needs no view of its own: the
form reports itself invalid when previewed, so the admin re-renders it (with its preview
field) instead of saving.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

PREVIEW = "_preview"
PREVIEW_READY = "ready"
PREVIEW_BLOCKED = "blocked"

PRESS_PREVIEW = "Press Preview to see what the bot will answer; nothing is saved until you save."
FIX_ERRORS = "Correct the errors above to see the preview."
PREVIEW_ONLY = "This is a preview: nothing is saved yet, and members see the change once you save."


@admin.display(description="updated", ordering="updated_at")
def updated(obj) -> SafeString:
    """The day of the last change: a narrow column, so the lists fit a laptop's window."""
    day = timezone.localtime(obj.updated_at).strftime("%Y-%m-%d")
    return format_html('<span style="white-space:nowrap">{}</span>', day)


class ContentForm(forms.ModelForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The admin renders help texts as HTML; ours show Slack markup like <https://…|links>.
            field.help_text = escape(field.help_text)

    @property
    def previewing(self) -> bool:
        return self.is_bound and PREVIEW in self.data

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not self.previewing:
            return valid
        # The page's preview field reads this from the (unsaved) instance.
        self.instance.preview_state = PREVIEW_READY if valid else PREVIEW_BLOCKED
        return False


class ContentAdmin(admin.ModelAdmin):
    """A content page with a Preview button; subclasses say what the bot answers."""

    form = ContentForm
    change_form_template = "admin/content_change_form.html"

    def answer_preview(self, obj) -> SafeString | str:
        raise NotImplementedError

    @admin.display(description="preview")
    def preview(self, obj) -> SafeString | str:
        state = getattr(obj, "preview_state", None)
        if state == PREVIEW_BLOCKED:
            return FIX_ERRORS
        if obj.pk is None and state is None:
            return PRESS_PREVIEW
        return self.answer_preview(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if PREVIEW in request.POST and not context["errors"]:
            messages.info(request, PREVIEW_ONLY)
        return super().render_change_form(request, context, add, change, form_url, obj)
