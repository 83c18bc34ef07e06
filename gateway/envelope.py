"""The Events API body: decoded from JSON (HTTP), then checked for every receiver
(docs/behaviour.md#checks-in-order, steps 5-9; #envelope-checks)."""

import json
import re
from dataclasses import dataclass

# Slack's deepest payloads (rich-text blocks in an edited message) nest about 15 levels.
# Deeper is refused before anything recurses into it: pickling the job, or a worker.
MAX_NESTING = 64
# Slack's event ids are short, letters and digits ("Ev0PV52K21"); one names the event's RQ
# job (letters, digits, _ and - only) and goes into a log line.
_EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")


class Rejected(Exception):
    """A request or body we don't accept; `status` is the HTTP answer, `reason` the log's."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    # "event_callback", "url_verification", "app_rate_limited" or another type Slack adds
    kind: str
    body: dict
    # False for an event of our app that none of our workspaces can see (Slack Connect)
    ours: bool = True

    @property
    def challenge(self) -> str:
        return self.body["challenge"]

    @property
    def event(self) -> dict:
        return self.body["event"]

    @property
    def event_id(self) -> str:
        return self.body["event_id"]

    @property
    def teams(self) -> list[str]:
        """The workspaces the envelope names: its own, then its authorizations' ones."""
        teams = [self.body.get("team_id")]
        authorizations = self.body.get("authorizations")
        if isinstance(authorizations, list):
            teams += [a.get("team_id") for a in authorizations if isinstance(a, dict)]
        return [team for team in teams if isinstance(team, str) and team]


def decode_body(raw: bytes) -> dict:
    """The JSON object Slack sent (UTF-8), or Rejected(400)."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Rejected(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise Rejected(400, "body is not a JSON object")
    return body


def check_envelope(body: dict, *, token: str, app_id: str, team_id: str) -> Envelope:
    """Check `body` in the order of docs/behaviour.md#checks-in-order, steps 5-9; Rejected
    says why not."""
    if _nesting_exceeds(body, MAX_NESTING):
        raise Rejected(400, "body nested too deeply")

    if token and body.get("token") != token:
        raise Rejected(403, "verification token mismatch")

    kind = body.get("type")
    if not isinstance(kind, str):
        raise Rejected(400, "type missing")
    if kind == "url_verification":
        if not _is_text(body.get("challenge")):
            raise Rejected(400, "challenge missing")
        return Envelope(kind, body)

    app = body.get("api_app_id")
    if not isinstance(app, str) or not app:
        raise Rejected(400, "api_app_id missing")
    if app != app_id:
        raise Rejected(403, "api_app_id mismatch")
    # Slack Connect: in a channel shared with another organisation, team_id can be the
    # other workspace; authorizations name the installation(s) of ours that see the event.
    envelope = Envelope(kind, body)
    if team_id not in envelope.teams:
        return Envelope(kind, body, ours=False)
    if kind != "event_callback":
        return envelope

    event_id = body.get("event_id")
    if not isinstance(event_id, str) or not _EVENT_ID.fullmatch(event_id):
        raise Rejected(400, "event_id missing or malformed")
    event_time = body.get("event_time")
    if not isinstance(event_time, int) or isinstance(event_time, bool):
        raise Rejected(400, "event_time missing")
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise Rejected(400, "event missing")
    return envelope


def _is_text(value: object) -> bool:
    """A str that can be written out: JSON's \\ud800 escapes give lone surrogates, which can't."""
    if not isinstance(value, str):
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _nesting_exceeds(value: dict | list, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` deep (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > limit:
            return True
        children = container.values() if isinstance(container, dict) else container
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
