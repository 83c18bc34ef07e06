"""Reading Gerrit, changelog.com and Mastodon, and checking that the answers make sense.

Every function raises OutsideError when the service is down or answers
something we cannot use, so a poller stops before it touches its state.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings

from gopherbot.outside import OutsideError, get_json

# https://gerrit-review.googlesource.com/Documentation/rest-api.html#output
GERRIT_PREFIX = b")]}'"
# O=12: CURRENT_REVISION (0x4) | CURRENT_COMMIT (0x8), so each change carries its commit message.
GERRIT_MERGED_PATH = "/changes/?q=status:merged&O=12&n=100"
LIVE_STATUS_PATH = "/live/status"
GOTIME_COUNTDOWN_PATH = "/slack/countdown/gotime"
# The @gotime account on changelog.social.
GOTIME_ACCOUNT_ID = "109349735213354404"
GOTIME_STATUSES_PATH = f"/api/v1/accounts/{GOTIME_ACCOUNT_ID}/statuses"


@dataclass(frozen=True)
class Change:
    number: int
    project: str
    subject: str
    message: str
    change_id: str


@dataclass(frozen=True)
class Status:
    id: str
    created_at: datetime
    url: str


def _url(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _garbage(url: str, what: str) -> OutsideError:
    return OutsideError(f"GET {url}: {what}", retryable=False)


def merged_changes() -> list[Change]:
    """The latest merged CLs, newest first."""
    url = _url(settings.GERRIT_URL, GERRIT_MERGED_PATH)
    data = get_json(url, strip_prefix=GERRIT_PREFIX)
    if not isinstance(data, list):
        raise _garbage(url, "expected a list of changes")
    try:
        return [_change(item) for item in data]
    except (KeyError, TypeError, ValueError) as error:
        raise _garbage(url, f"malformed change ({error!r})") from None


def _change(item: dict) -> Change:
    number = item["_number"]
    subject = item["subject"]
    if not isinstance(number, int) or not isinstance(subject, str):
        raise ValueError("_number or subject")
    revision = item.get("revisions", {}).get(item.get("current_revision"), {})
    message = revision.get("commit", {}).get("message") or subject
    return Change(
        number=number,
        project=str(item["project"]),
        subject=subject,
        message=str(message),
        change_id=str(item.get("change_id", "")),
    )


def gotime_is_streaming() -> bool:
    url = _url(settings.CHANGELOG_URL, LIVE_STATUS_PATH)
    data = get_json(url)
    if not isinstance(data, dict) or not isinstance(data.get("streaming"), bool):
        raise _garbage(url, 'expected {"streaming": true|false}')
    return data["streaming"]


def gotime_starts_at() -> datetime | None:
    """When the next (or current) Go Time recording starts; None when none is scheduled."""
    url = _url(settings.CHANGELOG_URL, GOTIME_COUNTDOWN_PATH)
    data = get_json(url)
    if not isinstance(data, dict):
        raise _garbage(url, 'expected {"data": time}')
    value = data.get("data")
    if value is None:
        return None
    try:
        return _parse_time(value)
    except (TypeError, ValueError):
        raise _garbage(url, f"data is not a time: {value!r}") from None


def gotime_statuses(since_id: str | None = None) -> list[Status]:
    """The @gotime account's statuses (newer than `since_id` when given), newest first."""
    url = _url(settings.MASTODON_URL, GOTIME_STATUSES_PATH)
    if since_id:
        url += "?" + urlencode({"since_id": since_id})
    data = get_json(url)
    if not isinstance(data, list):
        raise _garbage(url, "expected a list of statuses")
    try:
        statuses = [_status(item) for item in data]
    except (KeyError, TypeError, ValueError) as error:
        raise _garbage(url, f"malformed status ({error!r})") from None
    return sorted(statuses, key=lambda status: status.created_at, reverse=True)


def _status(item: dict) -> Status:
    status_id = item["id"]
    if not isinstance(status_id, str) or not status_id.isdigit():
        raise ValueError(f"id {status_id!r}")
    # A boost carries the boosted status, whose URL is the one worth sharing.
    url = item.get("url") or (item.get("reblog") or {}).get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ValueError(f"url {url!r}")
    return Status(id=status_id, created_at=_parse_time(item["created_at"]), url=url)


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
