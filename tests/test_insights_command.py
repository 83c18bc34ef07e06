"""`manage.py insights`: the same numbers as the page, for operators."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from insights import counting
from insights.counting import today
from insights.models import DailyCount
from tests.factories import CannedResponseFactory, ContainsRuleFactory, TermFactory

pytestmark = pytest.mark.django_db

TODAY = today()


@pytest.fixture
def counts():
    CannedResponseFactory(trigger="go tour")
    CannedResponseFactory(trigger="invite link")
    TermFactory(term="tdd")
    wave = ContainsRuleFactory(name="wave", triggers="wave", reactions="wave")
    rows = [
        (0, "command", "go tour", 5),
        (1, "command", "go tour", 2),
        (0, "prefix", "define", 9),
        (0, "term", "tdd", 3),
        (0, "contains", str(wave.pk), 4),
        (0, "wanted", "monads", 2),
        (3, "wanted", "monads", 4),
        (0, "wanted", "c++", 1),
        (0, "wanted", "", 2),
        (0, "poller", "gerrit", 6),
        (40, "command", "go tour", 100),  # outside the default 30 days
    ]
    for days_ago, kind, name, count in rows:
        DailyCount.objects.create(
            day=TODAY - timedelta(days=days_ago), kind=kind, name=name, count=count
        )
    return {"wave": wave}


def insights(*args: str) -> str:
    out = io.StringIO()
    call_command("insights", *args, stdout=out)
    return out.getvalue()


def section(output: str, title: str) -> list[str]:
    """The lines of one table section, headers and rule left out."""
    lines = output.split(f"\n{title}\n")[1].split("\n\n")[0].splitlines()
    return [" ".join(line.split()) for line in lines[2:]]


def test_the_table_shows_totals_terms_wanted_terms_and_unused_answers(counts):
    output = insights()

    assert output.startswith(
        f"Insights from {TODAY - timedelta(days=29)} to {TODAY} (30 days, UTC); "
        f"counting since {TODAY - timedelta(days=40)}.\n"
    )
    assert section(output, "Uses by kind and name") == [
        "command go tour 7",
        "prefix command define 9",
        "glossary term tdd 3",
        "unknown term monads 6",
        "unknown term c++ 1",
        "contains rule wave 4",
        "poller post gerrit 6",
    ]
    assert section(output, "Top glossary terms") == ["tdd 3"]
    assert section(output, "Wanted terms (asked for with define, not in the glossary)") == [
        "monads 6",
        "c++ 1",
        "(and 2 not recorded: they looked like a sentence, an address or an id)",
    ]
    assert section(output, "Answers nobody used") == [f"canned response invite link {TODAY}"]
    per_day = section(output, "Answers per day")
    assert len(per_day) == 30
    assert per_day[-1] == f"{TODAY} 5 9 4 0"
    assert per_day[-2] == f"{TODAY - timedelta(days=1)} 2 0 0 0"


def test_fewer_days_leave_older_counts_out(counts):
    output = insights("--days", "2")
    assert section(output, "Wanted terms (asked for with define, not in the glossary)")[0] == (
        "monads 2"
    )
    assert "command go tour 7" in section(output, "Uses by kind and name")


def test_csv_is_one_table_with_a_section_column(counts):
    rows = list(csv.DictReader(io.StringIO(insights("--format", "csv"))))

    assert {row["section"] for row in rows} == {
        "day",
        "total",
        "top_term",
        "wanted",
        "wanted_not_recorded",
        "unused",
    }
    assert len([row for row in rows if row["section"] == "day"]) == 30 * 4
    assert {
        "section": "day",
        "day": TODAY.isoformat(),
        "kind": "prefixes",
        "name": "",
        "count": "9",
    } in rows
    assert {"section": "total", "day": "", "kind": "contains", "name": "wave", "count": "4"} in rows
    assert [(r["name"], r["count"]) for r in rows if r["section"] == "wanted"] == [
        ("monads", "6"),
        ("c++", "1"),
    ]
    assert [(r["kind"], r["name"]) for r in rows if r["section"] == "unused"] == [
        ("canned response", "invite link")
    ]


def test_json_holds_the_same(counts):
    data = json.loads(insights("--format", "json", "--days", "7"))

    assert data["start"] == (TODAY - timedelta(days=6)).isoformat()
    assert data["end"] == TODAY.isoformat()
    assert data["per_day"][-1] == {
        "day": TODAY.isoformat(),
        "commands": 5,
        "prefixes": 9,
        "contains": 4,
        "playground": 0,
    }
    contains = [row for row in data["totals"] if row["kind"] == "contains"]
    assert contains == [
        {"kind": "contains", "name": str(counts["wave"].pk), "label": "wave", "count": 4}
    ]
    assert data["top_terms"] == [{"term": "tdd", "count": 3}]
    assert data["wanted_terms"] == [{"term": "monads", "count": 6}, {"term": "c++", "count": 1}]
    assert data["wanted_not_recorded"] == 2
    assert data["unused"] == [
        {"kind": "canned response", "name": "invite link", "added": TODAY.isoformat()}
    ]


def test_with_nothing_counted_it_says_so(db):
    output = insights()
    assert "counting since never." in output
    assert "\nTop glossary terms\n  none\n" in output
    assert "\nWanted terms (asked for with define, not in the glossary)\n  none\n" in output


@pytest.mark.parametrize("days", ["0", "401", "-3"])
def test_days_outside_what_is_kept_are_refused(db, days):
    with pytest.raises(CommandError, match="--days must be between 1 and 400"):
        insights("--days", days)


def test_it_reports_what_members_just_did_before_the_scheduled_fold(db):
    counting.count("wanted", "monads")  # counted by a worker a moment ago, not folded yet
    counting.count("wanted", "monads")
    assert section(insights(), "Wanted terms (asked for with define, not in the glossary)") == [
        "monads 2"
    ]


def test_with_redis_down_it_reports_the_folded_counts_and_says_so(counts, redis_down):
    err = io.StringIO()
    out = io.StringIO()
    call_command("insights", stdout=out, stderr=err)
    assert err.getvalue().startswith("Not folded (failed: ConnectionError")
    assert "go tour" in out.getvalue()
