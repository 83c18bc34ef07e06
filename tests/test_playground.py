"""The Playground uploader (docs/behaviour.md#playground-uploader): the pure text conversion,
then through real jobs."""

import pytest

from bot.playground import go_source
from tests.fixtures.bot import SNIPPET_ID, shared
from tests.slack_events import message_event

CODE = "package main\n\nfunc main() {\n\tprintln(1 &lt; 2)\n}"
LONG_TEXT = (
    "why does this not compile?\nI tried everything\n```"
    + CODE
    + "\n\n\n\n\n```\nthanks &amp; cheers"
)
WANT_SOURCE = (
    "// why does this not compile?\n// I tried everything\n"
    "package main\n\nfunc main() {\n\tprintln(1 < 2)\n}\n"
    "// thanks & cheers\n"
)
GO_FILE = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n'


def test_text_outside_fences_becomes_comments_and_entities_are_unescaped():
    assert go_source(LONG_TEXT) == WANT_SOURCE


def test_text_without_fences_is_all_comments():
    assert go_source("one\n\ntwo") == "// one\n//\n// two\n"


def link_text(playground) -> str:
    link = f"{playground.url}/play/p/{SNIPPET_ID}"
    return f"The above code from <@U0ALICE> in the playground: <{link}>"


def test_a_long_message_is_shared_on_the_playground(bot, playground):
    assert LONG_TEXT.count("\n") >= 10
    bot.deliver(message_event(LONG_TEXT, thread_ts="1700000000.000001"))

    assert shared(playground) == [WANT_SOURCE.encode()]
    assert bot.sent("chat.postMessage") == [
        {
            "channel": "C0GENERAL",
            "text": link_text(playground),
            "unfurl_links": False,
            "unfurl_media": False,
            "thread_ts": "1700000000.000001",
        }
    ]
    (note,) = bot.sent("chat.postEphemeral")
    assert (note["channel"], note["user"], note["thread_ts"]) == (
        "C0GENERAL",
        "U0ALICE",
        "1700000000.000001",
    )
    assert note["text"].startswith("<@U0ALICE> You posted a long block of text.")
    assert "`nolink`" in note["text"] and f"<{playground.url}/play/>" in note["text"]


def test_a_long_mention_is_shared_without_the_mention(bot, playground):
    bot.deliver(message_event("<@U0GOPHERBOT> look\n```" + CODE + "\n\n\n\n\n\n```"))
    assert shared(playground)[0].startswith(b"// look\npackage main")


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "nolink please\n" + LONG_TEXT},
        {"text": "short\n```" + "x\n" * 8 + "```"},
        {"text": LONG_TEXT, "channel": "C0RANDOM"},
        {"text": LONG_TEXT, "channel": "C0ADMINHELP"},
        {"text": LONG_TEXT, "channel": "C0MODERATORS", "channel_type": "group"},
        {"text": LONG_TEXT, "channel": "C0NOTCACHED", "channel_type": "group"},
    ],
    ids=[
        "nolink",
        "9 newlines",
        "denied channel",
        "another denied channel",
        "denied private channel",
        "a channel the cache does not know",
    ],
)
def test_it_leaves_some_messages_alone(bot, playground, fields):
    bot.deliver(message_event(**fields))
    assert shared(playground) == []
    assert bot.sent("chat.postMessage") == []


def test_shadow_mode_skips_the_playground_even_in_a_dm(bot, playground, settings):
    settings.SHADOW_MODE = True
    bot.deliver(message_event(LONG_TEXT, channel="D0ALICE", channel_type="im"))
    assert shared(playground) == []
    assert bot.sent("chat.postMessage") == []


def test_an_attached_go_file_is_shared(bot, playground, slack):
    short = slack.add_file("short.go", "package main\n")
    code = slack.add_file("main.go", GO_FILE)
    files = [{"id": short["id"], "filetype": "go"}, {"id": code["id"], "filetype": "go"}]
    bot.deliver(message_event("see attached", subtype="file_share", files=files))

    assert [call["file"] for call in bot.sent("files.info")] == [short["id"], code["id"]]
    assert shared(playground) == [GO_FILE.encode()]
    (posted,) = bot.sent("chat.postMessage")
    assert posted["text"] == link_text(playground)
    (note,) = bot.sent("chat.postEphemeral")
    assert note["text"].startswith("<@U0ALICE> You uploaded a Go file.")
    assert "`nolink`" in note["text"]


def test_each_shared_file_gets_its_link(bot, playground, slack):
    first = slack.add_file("a.go", GO_FILE)
    second = slack.add_file("b.go", GO_FILE.replace("hi", "hello"))
    files = [{"id": f["id"], "filetype": "go"} for f in (first, second)]
    bot.deliver(message_event("", subtype="file_share", files=files))
    assert shared(playground) == [GO_FILE.encode(), GO_FILE.replace("hi", "hello").encode()]
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [link_text(playground)] * 2


def test_plain_text_and_short_files_are_not_shared(bot, playground, slack):
    plain = slack.add_file("notes.txt", "line\n" * 20)
    plain["pretty_type"] = "Plain Text"  # what Slack calls a .txt file
    short = slack.add_file("tiny.go", "package main\n\nfunc main() {}\n")
    files = [{"id": plain["id"], "filetype": "text"}, {"id": short["id"], "filetype": "go"}]
    bot.deliver(message_event("files", subtype="file_share", files=files))
    assert shared(playground) == []
    assert bot.sent("chat.postMessage") == []
    assert bot.sent("chat.postEphemeral") == []


def test_a_file_shares_comment_triggers_nothing_else(bot, playground, slack):
    code = slack.add_file("main.go", GO_FILE)
    comment = "<@U0GOPHERBOT> go tour, and bbq"
    files = [{"id": code["id"], "filetype": "go"}]
    bot.deliver(message_event(comment, subtype="file_share", files=files))
    assert shared(playground) == [GO_FILE.encode()]
    assert [p["text"] for p in bot.sent("chat.postMessage")] == [link_text(playground)]
    assert bot.sent("reactions.add") == []


def test_a_playground_failure_does_not_stop_the_other_actions(bot, playground):
    playground.route("/_/share", "bad request", status=400, method="POST")
    job = bot.deliver(message_event("bbq\n" + LONG_TEXT))
    assert [p["name"] for p in bot.sent("reactions.add")] == ["bbqgopher"]
    assert bot.sent("chat.postMessage") == []
    assert job.is_failed  # a 400 won't get better: no retry
    assert job.retries_left == 0
