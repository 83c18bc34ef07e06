from datetime import UTC, datetime

from pollers import messages
from pollers.sources import Change, Status


def change(**fields) -> Change:
    values = {
        "number": 585290,
        "project": "go",
        "subject": "net/http: set Content-Length on 304 responses",
        "message": "net/http: set Content-Length on 304 responses\n\nFixes #66940\n",
        "change_id": "I9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
        "submitted": datetime(2024, 5, 14, 15, 20, 41, tzinfo=UTC),
        "updated": datetime(2024, 5, 14, 15, 20, 41, tzinfo=UTC),
    }
    values.update(fields)
    return Change(**values)


def test_a_merged_cl_links_to_go_dev_with_its_subject_and_commit_message():
    assert messages.merged_change(change()) == {
        "text": "[585290] net/http: set Content-Length on 304 responses: https://go.dev/cl/585290/",
        "attachments": [
            {
                "fallback": "[585290] net/http: set Content-Length on 304 responses: "
                "https://go.dev/cl/585290/",
                "title": "net/http: set Content-Length on 304 responses",
                "title_link": "https://go.dev/cl/585290/",
                "text": "net/http: set Content-Length on 304 responses\n\nFixes #66940\n",
                "footer": "I9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b",
            }
        ],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def test_a_cl_outside_the_main_repository_names_its_project():
    message = messages.merged_change(change(project="tools", subject="gopls: fix hover"))

    assert message["text"] == "[585290] [tools] gopls: fix hover: https://go.dev/cl/585290/"
    assert message["attachments"][0]["title"] == "gopls: fix hover"


def test_markup_characters_in_a_cl_are_shown_as_typed():
    message = messages.merged_change(
        change(subject="cmd/compile: x < y && y > z", message="a <b> & c")
    )

    assert message["text"].startswith("[585290] cmd/compile: x &lt; y &amp;&amp; y &gt; z: ")
    assert message["attachments"][0]["text"] == "a &lt;b&gt; &amp; c"


def test_go_time_live_is_announced_with_party_poppers():
    assert messages.gotime_live()["text"] == ":tada: GoTimeFM is now live :tada:"


def test_a_go_time_status_is_shared_as_a_link_from_changelog_with_its_avatar_and_a_preview():
    status = Status("112440606916612211", datetime(2024, 5, 14, tzinfo=UTC), "https://x.test/1")

    assert messages.gotime_status(status) == {
        "text": "<https://x.test/1>",
        "username": "Changelog",
        "icon_url": "https://cdn.changelog.social/accounts/avatars/109/365/688/871/983/824/"
        "original/5d1bcf4960706353.png",
        "unfurl_links": True,
        "unfurl_media": True,
    }
