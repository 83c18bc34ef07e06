"""The Insights page in a real browser, as a moderator uses it: from the admin index to the
wanted terms, and one click on to the glossary's add form, filled in.

Runs where Debian's Chromium is installed (tests/fixtures/browser.py); any page that answers
an HTTP error or logs a JavaScript error fails the test.
"""

from datetime import timedelta

import pytest

from glossary.models import Term
from insights.counting import today
from insights.models import DailyCount
from tests.factories import CannedResponseFactory, ModeratorFactory, TermFactory

# The `browser` fixture comes with the headless-browser tests (the parity branch); until
# they are merged this module is skipped, saying so.
pytest.importorskip("tests.fixtures.browser", reason="no tests/fixtures/browser.py yet")

PASSWORD = "correct horse battery staple"


@pytest.fixture
def moderator_login(db, settings):
    # A fast hasher: a real one costs a second per login and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    moderator = ModeratorFactory()
    moderator.set_password(PASSWORD)
    moderator.save()
    return moderator.username


@pytest.fixture
def counts(db):
    CannedResponseFactory(trigger="go tour")
    CannedResponseFactory(trigger="invite link")
    TermFactory(term="tdd", definition="test-driven development.")
    day = today()
    for days_ago, kind, name, count in [
        (0, "command", "go tour", 5),
        (1, "command", "go tour", 2),
        (0, "prefix", "define", 9),
        (0, "term", "tdd", 3),
        (0, "wanted", "monads", 4),
        (2, "wanted", "monads", 2),
        (0, "wanted", "c++", 1),
    ]:
        DailyCount.objects.create(
            day=day - timedelta(days=days_ago), kind=kind, name=name, count=count
        )


def test_a_moderator_goes_from_the_wanted_terms_to_a_filled_in_add_form(
    browser, live_server, moderator_login, counts
):
    def open_insights(page) -> dict:
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", moderator_login)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_load_state()
        page.click("#content-main a:has-text('Uses and wanted terms')")  # the admin index
        page.wait_for_load_state()
        chart = page.locator("svg.insights-chart")
        return {
            "heading": page.inner_text("#content h1"),
            "answered": page.inner_text("#answered-total"),
            "asked": page.inner_text("#wanted-total"),
            "wanted": [
                " ".join(row.split())
                for row in page.locator(".insights-wanted tbody tr").all_inner_texts()
            ],
            "chart": chart.get_attribute("aria-labelledby"),
            "chart_shown": chart.bounding_box()["width"] > 300,
            "days": chart.locator("g.day").count(),
            "legend": page.inner_text(".insights-legend"),
        }

    page = browser.run(open_insights)

    assert page["heading"] == "Insights"
    assert page["answered"] == "16"  # 7 go tour, 9 define
    assert page["asked"] == "7"
    assert page["wanted"] == [
        "monads 6 Add “monads” to the glossary",
        "c++ 1 Add “c++” to the glossary",
    ]
    assert page["chart"] == "answers-per-day-title answers-per-day-desc"
    assert page["chart_shown"] and page["days"] == 30
    assert "commands: 7" in page["legend"] and "define, xkcd and package docs: 9" in page["legend"]

    def add_the_most_wanted(page) -> dict:
        page.click("a.addlink:has-text('monads')")
        page.wait_for_load_state()
        filled = {"url": page.url, "term": page.input_value("#id_term")}
        page.fill("#id_definition", "a way to chain computations; Go has none built in.")
        page.click("input[name=_save]")
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/admin/insights/dailycount/")
        filled["wanted_after"] = [
            " ".join(row.split())
            for row in page.locator(".insights-wanted tbody tr").all_inner_texts()
        ]
        return filled

    added = browser.run(add_the_most_wanted)

    assert added["url"] == f"{live_server.url}/admin/glossary/term/add/?term=monads"
    assert added["term"] == "monads"
    assert Term.objects.filter(term="monads").exists()
    assert added["wanted_after"] == ["c++ 1 Add “c++” to the glossary"]
