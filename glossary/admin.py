from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from glossary.answers import define_answer
from glossary.models import Term
from responses.content_admin import ContentAdmin, ContentForm, updated
from responses.index import ContentIndex, GlossaryEntry
from responses.preview import preview_block
from slackapi.text import one_line


class TermForm(ContentForm):
    class Meta:
        model = Term
        fields = ("term", "aliases", "definition")
        widgets = {"aliases": forms.TextInput(attrs={"size": 80})}


@admin.register(Term)
class TermAdmin(ContentAdmin):
    form = TermForm
    list_display = ("term", "aliases", "short_definition", updated)
    search_fields = ("term", "aliases", "definition")
    readonly_fields = ("preview", "updated_at")
    fields = ("term", "aliases", "definition", "preview", "updated_at")

    @admin.display(description="definition")
    def short_definition(self, obj: Term) -> str:
        return one_line(obj.definition, 80)

    def answer_preview(self, obj: Term) -> SafeString:
        index = ContentIndex(
            glossary=[GlossaryEntry(obj.term, tuple(obj.alias_list), obj.definition)]
        )
        asked = [obj.term, *obj.alias_list]
        return format_html_join(
            "",
            "<p><code>define {}</code></p>{}",
            # Like the other previews, channels keep their names (the bot links them by id).
            (
                (name, preview_block(define_answer(index, name, channel_id=lambda c: c)))
                for name in asked
            ),
        )
