"""Moderators' texts may not ping a whole channel, the workspace or a user group
(docs/behaviour.md#mass-mentions): refused in the admin's forms and by model validation,
the defaults still load."""

import pytest
from django.core.exceptions import ValidationError

from glossary.models import Term
from responses.loading import load_default_content
from responses.models import CannedResponse, ContainsRule, RecommendedChannel, Welcome
from tests.factories import (
    CannedResponseFactory,
    ContainsRuleFactory,
    RecommendedChannelFactory,
    TermFactory,
    WelcomeFactory,
)

pytestmark = pytest.mark.django_db


def refusal(token: str) -> str:
    return (
        f"“{token}” would notify many people at once: texts the bot sends may not "
        "mention @here, @channel, @everyone or a user group. Remove it."
    )


# (admin add page, the form, the field holding the mass mention, the mention, the model)
ADD_FORMS = {
    "canned response text": (
        "/admin/responses/cannedresponse/add/",
        {
            "trigger": "meetup",
            "description": "the next meetup",
            "text": "<!here> the meetup starts now",
            "enabled": "on",
            "show_in_help": "on",
        },
        "text",
        "<!here>",
        CannedResponse,
    ),
    "canned response description": (
        "/admin/responses/cannedresponse/add/",
        {
            "trigger": "meetup",
            "description": "tells <!channel|channel>",
            "text": "Soon.",
            "enabled": "on",
        },
        "description",
        "<!channel|channel>",
        CannedResponse,
    ),
    "contains reply": (
        "/admin/responses/containsrule/add/",
        {
            "name": "alarm",
            "triggers": "outage",
            "reactions": "",
            "reply": "<!everyone> look",
            "chance_one_in": "1",
            "enabled": "on",
        },
        "reply",
        "<!everyone>",
        ContainsRule,
    ),
    "glossary definition": (
        "/admin/glossary/term/add/",
        {"term": "moderator", "definition": "one of <!subteam^S0MODS|@mods>."},
        "definition",
        "<!subteam^S0MODS|@mods>",
        Term,
    ),
    "welcome template": (
        "/admin/responses/welcome/add/",
        {
            "kind": "channel_join",
            "channel": "newbies",
            "template": "<!here|here>: say hi to our newcomer!",
            "enabled": "on",
        },
        "template",
        "<!here|here>",
        Welcome,
    ),
    "recommended channel description": (
        "/admin/responses/recommendedchannel/add/",
        {"name": "meetups", "description": "ping <!CHANNEL> here", "order": "0"},
        "description",
        "<!CHANNEL>",
        RecommendedChannel,
    ),
}


@pytest.mark.parametrize("name", ADD_FORMS)
def test_the_admin_refuses_a_mass_mention(moderator_client, name):
    page, form, field, token, model = ADD_FORMS[name]
    assert token in form[field]
    response = moderator_client.post(page, {**form, "_save": "Save"})

    assert response.status_code == 200  # the form again, with the error
    errors = response.context["adminform"].form.errors
    assert errors[field] == [refusal(token)]
    assert refusal(token) in response.content.decode().replace("&lt;", "<").replace("&gt;", ">")
    assert not model.objects.exists()


@pytest.mark.parametrize("name", ADD_FORMS)
def test_the_same_form_without_it_is_saved(moderator_client, name):
    page, form, field, token, model = ADD_FORMS[name]
    plain = form[field].replace(token, "@here")
    response = moderator_client.post(page, {**form, field: plain, "_save": "Save"})

    assert response.status_code == 302
    assert model.objects.count() == 1


@pytest.mark.parametrize(
    ("build", "field", "text"),
    [
        (lambda t: CannedResponseFactory.build(trigger="<!here>"), "trigger", "<!here>"),
        (lambda t: CannedResponseFactory.build(aliases=f"x, {t}"), "aliases", "<!here>"),
        (lambda t: CannedResponseFactory.build(text=t), "text", "<!channel>"),
        (lambda t: ContainsRuleFactory.build(reactions="", reply=t), "reply", "<!everyone>"),
        (lambda t: TermFactory.build(term=t), "term", "<!subteam^s0mods>"),
        (lambda t: TermFactory.build(aliases=t), "aliases", "<!here|@here>"),
        (lambda t: TermFactory.build(definition=t), "definition", "<!subteam^S0MODS|mods>"),
        (lambda t: WelcomeFactory.build(channel="newbies", template=t), "template", "<!here>"),
        (lambda t: RecommendedChannelFactory.build(description=t), "description", "<!channel>"),
    ],
    ids=[
        "canned trigger",
        "canned alias",
        "canned text",
        "contains reply",
        "term",
        "term alias",
        "definition",
        "welcome",
        "recommended channel",
    ],
)
def test_model_validation_refuses_a_mass_mention(build, field, text):
    row = build(f"hello {text} there")
    with pytest.raises(ValidationError) as raised:
        row.full_clean()
    assert raised.value.message_dict[field] == [refusal(text)]


@pytest.mark.parametrize(
    "text",
    ["@here is plain text", "&lt;!channel&gt; as Slack shows it", "<@U0ALICE> and <#C0GENERAL>"],
)
def test_text_that_pings_nobody_passes(text):
    CannedResponseFactory.build(text=text).full_clean()
    TermFactory.build(definition=text).full_clean()


def test_each_mass_mention_is_named_once():
    row = CannedResponseFactory.build(text="<!here> and <!here> and <!everyone>")
    with pytest.raises(ValidationError) as raised:
        row.full_clean()
    assert raised.value.message_dict["text"] == [refusal("<!here>"), refusal("<!everyone>")]


def test_the_default_content_still_loads():
    counts = load_default_content(report=lambda line: None)
    assert sum(counts.values()) > 0
    assert CannedResponse.objects.exists() and Term.objects.exists() and Welcome.objects.exists()
