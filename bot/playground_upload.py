"""The Go Playground's share endpoint: a Go source in, the link to its snippet out."""

import re

from django.conf import settings

from gopherbot.outside import OutsideError, request

_SNIPPET_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def upload(source: bytes) -> str:
    """Share `source` on the Playground and return its link."""
    base = settings.PLAYGROUND_URL.rstrip("/")
    response = request(
        "POST",
        f"{base}/_/share",
        body=source,
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    snippet = response.text.strip()
    if not _SNIPPET_ID.fullmatch(snippet):
        raise OutsideError("the Playground answered with no snippet id", retryable=False)
    return f"{base}/play/p/{snippet}"
