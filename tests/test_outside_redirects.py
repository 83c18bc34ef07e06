"""Redirects in the one wrapper for outside calls: credentials never follow one elsewhere."""

import pytest

from gopherbot.outside import OutsideError, origin, request
from tests.fixtures.outside import OutsideStub

TOKEN = {"Authorization": "Bearer xoxb-not-for-you"}


@pytest.fixture
def other_host():
    """A second server, named localhost (the `outside` stub is 127.0.0.1), on its own port."""
    stub = OutsideStub().start()
    stub.route("/landing", "landed", content_type="text/plain")
    yield stub
    stub.stop()


def redirect(outside, path: str, location: str, status: int = 302) -> None:
    outside.route(
        path, "", status=status, content_type="text/plain", headers={"Location": location}
    )


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_request_with_credentials_is_not_redirected_to_another_host(outside, other_host, status):
    landing = other_host.url.replace("127.0.0.1", "localhost") + "/landing"
    redirect(outside, "/file", landing, status)

    with pytest.raises(OutsideError) as raised:
        request("GET", f"{outside.url}/file", headers=TOKEN)

    assert raised.value.retryable is False
    assert "redirected to another host" in str(raised.value)
    assert "xoxb" not in str(raised.value)
    assert other_host.requests == []


def test_another_port_on_the_same_host_is_another_host(outside, other_host):
    redirect(outside, "/file", other_host.url + "/landing")  # 127.0.0.1, another port
    with pytest.raises(OutsideError):
        request("GET", f"{outside.url}/file", headers=TOKEN)
    assert other_host.requests == []


def test_a_redirect_on_the_same_host_keeps_the_credentials(outside):
    redirect(outside, "/file", "/moved")
    outside.route("/moved", "the file", content_type="text/plain")

    assert request("GET", f"{outside.url}/file", headers=TOKEN).text == "the file"
    (moved,) = outside.requests_to("/moved")
    assert moved.headers["Authorization"] == TOKEN["Authorization"]


def test_a_request_without_credentials_follows_redirects_anywhere(outside, other_host):
    redirect(outside, "/share", other_host.url.replace("127.0.0.1", "localhost") + "/landing")

    assert request("GET", f"{outside.url}/share").text == "landed"
    assert len(other_host.requests) == 1


def test_origins_compare_scheme_host_and_port():
    assert origin("https://files.slack.com/a") == origin("https://FILES.slack.com:443/b")
    assert origin("https://files.slack.com/a") != origin("http://files.slack.com/a")
    assert origin("https://files.slack.com/a") != origin("https://files.slack.com:8443/a")
    assert origin("https://files.slack.com.evil.example/") != origin("https://files.slack.com/")
    assert origin("http://127.0.0.1:8000/x") == ("http", "127.0.0.1", 8000)
