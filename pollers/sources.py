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
# Gerrit lists the most recently updated changes first, GERRIT_PAGE_SIZE at a time; S= skips.
# https://gerrit-review.googlesource.com/Documentation/rest-api-changes.html#list-changes
GERRIT_PAGE_SIZE = 100
GERRIT_MERGED_PATH = f"/changes/?q=status:merged&O=12&n={GERRIT_PAGE_SIZE}"
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
    submitted: datetime  # when it was merged
    updated: datetime  # its last change of any kind (a comment after the merge, too)


@dataclass(frozen=True)
class ChangesPage:
    changes: list[Change]
    more: bool  # Gerrit has more changes after these (`_more_changes` on the last one)


@dataclass(frozen=True)
class Status:
    id: str
    created_at: datetime
    url: str


def _url(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _garbage(url: str, what: str) -> OutsideError:
    return OutsideError(f"GET {url}: {what}", retryable=False)


def merged_changes(skip: int = 0) -> ChangesPage:
    """One page of merged CLs, most recently updated first, after skipping `skip` of them."""
    url = _url(settings.GERRIT_URL, GERRIT_MERGED_PATH)
    if skip:
        url += "&" + urlencode({"S": skip})
    data = get_json(url, strip_prefix=GERRIT_PREFIX)
    if not isinstance(data, list):
        raise _garbage(url, "expected a list of changes")
    try:
        changes = [_change(item) for item in data]
    except (KeyError, TypeError, ValueError) as error:
        raise _garbage(url, f"malformed change ({error!r})") from None
    return ChangesPage(changes, more=bool(data) and data[-1].get("_more_changes") is True)


def _change(item: dict) -> Change:
    number = item["_number"]
    subject = item["subject"]
    if not isinstance(number, int) or not isinstance(subject, str):
        raise ValueError("_number or subject")
    revision = item.get("revisions", {}).get(item.get("current_revision"), {})
    message = revision.get("commit", {}).get("message") or subject
    updated = _parse_time(item["updated"])
    return Change(
        number=number,
        project=str(item["project"]),
        subject=subject,
        message=str(message),
        change_id=str(item.get("change_id", "")),
        submitted=_parse_time(item["submitted"]) if item.get("submitted") else updated,
        updated=updated,
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
    """An ISO 8601 time; Gerrit's `2024-05-14 16:58:12.000000000` (UTC, nanoseconds) too."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
