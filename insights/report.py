"""What the Insights page and `manage.py insights` show, for a range of days."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Min, Sum

from insights.kinds import (
    ALIAS,
    COMMAND,
    CONTAINS,
    KINDS,
    PLAYGROUND,
    POLLER,
    PREFIX,
    TERM,
    WANTED,
    WELCOME,
)
from insights.models import DailyCount
from responses.names import normalize_name, split_list

DEFAULT_DAYS = 30
MAX_DAYS = 400  # what is kept

# The member-asked answers per day, as the chart stacks them: (key, label, kind).
DAILY_SERIES = (
    ("commands", "commands", COMMAND),
    ("prefixes", "define, xkcd and package docs", PREFIX),
    ("contains", "reactions and replies", CONTAINS),
    ("playground", "Playground shares", PLAYGROUND),
)
KIND_LABELS = dict(KINDS)


@dataclass(frozen=True)
class Row:
    kind: str
    name: str  # as counted: a trigger, a term, a rule id…
    label: str  # as shown: a contains rule by its name
    count: int
    pk: int | None = None  # the content's row, when it still exists


@dataclass(frozen=True)
class Unused:
    kind: str  # "canned response", "contains rule", "glossary term", "welcome"
    model: str  # app_label.model_name, for admin links
    name: str
    pk: int
    created: datetime


@dataclass
class Report:
    start: date
    end: date
    days: list[date] = field(default_factory=list)
    daily: dict[str, list[int]] = field(default_factory=dict)  # series key → count per day
    totals: list[Row] = field(default_factory=list)  # by kind (as KINDS), then most used first
    wanted_not_recorded: int = 0  # unknown terms that did not look like terms
    unused: list[Unused] = field(default_factory=list)
    counting_since: date | None = None  # the first day with any count at all
    in_glossary: set[str] = field(default_factory=set)  # terms and aliases, lower-cased

    def of(self, *kinds: str) -> list[Row]:
        """The rows of these kinds, most used first."""
        rows = [row for row in self.totals if row.kind in kinds]
        return sorted(rows, key=lambda row: (-row.count, row.label))

    @property
    def top_commands(self) -> list[Row]:
        return self.of(COMMAND, PREFIX)

    @property
    def aliases(self) -> list[Row]:
        return self.of(ALIAS)

    @property
    def top_terms(self) -> list[Row]:
        return self.of(TERM)

    @property
    def top_rules(self) -> list[Row]:
        return self.of(CONTAINS)

    @property
    def wanted(self) -> list[Row]:
        """The unknown terms asked for, less those added to the glossary since."""
        return [row for row in self.of(WANTED) if row.name not in self.in_glossary]

    @property
    def own_posts(self) -> list[Row]:
        return self.of(WELCOME, POLLER)

    def per_day(self) -> list[tuple[date, list[int]]]:
        """Each day with its counts, in DAILY_SERIES order."""
        keys = [key for key, _, _ in DAILY_SERIES]
        return [(day, [self.daily[key][i] for key in keys]) for i, day in enumerate(self.days)]

    @property
    def answered(self) -> int:
        return sum(sum(values) for values in self.daily.values())

    @property
    def asked_unknown(self) -> int:
        """How often `define` met a term the glossary did not have then."""
        return sum(row.count for row in self.of(WANTED)) + self.wanted_not_recorded


def last_days(days: int, end: date) -> tuple[date, date]:
    return end - timedelta(days=days - 1), end


def build_report(start: date, end: date) -> Report:
    report = Report(start=start, end=end)
    report.days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    in_range = DailyCount.objects.filter(day__gte=start, day__lte=end)

    per_day: dict[tuple[date, str], int] = {
        (row["day"], row["kind"]): row["total"]
        for row in in_range.values("day", "kind").annotate(total=Sum("count"))
    }
    for key, _, kind in DAILY_SERIES:
        report.daily[key] = [per_day.get((day, kind), 0) for day in report.days]

    totals = in_range.values("kind", "name").annotate(total=Sum("count"))
    counts = {(row["kind"], row["name"]): row["total"] for row in totals}
    report.wanted_not_recorded = counts.pop((WANTED, ""), 0)
    report.in_glossary = _glossary_names()
    report.totals = _rows(counts)
    report.unused = _unused(counts)
    report.counting_since = DailyCount.objects.aggregate(first=Min("day"))["first"]
    return report


def _rows(counts: dict[tuple[str, str], int]) -> list[Row]:
    from glossary.models import Term
    from responses.models import CannedResponse, ContainsRule

    rule_ids = [int(name) for kind, name in counts if kind == CONTAINS and name.isdigit()]
    rules = dict(ContainsRule.objects.filter(pk__in=rule_ids).values_list("pk", "name"))
    canned = dict(CannedResponse.objects.values_list("trigger", "pk"))
    terms = {term.lower(): pk for term, pk in Term.objects.values_list("term", "pk")}

    rows = []
    for (kind, name), count in counts.items():
        label, pk = name, None
        if kind == CONTAINS:
            pk = int(name) if name.isdigit() and int(name) in rules else None
            label = rules[pk] if pk is not None else f"rule {name} (deleted)"
        elif kind == COMMAND:
            pk = canned.get(name)
        elif kind == TERM:
            pk = terms.get(name.lower())
        rows.append(Row(kind=kind, name=name, label=label, count=count, pk=pk))
    order = {kind: n for n, (kind, _) in enumerate(KINDS)}
    return sorted(rows, key=lambda row: (order[row.kind], -row.count, row.label))


def _glossary_names() -> set[str]:
    from glossary.models import Term

    names = set()
    for term, aliases in Term.objects.values_list("term", "aliases"):
        names.add(normalize_name(term))
        names.update(split_list(aliases))
    return names


def _unused(counts: dict[tuple[str, str], int]) -> list[Unused]:
    """The content members could have used in the range and did not."""
    from glossary.models import Term
    from responses.models import CannedResponse, ContainsRule, Welcome

    used = {(kind, name.lower()) for kind, name in counts}
    unused = []
    for pk, trigger, created in CannedResponse.objects.filter(enabled=True).values_list(
        "pk", "trigger", "created_at"
    ):
        if (COMMAND, trigger.lower()) not in used:
            unused.append(
                Unused("canned response", "responses.cannedresponse", trigger, pk, created)
            )
    for pk, name, created in ContainsRule.objects.filter(enabled=True).values_list(
        "pk", "name", "created_at"
    ):
        if (CONTAINS, str(pk)) not in used:
            unused.append(Unused("contains rule", "responses.containsrule", name, pk, created))
    for pk, term, created in Term.objects.values_list("pk", "term", "created_at"):
        if (TERM, term.lower()) not in used:
            unused.append(Unused("glossary term", "glossary.term", term, pk, created))
    for welcome in Welcome.objects.filter(enabled=True):
        name = "new members" if welcome.kind == Welcome.TEAM_JOIN else f"#{welcome.channel}"
        if (WELCOME, name) not in used:
            unused.append(
                Unused("welcome", "responses.welcome", name, welcome.pk, welcome.created_at)
            )
    return unused
