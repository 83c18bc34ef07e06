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
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise SignatureError("malformed timestamp") from None
    # Either direction: a clock far ahead is as suspicious as a replayed old request.
    if abs(now - sent_at) > window:
        raise SignatureError("timestamp outside the replay window")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise SignatureError("signature mismatch")
