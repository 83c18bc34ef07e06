"""The Insights page in the admin, as moderators see it."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone
from django.utils.html import escape

from insights.counting import today
from insights.models import DailyCount
from responses.models import ContainsRule
from tests.factories import CannedResponseFactory, ContainsRuleFactory, MemberFactory, TermFactory

pytestmark = pytest.mark.django_db

URL = "/admin/insights/dailycount/"
TODAY = today()


def counted(days_ago: int, kind: str, name: str, count: int) -> None:
    DailyCount.objects.create(
        day=TODAY - timedelta(days=days_ago), kind=kind, name=name, count=count
    )


@pytest.fixture
def content():
    """Content, and 30 days of its use: go tour and tdd used, invite link and bbq not."""
    go_tour = CannedResponseFactory(trigger="go tour", aliases="tour")
    CannedResponseFactory(trigger="invite link")
    TermFactory(term="tdd", definition="test-driven development.")
    TermFactory(term="mutex", definition="a lock.")
    bbq = ContainsRuleFactory(name="bbq", triggers="bbq", reactions="bbqgopher")
    wave = ContainsRuleFactory(name="wave", triggers="wave", reactions="wave")
    counted(0, "command", "go tour", 5)
    counted(1, "command", "go tour", 2)
    counted(1, "alias", "tour", 2)
    counted(0, "command", "help", 1)
    counted(0, "prefix", "define", 9)
    counted(0, "term", "tdd", 3)
    counted(0, "contains", str(wave.pk), 4)
    counted(2, "wanted", "monads", 4)
    counted(0, "wanted", "monads", 2)
    counted(0, "wanted", "c++", 1)
    counted(0, "wanted", "mutex", 3)  # asked before it was added to the glossary
    counted(0, "wanted", "", 2)  # not recorded: did not look like a term
    counted(45, "command", "go tour", 100)  # before the last 30 days
    counted(0, "poller", "gerrit", 6)
    return {"go tour": go_tour, "bbq": bbq, "wave": wave}


def text_of(response) -> str:
    """The page's text, tags dropped, spaces collapsed: what a reader sees."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rows_of(response, title: str) -> list[tuple[str, int]]:
    """A top-list table's rows: (name as shown, uses)."""
    page = response.content.decode()
    section = page.split(f'aria-label="{escape(title)}">')[1].split("</section>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td class="count">(\d+)</td>', section, re.S)
    return [(unescape(re.sub(r"<[^>]+>", "", name)).strip(), int(n)) for name, n in rows]


def test_the_admin_index_links_to_insights(moderator_client):
    index = moderator_client.get("/admin/").content.decode()
    assert f'href="{URL}"' in index
    assert "Uses and wanted terms" in index


def test_a_moderator_sees_the_last_30_days_in_numbers(moderator_client, content):
    response = moderator_client.get(URL)
    assert response.status_code == 200
    text = text_of(response)
    assert rows_of(response, "Top commands") == [("define", 9), ("go tour", 7), ("help", 1)]
    assert rows_of(response, "Top glossary terms") == [("tdd", 3)]
    assert rows_of(response, "Top reactions and replies") == [("wave", 4)]
    assert rows_of(response, "Aliases used") == [("tour", 2)]
    assert rows_of(response, "The bot's own posts") == [("gerrit", 6)]

    assert "21 answers to members" in text  # 7 + 1 commands, 9 define, 4 reactions; none older
    assert "12 define questions the glossary could not answer" in text  # 6 + 1 + 3 + 2
    assert "commands: 8" in text and "define, xkcd and package docs: 9" in text
    assert "reactions and replies: 4" in text
    assert "2 more unknown terms looked like a sentence" in text


def test_the_wanted_terms_come_most_asked_first_and_leave_out_terms_added_since(
    moderator_client, content
):
    text = text_of(moderator_client.get(URL))
    wanted = text.split("Wanted terms: what to add to the glossary next")[1].split(
        "Answers per day"
    )[0]
    assert "monads 6 Add “monads” to the glossary c++ 1 Add “c++” to the glossary" in wanted
    assert "mutex" not in wanted


def test_a_wanted_terms_link_opens_the_glossarys_add_form_filled_in(moderator_client, content):
    page = moderator_client.get(URL).content.decode()
    links = re.findall(r'<a class="addlink" href="([^"]+)">', page)
    assert [unescape(link) for link in links] == [
        "/admin/glossary/term/add/?term=monads",
        "/admin/glossary/term/add/?term=c%2B%2B",
    ]

    form = moderator_client.get(unescape(links[1])).content.decode()
    assert re.search(r'<input type="text" name="term" value="c\+\+"', form)


def test_the_chart_has_a_title_and_each_day_its_numbers(moderator_client, content):
    page = moderator_client.get(URL).content.decode()
    chart = re.search(r"<svg class=\"insights-chart\".*?</svg>", page, flags=re.S)[0]
    start = TODAY - timedelta(days=29)
    assert (
        '<title id="answers-per-day-title">Answers per day, '
        f"{start.day} {start:%b %Y} to {TODAY.day} {TODAY:%b %Y}</title>"
    ) in chart
    days = re.findall(r'<g class="day"><title>([^<]*)</title>', chart)
    assert len(days) == 30
    assert days[-1] == (
        f"{TODAY:%a} {TODAY.day} {TODAY:%b %Y}: 19 in all; "
        "commands 6, define, xkcd and package docs 9, reactions and replies 4"
    )
    assert days[-2].endswith(": 2 in all; commands 2")
    assert days[0].endswith(": 0 in all")


def test_the_answers_nobody_used_link_to_their_admin_pages(moderator_client, content):
    bbq = content["bbq"]
    ContainsRule.objects.filter(pk=bbq.pk).update(created_at=timezone.now() - timedelta(days=90))
    page = moderator_client.get(URL).content.decode()
    unused = page.split('id="unused-heading"')[1]
    # Added before these days: no excuse. Added within them: marked new.
    assert f'<a href="/admin/responses/containsrule/{bbq.pk}/change/">bbq</a></li>' in unused
    assert '>invite link</a> <em class="quiet">new</em>' in unused
    assert ">mutex</a>" in unused
    for used in (">go tour</a>", ">tdd</a>", ">wave</a>"):
        assert used not in unused


def test_a_chosen_range_shows_only_its_days(moderator_client, content):
    start, end = TODAY - timedelta(days=60), TODAY - timedelta(days=40)
    response = moderator_client.get(URL, {"start": start.isoformat(), "end": end.isoformat()})
    text = text_of(response)
    assert f"from {start.day} {start:%b %Y} to {end.day} {end:%b %Y}" in text
    assert rows_of(response, "Top commands") == [("go tour", 100)]
    assert "100 answers to members" in text


def test_the_quick_ranges_pick_the_last_days(moderator_client, content):
    response = moderator_client.get(URL, {"days": 2})
    yesterday = TODAY - timedelta(days=1)
    assert f'name="start" value="{yesterday.isoformat()}"' in response.content.decode()
    assert rows_of(response, "Top commands") == [("define", 9), ("go tour", 7), ("help", 1)]
    assert "monads 2 Add" in text_of(response)  # the 4 asks two days ago are out of range


def test_a_bad_range_is_explained_and_the_last_30_days_shown(moderator_client, content):
    response = moderator_client.get(URL, {"start": TODAY.isoformat(), "end": "2020-01-01"})
    assert response.status_code == 200
    text = text_of(response)
    assert "The first day is after the last one. Showing the last 30 days instead." in text
    assert "21 answers to members" in text
    # What was typed stays in the form, to be corrected.
    assert 'value="2020-01-01"' in response.content.decode()

    text = text_of(moderator_client.get(URL, {"start": "yesterday"}))
    assert "From: Enter a valid date." in text


def test_only_moderators_and_operators_may_see_it(client, moderator_client, superuser_client):
    assert moderator_client.get(URL).status_code == 200
    assert superuser_client.get(URL).status_code == 200

    client.force_login(MemberFactory(is_staff=True))  # staff, but not a moderator
    assert client.get(URL).status_code == 403
    client.force_login(MemberFactory())
    assert client.get(URL)["Location"].startswith("/admin/login/")


def test_counts_cannot_be_added_changed_or_deleted_in_the_admin(moderator_client, content):
    row = DailyCount.objects.first()
    assert moderator_client.get(f"{URL}add/").status_code == 404
    assert moderator_client.get(f"{URL}{row.pk}/change/").status_code == 404
    assert moderator_client.post(f"{URL}{row.pk}/delete/").status_code == 404


def test_names_moderators_and_members_wrote_are_shown_as_text(moderator_client):
    rule = ContainsRuleFactory(name="<b>loud</b>", triggers="loud")
    counted(0, "contains", str(rule.pk), 1)
    page = moderator_client.get(URL).content.decode()
    assert "<b>loud</b>" not in page
    assert "&lt;b&gt;loud&lt;/b&gt;" in page


def test_an_existing_moderators_group_is_given_the_page_by_the_migration(db):
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    grant = importlib.import_module("insights.migrations.0002_moderators_see_insights").grant
    group = Group.objects.create(name="moderators")
    grant(apps, None)
    assert list(group.permissions.values_list("codename", flat=True)) == ["view_insights"]
