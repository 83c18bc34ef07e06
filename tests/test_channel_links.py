from responses.channel_links import channel_link_errors, render_channel_links

CHANNELS = {"admin-help": "C0ADMINHELP", "general": "C0GENERAL"}


def render(text: str) -> str:
    return render_channel_links(text, CHANNELS.get)


def test_a_known_channel_becomes_a_slack_channel_link():
    assert render("Ask in {#admin-help} or {#general}.") == "Ask in <#C0ADMINHELP> or <#C0GENERAL>."


def test_a_channel_the_cache_does_not_know_stays_its_plain_name():
    assert render("Ask in {#no-such-channel}.") == "Ask in #no-such-channel."


def test_other_braces_stay_as_written():
    text = "`select {}` blocks; `struct{}` is empty; {bot} and {# admin-help} are not links."
    assert render(text) == text


def test_an_invalid_channel_name_is_a_form_error_and_never_looked_up():
    looked_up = []
    assert render_channel_links("{#Admin-Help}", looked_up.append) == "#Admin-Help"
    assert looked_up == []
    assert channel_link_errors("{#admin-help} {#go_nuts} `select {}`") == []
    assert channel_link_errors("Ask in {#Admin-Help}.") == [
        "“{#Admin-Help}”: channel names are lower-case letters, digits, - and _."
    ]
