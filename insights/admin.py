"""The Insights page: one admin page, listed in the admin index under Insights."""

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from insights.charts import Series, daily_chart, long_date, with_bars
from insights.folding import KEEP_DAYS
from insights.forms import RangeForm
from insights.models import DailyCount
from insights.report import DAILY_SERIES, Report, Row, Unused, build_report

TOP = 15
QUICK_RANGES = (7, 30, 90, 365)
PERMISSION = "insights.view_insights"

# Where a counted name is edited, by kind.
CHANGE_URLS = {
    "command": "admin:responses_cannedresponse_change",
    "contains": "admin:responses_containsrule_change",
    "term": "admin:glossary_term_change",
}


def add_term_url(term: str) -> str:
    """The glossary's add form, with the term filled in."""
    return reverse("admin:glossary_term_add") + "?" + urlencode({"term": term})


def change_url(row: Row) -> str | None:
    name = CHANGE_URLS.get(row.kind)
    return reverse(name, args=[row.pk]) if name and row.pk is not None else None


def unused_groups(report: Report) -> list[tuple[str, list[tuple[Unused, str, bool]]]]:
    """The unused answers by kind: (kind, [(item, its admin page, added within the range)])."""
    groups: dict[str, list] = {}
    for item in report.unused:
        url = reverse(f"admin:{item.model.replace('.', '_')}_change", args=[item.pk])
        groups.setdefault(item.kind, []).append((item, url, item.created.date() >= report.start))
    return list(groups.items())


@admin.register(DailyCount)
class InsightsAdmin(admin.ModelAdmin):
    """No list, no forms: the changelist URL shows the page; counts change only by counting."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.insights_view), name=name)]

    def insights_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = RangeForm(request.GET or None)
        start, end = form.dates()
        if not form.is_bound or (form.is_valid() and not form.has_dates()):
            form = RangeForm(initial={"start": start, "end": end})  # the dates shown, to adjust
        report = build_report(start, end)
        series = [Series(key, label, report.daily[key]) for key, label, _ in DAILY_SERIES]
        can_add_terms = request.user.has_perm("glossary.add_term")
        context = {
            **self.admin_site.each_context(request),
            "title": "Insights",
            "opts": self.opts,
            "form": form,
            "report": report,
            "series": series,
            "chart": daily_chart(
                report.days,
                series,
                title=f"Answers per day, {long_date(start)} to {long_date(end)}",
                chart_id="answers-per-day",
            ),
            "days_table": report.per_day(),
            "wanted": [
                (row, share, add_term_url(row.name) if can_add_terms else None)
                for row, share in with_bars(report.wanted, TOP)
            ],
            "wanted_more": max(0, len(report.wanted) - TOP),
            "tables": [
                (title, [(row, share, change_url(row)) for row, share in with_bars(rows, TOP)])
                for title, rows in (
                    ("Top commands", report.top_commands),
                    ("Top glossary terms", report.top_terms),
                    ("Top reactions and replies", report.top_rules),
                    ("Aliases used", report.aliases),
                    ("The bot's own posts", report.own_posts),
                )
            ],
            "unused": unused_groups(report),
            "quick_ranges": QUICK_RANGES,
            "keep_days": KEEP_DAYS,
        }
        return TemplateResponse(request, "admin/insights/insights.html", context)
