import json
from datetime import UTC, datetime

import pytest

from gopherbot.outside import OutsideError
from pollers import sources
from tests.fixtures.outside import recording

GERRIT = "/changes/?q=status:merged&O=12&n=100"
STATUSES = "/api/v1/accounts/109349735213354404/statuses"


def test_it_reads_merged_changes_newest_first_with_their_commit_messages(outside):
    outside.route(GERRIT, recording("gerrit/merged_changes.json"))

    page = sources.merged_changes()

    changes = page.changes
    assert [c.number for c in changes] == [585301, 585290, 585276, 585199]
    assert page.more is True
    newest = changes[0]
    assert newest.project == "tools"
    assert newest.subject == 'gopls/internal/golang: add "extract to new file" code action'
    assert newest.change_id == "I3f7c1a9e52b0d4c6e8a1f2b3c4d5e6f708192a3b"
    assert newest.message.startswith(newest.subject + "\n\nThis change adds a code action")
    assert "Change-Id: I3f7c1a9e52b0d4c6e8a1f2b3c4d5e6f708192a3b\n" in newest.message
    assert newest.submitted == newest.updated == datetime(2024, 5, 14, 16, 58, 12, tzinfo=UTC)


def test_it_reads_when_a_change_merged_apart_from_its_last_update(outside):
    outside.route(GERRIT, recording("gerrit/merged_after.json"))

    commented = sources.merged_changes().changes[0]

    assert commented.number == 800100
    assert commented.submitted == datetime(2024, 6, 3, 10, 0, 31, tzinfo=UTC)
    assert commented.updated == datetime(2024, 6, 3, 10, 7, 15, tzinfo=UTC)


def test_it_asks_for_a_later_page_by_skipping_the_changes_read(outside):
    outside.route(GERRIT + "&S=100", recording("gerrit/merged_page_2.json"))

    page = sources.merged_changes(skip=100)

    assert len(page.changes) == 31 and page.more is True
    assert outside.requests_to("/changes/")[0].query == {
        "q": "status:merged",
        "O": "12",
        "n": "100",
        "S": "100",
    }


def test_the_last_page_says_there_are_no_more(outside):
    outside.route(GERRIT, ")]}'\n[]\n")

    assert sources.merged_changes() == sources.ChangesPage([], more=False)


def test_it_asks_gerrit_for_current_revision_and_commit_with_a_user_agent(outside):
    outside.route(GERRIT, recording("gerrit/merged_changes.json"))

    sources.merged_changes()

    (request,) = outside.requests_to("/changes/")
    assert request.query == {"q": "status:merged", "O": "12", "n": "100"}
    assert request.headers["User-Agent"].startswith("gopherbot/")


def test_it_calls_an_error_page_with_status_200_garbage(outside):
    outside.route(GERRIT, recording("gerrit/unavailable.html"), content_type="text/html")

    with pytest.raises(OutsideError, match="not JSON"):
        sources.merged_changes()


@pytest.mark.parametrize(
    "body",
    [
        {"changes": []},
        [{"subject": "no number"}],
        [{"_number": "585301", "subject": "x"}],
        [{"_number": 585301, "subject": "x", "project": "go", "updated": "yesterday"}],
    ],
)
def test_it_rejects_json_that_is_not_a_list_of_changes(outside, body):
    outside.route(GERRIT, ")]}'\n" + json.dumps(body))

    with pytest.raises(OutsideError, match=r"GET .*/changes/"):
        sources.merged_changes()


def test_a_server_error_is_retryable(outside):
    outside.route(GERRIT, "overloaded", status=503, content_type="text/plain")

    with pytest.raises(OutsideError) as error:
        sources.merged_changes()
    assert error.value.retryable
    assert error.value.status == 503


def test_it_reads_the_live_status_and_the_countdown(outside):
    outside.route("/live/status", recording("changelog/live_status_streaming.json"))
    outside.route("/slack/countdown/gotime", recording("changelog/countdown_gotime.json"))

    assert sources.gotime_is_streaming() is True
    assert sources.gotime_starts_at() == datetime(2024, 5, 14, 17, 0, tzinfo=UTC)


def test_no_scheduled_recording_is_none(outside):
    outside.route("/slack/countdown/gotime", recording("changelog/countdown_none.json"))

    assert sources.gotime_starts_at() is None


@pytest.mark.parametrize("body", [{"streaming": "yes"}, {}, [True]])
def test_it_rejects_a_live_status_it_cannot_read(outside, body):
    outside.route("/live/status", body)

    with pytest.raises(OutsideError):
        sources.gotime_is_streaming()


def test_it_rejects_a_countdown_that_is_not_a_time(outside):
    outside.route("/slack/countdown/gotime", {"data": "next tuesday"})

    with pytest.raises(OutsideError, match="not a time"):
        sources.gotime_starts_at()


def test_it_reads_statuses_newest_first(outside):
    outside.route(STATUSES, recording("mastodon/statuses.json"))

    statuses = sources.gotime_statuses()

    assert [s.id for s in statuses] == [
        "112440606916612211",
        "112440503173120977",
        "112434375032832012",
    ]
    assert statuses[0].url == "https://changelog.social/@gotime/112440606916612211"
    assert statuses[0].created_at == datetime(2024, 5, 14, 17, 25, 3, tzinfo=UTC)
    assert outside.requests_to(STATUSES)[0].query == {}


def test_it_sorts_statuses_by_creation_time_whatever_the_order_they_came_in(outside):
    body = recording("mastodon/statuses.json")
    outside.route(STATUSES, list(reversed(json.loads(body))))

    statuses = sources.gotime_statuses()

    assert [s.created_at for s in statuses] == sorted(
        (s.created_at for s in statuses), reverse=True
    )


def test_it_asks_only_for_statuses_after_the_last_one_seen(outside):
    outside.route(STATUSES, recording("mastodon/statuses_since.json"))

    sources.gotime_statuses(since_id="112440606916612211")

    assert outside.requests_to(STATUSES)[0].query == {"since_id": "112440606916612211"}


def test_a_maintenance_page_is_garbage(outside):
    outside.route(STATUSES, recording("mastodon/maintenance.html"), content_type="text/html")

    with pytest.raises(OutsideError):
        sources.gotime_statuses()
