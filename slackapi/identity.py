"""Who the bot is in the workspace: learned once from Slack, then cached.

Every message worker needs the bot's user id (to spot mentions and skip its own
messages), so a fresh worker process reads it from Redis instead of calling Slack.
The cached value carries a fingerprint of the API URL and token, so switching
between the local stand-in and Slack never reuses the other's identity.
"""

import hashlib
import json
import logging
from dataclasses import asdict, dataclass

from slack_sdk import WebClient

from gopherbot.connections import get_redis
from slackapi.client import api_base_url, bot_token, get_client

log = logging.getLogger("slackapi.identity")

IDENTITY_KEY = "gopherbot:slack:identity"
IDENTITY_TTL_SECONDS = 60 * 60


@dataclass(frozen=True)
class BotIdentity:
    user_id: str
    bot_id: str
    name: str
    team_id: str


_identity: BotIdentity | None = None
_identity_fingerprint: str | None = None


def bot_identity(client: WebClient | None = None) -> BotIdentity:
    """The bot's identity: from this process, else Redis, else auth.test (+ users.info)."""
    global _identity, _identity_fingerprint
    fingerprint = _fingerprint()
    if _identity is not None and _identity_fingerprint == fingerprint:
        return _identity
    identity = _from_redis(fingerprint)
    if identity is None:
        identity = _from_slack(client or get_client())
        record = {"fingerprint": fingerprint, **asdict(identity)}
        get_redis().set(IDENTITY_KEY, json.dumps(record), ex=IDENTITY_TTL_SECONDS)
        log.info("learned bot identity", extra={"fields": asdict(identity)})
    _identity, _identity_fingerprint = identity, fingerprint
    return identity


def forget_identity() -> None:
    """Drop the cached identity here and in Redis (after a token change, or in tests)."""
    global _identity, _identity_fingerprint
    _identity = _identity_fingerprint = None
    get_redis().delete(IDENTITY_KEY)


def _from_redis(fingerprint: str) -> BotIdentity | None:
    raw = get_redis().get(IDENTITY_KEY)
    if raw is None:
        return None
    try:
        record = json.loads(raw)
        if record.pop("fingerprint") != fingerprint:
            return None
        return BotIdentity(**record)
    except (ValueError, TypeError, KeyError):
        return None  # an older or damaged record: ask Slack again


def _from_slack(client: WebClient) -> BotIdentity:
    # https://api.slack.com/methods/auth.test: a bot token answers with bot_id too.
    auth = client.auth_test()
    user_id, bot_id, name = auth["user_id"], auth.get("bot_id") or "", auth.get("user") or ""
    if not bot_id or not name:
        user = client.users_info(user=user_id)["user"]
        bot_id = bot_id or user.get("profile", {}).get("bot_id", "")
        name = name or user.get("name", "")
    return BotIdentity(user_id=user_id, bot_id=bot_id, name=name, team_id=auth["team_id"])


def _fingerprint() -> str:
    return hashlib.sha256(f"{api_base_url()} {bot_token()}".encode()).hexdigest()[:16]
