"""The admin in a real browser, as a moderator uses it: log in, write, preview, save.

Runs where Debian's Chromium is installed (see tests/fixtures/browser.py); any page that
answers an HTTP error or logs a JavaScript error fails the test.
"""

import io
import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command

from glossary.models import Term
from tests.factories import ModeratorFactory
from tests.slack_events import message_event

PASSWORD = "correct horse battery staple"
CONTENT_LISTS = [
    "/admin/responses/cannedresponse/",
    "/admin/responses/containsrule/",
    "/admin/responses/recommendedchannel/",
    "/admin/responses/welcome/",
    "/admin/responses/playgrounddeniedchannel/",
    "/admin/glossary/term/",
    "/admin/admin/logentry/",
]


@pytest.fixture
def moderator_login(settings):
    # A fast hasher: a real one costs a second per login and proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    moderator = ModeratorFactory()
    moderator.set_password(PASSWORD)
    moderator.save()
    return moderator.username


def log_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def test_a_moderator_previews_a_new_term_saves_it_and_the_bot_answers_with_it(
    browser, live_server, bot, moderator_login
):
    def add_and_preview(page) -> dict:
        log_in(
            page, f"{live_server.url}/admin/login/?next=/admin/glossary/term/add/", moderator_login
        )
        page.fill("#id_term", "Table-Driven Tests")
        page.fill("#id_aliases", "TDT, table tests")
        page.fill(
            "#id_definition",
            "tests that run one piece of code over a *table* of cases; ask in {#general}.",
        )
        page.click("input[name=_preview]")
        page.wait_for_load_state()
        return {
            "message": page.inner_text("ul.messagelist"),
            "preview": page.inner_text(".field-preview .readonly"),
            "term": page.input_value("#id_term"),
        }

    previewed = browser.run(add_and_preview)

    assert "This is a preview: nothing is saved yet" in previewed["message"]
    assert "define tdt" in previewed["preview"]
    assert (
        "Table-Driven Tests, or tdt, is tests that run one piece of code over a table of "
        in (previewed["preview"])
    )
    assert "ask in #general." in previewed["preview"]
    assert previewed["term"] == "Table-Driven Tests"  # the form keeps what was typed
    assert not Term.objects.filter(term__iexact="table-driven tests").exists()

    def save(page) -> str:
        page.click("input[name=_save]")
        page.wait_for_load_state()
        return page.inner_text("ul.messagelist")

    assert "was added successfully" in browser.run(save)
    assert Term.objects.get(term="Table-Driven Tests").aliases == "tdt, table tests"

    bot.deliver(message_event("<@U0GOPHERBOT> define TDT <@U0BOB>"))

    assert [p["text"] for p in bot.sent("chat.postMessage")] == [
        "<@U0BOB> `Table-Driven Tests`, or `tdt`, is tests that run one piece of code over a "
        "*table* of cases; ask in <#C0GENERAL>."
    ]


# How much wider than its box a list's table is (Django scrolls it sideways), and the page.
OVERFLOW = """() => {
    const table = document.querySelector("#changelist .results");
    const page = document.documentElement;
    return Math.max(table.scrollWidth - table.clientWidth, page.scrollWidth - page.clientWidth);
}"""


def test_every_content_list_fits_a_1400_px_window(browser, live_server, moderator_login):
    call_command("load_default_content", stdout=io.StringIO())
    moderator = ModeratorFactory(username="a-moderator-with-a-long-name")
    for term in Term.objects.all():  # the change log with entries in it
        LogEntry.objects.log_actions(
            moderator.pk, [term], CHANGE, change_message=[{"changed": {"fields": ["Definition"]}}]
        )

    def overflows(page) -> dict[str, int]:
        log_in(page, f"{live_server.url}/admin/login/?next=/admin/", moderator_login)
        found = {}
        for path in CONTENT_LISTS:
            page.goto(live_server.url + path)
            found[path] = page.evaluate(OVERFLOW)
        return found

    assert {path: px for path, px in browser.run(overflows).items() if px > 0} == {}


def test_help_texts_read_as_written(browser, live_server, moderator_login):
    def help_text(page) -> str:
        url = f"{live_server.url}/admin/login/?next=/admin/responses/cannedresponse/add/"
        log_in(page, url, moderator_login)
        return page.inner_text(".field-text .help")

    text = browser.run(help_text)

    assert re.fullmatch(
        r"The answer, in Slack mrkdwn: \*bold\*, <https://…\|links>; "
        r"\{#channel-name\} links to a channel\.",
        text.strip(),
    )


# --- The error check the tests above rely on --------------------------------------------


def test_a_page_answering_an_http_error_fails_the_step(browser, live_server):
    with pytest.raises(AssertionError, match=r"HTTP 404 for .*/no-such-page/"):
        browser.run(lambda page: page.goto(live_server.url + "/no-such-page/"))


def test_a_javascript_error_fails_the_step(browser):
    def broken_script(page) -> None:
        page.set_content("<script>console.error('boom'); null.x;</script>")

    with pytest.raises(AssertionError) as failure:
        browser.run(broken_script)
    assert "console error: boom" in str(failure.value)
    assert "JavaScript error: " in str(failure.value)
