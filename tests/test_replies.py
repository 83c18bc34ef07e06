from bot import replies
from bot.message import parse_message
from tests.slack_events import message_event

BOT = "U0GOPHERBOT"


def message(text="<@U0GOPHERBOT> go tour", **fields):
    fields.setdefault("ts", "1700000000.000200")
    return parse_message(message_event(text, **fields), BOT)


def test_a_plain_reply_goes_to_the_channel_without_unfurling():
    call = replies.post(message(), "hello")
    assert call.method == "chat.postMessage"
    assert call.params == {
        "channel": "C0GENERAL",
        "text": "hello",
        "unfurl_links": False,
        "unfurl_media": False,
    }


def test_a_reply_goes_into_the_thread_of_the_message():
    call = replies.post(message(thread_ts="1700000000.000001"), "hello")
    assert call.params["thread_ts"] == "1700000000.000001"


def test_a_reply_can_unfurl():
    params = replies.post(message(), "https://xkcd.com/303", unfurl=True).params
    assert (params["unfurl_links"], params["unfurl_media"]) == (True, True)


def test_a_reply_with_mentions_names_the_other_users_first():
    call = replies.post_with_mentions(message("<@U0GOPHERBOT> go tour <@U0BOB> <@U0CAROL>"), "hi")
    assert call.params["text"] == "<@U0BOB> <@U0CAROL> hi"


def test_a_reply_with_mentions_and_nobody_else_mentioned_is_plain():
    assert replies.post_with_mentions(message(), "hi").params["text"] == "hi"


def test_a_long_body_goes_into_a_text_attachment():
    call = replies.post_with_mentions(message(), "Commands:", attachment="- `help`")
    assert call.params["attachments"] == [{"text": "- `help`", "fallback": "- `help`"}]


def test_an_ephemeral_reply_is_for_the_requester_only_and_addresses_them():
    call = replies.post_ephemeral(message(thread_ts="1700000000.000001"), "psst")
    assert call.method == "chat.postEphemeral"
    assert call.params == {
        "channel": "C0GENERAL",
        "user": "U0ALICE",
        "text": "<@U0ALICE> psst",
        "thread_ts": "1700000000.000001",
    }


def test_an_ephemeral_message_outside_a_reply_addresses_its_member():
    call = replies.ephemeral_to("C0NEWBIES", "U0CAROL", "Welcome!")
    assert (call.method, call.params) == (
        "chat.postEphemeral",
        {"channel": "C0NEWBIES", "user": "U0CAROL", "text": "<@U0CAROL> Welcome!"},
    )


def test_a_direct_message_opens_the_conversation_first():
    call = replies.direct_message("U0BOB", "welcome")
    assert (call.method, call.dm_user, call.params["text"]) == (
        "chat.postMessage",
        "U0BOB",
        "welcome",
    )


def test_a_reaction_is_added_to_the_message():
    call = replies.react(message(), "gopher")
    assert call.method == "reactions.add"
    assert call.params == {
        "channel": "C0GENERAL",
        "timestamp": "1700000000.000200",
        "name": "gopher",
    }


def test_escape_makes_user_text_inert():
    assert replies.escape("<!channel> & <https://evil|docs>") == (
        "&lt;!channel&gt; &amp; &lt;https://evil|docs&gt;"
    )


def test_unescape_undoes_slacks_escaping():
    assert replies.unescape("a &lt;b&gt; &amp;amp;") == "a <b> &amp;"


def test_a_reply_names_at_most_20_other_users_each_once():
    users = [f"U0{n:03d}" for n in range(30)]
    text = "<@U0GOPHERBOT> go tour " + " ".join(f"<@{u}> <@{u}>" for u in users)
    call = replies.post_with_mentions(message(text), "hi")
    assert call.params["text"] == " ".join(f"<@{u}>" for u in users[:20]) + " hi"


def test_no_builder_makes_a_text_longer_than_slack_takes():
    long = "line\n" * 10_000
    calls = [
        replies.post(message(), long, attachment=long),
        replies.post_ephemeral(message(), long, attachment=long),
        replies.ephemeral_to("C0NEWBIES", "U0ALICE", long),
        replies.direct_message("U0BOB", long),
    ]
    for call in calls:
        texts = [call.params["text"]] + [a["text"] for a in call.params.get("attachments", [])]
        for text in texts:
            assert len(text) <= 40_000 and text.endswith("line\n…")
