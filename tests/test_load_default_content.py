"""`manage.py load_default_content`: everything of docs/behaviour.md#default-content,
idempotent, moderators' edits kept."""

from io import StringIO

import pytest
from django.core.management import call_command

from glossary.models import Term
from responses import defaults
from responses.claims import ClaimedName
from responses.index import get_index
from responses.models import (
    CannedResponse,
    ContainsRule,
    PlaygroundDeniedChannel,
    RecommendedChannel,
    Welcome,
)
from responses.welcome import template_errors
from tests.factories import CannedResponseFactory, TermFactory

pytestmark = pytest.mark.django_db

MODELS = (CannedResponse, ContainsRule, Term, RecommendedChannel, Welcome, PlaygroundDeniedChannel)

# docs/behaviour.md#commands: every canned trigger with its aliases.
CANNED = {
    "recommended": ["recommended blogs"],
    "books": [],
    "oss help wanted": ["help wanted", "oss help"],
    "work with forks": ["working with forks"],
    "block forever": ["how to block forever"],
    "http timeouts": [],
    "slices": ["slice internals"],
    "database tutorial": ["databases"],
    "empty struct": ["zero struct", "struct{}"],
    "project layout": ["project structure", "package layout", "package structure"],
    "go challenges": ["challenges", "challenge"],
    "idiomatic go": [],
    "invite link": ["invite", "slack invite", "workspace invite"],
    "avoid gotchas": ["gotchas"],
    "source code": ["source"],
    "dependency injection": ["di"],
    "pointer performance": [],
    "gopath": ["gopath problem", "issue with gopath", "help with gopath"],
    "playground": ["go playground", "goplay", "goplay space"],
    "code of conduct": ["coc"],
    "screenshots": ["screenshot"],
    "go tour": ["tour"],
    "doesn't work": ["more context", "doesnt work", "doesntwork"],
    "ask": ["don't ask", "dont ask", "dontask", "just ask", "justask"],
    "crosspost": ["xpost"],
    "fyne books": [],
    "fyne tour": [],
    "fyne compile": ["fyne cgo", "fyne windows"],
    "fyne docs": ["fyne doc"],
    "fyne layouts": ["fyne layout"],
    "fyne sizes": ["fyne size"],
    "fyne theme": ["fyne themes", "fyne style", "fyne styles"],
}

LINKS = {
    "recommended": [
        "peter.bourgon.org/blog",
        "dave.cheney.net",
        "golang.rakyll.org",
        "blog.jessfraz.com",
        "goinggo.net",
    ],
    "books": ["manning.com/books/go-in-action", "gopl.io", "Go Programming Blueprints"],
    "oss help wanted": ["github.com/corylanou/oss-helpwanted"],
    "work with forks": ["blog.sgmansfield.com/2016/06/working-with-forks-in-go/"],
    "block forever": ["select {}", "blog.sgmansfield.com/2016/06/how-to-block-forever-in-go/"],
    "http timeouts": ["blog.cloudflare.com/the-complete-guide-to-golang-net-http-timeouts/"],
    "slices": ["go.dev/blog/slices-intro", "go.dev/blog/slices>", "go.dev/blog/strings"],
    "database tutorial": ["go-database-sql.org"],
    "empty struct": ["dave.cheney.net/2014/03/25/the-empty-struct"],
    "project layout": [
        "rakyll.org/style-packages/",
        "gobeyond.dev/standard-package-layout/",
        "go.dev/doc/modules/layout",
    ],
    "go challenges": ["tutorialedge.net/challenges/go/"],
    "idiomatic go": ["dmitri.shuralyov.com/idiomatic-go"],
    "invite link": ["invite.slack.golangbridge.org"],
    "avoid gotchas": ["divan.github.io/posts/avoid_gotchas"],
    "dependency injection": ["appliedgo.net/di/"],
    "gopath": ["go.dev/doc/code"],
    "playground": ["go.dev/play/", "goplay.space"],
    "code of conduct": [
        "coc.golangbridge.org",
        "go.dev/conduct",
        "{#admin-help}",
        "<mailto:support@gobridge.org|support@gobridge.org>",
    ],
    "source code": ["<https://github.com/gobridge/gopherbot>"],
    "go tour": ["go.dev/tour/"],
    "ask": ["dontasktoask.com"],
    "fyne books": [
        "Building Cross-Platform GUI Applications with Fyne",
        "building-cross-platform-gui-applications-with-fyne-9781800563162>",
        "Hands-On GUI Application Development in Go",
        "hands-on-gui-application-development-in-go-9781789138412>",
    ],
    # The Fyne tour and developer.fyne.io moved into docs.fyne.io.
    "fyne tour": ["<https://docs.fyne.io/started/>"],
    "fyne compile": ["<https://docs.fyne.io/started/>", "64-bit"],
    "fyne docs": [
        "Getting started: <https://docs.fyne.io/started/>",
        "API: <https://docs.fyne.io/api/>",
        "<https://docs.fyne.io/extend/>",
        "questions: <https://docs.fyne.io/faq/>",
        "<https://www.youtube.com/c/fyne-io>",
    ],
    "fyne layouts": [
        "<https://docs.fyne.io/explore/layouts/>",
        "<https://docs.fyne.io/extend/custom-layout/>",
    ],
    "fyne sizes": ["<https://docs.fyne.io/faq/layout/>", "`VBox`"],
    "fyne theme": [
        "<https://docs.fyne.io/extend/custom-theme/>",
        "<https://docs.fyne.io/faq/theme/>",
    ],
}


TOTAL = sum(
    len(items)
    for items in (
        defaults.CANNED,
        defaults.CONTAINS,
        defaults.TERMS,
        defaults.RECOMMENDED,
        defaults.WELCOMES,
        defaults.PLAYGROUND_DENIED,
    )
)


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_default_content", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def test_it_loads_every_canned_response_with_its_aliases_and_links():
    load()
    loaded = {r.trigger: r.alias_list for r in CannedResponse.objects.all()}
    assert loaded == CANNED
    for trigger, links in LINKS.items():
        text = CannedResponse.objects.get(trigger=trigger).text
        for link in links:
            assert link in text, (trigger, link)


def test_crosspost_advises_waiting_a_while_before_asking_elsewhere():
    load()
    text = CannedResponse.objects.get(trigger="crosspost").text
    assert "one channel" in text and "If nobody has replied after a while" in text


def test_no_default_links_the_retired_fyne_sites():
    load()
    for response in CannedResponse.objects.filter(trigger__startswith="fyne"):
        assert "developer.fyne.io" not in response.text
        assert "tour.fyne.io" not in response.text


def test_it_loads_the_contains_rules():
    load()
    index = get_index()

    def reactions(text, mentioned=False):
        found = set()
        for rule in index.contains_rules(text):
            if (mentioned or not rule.mention_required) and rule.probability == 1:
                found.update(rule.reactions)
        return found

    assert reactions("bbq tonight") == {"bbqgopher"}
    assert reactions("a ghost") == {"ghost"}
    assert reactions("SpaceX launch") == {"rocket"}
    assert reactions("gobuffalo") == reactions("buffalo") == {"gobuffalo"}
    assert reactions("ermahgerd") == reactions("dargon") == {"dragon"}
    assert reactions("rubber-duck") == reactions("rubber duck") == {"rubberduck"}
    assert reactions("my adorable little gophers") == {"gopher"}
    assert reactions("beer me") == {"beer", "beers"}
    assert reactions("thanks, hello, cheers") == set()
    assert reactions("thanks", mentioned=True) == {"gopher"}
    assert reactions("wave", mentioned=True) == {"wave", "gopher"}
    [vim] = index.contains_rules("vim")
    assert (vim.reactions, vim.probability) == (("emacs",), pytest.approx(1 / 150))
    [emacs] = [r for r in index.contains_rules("emacs") if r.reactions == ("vim",)]
    assert emacs.probability == pytest.approx(1 / 150)
    assert [r.reply for r in index.contains_rules("(╯°□°)╯︵ ┻━┻")] == ["┬─┬ノ( º _ ºノ)"]  # noqa: RUF001
    assert [r.reply for r in index.contains_rules("彡")] == ["┬─┬ノ( º _ ºノ)"]  # noqa: RUF001
    assert "go-proverbs.github.io" in index.contains_rules("the proverbs")[0].reply


def test_it_loads_the_glossary_with_aliases():
    load()
    index = get_index()
    for term, aliases in {
        "domain-driven design": ["ddd", "domain driven design", "domain-driven development"],
        "dependency injection": ["di"],
        "test-driven development": ["tdd", "test driven development"],
        "variadic": ["variadic parameter", "variadic function"],
        "blank identifier": ["blank", "underscore"],
    }.items():
        assert index.define(term).definition
        for alias in aliases:
            assert index.define(alias).term == term
    assert "<https://en.wikipedia.org/wiki/Domain-driven_design>" in (
        index.define("ddd").definition
    )
    assert "<https://en.wikipedia.org/wiki/Test-driven_development>" in (
        index.define("tdd").definition
    )


def test_it_loads_the_channels_welcomes_and_playground_deny_list():
    load()
    index = get_index()
    assert [(c.name, c.in_welcome) for c in index.recommended_channels] == [
        ("general", True),
        ("newbies", True),
        ("gotimefm", True),
        ("jobs", True),
        ("modules", False),
        ("reviews", True),
        ("showandtell", False),
        ("aws", False),
        ("bbq", False),
        ("devops", False),
        ("golang-cls", False),
        ("goreviews", True),
        ("performance", False),
        ("remotemeetup", True),
        ("security", False),
        ("admin-help", True),
    ]
    assert {"admin-help", "random"} <= index.playground_denied_channels
    team = index.team_welcome
    for part in (
        "coc.golangbridge.org",
        "{#admin-help}",
        "{bot}",
        "`help`",
        "forum.golangbridge.org",
        "{#general}",
        "go.dev/play",
        "{recommended_channels}",
        "Browse channels",
        "send me `recommended channels`",
        "cities and countries",
        "gopherize.me",
    ):
        assert part in team
    newbies = index.channel_welcomes["newbies"]
    assert "`{bot} newbie resources`" in newbies and "`{bot} help`" in newbies
    assert template_errors(team) == template_errors(newbies) == []


def test_it_prints_what_it_created():
    out = load()
    assert "created canned response “go tour”" in out
    assert "created welcome “channel_join newbies”" in out
    assert out.splitlines()[-1] == (
        f"Default content: {TOTAL} created, 0 updated, 0 unchanged, 0 skipped."
    )


def test_a_second_run_changes_nothing():
    load()
    before = snapshot()
    out = load()
    assert snapshot() == before
    assert out.splitlines() == [
        f"Default content: 0 created, 0 updated, {TOTAL} unchanged, 0 skipped."
    ]


def test_a_moderators_edit_survives_a_rerun_but_not_force():
    load()
    books = CannedResponse.objects.get(trigger="books")
    original = books.text
    books.text = "Our own reading list."
    books.save()

    out = load()
    assert "skipped canned response “books”: edited by a moderator (--force overwrites)" in out
    assert CannedResponse.objects.get(trigger="books").text == "Our own reading list."

    out = load("--force")
    assert "updated canned response “books”" in out
    assert CannedResponse.objects.get(trigger="books").text == original
    assert load().splitlines()[-1].endswith(f" 0 updated, {TOTAL} unchanged, 0 skipped.")


def test_a_renamed_default_is_not_loaded_again():
    load()
    tour = CannedResponse.objects.get(trigger="go tour")
    tour.trigger = "the go tour"
    tour.save()
    out = load()
    assert "skipped canned response “go tour”: edited by a moderator" in out
    assert not CannedResponse.objects.filter(trigger="go tour").exists()


def test_a_changed_default_updates_rows_nobody_edited(monkeypatch):
    load()
    changed = [dict(d, text="New text.") if d["trigger"] == "books" else d for d in defaults.CANNED]
    monkeypatch.setattr(defaults, "CANNED", changed)
    out = load()
    assert "updated canned response “books”" in out
    assert CannedResponse.objects.get(trigger="books").text == "New text."


def test_a_moderators_own_entry_with_a_default_name_is_kept_unless_forced():
    CannedResponseFactory(trigger="books", text="Ours.")
    out = load()
    assert (
        "skipped canned response “books”: a moderator's entry has that name (--force replaces it)"
    ) in out
    assert CannedResponse.objects.get(trigger="books").text == "Ours."
    load("--force")
    assert CannedResponse.objects.get(trigger="books").text != "Ours."


def test_a_moderators_term_in_another_case_counts_as_the_defaults_name():
    TermFactory(term="Test-Driven Development", definition="Ours.")
    out = load()
    assert (
        "skipped glossary term “test-driven development”: a moderator's entry has that name"
    ) in out
    load("--force")
    (term,) = Term.objects.filter(term__iexact="test-driven development")
    assert term.definition != "Ours."


def test_a_default_whose_alias_a_moderator_took_is_skipped_with_the_reason():
    CannedResponseFactory(trigger="tour")
    out = load()
    assert (
        "skipped canned response “go tour”: “tour” is already taken by the canned response “tour”."
    ) in out


def test_every_default_contains_trigger_is_claimed_by_one_rule():
    out = load()
    assert out.splitlines()[-1].endswith(" 0 skipped.")
    claimed = ClaimedName.objects.filter(namespace="contains")
    triggers = [t for rule in ContainsRule.objects.all() for t in rule.trigger_list]
    assert ContainsRule.objects.count() == len(defaults.CONTAINS)
    assert sorted(claimed.values_list("name", flat=True)) == sorted(triggers)


def test_rows_loaded_before_the_channel_links_are_brought_up_to_date(monkeypatch):
    current = defaults.CANNED
    plain = [dict(d, text=d["text"].replace("{#admin-help}", "#admin-help")) for d in current]
    monkeypatch.setattr(defaults, "CANNED", plain)
    load()
    monkeypatch.setattr(defaults, "CANNED", current)
    out = load()
    assert "updated canned response “code of conduct”" in out
    assert "updated canned response “source code”" in out
    assert "{#admin-help}" in CannedResponse.objects.get(trigger="code of conduct").text
    assert load().splitlines()[-1].endswith(f" 0 updated, {TOTAL} unchanged, 0 skipped.")
