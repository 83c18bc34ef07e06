"""ENV=production as an operator runs it: Django's deploy checks, DEBUG, the admin, secrets."""

import http.cookies
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from gateway.signing import sign
from gopherbot.local_redis import LocalRedis, free_port
from localdev.processes import procfile_command, running, wait_for_http
from tests.slack_events import encode, event_callback

ROOT = Path(__file__).resolve().parent.parent

# Every secret set to a value that can be found again in a log or a page.
SECRETS = {
    "DJANGO_SECRET_KEY": "djangokey-" + "Kq7vX2mPzR" * 6,
    "GOPHER_SLACK_REQUEST_SECRET": "signingsecret-Zx81b",
    "GOPHER_SLACK_REQUEST_TOKEN": "legacytoken-Qp27c",
    "GOPHER_SLACK_BOT_ACCESS_TOKEN": "xoxb-bottoken-Wm55d",
    "GOPHER_SLACK_CLIENT_SECRET": "clientsecret-Hy63e",
}
REDIS_PASSWORD = "redispassword-Lr49f"

# What the README asks of an operator: the secrets, the host, the services.
OPERATOR_ENV = {
    "ENV": "production",
    **SECRETS,
    "DJANGO_ALLOWED_HOSTS": "gopherbot.example.org",
    "GOPHER_SLACK_APP_ID": "A0PROD",
    "GOPHER_SLACK_TEAM_ID": "T0PROD",
    "REDIS_URL": "rediss://:pw@redis.example.org:6379/0",
    "DATABASE_URL": "postgres://bot:pw@db.example.org:5432/gopherbot",
}


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_the_deploy_checks_pass_without_a_warning():
    result = manage(OPERATOR_ENV, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_the_deploy_checks_catch_a_short_secret_key():
    env = {**OPERATOR_ENV, "DJANGO_SECRET_KEY": "too-short"}
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = manage({**OPERATOR_ENV, "DJANGO_DEBUG": "1"}, "check")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off with ENV=production" in result.stderr
    assert not any(secret in result.stderr for secret in SECRETS.values())


@pytest.mark.parametrize("path", ["/admin/", "/admin/rq/", "/admin/responses/"])
def test_the_admin_and_the_queue_views_need_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- The deploy as documented: the Procfile's release step, then its web process -------------


def test_the_documented_deploy_serves_the_admin_login_page_with_its_css(tmp_path):
    store = LocalRedis().start()
    port = free_port()
    env = {
        **OPERATOR_ENV,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": store.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    # Nothing collected before: only the release step can have made what is served.
    shutil.rmtree(ROOT / "staticfiles", ignore_errors=True)
    try:
        release = subprocess.run(
            ["bash", "-c", procfile_command("release")],
            env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert release.returncode == 0, release.stdout + release.stderr
        with running(procfile_command("web"), env) as web:
            browser = Browser(f"http://127.0.0.1:{port}")
            wait_for_http(f"{browser.base}/_ruok", proc=web)
            status, _, page = browser.request("GET", "/admin/login/")
            assert status == 200, web.output()
            stylesheets = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', page)
            assert stylesheets and all(re.search(r"\.[0-9a-f]{12}\.css$", s) for s in stylesheets)
            for stylesheet in stylesheets:
                status, headers, css = browser.request("GET", stylesheet)
                assert status == 200
                assert headers["Content-Type"].startswith("text/css")
                assert "immutable" in headers["Cache-Control"]  # hashed names: cached for good
                assert css.strip()
    finally:
        store.stop()


# --- A whole session of the production web process -----------------------------------------


class Browser:
    """Plain HTTP with cookies, keeping every response for the search for secrets."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.seen: list[str] = []

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict, str]:
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}  # as the platform's router
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        opener = urllib.request.build_opener(NoRedirects)
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode(errors="replace")
            header_items = response.headers.items()
        for name, value in header_items:
            if name.lower() == "set-cookie":
                for morsel in http.cookies.SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        self.seen.append("\n".join(f"{n}: {v}" for n, v in header_items) + "\n\n" + text)
        return response.status, dict(header_items), text

    def slack_event(self, body: dict | bytes, secret: str) -> int:
        raw = body if isinstance(body, bytes) else encode(body)
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(secret, timestamp, raw),
        }
        return self.request("POST", "/slack/event", raw, headers)[0]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_a_production_session_never_shows_a_secret_in_logs_or_pages(tmp_path):
    store = LocalRedis(password=REDIS_PASSWORD).start()
    port = free_port()
    env = {
        **OPERATOR_ENV,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": store.url,
        # Not migrated: logging in fails on the missing user table, a real 500.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GOPHER_LOG_LEVEL": "debug",
    }
    secrets = [*SECRETS.values(), REDIS_PASSWORD]
    try:
        collected = manage(env, "collectstatic", "--noinput")
        assert collected.returncode == 0, collected.stderr
        with running(procfile_command("web"), env) as web:
            browser = Browser(f"http://127.0.0.1:{port}")
            wait_for_http(f"{browser.base}/_ruok", proc=web)
            signing_secret = SECRETS["GOPHER_SLACK_REQUEST_SECRET"]
            token = SECRETS["GOPHER_SLACK_REQUEST_TOKEN"]
            event = event_callback(token=token, api_app_id="A0PROD", team_id="T0PROD")

            assert browser.request("GET", "/_ready")[0] == 200
            assert browser.slack_event(event, signing_secret) == 200
            assert browser.slack_event(event, "a-guessed-secret") == 401
            assert browser.slack_event({**event, "token": "guessed"}, signing_secret) == 403
            assert browser.slack_event(b"[" * 100_000, signing_secret) == 400
            assert browser.request("GET", "/slack/event")[0] == 405

            status, _, page = browser.request("GET", "/no-such-page")
            assert status == 404
            assert "Traceback" not in page and "DEBUG" not in page

            status, headers, _ = browser.request("GET", "/admin/")
            assert (status, headers["Location"]) == (302, "/admin/login/?next=/admin/")
            status, headers, page = browser.request("GET", "/admin/login/")
            assert status == 200
            assert "max-age=" in headers["Strict-Transport-Security"]
            assert "secure" in headers["Set-Cookie"].lower()
            (csrf_token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            form = f"csrfmiddlewaretoken={csrf_token}&username=admin&password=hunter2"
            origin = {
                "Origin": f"https://127.0.0.1:{port}",
                "Referer": f"https://127.0.0.1:{port}/",
            }
            status, _, page = browser.request(
                "POST",
                "/admin/login/",
                form.encode(),
                {"Content-Type": "application/x-www-form-urlencoded", **origin},
            )
            assert status == 500
            assert "Traceback" not in page and "auth_user" not in page

            store.stop()  # Redis gone: the gateway and the readiness check say so
            another = event_callback(token=token, api_app_id="A0PROD", team_id="T0PROD")
            assert browser.slack_event(another, signing_secret) == 503
            assert browser.request("GET", "/_ready")[0] == 503
            log = web.output()
    finally:
        store.stop()

    assert "no such table: auth_user" in log, "the 500 was not logged"
    assert 'outcome="redis error: ConnectionError"' in log
    for secret in secrets:
        assert secret not in log, f"a secret is in the log:\n{log}"
        for page in browser.seen:
            assert secret not in page, f"a secret is in a response:\n{page}"
