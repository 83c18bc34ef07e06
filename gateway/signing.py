"""Slack request signatures.

https://api.slack.com/authentication/verifying-requests-from-slack
"""

import hashlib
import hmac


class SignatureError(Exception):
    """The request is not provably from Slack; the message says why (never the secret)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float,
    window: int,
) -> None:
    """Raise SignatureError unless `signature` signs `body`, sent within `window` of `now`."""
    if not secret:
        raise SignatureError("no signing secret configured")
    if not timestamp or not signature:
        raise SignatureError("missing signature headers")
    # int() alone would take " 17", "1_7" and other scripts' digits.
    if not (timestamp.isascii() and timestamp.isdigit()):
        raise SignatureError("malformed timestamp")
    # compare_digest refuses non-ASCII text with a TypeError: turn that into a 401.
    if not signature.isascii():
        raise SignatureError("malformed signature")
    sent_at = int(timestamp)
    # Either direction: a clock far ahead is as suspicious as a replayed old request.
    if abs(now - sent_at) > window:
        raise SignatureError("timestamp outside the replay window")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise SignatureError("signature mismatch")
