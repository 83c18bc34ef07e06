"""Counting what members use: through the gateway and a real RQ worker, into the database."""

import pytest

from bot.jobs import SENT_TTL_SECONDS
from gopherbot.connections import get_redis
from insights import counting
from insights.counting import day_key, today
from insights.folding import fold_counts
from insights.models import DailyCount
from insights.uses import wanted_name
from responses.models import ContainsRule
from tests.slack_events import encode, event_callback, message_event, signed_headers
from tests.test_bot_joins import channel_join, team_join

BOT = "<@U0GOPHERBOT>"
EVENT_QUEUES = (
    "slack_message_public",
    "slack_message_private",
    "slack_team_join",
    "slack_channel_join",
)


def dm(text: str, user: str = "U0ALICE") -> dict:
    return message_event(text, channel="D" + user[1:], channel_type="im", user=user)


def through_gateway(client, bot, event: dict) -> None:
    """POST the event signed, as Slack does, then let the worker run what was queued."""
    raw = encode(event_callback(event))
    response = client.generic("POST", "/slack/event", raw, headers=signed_headers(raw))
    assert response.status_code == 200
    for queue in EVENT_QUEUES:
        bot.work(queue)


def in_redis() -> dict[str, int]:
    return {
        field.decode(): int(value) for field, value in get_redis().hgetall(day_key(today())).items()
    }


def in_database() -> dict[tuple[str, str], int]:
    return {(row.kind, row.name): row.count for row in DailyCount.objects.filter(day=today())}


def rule_id(name: str) -> str:
    return str(ContainsRule.objects.get(name=name).pk)


def test_a_session_of_messages_is_counted_by_what_was_used(bot, client):
    session = [
        message_event(f"{BOT} go tour"),
        dm("tour"),  # an alias: counted under its command too
        dm("tour"),
        message_event(f"{BOT} help"),
        message_event("xkcd:927 <@U0BOB>"),
        message_event(f"{BOT} define TDD"),  # an alias of the term
        dm("define monads"),
        message_event(f"{BOT} define  Monads?"),  # the same term, asked differently
        dm("define my neighbour's wifi password is hunter2 and more"),  # a sentence, not a term
        message_event("bbq tonight"),
        message_event("the proverbs say"),
        message_event("just chatting about nothing"),  # no answer, nothing counted
        team_join(),
        channel_join("C0NEWBIES"),
    ]
    for event in session:
        through_gateway(client, bot, event)

    fold = fold_counts()

    assert fold.outcome == "folded"
    assert in_database() == {
        ("command", "go tour"): 3,
        ("alias", "tour"): 2,
        ("command", "help"): 1,
        ("prefix", "xkcd:"): 1,
        ("prefix", "define"): 4,
        ("term", "test-driven development"): 1,
        ("wanted", "monads"): 2,
        ("wanted", ""): 1,
        ("contains", rule_id("bbq")): 1,
        ("contains", rule_id("proverbs")): 1,
        ("welcome", "new members"): 1,
        ("welcome", "#newbies"): 1,
    }


def test_the_day_hash_expires_a_week_after_its_last_count(bot, client):
    through_gateway(client, bot, message_event("xkcd:927"))
    ttl = get_redis().ttl(day_key(today()))
    assert 7 * 24 * 3600 - 60 < ttl <= 7 * 24 * 3600


def test_a_retried_job_counts_what_it_redoes_once(bot, slack, quick_backoff):
    slack.fail_next("chat.postMessage", 503, times=3)  # the xkcd reply fails, the reaction not
    job = bot.deliver(message_event("xkcd:303 bbq"))
    assert job.is_scheduled
    assert in_redis() == {f"contains:{rule_id('bbq')}": 1}

    bot.run_due_retries("slack_message_public")  # redoes the reaction (already sent), then xkcd

    job.refresh()
    assert job.is_finished
    assert in_redis() == {f"contains:{rule_id('bbq')}": 1, "prefix:xkcd:": 1}


def test_the_mark_that_a_use_was_counted_expires_with_the_event_record(bot):
    job = bot.deliver(message_event("xkcd:303"))
    record = f"gopherbot:sent:{job.args[0]['event_id']}"
    assert get_redis().sismember(record, "insights:prefix:xkcd:")
    assert 0 < get_redis().ttl(record) <= SENT_TTL_SECONDS


def test_when_redis_refuses_the_count_the_member_is_still_answered(bot, monkeypatch, log_text):
    class Unreachable:
        def register_script(self, source):
            raise ConnectionError("Redis went away")

    monkeypatch.setattr(counting, "get_redis", Unreachable)
    job = bot.deliver(message_event(f"{BOT} go tour"))

    assert job.is_finished
    assert bot.sent("chat.postMessage")[0]["text"].startswith("The Tour of Go")
    assert "uses not counted" in log_text()
    assert 'error="ConnectionError: Redis went away"' in log_text()


def test_a_replayed_event_is_not_counted(bot, tmp_path):
    from django.core.management import call_command

    event = tmp_path / "event.json"
    event.write_text(encode(message_event(f"{BOT} go tour")).decode())
    call_command("replay_event", str(event), "--send", stdout=open(tmp_path / "out", "w"))  # noqa: SIM115

    assert len(bot.sent("chat.postMessage")) == 1
    assert in_redis() == {}


def test_a_poller_post_is_counted_by_its_job_and_a_dry_run_is_not(slack, settings):
    from pollers.posting import Run, post
    from slackapi.channels import refresh_channel_cache

    settings.SHADOW_MODE = False
    refresh_channel_cache()
    post(Run(job="gerrit"), "golang-cls", {"text": "[585290] cmd/compile: a change"})
    post(Run(job="gerrit"), "golang-cls", {"text": "[585291] runtime: another"})
    post(Run(job="gotime", dry_run=True), "gotimefm", {"text": "GoTimeFM is now live"})

    assert len(slack.calls_to("chat.postMessage")) == 2
    assert in_redis() == {"poller:gerrit": 2}


def test_a_poller_in_shadow_mode_only_logs_and_counts_nothing(slack, settings):
    from pollers.posting import Run, post

    settings.SHADOW_MODE, settings.SHADOW_MODE_CHANNEL = True, ""
    post(Run(job="gerrit"), "golang-cls", {"text": "[585290] cmd/compile: a change"})

    assert slack.calls_to("chat.postMessage") == []
    assert in_redis() == {}


def test_a_welcome_not_sent_in_shadow_mode_is_not_counted(bot, settings):
    settings.SHADOW_MODE = True
    bot.deliver(team_join())
    assert in_redis() == {}


@pytest.mark.parametrize(
    ("asked", "counted"),
    [
        ("monads", "monads"),
        ("  Monads?  ", "monads"),
        ("`gofmt`", "gofmt"),
        ("“generics”", "generics"),
        ("c++", "c++"),
        (".NET", ".net"),
        ("go 1.22", "go 1.22"),
        ("r&d", "r&d"),
        ("bob@example.com", ""),  # an address
        ("https://example.com/x", ""),  # a link
        ("call me on 555 123 4567", ""),  # a phone number
        ("u01abcdef23", ""),  # an id
        ("what does it mean when a goroutine leaks", ""),  # a sentence
        ("x" * 41, ""),  # too long for a term
        ("<@U0ALICE>", ""),
    ],
)
def test_an_unknown_term_is_kept_only_when_it_looks_like_a_term(asked, counted):
    assert wanted_name(asked) == counted


def test_a_killed_worker_loses_no_count_and_its_retried_job_counts_once(
    slack, worker_env, settings
):
    import os
    import signal
    import time

    from gateway.delivery import enqueue_event
    from gateway.routing import route_event
    from localdev.processes import procfile_command, running
    from tests.fixtures.reliability import wait_until

    settings.EVENT_JOB_TIMEOUT = 4  # the gateway writes the job's timeout
    answered = message_event("xkcd:927")
    killed = message_event(f"{BOT} xkcd:303 bbq proverbs")  # dies during the reaction
    slack.delay_next("reactions.add", 3.0)

    with running(procfile_command("worker"), worker_env) as first:
        for event in (answered, killed):
            assert enqueue_event(route_event(event), event_callback(event), request_id=None)
        wait_until(lambda: len(slack.calls_to("chat.postMessage")) == 2, 30, "two replies", first)
        time.sleep(0.5)
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=5)
        # The first message's count is in Redis already: nothing waited in the dead process.
        assert in_redis() == {"prefix:xkcd:": 1}

        with running(procfile_command("worker"), worker_env) as second:
            wait_until(
                lambda: len(slack.calls_to("chat.postMessage")) == 3,
                35,
                "the reply the killed job had not sent",
                second,
            )
            wait_until(lambda: len(in_redis()) == 3, 5, "the retried job's counts", second)

    counts = in_redis()
    contains = {field: n for field, n in counts.items() if field.startswith("contains:")}
    assert counts["prefix:xkcd:"] == 2
    assert sorted(contains.values()) == [1, 1]  # bbq and proverbs, once each
