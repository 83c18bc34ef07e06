"""The one way the bot calls outside services (Gerrit, changelog.com, Mastodon, the Playground).

Every call has a timeout and a clear User-Agent, and every failure becomes an
OutsideError that says whether trying again later could help. Credentials never
leave the origin they were meant for: urllib's own redirect handling forwards every
header, Authorization included, to whatever host a redirect names.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger("gopherbot.outside")

USER_AGENT = "gopherbot/1.0 (Gophers Slack community bot)"
DEFAULT_TIMEOUT = 10.0


class OutsideError(Exception):
    """An outside call failed. `retryable` is True for timeouts, connection errors and 5xx/429."""

    def __init__(self, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, the default port filled in: what a credential is for."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or ""), port or {"http": 80, "https": 443}.get(scheme)


class _CredentialsStayHome(urllib.request.HTTPRedirectHandler):
    """Follows redirects, but not those that would take an Authorization header elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if req.has_header("Authorization") and origin(newurl) != origin(req.full_url):
            fp.close()
            raise OutsideError(
                f"{req.get_method()} {req.full_url}: redirected to another host ({newurl}), "
                "not followed with credentials",
                retryable=False,
                status=code,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CredentialsStayHome)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = 5 * 1024 * 1024,
) -> Response:
    """Make one HTTP call; a non-2xx answer raises OutsideError."""
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    req = urllib.request.Request(url, data=body, headers=all_headers, method=method)  # noqa: S310
    started = time.perf_counter()
    try:
        with _opener.open(req, timeout=timeout) as resp:
            data = resp.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise OutsideError(
                    f"{method} {url}: response over {max_bytes} bytes", retryable=False
                )
            result = Response(resp.status, data, dict(resp.headers.items()))
    except urllib.error.HTTPError as error:
        retryable = error.code >= 500 or error.code == 429
        raise OutsideError(
            f"{method} {url}: HTTP {error.code}", retryable=retryable, status=error.code
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        reason = getattr(error, "reason", error)
        raise OutsideError(f"{method} {url}: {reason}", retryable=True) from None
    finally:
        duration = round((time.perf_counter() - started) * 1000, 1)
        log.debug("outside call", extra={"fields": {"method": method, "url": url, "ms": duration}})
    return result


def get_json(url: str, *, timeout: float = DEFAULT_TIMEOUT, strip_prefix: bytes = b""):
    """GET `url` and decode its JSON body, after removing `strip_prefix` (Gerrit's `)]}'`)."""
    body = request("GET", url, headers={"Accept": "application/json"}, timeout=timeout).body
    if strip_prefix and body.startswith(strip_prefix):
        body = body[len(strip_prefix) :]
    try:
        return json.loads(body)
    except ValueError:
        raise OutsideError(f"GET {url}: the answer is not JSON", retryable=False) from None
