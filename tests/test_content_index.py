"""The workers' content index: what it answers, and that it stays fresh cheaply."""

import pytest
import redis

from responses import index as index_module
from responses.index import (
    VERSION_KEY,
    Command,
    ContainsRule,
    ContentIndex,
    Definition,
    GlossaryEntry,
    get_index,
)
from responses.models import Welcome
from tests.factories import (
    CannedResponseFactory,
    ContainsRuleFactory,
    PlaygroundDeniedChannelFactory,
    RecommendedChannelFactory,
    TermFactory,
    WelcomeFactory,
)


def canned(trigger, aliases=(), show=True, text="text"):
    return Command(trigger, tuple(aliases), f"about {trigger}", text, "canned", False, show)


def rule(rule_id, *triggers, reactions=("gopher",), reply=""):
    return ContainsRule(rule_id, triggers, reactions, reply, False, 1.0, False)


def test_an_alias_resolves_to_its_trigger_and_anything_else_to_itself_lower_cased():
    index = ContentIndex(commands=[canned("go tour", ["tour"])])
    assert index.resolve_alias("TOUR") == "go tour"
    assert index.resolve_alias("Go Tour") == "go tour"
    assert index.resolve_alias("Tour please") == "tour please"


def test_commands_are_found_by_trigger_in_any_case():
    tour = canned("go tour", ["tour"])
    index = ContentIndex(commands=[tour])
    assert index.command("GO TOUR") == tour
    assert index.command("tour") is None


def test_contains_rules_match_anywhere_each_rule_once_in_a_stable_order():
    bbq, beer, flip = rule(3, "bbq"), rule(1, "beer me", "beers"), rule(2, "︵", "彡")
    index = ContentIndex(rules=[bbq, beer, flip])
    assert index.contains_rules("BBQ and Beer Me, more beers, bbq") == [beer, bbq]
    assert index.contains_rules("(╯°□°)╯︵ ┻━┻ 彡") == [flip]
    assert index.contains_rules("nothing here") == []


def test_an_index_without_rules_matches_nothing():
    assert ContentIndex().contains_rules("bbq") == []


def test_define_finds_terms_and_aliases_in_any_case():
    index = ContentIndex(
        glossary=[GlossaryEntry("test-driven development", ("tdd",), "tests first")]
    )
    assert index.define("Test-Driven  Development") == Definition(
        "test-driven development", "tests first", None
    )
    assert index.define("TDD") == Definition("test-driven development", "tests first", "tdd")
    assert index.define("bdd") is None


def test_help_lists_shown_commands_by_trigger():
    index = ContentIndex(commands=[canned("zebra"), canned("apple"), canned("secret", show=False)])
    assert [c.trigger for c in index.help_commands()] == ["apple", "zebra"]


@pytest.mark.django_db
def test_the_index_holds_enabled_content_from_the_database(fresh_index):
    CannedResponseFactory(trigger="go tour", aliases="tour", text="<https://go.dev/tour/>")
    CannedResponseFactory(trigger="old", enabled=False)
    bbq = ContainsRuleFactory(triggers="bbq", reactions="bbqgopher")
    vim = ContainsRuleFactory(triggers="vim", reactions="emacs", chance_one_in=150)
    ContainsRuleFactory(triggers="off", enabled=False)
    TermFactory(term="blank identifier", aliases="blank, underscore", definition="`_`")
    RecommendedChannelFactory(name="newbies", order=2, in_welcome=True)
    RecommendedChannelFactory(name="general", order=1, in_welcome=False)
    PlaygroundDeniedChannelFactory(name="random")
    WelcomeFactory(kind=Welcome.TEAM_JOIN, channel="", template="Hi {bot}")
    WelcomeFactory(channel="newbies", template="Welcome to {#newbies}")
    WelcomeFactory(channel="off-topic", template="x", enabled=False)

    index = get_index()

    assert index.command(index.resolve_alias("Tour")).text == "<https://go.dev/tour/>"
    assert index.command("old") is None
    assert index.command("help").kind == "function"
    assert index.resolve_alias("coin flip") == "flip a coin"
    assert [r.id for r in index.contains_rules("bbq off vim")] == [bbq.pk, vim.pk]
    assert index.contains_rules("vim")[0].probability == pytest.approx(1 / 150)
    assert index.contains_rules("bbq")[0].reactions == ("bbqgopher",)
    assert index.define("underscore").term == "blank identifier"
    assert [c.name for c in index.recommended_channels] == ["general", "newbies"]
    assert index.playground_denied_channels == frozenset({"random"})
    assert index.team_welcome == "Hi {bot}"
    assert index.channel_welcomes == {"newbies": "Welcome to {#newbies}"}


class CountingRedis:
    def __init__(self, client):
        self.client = client
        self.calls = []

    def __getattr__(self, name):
        self.calls.append(name)
        return getattr(self.client, name)


@pytest.mark.django_db
def test_an_unchanged_version_costs_one_redis_get_and_no_query(
    fresh_index, redis_db, monkeypatch, django_assert_num_queries
):
    first = get_index()
    spy = CountingRedis(redis_db)
    monkeypatch.setattr(index_module, "get_redis", lambda: spy)
    with django_assert_num_queries(0):
        assert get_index() is first
    assert spy.calls == ["get"]


@pytest.mark.django_db
def test_a_saved_change_is_seen_on_the_next_lookup_after_commit(
    fresh_index, redis_db, django_capture_on_commit_callbacks
):
    response = CannedResponseFactory(trigger="books", text="old")
    assert get_index().command("books").text == "old"
    version = redis_db.get(VERSION_KEY)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response.text = "new"
        response.save()
    # Not yet committed: the version must not move, or a worker would cache the old rows.
    assert redis_db.get(VERSION_KEY) == version
    for callback in callbacks:
        callback()

    assert int(redis_db.get(VERSION_KEY)) > int(version)
    assert get_index().command("books").text == "new"


@pytest.mark.django_db
def test_deleting_content_bumps_the_version(
    fresh_index, redis_db, django_capture_on_commit_callbacks
):
    term = TermFactory(term="ddd")
    assert get_index().define("ddd")
    with django_capture_on_commit_callbacks(execute=True):
        term.delete()
    assert get_index().define("ddd") is None


@pytest.mark.django_db
def test_a_flushed_redis_forces_a_rebuild(fresh_index, redis_db):
    first = get_index()
    redis_db.flushdb()
    assert get_index() is not first


@pytest.mark.django_db
def test_without_redis_the_last_index_keeps_serving(fresh_index, monkeypatch):
    first = get_index()

    class Down:
        def get(self, key):
            raise redis.ConnectionError("down")

    monkeypatch.setattr(index_module, "get_redis", Down)
    assert get_index() is first
