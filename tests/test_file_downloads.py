"""Attached files are fetched with the bot token only from Slack's file host, never through
a redirect to another host, and a file that vanished is no failure
(docs/behaviour.md#playground-uploader). In tests Slack's file host is the stand-in, the
configured Web API's origin."""

import pytest

from tests.fixtures.bot import shared
from tests.fixtures.outside import OutsideStub
from tests.slack_events import message_event
from tests.test_playground import GO_FILE

OTHER_GO_FILE = GO_FILE.replace("hi", "hello")


def file_share(*files: dict) -> dict:
    attached = [{"id": file["id"], "filetype": "go", "name": file["name"]} for file in files]
    return message_event("have a look", subtype="file_share", files=attached)


def not_shared_lines(log_text) -> list[str]:
    return [line for line in log_text().splitlines() if 'msg="file not shared"' in line]


def job_line(log_text) -> str:
    (line,) = [line for line in log_text().splitlines() if 'msg="job done"' in line]
    return line


@pytest.fixture
def elsewhere():
    """Another web server, on another port and reached by another host name (localhost,
    where the stand-in is 127.0.0.1): it records every request, headers included."""
    stub = OutsideStub().start()
    stub.route("/main.go", GO_FILE, content_type="text/plain")
    stub.other_url = stub.url.replace("127.0.0.1", "localhost")
    yield stub
    stub.stop()


def test_a_redirect_to_another_host_is_not_followed_with_the_token(
    bot, playground, slack, elsewhere, log_text
):
    code = slack.add_file("main.go", GO_FILE)
    slack.redirect_file(code["id"], f"{elsewhere.other_url}/main.go")

    job = bot.deliver(file_share(code))

    assert elsewhere.requests == []  # the token went nowhere else, nor did the bot
    assert shared(playground) == [] and bot.sent("chat.postMessage") == []
    assert job.is_failed and job.retries_left == 0  # an operator should look at this
    assert "redirected to another host" in job_line(log_text)
    assert slack.token not in log_text()


def test_a_redirect_within_slacks_file_host_keeps_the_token(bot, playground, slack):
    moved = slack.add_file("moved.go", OTHER_GO_FILE)
    code = slack.add_file("main.go", GO_FILE)
    slack.redirect_file(code["id"], moved["url_private_download"])

    job = bot.deliver(file_share(code))

    assert job.is_finished
    assert shared(playground) == [OTHER_GO_FILE.encode()]  # served only with the token


@pytest.mark.parametrize(
    "url",
    [
        "{elsewhere}/main.go",
        "http://files.slack.com/files-pri/T0LOCALTEAM-F00000001/download/main.go",
        "https://files.slack.com.evil.example/files-pri/T0LOCALTEAM-F00000001/main.go",
        "https://evil.example/https://files.slack.com/files-pri/main.go",
        "ftp://files.slack.com/main.go",
        "",
        None,
    ],
    ids=[
        "another host",
        "plain http",
        "a look-alike host",
        "slack's host in the path",
        "another scheme",
        "empty",
        "missing",
    ],
)
def test_a_file_anywhere_else_is_not_fetched(bot, playground, slack, elsewhere, url, log_text):
    code = slack.add_file("main.go", GO_FILE)
    if url is None:
        del slack.files[code["id"]]["url_private_download"]
    else:
        slack.files[code["id"]]["url_private_download"] = url.format(elsewhere=elsewhere.url)

    job = bot.deliver(file_share(code))

    assert job.is_finished
    assert elsewhere.requests == []
    assert shared(playground) == [] and bot.sent("chat.postMessage") == []
    (line,) = not_shared_lines(log_text)
    assert f"file={code['id']}" in line and 'reason="not on Slack\'s file host"' in line


def test_a_file_deleted_before_files_info_is_not_a_failure(bot, playground, slack, log_text):
    code = slack.add_file("main.go", GO_FILE)
    del slack.files[code["id"]]  # deleted right after it was shared

    job = bot.deliver(file_share(code))

    assert job.is_finished
    assert [c.response["error"] for c in slack.calls_to("files.info")] == ["file_not_found"]
    assert shared(playground) == [] and bot.sent("chat.postMessage") == []
    (line,) = not_shared_lines(log_text)
    assert 'reason="gone: file_not_found"' in line
    assert "outcome=answered" in job_line(log_text)


def test_a_file_gone_at_download_is_not_a_failure(bot, playground, slack, log_text, monkeypatch):
    code = slack.add_file("main.go", GO_FILE)

    def delete_after_files_info(call):
        if call.method == "files.info":
            del slack.files[code["id"]]  # deleted between the lookup and the download

    monkeypatch.setattr(slack, "on_call", delete_after_files_info)

    job = bot.deliver(file_share(code))

    assert job.is_finished
    assert shared(playground) == [] and bot.sent("chat.postMessage") == []
    (line,) = not_shared_lines(log_text)
    assert 'reason="gone: HTTP 404"' in line


def test_the_other_files_of_a_message_are_still_shared(bot, playground, slack):
    gone = slack.add_file("gone.go", GO_FILE)
    kept = slack.add_file("kept.go", OTHER_GO_FILE)
    del slack.files[gone["id"]]

    job = bot.deliver(file_share(gone, kept))

    assert job.is_finished
    assert shared(playground) == [OTHER_GO_FILE.encode()]
    assert len(bot.sent("chat.postMessage")) == 1 and len(bot.sent("chat.postEphemeral")) == 1


def test_slacks_sign_in_page_is_not_shared_as_code(bot, playground, slack, log_text):
    code = slack.add_file("main.go", GO_FILE)
    slack.files[code["id"]]["url_private_download"] = slack.root_url + "/_standin/login"

    job = bot.deliver(file_share(code))

    assert job.is_failed and job.retries_left == 0
    assert "a web page instead of the file" in job_line(log_text)
    assert shared(playground) == []
