"""The Playground uploader publishes only public channels: never a DM, a group DM or a
private channel, neither pasted code nor an uploaded file
(docs/behaviour.md#playground-uploader)."""

import pytest

from slackapi.channels import refresh_channel_cache
from tests.fixtures.bot import shared
from tests.slack_events import message_event
from tests.test_playground import GO_FILE, LONG_TEXT

# (channel, channel_type) as Slack sends them; "C0CORETEAM" is a private channel that is
# not on the deny list, so only its privacy keeps it off the Playground.
PRIVATE_CONVERSATIONS = {
    "dm": ("D0ALICE", "im"),
    "group dm": ("G0ALICEBOBCAROL", "mpim"),
    "app home": ("D0ALICE", "app_home"),
    "private channel": ("C0CORETEAM", "group"),
    "private channel the cache knows, typed channel": ("C0CORETEAM", "channel"),
    "a channel the cache does not know": ("C0BRANDNEW", "channel"),
}


@pytest.fixture
def private_channel(bot, slack):
    slack.add_channel("core-team", is_private=True)
    refresh_channel_cache()


def pasted_code(channel: str, channel_type: str, slack) -> dict:
    return message_event(LONG_TEXT, channel=channel, channel_type=channel_type)


def uploaded_file(channel: str, channel_type: str, slack) -> dict:
    code = slack.add_file("main.go", GO_FILE, channel=channel)
    files = [{"id": code["id"], "filetype": "go", "name": "main.go"}]
    return message_event(
        "here", subtype="file_share", files=files, channel=channel, channel_type=channel_type
    )


@pytest.mark.parametrize("share", [pasted_code, uploaded_file], ids=["pasted", "file"])
@pytest.mark.parametrize("where", PRIVATE_CONVERSATIONS)
def test_nothing_private_is_published(bot, playground, slack, private_channel, share, where):
    channel, channel_type = PRIVATE_CONVERSATIONS[where]
    job = bot.deliver(share(channel, channel_type, slack))

    assert job.is_finished
    assert shared(playground) == []
    assert bot.sent("files.info") == []  # a private file is not even read
    assert bot.sent("chat.postMessage") == []
    assert bot.sent("chat.postEphemeral") == []


@pytest.mark.parametrize("share", [pasted_code, uploaded_file], ids=["pasted", "file"])
def test_a_public_channel_is_published(bot, playground, slack, private_channel, share):
    bot.deliver(share("C0GENERAL", "channel", slack))

    assert len(shared(playground)) == 1
    assert len(bot.sent("chat.postMessage")) == 1
    assert len(bot.sent("chat.postEphemeral")) == 1


def test_a_channel_made_private_is_not_published_after_the_next_refresh(bot, playground, slack):
    slack.channels["C0GOREVIEWS"]["is_private"] = True
    slack.channels["C0GOREVIEWS"]["is_channel"] = False
    refresh_channel_cache()

    bot.deliver(message_event(LONG_TEXT, channel="C0GOREVIEWS", channel_type="channel"))
    assert shared(playground) == []
