import json
import logging
import threading
from datetime import UTC, datetime

import pytest

from gopherbot import connections
from gopherbot.connections import get_redis
from localdev.local_redis import free_port
from pollers import jobs, state
from slackapi.channels import channel_id, refresh_channel_cache
from tests.fixtures.outside import recording

GERRIT = "/changes/?q=status:merged&O=12&n=100"
STATUSES = "/api/v1/accounts/109349735213354404/statuses"
GOTIME_STARTS = datetime(2024, 5, 14, 17, 0, tzinfo=UTC).timestamp()
NEWEST_STATUS = "112440606916612211"  # 2024-05-14T17:25:03Z in mastodon/statuses.json


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def posts(slack) -> list[dict]:
    return [call.params for call in slack.calls_to("chat.postMessage")]


@pytest.fixture
def gerrit(outside):
    outside.route(GERRIT, recording("gerrit/merged_changes.json"))
    return outside


@pytest.fixture
def cached(slack):
    """Slack with the channel cache filled, as the scheduler does at start."""
    refresh_channel_cache()
    return slack


# --- Gerrit -------------------------------------------------------------------------

# When the CLs of gerrit/merged_changes.json merged (Gerrit's times are UTC).
MERGED_AT = {
    585301: "2024-05-14 16:58:12",
    585290: "2024-05-14 16:52:03",
    585276: "2024-05-14 15:20:41",
    585199: "2024-05-14 11:02:09",
}


def already_posted(*numbers: int, merged_at: dict[int, str] = MERGED_AT) -> None:
    """Remember CLs as posted by earlier runs."""
    state.remember_posted_cls(
        {n: datetime.fromisoformat(merged_at[n]).replace(tzinfo=UTC) for n in numbers}
    )


def posted_numbers(slack) -> list[int]:
    return [int(p["text"][1 : p["text"].index("]")]) for p in posts(slack)]


def test_the_first_gerrit_run_remembers_what_is_listed_and_posts_nothing(gerrit, cached):
    run = jobs.poll_gerrit()

    assert run.outcome == "first run"
    assert run.detail == "remembered the 4 CLs listed as already announced; posted nothing"
    assert posts(cached) == []
    assert state.posted_cls(merged_since=0) == {585301, 585290, 585276, 585199}
    assert jobs.poll_gerrit().outcome == "nothing new"
    assert posts(cached) == []


def test_it_posts_each_new_cl_oldest_merge_first_to_golang_cls(gerrit, cached):
    already_posted(585276, 585199)

    run = jobs.poll_gerrit()

    assert run.outcome == "posted"
    first, second = posts(cached)
    assert first["channel"] == "C0GOLANGCLS"
    assert first["text"] == (
        '[585290] cmd/compile: don\'t report "x &lt; y &amp;&amp; y &lt; x" as always false: '
        "https://go.dev/cl/585290/"
    )
    (attachment,) = first["attachments"]
    assert (
        attachment["title"]
        == 'cmd/compile: don\'t report "x &lt; y &amp;&amp; y &lt; x" as always false'
    )
    assert attachment["title_link"] == "https://go.dev/cl/585290/"
    assert attachment["footer"] == "Ib2d84e0c5a7f61e93c0d2b4a6f8e1c3d5b7a9f02"
    assert attachment["text"].startswith(attachment["title"] + "\n\nThe prove pass treated")
    assert (
        "Fixes #67193\n\nChange-Id: Ib2d84e0c5a7f61e93c0d2b4a6f8e1c3d5b7a9f02\n"
        in (attachment["text"])
    )
    assert first["unfurl_links"] is False
    assert second["text"] == (
        '[585301] [tools] gopls/internal/golang: add "extract to new file" code action: '
        "https://go.dev/cl/585301/"
    )
    assert state.posted_cls(merged_since=0) == {585301, 585290, 585276, 585199}


def test_a_run_with_no_new_cl_posts_nothing(gerrit, cached):
    already_posted(585301, 585290, 585276, 585199)

    run = jobs.poll_gerrit()

    assert (run.outcome, posts(cached)) == ("nothing new", [])
    assert run.detail == "no CL merged since 2024-05-14T16:58:12Z"
    # The page's last change was updated before the newest post: no second page is read.
    assert [r.query.get("S") for r in gerrit.requests_to("/changes/")] == [None]


@pytest.fixture
def merges(outside, cached):
    """Gerrit answering with the recording named by `merges.now(name)`."""

    class Merges:
        def now(self, name: str) -> None:
            outside.route(GERRIT, recording(f"gerrit/{name}.json"))

    return Merges()


OUT_OF_ORDER = {
    800095: "2024-06-03 09:58:02",
    800060: "2024-06-03 09:12:44",
    799990: "2024-06-03 08:30:00",
}


def test_a_cl_with_an_older_number_merged_after_a_newer_one_is_posted(merges, cached):
    already_posted(*OUT_OF_ORDER, merged_at=OUT_OF_ORDER)
    # 10:02: CL 800100 has merged.
    merges.now("merged_before")
    assert jobs.poll_gerrit().outcome == "posted"
    # 10:12: CL 800090, older, merged at 10:05; a comment on 800100 listed it first again.
    merges.now("merged_after")
    run = jobs.poll_gerrit()

    assert (run.outcome, run.detail) == ("posted", "CLs 800090")
    assert posted_numbers(cached) == [800100, 800090]
    assert posts(cached)[1]["text"] == (
        "[800090] net/netip: add Prefix.Compare: https://go.dev/cl/800090/"
    )
    assert jobs.poll_gerrit().outcome == "nothing new"
    assert len(posts(cached)) == 2


def test_more_merges_than_a_page_holds_are_all_posted_oldest_merge_first(outside, cached, settings):
    settings.SLACK_CHANNEL_POST_INTERVAL = 0.001  # 120 posts in one run, paced fast
    page_1 = recording("gerrit/merged_page_1.json")
    outside.route(GERRIT, page_1)
    outside.route(GERRIT + "&S=100", recording("gerrit/merged_page_2.json"))
    # CL 800749 merged at 06:00 and was posted; a comment after its merge lists it first.
    already_posted(800749, merged_at={800749: "2024-06-10 06:00:00"})

    run = jobs.poll_gerrit()

    assert run.outcome == "posted"
    numbers = posted_numbers(cached)
    assert len(numbers) == len(set(numbers)) == 120
    assert 800749 not in numbers
    assert (numbers[0], numbers[-1]) == (797121, 799758)  # merged 06:03:50 and 16:39:33
    merged_at = merge_times("merged_page_1", "merged_page_2")
    assert [merged_at[n] for n in numbers] == sorted(merged_at[n] for n in numbers)
    assert numbers != sorted(numbers)  # numbers and merges are in different orders
    # Page 2 ends with merges from before 06:00 - 1 h: page 3 is never asked for.
    assert [r.query.get("S") for r in outside.requests_to("/changes/")] == [None, "100"]
    assert jobs.poll_gerrit().outcome == "nothing new"


def merge_times(*names: str) -> dict[int, str]:
    return {
        change["_number"]: change["submitted"][:19]
        for name in names
        for change in json.loads(recording(f"gerrit/{name}.json")[4:])
    }


def test_after_a_long_outage_only_the_last_day_of_merges_is_posted(
    outside, cached, settings, monkeypatch
):
    settings.SLACK_CHANNEL_POST_INTERVAL = 0.001
    outside.route(GERRIT, recording("gerrit/merged_page_1.json"))
    already_posted(*OUT_OF_ORDER, merged_at=OUT_OF_ORDER)  # a week before
    monkeypatch.setattr(jobs, "CATCH_UP_LIMIT", 2 * 3600)  # two hours instead of a day

    jobs.poll_gerrit()

    # The newest merge listed is 16:39:33: those from 14:39:33 on are posted.
    merged_at = merge_times("merged_page_1")
    recent = {n for n, when in merged_at.items() if when >= "2024-06-10 14:39:33"}
    assert 0 < len(recent) < len(merged_at)
    assert set(posted_numbers(cached)) == recent
    assert len(outside.requests_to("/changes/")) == 1


def test_an_empty_list_on_the_first_run_posts_and_remembers_nothing(outside, cached):
    outside.route(GERRIT, ")]}'\n[]\n")

    run = jobs.poll_gerrit()

    assert (run.outcome, posts(cached)) == ("first run", [])
    assert state.newest_posted_cl() is None


def test_it_stops_reading_gerrit_after_ten_pages(outside, cached):
    # A list that never ends (each page says there are more, and all are recent).
    outside.route(GERRIT, recording("gerrit/merged_page_1.json"))
    for skip in range(100, 1000, 100):
        outside.route(f"{GERRIT}&S={skip}", recording("gerrit/merged_page_1.json"))
    already_posted(*OUT_OF_ORDER, merged_at=OUT_OF_ORDER)

    run = jobs.poll_gerrit(dry_run=True)

    assert len(outside.requests_to("/changes/")) == 10
    assert run.detail.endswith("; stopped reading after 10 pages")


def test_a_post_that_fails_midway_neither_skips_nor_repeats_a_cl(gerrit, cached, monkeypatch):
    already_posted(585276, 585199)

    def fail_after_the_first_post(call):
        if call.method == "chat.postMessage" and not call.injected:
            cached.fail_next("chat.postMessage", 200, body={"ok": False, "error": "fatal_error"})

    monkeypatch.setattr(cached, "on_call", fail_after_the_first_post)
    broken = jobs.poll_gerrit()
    monkeypatch.setattr(cached, "on_call", None)

    assert broken.outcome == "failed"
    assert 585290 in state.posted_cls(merged_since=0)
    assert 585301 not in state.posted_cls(merged_since=0)
    assert jobs.poll_gerrit().outcome == "posted"
    assert posted_numbers(cached) == [585290, 585301]


def test_a_restarted_scheduler_goes_on_where_the_last_run_stopped(gerrit, cached):
    already_posted(585276, 585199)
    jobs.poll_gerrit()
    connections.reset()  # a new process: only Redis remembers

    assert jobs.poll_gerrit().outcome == "nothing new"
    assert posted_numbers(cached) == [585290, 585301]


@pytest.mark.parametrize(
    "status, body, content_type",
    [
        (503, "overloaded", "text/plain"),
        (200, recording("gerrit/unavailable.html"), "text/html"),
        (200, ')]}\'\n{"not": "a list"}', "application/json"),
    ],
)
def test_gerrit_down_or_answering_garbage_leaves_the_state_alone(
    outside, cached, status, body, content_type
):
    already_posted(585276, 585199)
    outside.route(GERRIT, body, status=status, content_type=content_type)

    run = jobs.poll_gerrit()

    assert run.outcome == "failed"
    assert posts(cached) == []
    assert state.posted_cls(merged_since=0) == {585276, 585199}
    outside.route(GERRIT, recording("gerrit/merged_changes.json"))
    assert jobs.poll_gerrit().outcome == "posted"
    assert posted_numbers(cached) == [585290, 585301]


def test_gerrit_unreachable_fails_cleanly(settings, cached):
    settings.GERRIT_URL = f"http://127.0.0.1:{free_port()}"

    run = jobs.poll_gerrit()

    assert run.outcome == "failed"
    assert "Connection refused" in run.detail
    assert state.newest_posted_cl() is None


def test_a_channel_missing_from_the_cache_stops_the_run_before_saving(gerrit, slack):
    already_posted(585276, 585199)

    run = jobs.poll_gerrit()

    assert run.outcome == "failed"
    assert "#golang-cls is not in the channel cache" in run.detail
    assert posts(slack) == []
    assert state.posted_cls(merged_since=0) == {585276, 585199}


def test_two_runs_at_once_post_each_cl_once(outside, cached):
    # Gerrit answers slowly, so both runs are in flight at the same time.
    outside.route(GERRIT, recording("gerrit/merged_changes.json"), delay=0.5)
    already_posted(585276, 585199)
    runs = []
    threads = [threading.Thread(target=lambda: runs.append(jobs.poll_gerrit())) for _ in "ab"]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(run.outcome for run in runs) == ["posted", "skipped"]
    assert posted_numbers(cached) == [585290, 585301]
    assert len(outside.requests_to("/changes/")) == 1


def test_runs_one_after_the_other_post_each_cl_once(gerrit, cached):
    already_posted(585276, 585199)
    threads = [threading.Thread(target=jobs.poll_gerrit) for _ in range(4)]

    for thread in threads:
        thread.start()
        thread.join(timeout=10)

    assert posted_numbers(cached) == [585290, 585301]


def test_a_run_skips_while_another_holds_the_lock(gerrit, cached, caplog):
    already_posted(585276, 585199)
    lock = state.job_lock("gerrit", timeout=5)
    assert lock.acquire()

    with caplog.at_level(logging.INFO, logger="pollers"):
        run = jobs.poll_gerrit()

    assert (run.outcome, run.detail) == ("skipped", "another run holds the lock")
    assert posts(cached) == []
    assert gerrit.requests == []
    assert caplog.records[-1].fields["outcome"] == "skipped"
    lock.release()


def test_each_run_logs_one_line_with_its_outcome_and_duration(gerrit, cached, caplog):
    already_posted(585276, 585199)

    with caplog.at_level(logging.INFO, logger="pollers"):
        jobs.poll_gerrit()

    (line,) = [r for r in caplog.records if r.getMessage() == "poller run"]
    assert line.fields["job"] == "gerrit"
    assert line.fields["outcome"] == "posted"
    assert line.fields["detail"] == "CLs 585290, 585301"
    assert line.fields["posted"] == 2
    assert line.fields["ms"] > 0


def test_a_dry_run_posts_nothing_and_saves_nothing(gerrit, cached):
    already_posted(585276, 585199)

    run = jobs.poll_gerrit(dry_run=True)

    assert [p.delivery for p in run.posts] == ["dry-run", "dry-run"]
    assert posts(cached) == []
    assert state.posted_cls(merged_since=0) == {585276, 585199}


def test_a_full_channel_ends_the_run_cleanly_and_the_next_run_goes_on(gerrit, cached, settings):
    settings.SLACK_CHANNEL_POST_BURST = 1
    settings.SLACK_CHANNEL_POST_MAX_WAIT = 0.5
    settings.SLACK_CHANNEL_POST_INTERVAL = 5
    already_posted(585276, 585199)

    run = jobs.poll_gerrit()

    assert run.outcome == "failed"
    assert "ChannelBusy" in run.detail
    assert posted_numbers(cached) == [585290]
    settings.SLACK_CHANNEL_POST_INTERVAL = 0.001
    get_redis().delete("gopherbot:pace:C0GOLANGCLS")
    assert jobs.poll_gerrit().outcome == "posted"
    assert posted_numbers(cached) == [585290, 585301]


# --- Shadow mode ----------------------------------------------------------------------


def test_shadow_mode_logs_what_it_would_post_and_posts_nothing(gerrit, cached, settings, caplog):
    settings.SHADOW_MODE = True
    settings.SHADOW_MODE_CHANNEL = ""
    already_posted(585276, 585199)

    with caplog.at_level(logging.INFO, logger="pollers"):
        run = jobs.poll_gerrit()

    assert posts(cached) == []
    assert [p.delivery for p in run.posts] == ["shadow", "shadow"]
    shadowed = [r.fields for r in caplog.records if r.getMessage() == "shadow mode: not posting"]
    assert [(f["channel"], f["text"][:8]) for f in shadowed] == [
        ("golang-cls", "[585290]"),
        ("golang-cls", "[585301]"),
    ]
    # Shadow mode follows the feed like production does, so it does not log the same CLs again.
    assert state.posted_cls(merged_since=0) == {585301, 585290, 585276, 585199}


def test_shadow_mode_posts_to_the_dev_channel_when_one_is_set(outside, cached, settings):
    settings.SHADOW_MODE = True
    settings.SHADOW_MODE_CHANNEL = "random"
    outside.route("/live/status", recording("changelog/live_status_streaming.json"))
    outside.route("/slack/countdown/gotime", recording("changelog/countdown_gotime.json"))

    jobs.poll_gotime(now=GOTIME_STARTS)

    assert [(p["channel"], p["text"]) for p in posts(cached)] == [
        ("C0RANDOM", ":tada: GoTimeFM is now live :tada:")
    ]


# --- Go Time live ----------------------------------------------------------------------


@pytest.fixture
def live(outside):
    outside.route("/live/status", recording("changelog/live_status_streaming.json"))
    outside.route("/slack/countdown/gotime", recording("changelog/countdown_gotime.json"))
    return outside


@pytest.mark.parametrize("offset", [-30, 0, 25, 30])
def test_it_announces_go_time_within_30_seconds_of_the_start(live, cached, offset):
    run = jobs.poll_gotime(now=GOTIME_STARTS + offset)

    assert run.outcome == "posted"
    assert [(p["channel"], p["text"]) for p in posts(cached)] == [
        ("C0GOTIMEFM", ":tada: GoTimeFM is now live :tada:")
    ]
    assert float(state.load(state.GOTIME_ANNOUNCED_AT)) == GOTIME_STARTS + offset


@pytest.mark.parametrize("offset", [-31, 31, -3600, 600])
def test_it_stays_quiet_outside_the_window(live, cached, offset):
    run = jobs.poll_gotime(now=GOTIME_STARTS + offset)

    assert run.outcome == "nothing new"
    assert posts(cached) == []
    assert state.load(state.GOTIME_ANNOUNCED_AT) is None


def test_it_does_not_ask_for_the_countdown_when_nobody_is_streaming(outside, cached):
    outside.route("/live/status", recording("changelog/live_status_offline.json"))

    run = jobs.poll_gotime(now=GOTIME_STARTS)

    assert (run.outcome, run.detail) == ("nothing new", "not streaming")
    assert outside.requests_to("/slack/countdown/gotime") == []
    assert posts(cached) == []


def test_streaming_without_a_scheduled_recording_is_not_go_time(outside, cached):
    outside.route("/live/status", recording("changelog/live_status_streaming.json"))
    outside.route("/slack/countdown/gotime", recording("changelog/countdown_none.json"))

    assert jobs.poll_gotime(now=GOTIME_STARTS).outcome == "nothing new"
    assert posts(cached) == []


def test_it_announces_once_in_24_hours(live, cached):
    state.save(state.GOTIME_ANNOUNCED_AT, GOTIME_STARTS - 23 * 3600)

    run = jobs.poll_gotime(now=GOTIME_STARTS)

    assert run.outcome == "skipped"
    assert live.requests == []
    assert posts(cached) == []


def test_it_announces_again_after_24_hours(live, cached):
    state.save(state.GOTIME_ANNOUNCED_AT, GOTIME_STARTS - 24 * 3600)

    assert jobs.poll_gotime(now=GOTIME_STARTS).outcome == "posted"
    assert len(posts(cached)) == 1


def test_two_go_time_runs_in_the_same_minute_announce_once(live, cached):
    jobs.poll_gotime(now=GOTIME_STARTS)
    jobs.poll_gotime(now=GOTIME_STARTS + 20)

    assert len(posts(cached)) == 1


def test_changelog_down_leaves_go_time_unannounced(outside, cached):
    outside.route("/live/status", recording("changelog/live_status_streaming.json"))
    outside.route("/slack/countdown/gotime", "<html>502</html>", status=502)

    run = jobs.poll_gotime(now=GOTIME_STARTS)

    assert run.outcome == "failed"
    assert state.load(state.GOTIME_ANNOUNCED_AT) is None


# --- Go Time social ------------------------------------------------------------------------


def test_the_first_social_run_shares_only_the_newest_status(outside, cached):
    outside.route(STATUSES, recording("mastodon/statuses.json"))

    run = jobs.poll_gotime_social(now=at("2024-05-14T17:26:00"))

    assert run.outcome == "posted"
    assert posts(cached) == [
        {
            "channel": "C0GOTIMEFM",
            "text": f"<https://changelog.social/@gotime/{NEWEST_STATUS}>",
            "username": "Changelog",
            "icon_url": "https://cdn.changelog.social/accounts/avatars/109/365/688/871/983/824/"
            "original/5d1bcf4960706353.png",
            "unfurl_links": True,
            "unfurl_media": True,
        }
    ]
    assert outside.requests_to(STATUSES)[0].query == {}
    assert state.load(state.GOTIME_SOCIAL_LAST_ID) == NEWEST_STATUS


def test_the_first_social_run_remembers_an_old_newest_status_without_sharing_it(outside, cached):
    outside.route(STATUSES, recording("mastodon/statuses.json"))

    run = jobs.poll_gotime_social(now=at("2024-05-14T17:55:04"))

    assert run.outcome == "nothing new"
    assert posts(cached) == []
    assert state.load(state.GOTIME_SOCIAL_LAST_ID) == NEWEST_STATUS


def test_later_social_runs_share_fresh_statuses_oldest_first(outside, cached):
    state.save(state.GOTIME_SOCIAL_LAST_ID, NEWEST_STATUS)
    outside.route(f"{STATUSES}?since_id={NEWEST_STATUS}", recording("mastodon/statuses_since.json"))

    run = jobs.poll_gotime_social(now=at("2024-05-14T18:05:00"))

    assert run.outcome == "posted"
    assert run.detail == (
        "statuses 112440706990080118, 112440752209923301, 1 older than 30 min skipped"
    )
    assert [p["text"] for p in posts(cached)] == [
        "<https://changelog.social/@gotime/112440706990080118>",  # 17:50:30
        "<https://changelog.social/@gotime/112440752209923301>",  # 18:02:00
    ]
    assert outside.requests_to(STATUSES)[0].query == {"since_id": NEWEST_STATUS}
    assert state.load(state.GOTIME_SOCIAL_LAST_ID) == "112440752209923301"


def test_a_status_the_server_sends_despite_since_id_is_not_shared_again(outside, cached):
    state.save(state.GOTIME_SOCIAL_LAST_ID, NEWEST_STATUS)
    outside.route(STATUSES, recording("mastodon/statuses.json"))

    run = jobs.poll_gotime_social(now=at("2024-05-14T17:26:00"))

    assert run.outcome == "nothing new"
    assert posts(cached) == []


@pytest.mark.parametrize(
    "status, body", [(200, recording("mastodon/maintenance.html")), (500, "oops"), (200, "{}")]
)
def test_mastodon_down_or_answering_garbage_leaves_the_state_alone(outside, cached, status, body):
    state.save(state.GOTIME_SOCIAL_LAST_ID, NEWEST_STATUS)
    outside.route(STATUSES, body, status=status)

    run = jobs.poll_gotime_social(now=at("2024-05-14T18:05:00"))

    assert run.outcome == "failed"
    assert posts(cached) == []
    assert state.load(state.GOTIME_SOCIAL_LAST_ID) == NEWEST_STATUS


# --- Channel cache ----------------------------------------------------------------------------


def test_the_channel_cache_job_follows_every_page_and_skips_archived_channels(slack):
    for number in range(250):
        slack.add_channel(f"meetup-{number:03d}")
    slack.add_channel("gophercon-2015", is_archived=True)

    run = jobs.refresh_channels()

    assert run.outcome == "refreshed"
    assert len(slack.calls_to("conversations.list")) == 2
    assert channel_id("meetup-249") == "C0MEETUP249"
    assert channel_id("golang-cls") == "C0GOLANGCLS"
    assert channel_id("gophercon-2015") is None
    assert channel_id("gophercon-2016") is None


def test_slack_down_fails_the_channel_cache_job_and_keeps_the_old_cache(slack):
    refresh_channel_cache()
    slack.fail_next("conversations.list", 400, body={"ok": False, "error": "invalid_auth"})

    run = jobs.refresh_channels()

    assert run.outcome == "failed"
    assert channel_id("golang-cls") == "C0GOLANGCLS"


def test_a_run_that_outlived_its_lock_ends_without_error(outside, cached, monkeypatch, caplog):
    outside.route(GERRIT, recording("gerrit/merged_changes.json"), delay=0.2)
    already_posted(585301, 585290, 585276, 585199)
    monkeypatch.setitem(jobs.TIMEOUTS, "gerrit", 0.05)

    with caplog.at_level(logging.WARNING, logger="pollers"):
        run = jobs.poll_gerrit()

    assert run.outcome == "nothing new"
    assert "poller lock expired before the run ended" in caplog.messages
