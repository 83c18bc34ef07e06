"""`manage.py insights`: the Insights page for operators, as a table, CSV or JSON."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from insights.counting import today
from insights.folding import fold_counts
from insights.report import (
    DAILY_SERIES,
    DEFAULT_DAYS,
    KIND_LABELS,
    MAX_DAYS,
    Report,
    build_report,
    last_days,
)


class Command(BaseCommand):
    help = (
        "What members used and asked for in the last N days (UTC), folding the latest counts "
        "first: answers per day, uses by kind and name, top glossary terms, wanted terms (asked "
        "for with `define`, unknown to the glossary) and the answers nobody used. Who asked is "
        "never counted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days", type=int, default=DEFAULT_DAYS, help=f"days up to today (1-{MAX_DAYS})"
        )
        parser.add_argument("--format", choices=("table", "csv", "json"), default="table")

    def handle(self, *args, days: int, format: str, **options) -> None:
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(
                f"--days must be between 1 and {MAX_DAYS} (counts are kept that long)."
            )
        # Folding is idempotent and locked: the report includes what members just did.
        fold = fold_counts()
        if fold.outcome.startswith("failed"):
            self.stderr.write(f"Not folded ({fold.outcome}); showing the counts folded before.")
        report = build_report(*last_days(days, today()))
        {"table": self.as_table, "csv": self.as_csv, "json": self.as_json}[format](report)

    # --- table ---------------------------------------------------------------------

    def as_table(self, report: Report) -> None:
        since = report.counting_since.isoformat() if report.counting_since else "never"
        self.stdout.write(
            f"Insights from {report.start} to {report.end} ({len(report.days)} days, UTC); "
            f"counting since {since}."
        )
        self.section(
            "Answers per day",
            ["day", *(label for _, label, _ in DAILY_SERIES)],
            [[day.isoformat(), *values] for day, values in report.per_day()],
        )
        self.section(
            "Uses by kind and name",
            ["kind", "name", "uses"],
            [[KIND_LABELS[row.kind], row.label, row.count] for row in report.totals],
        )
        self.section(
            "Top glossary terms", ["term", "uses"], [[r.label, r.count] for r in report.top_terms]
        )
        self.section(
            "Wanted terms (asked for with define, not in the glossary)",
            ["term", "asked"],
            [[r.name, r.count] for r in report.wanted],
        )
        if report.wanted_not_recorded:
            self.stdout.write(
                f"(and {report.wanted_not_recorded} not recorded: they looked like a sentence, "
                "an address or an id)"
            )
        self.section(
            "Answers nobody used",
            ["what", "name", "added"],
            [[u.kind, u.name, u.created.date().isoformat()] for u in report.unused],
        )

    def section(self, title: str, headers: list[str], rows: list[list]) -> None:
        self.stdout.write(f"\n{title}")
        if not rows:
            self.stdout.write("  none")
            return
        cells = [headers, *([str(cell) for cell in row] for row in rows)]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        numeric = [all(str(r[i]).isdigit() for r in rows) for i in range(len(headers))]
        for n, row in enumerate(cells):
            line = "  ".join(
                cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i])
                for i, cell in enumerate(row)
            )
            self.stdout.write("  " + line.rstrip())
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))

    # --- csv -------------------------------------------------------------------------

    def as_csv(self, report: Report) -> None:
        """One table: section, day, kind, name, count (for `unused`, day is when it was added)."""
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["section", "day", "kind", "name", "count"])
        for day, values in report.per_day():
            for (key, _, _), value in zip(DAILY_SERIES, values, strict=True):
                writer.writerow(["day", day.isoformat(), key, "", value])
        for row in report.totals:
            writer.writerow(["total", "", row.kind, row.label, row.count])
        for row in report.top_terms:
            writer.writerow(["top_term", "", row.kind, row.label, row.count])
        for row in report.wanted:
            writer.writerow(["wanted", "", row.kind, row.name, row.count])
        if report.wanted_not_recorded:
            writer.writerow(["wanted_not_recorded", "", "wanted", "", report.wanted_not_recorded])
        for item in report.unused:
            writer.writerow(["unused", item.created.date().isoformat(), item.kind, item.name, 0])

    # --- json ------------------------------------------------------------------------

    def as_json(self, report: Report) -> None:
        keys = [key for key, _, _ in DAILY_SERIES]
        data = {
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "counting_since": report.counting_since and report.counting_since.isoformat(),
            "per_day": [
                {"day": day.isoformat(), **dict(zip(keys, values, strict=True))}
                for day, values in report.per_day()
            ],
            "totals": [
                {"kind": r.kind, "name": r.name, "label": r.label, "count": r.count}
                for r in report.totals
            ],
            "top_terms": [{"term": r.label, "count": r.count} for r in report.top_terms],
            "wanted_terms": [{"term": r.name, "count": r.count} for r in report.wanted],
            "wanted_not_recorded": report.wanted_not_recorded,
            "unused": [
                {"kind": u.kind, "name": u.name, "added": u.created.date().isoformat()}
                for u in report.unused
            ],
        }
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
