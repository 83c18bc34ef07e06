"""The messages the pollers post: plain dicts of chat.postMessage arguments (except channel)."""

from pollers.sources import Change, Status
from slackapi.text import escape

GERRIT_CHANNEL = "golang-cls"
GOTIME_CHANNEL = "gotimefm"

GOTIME_LIVE_TEXT = ":tada: GoTimeFM is now live :tada:"

# Go Time's posts go out as "Changelog" with Changelog's avatar, as the Go bot's did
# (the @changelog account's avatar on changelog.social's CDN).
CHANGELOG_NAME = "Changelog"
CHANGELOG_AVATAR_URL = (
    "https://cdn.changelog.social/accounts/avatars/109/365/688/871/983/824/original/"
    "5d1bcf4960706353.png"
)


def cl_link(number: int) -> str:
    return f"https://go.dev/cl/{number}/"


def merged_change(change: Change) -> dict:
    link = cl_link(change.number)
    subject = escape(change.subject)
    prefixed = subject if change.project == "go" else f"[{escape(change.project)}] {subject}"
    text = f"[{change.number}] {prefixed}: {link}"
    return {
        "text": text,
        "attachments": [
            {
                "fallback": text,
                "title": subject,
                "title_link": link,
                "text": escape(change.message),
                "footer": change.change_id,
            }
        ],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def gotime_live() -> dict:
    return {"text": GOTIME_LIVE_TEXT, "unfurl_links": False, "unfurl_media": False}


def gotime_status(status: Status) -> dict:
    return {
        "text": f"<{status.url}>",
        "username": CHANGELOG_NAME,
        "icon_url": CHANGELOG_AVATAR_URL,
        "unfurl_links": True,
        "unfurl_media": True,
    }
