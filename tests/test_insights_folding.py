"""Folding Redis's day totals into the database: idempotent, crash-safe, never lowering a count."""

import time
from datetime import timedelta

import pytest

from gopherbot.connections import get_redis
from insights import folding
from insights.counting import count, day_key, today
from insights.folding import KEEP_DAYS, LOCK_KEY, fold_counts, store_day
from insights.models import DailyCount

pytestmark = pytest.mark.django_db

TODAY = today()


def stored() -> dict[tuple, int]:
    return {(row.day, row.kind, row.name): row.count for row in DailyCount.objects.all()}


def put(day, **fields: int) -> None:
    """A day's hash as counting leaves it: `command:go tour` → 3."""
    get_redis().hset(day_key(day), mapping={k.replace("__", ":"): v for k, v in fields.items()})


def three_days() -> None:
    put(TODAY - timedelta(days=2), command__help=4)
    put(TODAY - timedelta(days=1), command__help=2, wanted__monads=1)
    put(TODAY, command__help=1, prefix__define=3)


EXPECTED = {
    (TODAY - timedelta(days=2), "command", "help"): 4,
    (TODAY - timedelta(days=1), "command", "help"): 2,
    (TODAY - timedelta(days=1), "wanted", "monads"): 1,
    (TODAY, "command", "help"): 1,
    (TODAY, "prefix", "define"): 3,
}


def test_folding_copies_the_days_totals():
    three_days()
    fold = fold_counts()
    assert (fold.outcome, fold.days, fold.written) == ("folded", 3, 5)
    assert stored() == EXPECTED


def test_folding_again_changes_nothing_and_new_counts_raise_the_totals():
    three_days()
    fold_counts()

    again = fold_counts()
    assert (again.outcome, again.written) == ("folded", 0)
    assert stored() == EXPECTED

    count("command", "help")
    fold_counts()
    assert stored()[(TODAY, "command", "help")] == 2


def test_a_fold_that_died_midway_is_finished_by_the_next_without_counting_twice(monkeypatch):
    three_days()
    real_store = folding.store_day
    days_stored = []

    def dies_on_the_second_day(day, counts):
        if days_stored:
            raise SystemExit("the process was stopped")
        days_stored.append(day)
        return real_store(day, counts)

    monkeypatch.setattr(folding, "store_day", dies_on_the_second_day)
    with pytest.raises(SystemExit):
        fold_counts()
    assert stored() == {k: v for k, v in EXPECTED.items() if k[0] == TODAY - timedelta(days=2)}

    monkeypatch.setattr(folding, "store_day", real_store)
    assert fold_counts().outcome == "folded"
    assert stored() == EXPECTED


def test_a_fold_killed_while_holding_the_lock_blocks_others_only_until_the_lock_expires():
    three_days()
    get_redis().set(LOCK_KEY, "a fold that was killed", px=300)

    assert fold_counts().outcome == "skipped: another fold is running"
    assert stored() == {}

    time.sleep(0.5)
    assert fold_counts().outcome == "folded"
    assert stored() == EXPECTED


def test_older_totals_never_lower_a_count():
    # Two folds at once (a lock that outlived its timeout) or a Redis restarted empty.
    store_day(TODAY, {("command", "help"): 5})
    store_day(TODAY, {("command", "help"): 3, ("term", "goroutine"): 1})
    assert stored() == {(TODAY, "command", "help"): 5, (TODAY, "term", "goroutine"): 1}


def test_it_folds_the_days_redis_keeps_and_prunes_rows_older_than_400_days():
    put(TODAY - timedelta(days=6), command__help=1)
    put(TODAY - timedelta(days=7), command__help=1)  # expired in Redis by now: not looked at
    DailyCount.objects.create(
        day=TODAY - timedelta(days=KEEP_DAYS - 1), kind="term", name="a", count=1
    )
    DailyCount.objects.create(day=TODAY - timedelta(days=KEEP_DAYS), kind="term", name="b", count=1)

    fold = fold_counts()

    assert fold.pruned == 1
    assert stored() == {
        (TODAY - timedelta(days=6), "command", "help"): 1,
        (TODAY - timedelta(days=KEEP_DAYS - 1), "term", "a"): 1,
    }


def test_fields_that_are_not_counts_are_left_out():
    get_redis().hset(
        day_key(TODAY),
        mapping={"command:help": 2, "nonsense": 1, "unknownkind:x": 1, "term:go": "many"},
    )
    fold_counts()
    assert stored() == {(TODAY, "command", "help"): 2}


def test_with_redis_down_the_fold_fails_cleanly_and_logs_it(redis_down, log_text):
    fold = fold_counts()

    assert fold.outcome.startswith("failed: ConnectionError")
    assert 'msg="insights fold"' in log_text() and 'outcome="failed: ConnectionError' in log_text()


def test_each_fold_logs_one_line(log_text):
    three_days()
    fold_counts()
    lines = [line for line in log_text().splitlines() if "insights fold" in line]
    assert len(lines) == 1
    assert "outcome=folded" in lines[0] and "days=3" in lines[0] and "written=5" in lines[0]
