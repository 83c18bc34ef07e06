import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from localdev.standin import SEED_CHANNELS, SlackStandIn

ROOT = Path(__file__).resolve().parent.parent


def post(url: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def form(**params) -> tuple[bytes, dict]:
    return urlencode(params).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(slack) -> WebClient:
    return WebClient(token=slack.token, base_url=slack.url, retry_handlers=[])


def test_it_answers_auth_test_as_the_bot(client, settings):
    answer = client.auth_test()

    assert answer["user_id"] == "U0GOPHERBOT"
    assert answer["bot_id"] == "B0GOPHERBOT"
    assert answer["user"] == "gopher"
    assert answer["team_id"] == settings.SLACK_TEAM_ID


def test_it_rejects_a_wrong_token_with_invalid_auth(slack):
    wrong = WebClient(token="xoxb-wrong", base_url=slack.url, retry_handlers=[])

    with pytest.raises(SlackApiError) as raised:
        wrong.auth_test()

    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "invalid_auth"


def test_it_answers_not_authed_without_a_token(slack):
    status, answer = post(slack.url + "auth.test")

    assert (status, answer) == (200, {"ok": False, "error": "not_authed"})


def test_it_accepts_the_token_as_a_form_parameter(slack):
    body, headers = form(token=slack.token, channel="C0GENERAL", text="hi")

    status, answer = post(slack.url + "chat.postMessage", body, headers)

    assert (status, answer["ok"]) == (200, True)
    assert slack.calls_to("chat.postMessage")[0].params["text"] == "hi"


def test_it_ignores_a_token_inside_a_json_body_like_slack(slack):
    body = json.dumps({"token": slack.token, "channel": "C0GENERAL", "text": "hi"}).encode()

    status, answer = post(
        slack.url + "chat.postMessage", body, {"Content-Type": "application/json"}
    )

    assert (status, answer) == (200, {"ok": False, "error": "not_authed"})


def test_it_decodes_attachments_sent_as_a_form_string(slack):
    attachments = [{"title": "CL 1234", "text": "runtime: fix"}]
    body, headers = form(channel="C0GOLANGCLS", attachments=json.dumps(attachments))
    headers["Authorization"] = f"Bearer {slack.token}"

    post(slack.url + "chat.postMessage", body, headers)

    assert slack.calls_to("chat.postMessage")[0].params["attachments"] == attachments


def test_it_records_json_params_as_the_client_sent_them(slack, client):
    client.chat_postMessage(
        channel="C0NEWBIES", text="welcome", thread_ts="1.2", unfurl_links=False
    )

    call = slack.calls_to("chat.postMessage")[0]
    assert call.params == {
        "channel": "C0NEWBIES",
        "text": "welcome",
        "thread_ts": "1.2",
        "unfurl_links": False,
    }
    assert call.headers["authorization"] == f"Bearer {slack.token}"


@pytest.mark.parametrize("method", ["chat.teleport", "add.user"])
def test_it_answers_unknown_method_with_404(slack, method):
    status, answer = post(slack.url + method, headers={"Authorization": f"Bearer {slack.token}"})

    assert status == 404
    assert answer["error"] == "unknown_method"


def test_post_message_answers_with_ts_channel_and_message(client):
    answer = client.chat_postMessage(channel="#general", text="hello", thread_ts="100.000001")

    assert answer["channel"] == "C0GENERAL"
    assert answer["message"]["text"] == "hello"
    assert answer["message"]["user"] == "U0GOPHERBOT"
    assert answer["message"]["thread_ts"] == "100.000001"
    assert answer["message"]["ts"] == answer["ts"]
    second = client.chat_postMessage(channel="C0GENERAL", text="again")
    assert float(second["ts"]) > float(answer["ts"])


def test_post_message_to_a_user_lands_in_their_dm(client):
    answer = client.chat_postMessage(channel="U0ALICE", text="psst")

    assert answer["channel"] == "D0ALICE"


@pytest.mark.parametrize(
    ("channel", "error"),
    [("C0NOWHERE", "channel_not_found"), ("C0GOPHERCON2016", "is_archived")],
)
def test_post_message_refuses_a_missing_or_archived_channel(client, channel, error):
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=channel, text="hi")

    assert raised.value.response["error"] == error


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_without_text_answers_no_text(client):
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0GENERAL", text="")

    assert raised.value.response["error"] == "no_text"


def test_post_ephemeral_answers_with_message_ts(client):
    answer = client.chat_postEphemeral(channel="C0NEWBIES", user="U0BOB", text="only you")

    assert answer["message_ts"]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postEphemeral(channel="C0NEWBIES", user="U0NOBODY", text="x")
    assert raised.value.response["error"] == "user_not_found"


def test_reactions_add_answers_already_reacted_on_a_duplicate(client):
    client.reactions_add(channel="C0GENERAL", timestamp="1700000000.000100", name="gopher")

    with pytest.raises(SlackApiError) as raised:
        client.reactions_add(channel="C0GENERAL", timestamp="1700000000.000100", name="gopher")

    assert raised.value.response["error"] == "already_reacted"


def test_conversations_open_gives_each_user_one_stable_dm(client):
    first = client.conversations_open(users="U0CAROL")
    second = client.conversations_open(users=["U0CAROL"])

    assert first["channel"]["id"] == second["channel"]["id"] == "D0CAROL"
    assert second["already_open"] is True
    assert client.conversations_open(users="U0BOB")["channel"]["id"] == "D0BOB"


def test_conversations_list_pages_with_a_cursor(slack, client):
    names = []
    for page in client.conversations_list(limit=5, exclude_archived=True):
        names += [c["name"] for c in page["channels"]]

    assert names == list(SEED_CHANNELS)
    cursors = [c.params.get("cursor") for c in slack.calls_to("conversations.list")]
    assert cursors[0] is None
    assert all(cursors[1:])
    assert len(cursors) == 4


def test_conversations_list_includes_archived_unless_excluded(client):
    names = {c["name"] for c in client.conversations_list(limit=1000)["channels"]}

    assert "gophercon-2016" in names
    assert "moderators" not in names


def test_conversations_list_lists_private_channels_when_asked(client):
    answer = client.conversations_list(types="private_channel")

    assert [c["name"] for c in answer["channels"]] == ["moderators"]


def test_users_info_describes_the_bot_and_members(client):
    bot = client.users_info(user="U0GOPHERBOT")["user"]
    alice = client.users_info(user="U0ALICE")["user"]

    assert (bot["is_bot"], bot["profile"]["bot_id"]) == (True, "B0GOPHERBOT")
    assert (alice["name"], alice["is_bot"]) == ("alice", False)


def test_users_list_lists_everyone(client):
    names = [m["name"] for m in client.users_list()["members"]]

    assert names == ["gopher", "alice", "bob", "carol"]


def test_files_info_points_at_a_download_that_needs_the_bot_token(slack, client):
    source = "package main\n\nfunc main() {}\n"
    file_id = slack.add_file("main.go", source)["id"]

    file = client.files_info(file=file_id)["file"]

    assert (file["name"], file["filetype"], file["lines"]) == ("main.go", "go", 3)
    url = file["url_private_download"]
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {slack.token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.read().decode() == source
    # Like Slack: without the token the URL leads to a sign-in page, not the file.
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers.get_content_type() == "text/html"
        assert b"package main" not in response.read()


def test_files_info_answers_file_not_found(client):
    with pytest.raises(SlackApiError) as raised:
        client.files_info(file="F0MISSING")

    assert raised.value.response["error"] == "file_not_found"


MARK = {"event_type": "gopherbot_reply", "event_payload": {"event_id": "Ev1", "action": "a#0"}}


def test_history_lists_posts_newest_first_with_metadata_only_when_asked(slack, client):
    before = client.chat_postMessage(channel="C0GENERAL", text="first")["ts"]
    client.chat_postMessage(channel="C0GENERAL", text="marked", metadata=MARK)
    client.chat_postMessage(channel="C0GENERAL", text="in a thread", thread_ts=before)
    client.chat_postMessage(channel="C0NEWBIES", text="elsewhere")

    plain = client.conversations_history(channel="C0GENERAL")
    assert [m["text"] for m in plain["messages"]] == ["marked", "first"]  # no thread replies
    assert all("metadata" not in m for m in plain["messages"])
    assert plain["has_more"] is False

    full = client.conversations_history(
        channel="C0GENERAL", oldest=before, include_all_metadata=True
    )
    assert [(m["text"], m.get("metadata")) for m in full["messages"]] == [("marked", MARK)]
    inclusive = client.conversations_history(channel="C0GENERAL", oldest=before, inclusive=True)
    assert [m["text"] for m in inclusive["messages"]] == ["marked", "first"]
    assert client.conversations_history(channel="C0GENERAL", latest=before)["messages"] == []


def test_history_pages_with_a_cursor(client):
    for number in range(5):
        client.chat_postMessage(channel="D0BOB", text=f"dm {number}")

    first = client.conversations_history(channel="D0BOB", limit=3)
    assert [m["text"] for m in first["messages"]] == ["dm 4", "dm 3", "dm 2"]
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel="D0BOB", limit=3, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["dm 1", "dm 0"]
    assert rest["has_more"] is False and rest["response_metadata"]["next_cursor"] == ""


def test_replies_list_the_parent_then_the_thread_with_metadata(slack, client):
    parent = slack.add_message("C0GENERAL", "a question", user="U0BOB")
    client.chat_postMessage(channel="C0GENERAL", text="top level")
    client.chat_postMessage(
        channel="C0GENERAL", text="an answer", thread_ts=parent["ts"], metadata=MARK
    )

    answer = client.conversations_replies(
        channel="C0GENERAL", ts=parent["ts"], include_all_metadata=True
    )
    assert [(m["text"], m.get("metadata")) for m in answer["messages"]] == [
        ("a question", None),
        ("an answer", MARK),
    ]
    later = client.conversations_replies(channel="C0GENERAL", ts=parent["ts"], oldest=parent["ts"])
    assert [m["text"] for m in later["messages"]] == ["a question", "an answer"]
    assert "metadata" not in later["messages"][1]


def test_replies_answer_thread_not_found_for_an_unknown_thread(client):
    with pytest.raises(SlackApiError) as raised:
        client.conversations_replies(channel="C0GENERAL", ts="1700000000.000001")
    assert raised.value.response["error"] == "thread_not_found"


@pytest.mark.parametrize(
    "metadata",
    [{"event_type": "x"}, {"event_payload": {}}, {"event_type": "", "event_payload": {}}],
)
def test_post_message_refuses_malformed_metadata(client, metadata):
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0GENERAL", text="hi", metadata=metadata)
    assert raised.value.response["error"] == "invalid_metadata_format"


def test_metadata_sent_as_a_form_string_is_decoded(slack):
    body, headers = form(
        token=slack.token, channel="C0GENERAL", text="hi", metadata=json.dumps(MARK)
    )
    status, answer = post(slack.url + "chat.postMessage", body, headers)
    assert (status, answer["message"]["metadata"]) == (200, MARK)


def test_fail_next_injects_failures_then_answers_normally(slack):
    slack.fail_next("auth.test", 500, times=2)
    headers = {"Authorization": f"Bearer {slack.token}"}

    statuses = [post(slack.url + "auth.test", headers=headers)[0] for _ in range(3)]

    assert statuses == [500, 500, 200]
    assert [c.injected for c in slack.attempts_to("auth.test")] == [True, True, False]
    assert len(slack.calls_to("auth.test")) == 1


def test_calls_endpoint_lists_calls_since_an_index_without_the_token(slack, client):
    client.chat_postMessage(channel="C0GENERAL", text="one")
    client.chat_postMessage(channel="C0GENERAL", text="two")

    with urllib.request.urlopen(slack.root_url + "/_standin/calls?since=1", timeout=5) as response:
        calls = json.loads(response.read())

    assert [(c["index"], c["method"], c["params"]["text"]) for c in calls] == [
        (1, "chat.postMessage", "two")
    ]
    assert calls[0]["response"]["ok"] is True
    assert "authorization" not in calls[0]["headers"]


def test_reset_endpoint_forgets_calls_and_added_data(slack, client):
    slack.add_channel("gophercon")
    client.auth_test()

    status, answer = post(slack.root_url + "/_standin/reset")

    assert (status, answer) == (200, {"ok": True})
    assert slack.calls == []
    assert "C0GOPHERCON" not in slack.channels


def test_it_refuses_to_start_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(RuntimeError):
        SlackStandIn().start()


def test_the_command_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        call_command("slack_standin")


def test_the_command_serves_the_api_and_prints_its_url():
    env = {**os.environ, "ENV": "development"}
    env.pop("GOPHER_SLACK_BOT_ACCESS_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "slack_standin"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("Slack stand-in listening on http://127.0.0.1:")
        url = first_line.split()[-1]
        process.stdout.readline()  # how to point the bot at it
        assert process.stdout.readline().startswith(
            "For Socket Mode, also: GOPHER_SLACK_APP_TOKEN=xapp-"
        )

        status, answer = post(url + "auth.test", headers={"Authorization": "Bearer xoxb-standin"})

        assert (status, answer["user_id"]) == (200, "U0GOPHERBOT")
        assert process.stdout.readline().startswith("auth.test")
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_a_file_gone_answers_404_with_the_token_and_a_redirect_can_be_set(slack):
    file = slack.add_file("main.go", "package main\n")
    url = file["url_private_download"]
    token = {"Authorization": f"Bearer {slack.token}"}
    del slack.files[file["id"]]

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(urllib.request.Request(url, headers=token), timeout=5)
    assert raised.value.code == 404

    moved = slack.add_file("moved.go", "package moved\n")
    slack.redirect_file(moved["id"], "https://elsewhere.example/moved.go")
    opener = urllib.request.build_opener(NoRedirects)
    with pytest.raises(urllib.error.HTTPError) as raised:
        opener.open(urllib.request.Request(moved["url_private_download"], headers=token))
    assert raised.value.code == 302
    assert raised.value.headers["Location"] == "https://elsewhere.example/moved.go"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@pytest.mark.parametrize("method", ["chat_postMessage", "chat_postEphemeral"])
def test_a_post_over_40000_characters_is_refused_with_msg_too_long(client, slack, method):
    post_it = getattr(client, method)
    extra = {"user": "U0ALICE"} if method == "chat_postEphemeral" else {}

    assert post_it(channel="C0GENERAL", text="x" * 40_000, **extra)["ok"] is True
    with pytest.raises(SlackApiError) as raised:
        post_it(channel="C0GENERAL", text="é" * 40_001, **extra)

    assert raised.value.response["error"] == "msg_too_long"
