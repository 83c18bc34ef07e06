from responses.index import RecommendedChannel
from responses.welcome import render_welcome, template_errors

CHANNELS = {"general": "C01", "newbies": "C02", "admin-help": "C03"}
RECOMMENDED = [
    RecommendedChannel("general", "general Go questions", True),
    RecommendedChannel("modules", "help with modules", False),
    RecommendedChannel("secret", "not in the cache", True),
    RecommendedChannel("newbies", "resources for newcomers", True),
]


def render(template: str) -> str:
    return render_welcome(
        template, bot_user_id="UBOT", channel_id=CHANNELS.get, recommended=RECOMMENDED
    )


def test_it_fills_in_the_bot_and_known_channels():
    assert render("Ask {bot} in {#admin-help}.") == "Ask <@UBOT> in <#C03>."


def test_an_unknown_channel_stays_a_readable_name():
    assert render("See {#jobs}.") == "See #jobs."


def test_it_lists_the_welcome_channels_it_can_resolve_in_order():
    assert render("Channels:\n{recommended_channels}") == (
        "Channels:\n• <#C01> - general Go questions\n• <#C02> - resources for newcomers"
    )


def test_a_channel_description_may_link_another_channel():
    recommended = [RecommendedChannel("general", "questions; see also {#newbies}", True)]
    assert (
        render_welcome(
            "{recommended_channels}",
            bot_user_id="UBOT",
            channel_id=CHANNELS.get,
            recommended=recommended,
        )
        == "• <#C01> - questions; see also <#C02>"
    )


def test_other_braces_are_left_alone():
    assert render("`select {}` and {{ }}") == "`select {}` and {{ }}"


def test_a_valid_template_has_no_errors():
    assert template_errors("{bot} {#admin-help} {#go_nuts} {recommended_channels} {}") == []


def test_unknown_placeholders_and_bad_channel_names_are_errors():
    assert template_errors("Hi {user}, see {#Admin-Help}") == [
        "Unknown placeholder “{user}”: use {bot}, {#channel-name} or {recommended_channels}.",
        "“{#Admin-Help}”: channel names are lower-case letters, digits, - and _.",
    ]
