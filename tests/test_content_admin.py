"""What moderators can do in the admin, what they see, and that the bot sees it at once."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry

from glossary.models import Term
from responses.index import get_index
from responses.models import CannedResponse, ContainsRule, Welcome
from tests.factories import (
    CannedResponseFactory,
    ContainsRuleFactory,
    TermFactory,
    WelcomeFactory,
)

pytestmark = pytest.mark.django_db

CONTENT_PAGES = [
    "/admin/responses/cannedresponse/",
    "/admin/responses/containsrule/",
    "/admin/responses/recommendedchannel/",
    "/admin/responses/welcome/",
    "/admin/responses/playgrounddeniedchannel/",
    "/admin/glossary/term/",
    "/admin/admin/logentry/",
]


def canned_form(response: CannedResponse, **changes) -> dict:
    data = {
        "trigger": response.trigger,
        "aliases": response.aliases,
        "description": response.description,
        "text": response.text,
        "enabled": "on",
        "show_in_help": "on",
        "_save": "Save",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_a_moderator_can_open_every_content_page(moderator_client, page):
    assert moderator_client.get(page).status_code == 200
    assert moderator_client.get(page + "add/").status_code == (403 if "logentry" in page else 200)


@pytest.mark.parametrize(
    "page", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_a_moderator_cannot_manage_users_or_groups(moderator_client, page):
    assert moderator_client.get(page).status_code == 403


def test_a_plain_member_cannot_reach_the_admin(member_client):
    response = member_client.get("/admin/responses/cannedresponse/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_an_edit_through_the_admin_is_answered_on_the_very_next_lookup(
    moderator_client, moderator, fresh_index, django_capture_on_commit_callbacks
):
    books = CannedResponseFactory(trigger="books", text="Read *Go in Action*.")
    assert get_index().command("books").text == "Read *Go in Action*."

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"/admin/responses/cannedresponse/{books.pk}/change/",
            canned_form(books, text="Read <https://www.gopl.io/|gopl.io>.", aliases="go books"),
        )

    assert response.status_code == 302
    index = get_index()
    assert index.command(index.resolve_alias("Go Books")).text == (
        "Read <https://www.gopl.io/|gopl.io>."
    )
    entry = LogEntry.objects.get(object_id=str(books.pk), action_flag=CHANGE)
    assert entry.user == moderator
    assert "Aliases" in entry.get_change_message() and "Text" in entry.get_change_message()


def test_the_change_log_shows_who_changed_what(moderator_client, moderator):
    books = CannedResponseFactory(trigger="books")
    moderator_client.post(
        f"/admin/responses/cannedresponse/{books.pk}/change/", canned_form(books, text="new")
    )
    page = moderator_client.get("/admin/admin/logentry/").content.decode()
    assert moderator.username in page
    assert f'href="/admin/responses/cannedresponse/{books.pk}/change/">books</a>' in page
    assert "Changed Text." in page


@pytest.mark.parametrize(
    "trigger, aliases, field, message",
    [
        ("Help", "", "trigger", "“help” is already taken by the built-in command “help”."),
        (
            "assist",
            "COMMANDS",
            "aliases",
            "“commands” is already taken by the built-in command “help”.",
        ),
        ("Tour", "", "trigger", "“tour” is already taken by the canned response “go tour”."),
    ],
)
def test_a_moderator_cannot_claim_a_taken_name(moderator_client, trigger, aliases, field, message):
    CannedResponseFactory(trigger="go tour", aliases="tour")
    response = moderator_client.post(
        "/admin/responses/cannedresponse/add/",
        {
            "trigger": trigger,
            "aliases": aliases,
            "description": "d",
            "text": "t",
            "enabled": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert CannedResponse.objects.count() == 1


def test_the_canned_response_page_previews_the_answer_and_its_help_line(moderator_client):
    tour = CannedResponseFactory(
        trigger="go tour",
        aliases="tour",
        description="the tour",
        text="*Take* <https://go.dev/tour/|the tour>",
    )
    page = moderator_client.get(f"/admin/responses/cannedresponse/{tour.pk}/change/")
    html = page.content.decode()
    assert (
        '<strong>Take</strong> <a href="https://go.dev/tour/" rel="noopener">the tour</a>' in html
    )
    assert "*Take* &lt;https://go.dev/tour/|the tour&gt;" in html
    assert "Listed in `help` as: • `go tour` - the tour (also: `tour`)" in html


def test_the_canned_response_preview_shows_channel_links(moderator_client):
    rules = CannedResponseFactory(trigger="rules", text="Ask in {#admin-help}; `select {}`.")
    html = moderator_client.get(f"/admin/responses/cannedresponse/{rules.pk}/change/")
    html = html.content.decode()
    assert 'Ask in <span class="slack-mention">#admin-help</span>; <code>select {}</code>.' in html
    assert "In Slack, channel references link to the channels by their ids." in html


def test_a_canned_response_with_an_invalid_channel_link_is_refused(moderator_client):
    response = moderator_client.post(
        "/admin/responses/cannedresponse/add/",
        {
            "trigger": "rules",
            "description": "d",
            "text": "Ask in {#Admin Help} or {#Admin-Help}.",
            "enabled": "on",
            "_save": "Save",
        },
    )
    assert response.context["adminform"].form.errors["text"] == [
        "“{#Admin-Help}”: channel names are lower-case letters, digits, - and _."
    ]
    assert not CannedResponse.objects.exists()


def contains_form(**fields) -> dict:
    data = {"reactions": "", "reply": "", "chance_one_in": "1", "enabled": "on", "_save": "Save"}
    data.update(fields)
    return data


def test_a_contains_trigger_another_rule_holds_is_refused(moderator_client):
    ContainsRuleFactory(name="bbq reaction", triggers="bbq, barbecue")
    response = moderator_client.post(
        "/admin/responses/containsrule/add/",
        contains_form(name="grill", triggers="grill, BBQ", reactions="fire"),
    )
    assert response.context["adminform"].form.errors["triggers"] == [
        "“bbq” is already taken by the contains rule “bbq reaction”."
    ]
    assert not ContainsRule.objects.filter(name="grill").exists()


def test_a_contains_reply_with_an_invalid_channel_link_is_refused(moderator_client):
    response = moderator_client.post(
        "/admin/responses/containsrule/add/",
        contains_form(name="lost", triggers="lost", reply="Try {#General}."),
    )
    assert response.context["adminform"].form.errors["reply"] == [
        "“{#General}”: channel names are lower-case letters, digits, - and _."
    ]


def test_search_finds_responses_by_alias_and_text(moderator_client):
    CannedResponseFactory(trigger="go tour", aliases="tour", text="the tour")
    CannedResponseFactory(trigger="books", text="gopl.io")
    page = moderator_client.get("/admin/responses/cannedresponse/", {"q": "gopl"})
    assert [r.trigger for r in page.context["cl"].result_list] == ["books"]
    page = moderator_client.get("/admin/responses/cannedresponse/", {"q": "tour"})
    assert [r.trigger for r in page.context["cl"].result_list] == ["go tour"]


def test_contains_rules_filter_by_kind(moderator_client):
    ContainsRuleFactory(name="bbq", reactions="bbqgopher")
    ContainsRuleFactory(name="proverbs", reactions="", reply="<https://go-proverbs.github.io/>")
    page = moderator_client.get("/admin/responses/containsrule/", {"kind": "reply"})
    assert [r.name for r in page.context["cl"].result_list] == ["proverbs"]


def test_the_contains_rule_page_says_when_it_reacts(moderator_client):
    rule = ContainsRuleFactory(triggers="vim", reactions="emacs", chance_one_in=150)
    html = moderator_client.get(f"/admin/responses/containsrule/{rule.pk}/change/").content.decode()
    assert (
        "A message containing “vim”, once in 150 times gets the reactions <code>:emacs:</code>."
        in html
    )


def test_the_glossary_page_previews_define_for_the_term_and_each_alias(moderator_client):
    term = TermFactory(term="test-driven development", aliases="tdd", definition="tests _first_.")
    html = moderator_client.get(f"/admin/glossary/term/{term.pk}/change/").content.decode()
    assert "<code>define test-driven development</code>" in html
    assert "`test-driven development` is tests _first_." in html
    assert (
        "<code>test-driven development</code>, or <code>tdd</code>, is tests <em>first</em>."
    ) in html


def test_the_welcome_page_previews_the_rendered_template(moderator_client):
    welcome = WelcomeFactory(
        kind=Welcome.TEAM_JOIN, channel="", template="Hi! Ask {bot} in {#admin-help}."
    )
    html = moderator_client.get(f"/admin/responses/welcome/{welcome.pk}/change/").content.decode()
    assert (
        'Hi! Ask <span class="slack-mention">@gopherbot</span> in '
        '<span class="slack-mention">#admin-help</span>.'
    ) in html


def test_a_welcome_with_an_unknown_placeholder_is_refused(moderator_client):
    response = moderator_client.post(
        "/admin/responses/welcome/add/",
        {"kind": "channel_join", "channel": "newbies", "template": "Hi {name}!", "enabled": "on"},
    )
    assert response.context["adminform"].form.errors["template"] == [
        "Unknown placeholder “{name}”: use {bot}, {#channel-name} or {recommended_channels}."
    ]


def test_the_lists_show_long_texts_cut_to_one_line(moderator_client):
    long_reply = "Proverbs:\n\n" + "Clear is better than clever. " * 5
    ContainsRuleFactory(name="proverbs", reactions="", reply=long_reply)
    TermFactory(term="gc", definition="the garbage\ncollector, " + "which frees memory " * 8)

    rules = moderator_client.get("/admin/responses/containsrule/").content.decode()
    terms = moderator_client.get("/admin/glossary/term/").content.decode()

    # A moderator scans one line per row: the reply in 60 characters, the definition in 80.
    assert "Proverbs: Clear is better than clever. Clear is better than…" in rules
    assert "Clear is better than clever. Clear is better than clever. Clear" not in rules
    definition = "the garbage collector, which frees memory which frees memory which frees memory…"
    assert definition in terms


# --- Help texts, Preview, the change log, the lists ---------------------------------


def test_the_site_has_a_favicon_so_browsers_log_no_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO


def test_help_texts_are_shown_as_written(moderator_client):
    html = moderator_client.get("/admin/responses/cannedresponse/add/").content.decode()
    assert (
        "The answer, in Slack mrkdwn: *bold*, &lt;https://…|links&gt;; "
        "{#channel-name} links to a channel." in html
    )
    assert "<https://…|links>" not in html


def test_the_add_page_invites_a_preview(moderator_client):
    html = moderator_client.get("/admin/glossary/term/add/").content.decode()
    assert '<input type="submit" name="_preview" value="Preview"' in html
    assert "Press Preview to see what the bot will answer" in html


def test_previewing_a_change_shows_it_and_publishes_nothing(
    moderator_client, fresh_index, django_capture_on_commit_callbacks
):
    rules = CannedResponseFactory(trigger="rules", text="Be nice.")
    assert get_index().command("rules").text == "Be nice."

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"/admin/responses/cannedresponse/{rules.pk}/change/",
            canned_form(rules, text="Be *kind*; ask in {#admin-help}.", _preview="Preview"),
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This is a preview: nothing is saved yet" in html
    assert (
        'Be <strong>kind</strong>; ask in <span class="slack-mention">#admin-help</span>.' in html
    )
    assert "Be *kind*; ask in {#admin-help}." in html  # the form keeps the edit
    rules.refresh_from_db()
    assert rules.text == "Be nice."
    assert get_index().command("rules").text == "Be nice."
    assert not LogEntry.objects.exists()


def test_previewing_a_new_term_saves_nothing(moderator_client):
    response = moderator_client.post(
        "/admin/glossary/term/add/",
        {
            "term": "gRPC",
            "aliases": "grpc-go",
            "definition": "a remote procedure call framework.",
            "_preview": "Preview",
        },
    )
    html = response.content.decode()
    assert "<code>define gRPC</code>" in html
    assert "<code>gRPC</code>, or <code>grpc-go</code>, is a remote procedure call framework." in (
        html
    )
    assert not Term.objects.exists()


def test_a_preview_with_errors_shows_the_errors_instead(moderator_client):
    CannedResponseFactory(trigger="go tour", aliases="tour")
    response = moderator_client.post(
        "/admin/responses/cannedresponse/add/",
        {"trigger": "tour", "description": "d", "text": "t", "_preview": "Preview"},
    )
    assert response.context["adminform"].form.errors["trigger"] == [
        "“tour” is already taken by the canned response “go tour”."
    ]
    html = response.content.decode()
    assert "Correct the errors above to see the preview." in html
    assert "This is a preview" not in html
    assert CannedResponse.objects.count() == 1


def test_a_channel_welcome_preview_addresses_the_member(moderator_client):
    welcome = WelcomeFactory(channel="newbies", template="Welcome to {#newbies}!")
    html = moderator_client.get(f"/admin/responses/welcome/{welcome.pk}/change/").content.decode()
    assert (
        '<span class="slack-mention">@member</span> Welcome to '
        '<span class="slack-mention">#newbies</span>!'
    ) in html
    assert "Only the member joining sees it." in html


def test_the_change_log_filters_by_the_content_types_it_holds(moderator_client):
    books = CannedResponseFactory(trigger="books")
    moderator_client.post(
        f"/admin/responses/cannedresponse/{books.pk}/change/", canned_form(books, text="new")
    )
    page = moderator_client.get("/admin/admin/logentry/")
    (content_types,) = [
        spec for spec in page.context["cl"].filter_specs if spec.title == "content type"
    ]
    choices = [choice["display"] for choice in content_types.choices(page.context["cl"])]
    assert choices == ["All", "canned response"]
    html = page.content.decode()
    link = f'<a href="/admin/responses/cannedresponse/{books.pk}/change/">books</a>'
    assert f"changed canned response {link}" in html


def test_the_canned_response_list_sums_up_the_switches_in_one_column(moderator_client):
    CannedResponseFactory(trigger="secret", show_in_help=False, unfurl_links=True)
    CannedResponseFactory(trigger="old", enabled=False)
    page = moderator_client.get("/admin/responses/cannedresponse/")
    rows = {
        r.trigger: page.context["cl"].model_admin.behaviour(r)
        for r in page.context["cl"].result_list
    }
    assert rows == {"old": "disabled", "secret": "answers, not in help, link previews"}


# --- The glossary ---------------------------------------------------------------------


def test_a_term_keeps_the_case_it_was_typed_in(moderator_client):
    response = moderator_client.post(
        "/admin/glossary/term/add/",
        {"term": "  Reviewterm ", "aliases": "RT", "definition": "x.", "_save": "Save"},
    )
    assert response.status_code == 302
    term = Term.objects.get()
    assert (term.term, term.aliases) == ("Reviewterm", "rt")
    assert str(term) == "Reviewterm"


def test_a_term_is_unique_whatever_its_case(moderator_client):
    TermFactory(term="gRPC")
    response = moderator_client.post(
        "/admin/glossary/term/add/", {"term": "GRPC", "definition": "x.", "_save": "Save"}
    )
    assert response.context["adminform"].form.errors["term"] == [
        "“grpc” is already taken by the term “gRPC”."
    ]


def test_the_glossary_list_sorts_terms_whatever_their_case(moderator_client):
    for term in ("zap", "Bolt", "gRPC", "API"):
        TermFactory(term=term)
    page = moderator_client.get("/admin/glossary/term/")
    assert [t.term for t in page.context["cl"].result_list] == ["API", "Bolt", "gRPC", "zap"]


def test_a_definition_with_an_invalid_channel_link_is_refused(moderator_client):
    response = moderator_client.post(
        "/admin/glossary/term/add/",
        {"term": "lost", "definition": "ask in {#General}.", "_save": "Save"},
    )
    assert response.context["adminform"].form.errors["definition"] == [
        "“{#General}”: channel names are lower-case letters, digits, - and _."
    ]
    assert not Term.objects.exists()


def test_a_description_with_an_invalid_channel_link_is_refused(moderator_client):
    response = moderator_client.post(
        "/admin/responses/cannedresponse/add/",
        {"trigger": "rules", "description": "see {#Rules}", "text": "t", "_save": "Save"},
    )
    assert response.context["adminform"].form.errors["description"] == [
        "“{#Rules}”: channel names are lower-case letters, digits, - and _."
    ]
