"""Content-Type check: docs/behaviour.md#checks-in-order, step 2."""

import re

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # noqa: S105 (an RFC 9110 token, not a password)
_MEDIA_TYPE = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")
_PARAMETER = re.compile(rf'^\s*{_TOKEN}\s*=\s*({_TOKEN}|"[^"]*")\s*$')


def content_type_error(header: str | None) -> int | None:
    """None when `header` is application/json; 400 when unparseable; 415 otherwise."""
    if header is None or not header.strip():
        return 415
    media_type, *parameters = header.split(";")
    match = _MEDIA_TYPE.match(media_type)
    if not match or not all(_PARAMETER.match(p) for p in parameters):
        return 400
    if f"{match[1]}/{match[2]}".lower() != "application/json":
        return 415
    return None
