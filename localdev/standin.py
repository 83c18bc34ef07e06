"""A local stand-in for the Slack Web API, for tests and local runs.

It answers the methods the bot uses the way Slack does (same request encodings,
same envelopes, same error strings), records every call it receives, and can be
told to fail or stall the next call to a method. Point the client's base URL at
`SlackStandIn.url`; it never talks to Slack and refuses to start in production.
apps.connections.open names its Socket Mode endpoint (`SlackStandIn.socket`,
standin_socket.py), through which it delivers events to a Socket Mode app.

Slack's behaviour it copies, method by method: https://api.slack.com/methods
"""

import base64
import contextlib
import itertools
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from localdev.standin_socket import ACK_TIMEOUT_SECONDS, SocketModeEndpoint
from slackapi.text import MAX_MESSAGE_CHARS

log = logging.getLogger("localdev.standin")

STANDIN_APP_TOKEN = "xapp-1-A0LOCALBOT-standin"  # noqa: S105 (not a secret: for Socket Mode)
DEFAULT_TEAM_ID = "T0LOCALTEAM"
DEFAULT_APP_ID = "A0LOCALBOT"

BOT_USER_ID = "U0GOPHERBOT"
BOT_ID = "B0GOPHERBOT"
BOT_NAME = "gopher"

SEED_USERS = (
    # (id, name, real name)
    ("U0ALICE", "alice", "Alice Gopher"),
    ("U0BOB", "bob", "Bob Gopher"),
    ("U0CAROL", "carol", "Carol Gopher"),
)
SEED_CHANNELS = (
    "general",
    "newbies",
    "gotimefm",
    "golang-cls",
    "admin-help",
    "random",
    "jobs",
    "modules",
    "reviews",
    "showandtell",
    "aws",
    "bbq",
    "devops",
    "goreviews",
    "performance",
    "remotemeetup",
    "security",
)
SEED_ARCHIVED_CHANNEL = "gophercon-2016"
SEED_PRIVATE_CHANNEL = "moderators"

# Slack's page size bounds for cursor-paginated methods.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

_JSON_FORM_FIELDS = ("attachments", "blocks", "metadata")

# The methods it answers; each is SlackStandIn._<method with dots as underscores>.
METHODS = (
    "auth.test",
    "users.info",
    "users.list",
    "conversations.list",
    "conversations.open",
    "conversations.history",
    "conversations.replies",
    "chat.postMessage",
    "chat.postEphemeral",
    "reactions.add",
    "files.info",
    "apps.connections.open",
)
# Methods that take the app-level token (xapp-), not the bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


def id_for(prefix: str, name: str) -> str:
    """A readable Slack-style id: `id_for("C", "golang-cls")` is `C0GOLANGCLS`."""
    return prefix + "0" + re.sub(r"[^A-Z0-9]", "", name.upper())


@dataclass
class Call:
    """One request the stand-in received: `params` are the decoded request parameters."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    status: int = 200
    response: dict | None = None
    injected: bool = False  # answered by fail_next() instead of the method
    at: float = field(default_factory=time.time)

    def public(self, index: int) -> dict:
        data = asdict(self)
        data["index"] = index
        data["headers"] = {k: v for k, v in self.headers.items() if k != "authorization"}
        data["params"] = {k: v for k, v in self.params.items() if k != "token"}
        return data


@dataclass
class _Fault:
    status: int
    headers: dict[str, str]
    body: Any
    times: int


class SlackError(Exception):
    """Answered as `{"ok": false, "error": code}`, like Slack."""

    def __init__(self, code: str, status: int = 200, **extra: Any):
        super().__init__(code)
        self.code = code
        self.status = status
        self.extra = extra


class SlackStandIn:
    def __init__(
        self,
        port: int = 0,
        *,
        token: str | None = None,
        app_token: str = STANDIN_APP_TOKEN,
        team_id: str | None = None,
        app_id: str | None = None,
        host: str = "127.0.0.1",
        on_call: Callable[[Call], None] | None = None,
    ):
        self.host = host
        self.port = port
        self.token = token or _configured_token()
        self.app_token = app_token
        self.team_id = team_id or _configured("SLACK_TEAM_ID", DEFAULT_TEAM_ID)
        self.on_call = on_call
        self.socket = SocketModeEndpoint(
            host=host, app_id=app_id or _configured("SLACK_APP_ID", DEFAULT_APP_ID)
        )
        self.calls: list[Call] = []
        self._lock = threading.RLock()
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[float]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._seed()

    # --- lifecycle -------------------------------------------------------------

    def start(self) -> "SlackStandIn":
        if _in_production():
            raise RuntimeError("the Slack stand-in never runs in production")
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="slack-standin", daemon=True
        )
        self._thread.start()
        self.socket.start()
        return self

    def stop(self) -> None:
        self.socket.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "SlackStandIn":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The Web API base URL, for the client's base_url."""
        return f"{self.root_url}/api/"

    # --- recorded calls and faults ---------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """The calls to `method` that Slack would have acted on (injected failures left out)."""
        with self._lock:
            return [c for c in self.calls if c.method == method and not c.injected]

    def attempts_to(self, method: str) -> list[Call]:
        """Every request to `method`, injected failures included."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def fail_next(
        self,
        method: str,
        status: int,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls to `method` with this HTTP status instead."""
        if body is None:
            body = _default_fault_body(status)
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, headers or {}, body, times))

    def delay_next(self, method: str, seconds: float) -> None:
        """Stall the next call to `method` before answering it (to exercise timeouts).

        With a fault from fail_next() queued too, the call stalls and then fails, and
        nothing happens: a Slack that hung and gave up (a 504 after a long wait).
        """
        with self._lock:
            self._delays.setdefault(method, []).append(seconds)

    def reset(self) -> None:
        """Forget calls, faults, delays and everything added; back to the seed data.

        Socket Mode connections are closed and their deliveries forgotten.
        """
        with self._lock:
            self.calls.clear()
            self._faults.clear()
            self._delays.clear()
            self._seed()
        self.socket.reset()

    # --- data ------------------------------------------------------------------

    def _seed(self) -> None:
        self.users: dict[str, dict] = {}
        self.channels: dict[str, dict] = {}
        self.files: dict[str, dict] = {}
        self.file_bodies: dict[str, bytes] = {}
        self.file_redirects: dict[str, str] = {}  # file id -> where its downloads redirect
        self.ims: dict[str, str] = {}  # user id -> D… channel id
        self.messages: dict[str, list[dict]] = {}  # channel id -> its messages, oldest first
        self.reactions: set[tuple[str, str, str]] = set()
        self._file_numbers = itertools.count(1)
        self._last_ts = 0.0
        self.add_user(BOT_NAME, id=BOT_USER_ID, real_name="Gopher Bot", bot_id=BOT_ID)
        for user_id, name, real_name in SEED_USERS:
            self.add_user(name, id=user_id, real_name=real_name)
        for name in SEED_CHANNELS:
            self.add_channel(name)
        self.add_channel(SEED_ARCHIVED_CHANNEL, is_archived=True)
        self.add_channel(SEED_PRIVATE_CHANNEL, is_private=True)

    def add_user(
        self,
        name: str,
        *,
        id: str | None = None,
        real_name: str | None = None,
        bot_id: str | None = None,
        deleted: bool = False,
    ) -> dict:
        user_id = id or id_for("U", name)
        real_name = real_name or name.title()
        profile = {"real_name": real_name, "display_name": name}
        if bot_id:
            profile.update(bot_id=bot_id, always_active=True)
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real_name,
            "tz": "Europe/London",
            "is_admin": False,
            "is_bot": bool(bot_id),
            "is_app_user": False,
            "profile": profile,
        }
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self,
        name: str,
        *,
        id: str | None = None,
        is_private: bool = False,
        is_archived: bool = False,
        purpose: str = "",
    ) -> dict:
        channel = {
            "id": id or id_for("C", name),
            "name": name,
            "name_normalized": name,
            "is_channel": not is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": is_private,
            "is_archived": is_archived,
            "is_general": name == "general",
            "is_shared": False,
            "is_member": name == "general",
            "created": 1_400_000_000,
            "creator": "U0ALICE",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": purpose, "creator": "", "last_set": 0},
            "num_members": 3,
        }
        with self._lock:
            self.channels[channel["id"]] = channel
        return channel

    def add_file(
        self,
        name: str,
        content: bytes | str,
        *,
        user: str = "U0ALICE",
        title: str | None = None,
        filetype: str | None = None,
        mimetype: str = "text/plain",
        channel: str = "C0GENERAL",
    ) -> dict:
        """Store a file as if `user` had shared it; files.info then describes it."""
        body = content.encode() if isinstance(content, str) else content
        with self._lock:
            file_id = f"F{next(self._file_numbers):08d}"
            path = f"/files-pri/{self.team_id}-{file_id}/{quote(name)}"
            file = {
                "id": file_id,
                "created": int(time.time()),
                "timestamp": int(time.time()),
                "name": name,
                "title": title or name,
                "mimetype": mimetype,
                "filetype": filetype or _filetype(name),
                "pretty_type": (filetype or _filetype(name)).title(),
                "user": user,
                "mode": "hosted",
                "editable": False,
                "is_external": False,
                "is_public": True,
                "size": len(body),
                "url_private": self.root_url + path,
                "url_private_download": self.root_url
                + path.replace(f"{file_id}/", f"{file_id}/download/"),
                "permalink": f"https://gophers.slack.com/files/{user}/{file_id}/{quote(name)}",
                "channels": [channel],
                "groups": [],
                "ims": [],
            }
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                file["lines"] = text.count("\n") + (0 if text.endswith("\n") else 1)
                file["preview"] = "\n".join(text.splitlines()[:5])
            self.files[file_id] = file
            self.file_bodies[file_id] = body
        return file

    def add_message(
        self, channel: str, text: str, *, user: str = "U0ALICE", thread_ts: str | None = None
    ) -> dict:
        """Store a member's message, as if they had posted it; returns it with its ts."""
        message = {"type": "message", "user": user, "text": text, "ts": self._next_ts()}
        if thread_ts:
            message["thread_ts"] = thread_ts
        with self._lock:
            self.messages.setdefault(channel, []).append(message)
        return message

    def _next_ts(self) -> str:
        with self._lock:
            self._last_ts = max(round(time.time(), 6), round(self._last_ts + 0.000001, 6))
            return f"{self._last_ts:.6f}"

    # --- request handling ------------------------------------------------------

    def handle(
        self, method: str, params: dict, headers: dict[str, str], *, json_body: bool = False
    ) -> tuple[int, dict, Any]:
        """Answer one Web API call; returns (HTTP status, extra headers, body)."""
        call = Call(method, params, headers)
        with self._lock:
            fault = self._take_fault(method)
            delay = self._delays[method].pop(0) if self._delays.get(method) else 0
        if delay:
            time.sleep(delay)
        if fault is not None:
            call.status, call.injected = fault.status, True
            call.response = fault.body if isinstance(fault.body, dict) else None
            self._record(call)
            return fault.status, fault.headers, fault.body
        status, body = 200, {}
        try:
            if method not in METHODS:
                raise SlackError("unknown_method", 404, req_method=method)
            answer = getattr(self, "_" + method.replace(".", "_"))
            self._check_token(method, params, headers, json_body)
            with self._lock:
                body = {"ok": True, **answer(params)}
        except SlackError as error:
            status = error.status
            body = {"ok": False, "error": error.code, **error.extra}
        call.status, call.response = status, body
        self._record(call)
        return status, {}, body

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _record(self, call: Call) -> None:
        # Recorded once answered, so an observer never sees a call without its answer.
        with self._lock:
            self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)

    def _check_token(
        self, method: str, params: dict, headers: dict[str, str], json_body: bool
    ) -> None:
        # https://api.slack.com/web#authentication: a bearer token, or a `token`
        # parameter in a form body or the query string (never inside a JSON body).
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        else:
            token = "" if json_body else str(params.get("token", ""))
        if not token:
            raise SlackError("not_authed")
        # An app-level token (xapp-) opens Socket Mode connections and nothing else.
        wants_app_token = method in APP_TOKEN_METHODS
        if token.startswith("xapp-") != wants_app_token:
            raise SlackError("not_allowed_token_type")
        if token != (self.app_token if wants_app_token else self.token):
            raise SlackError("invalid_auth")

    def redirect_file(self, file_id: str, location: str) -> None:
        """Answer downloads of this file with a redirect to `location` (another host, say)."""
        with self._lock:
            self.file_redirects[file_id] = location

    def serve_file(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The answer to a GET of a file URL, as Slack's file host gives it: (status, headers,
        body). Without the bot token it redirects to the sign-in page; a file that is gone
        is a 404."""
        if headers.get("authorization", "") != f"Bearer {self.token}":
            return 302, {"Location": f"/_standin/login?redir={quote(path)}"}, b""
        with self._lock:
            for file_id, file in self.files.items():
                if self.root_url + path in (file["url_private"], file["url_private_download"]):
                    if file_id in self.file_redirects:
                        return 302, {"Location": self.file_redirects[file_id]}, b""
                    body = self.file_bodies[file_id]
                    return 200, {"Content-Type": "application/octet-stream"}, body
        return 404, {"Content-Type": "text/plain"}, b"File not found"

    def calls_since(self, index: int) -> list[dict]:
        with self._lock:
            return [call.public(i) for i, call in enumerate(self.calls) if i >= index]

    # --- lookups shared by the methods -------------------------------------------

    def _channel(self, params: dict, *, allow_names: bool = False) -> dict:
        ref = str(params.get("channel") or "")
        if ref.startswith(("U", "W")) and ref in self.users:
            return {"id": self._open_im(ref), "is_archived": False}
        if ref.startswith("D") and "U" + ref[1:] in self.users:
            return {"id": ref, "is_archived": False}
        if ref in self.channels:
            return self.channels[ref]
        if allow_names:
            for channel in self.channels.values():
                if channel["name"] == ref.lstrip("#"):
                    return channel
        raise SlackError("channel_not_found")

    def _user(self, user_id: str) -> dict:
        user = self.users.get(user_id)
        if user is None:
            raise SlackError("user_not_found")
        return user

    def _open_im(self, user_id: str) -> str:
        # Stable: the same user always gets the same DM channel, D + the user id's tail.
        self.ims[user_id] = "D" + user_id[1:]
        return self.ims[user_id]

    def _page(self, items: list, params: dict) -> tuple[list, dict]:
        try:
            limit = int(params.get("limit") or DEFAULT_PAGE_SIZE)
        except ValueError:
            raise SlackError("invalid_limit") from None
        limit = max(1, min(limit, MAX_PAGE_SIZE))
        start = 0
        if params.get("cursor"):
            try:
                start = int(base64.b64decode(params["cursor"]).decode().removeprefix("next:"))
            except ValueError:
                raise SlackError("invalid_cursor") from None
        end = start + limit
        next_cursor = base64.b64encode(f"next:{end}".encode()).decode() if end < len(items) else ""
        return items[start:end], {"next_cursor": next_cursor}

    # --- the methods -------------------------------------------------------------

    def _auth_test(self, params: dict) -> dict:
        return {
            "url": "https://gophers.slack.com/",
            "team": "Gophers",
            "user": BOT_NAME,
            "team_id": self.team_id,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict) -> dict:
        return {"user": self._user(str(params.get("user") or ""))}

    def _users_list(self, params: dict) -> dict:
        members, metadata = self._page(list(self.users.values()), params)
        return {"members": members, "cache_ts": int(time.time()), "response_metadata": metadata}

    def _conversations_list(self, params: dict) -> dict:
        types = {t.strip() for t in str(params.get("types") or "public_channel").split(",")}
        exclude_archived = _truthy(params.get("exclude_archived"))
        found = []
        for channel in self.channels.values():
            kind = "private_channel" if channel["is_private"] else "public_channel"
            if kind in types and not (exclude_archived and channel["is_archived"]):
                found.append(channel)
        if "im" in types:
            found += [
                {"id": im, "is_im": True, "user": user, "created": 1_400_000_000}
                for user, im in self.ims.items()
            ]
        channels, metadata = self._page(found, params)
        return {"channels": channels, "response_metadata": metadata}

    def _conversations_open(self, params: dict) -> dict:
        users = [u.strip() for u in str(params.get("users") or "").split(",") if u.strip()]
        if not users:
            raise SlackError("users_list_not_supplied")
        for user_id in users:
            self._user(user_id)
        if len(users) > 1:
            raise SlackError("not_supported")  # group DMs: the bot never opens them
        already_open = users[0] in self.ims
        return {
            "no_op": already_open,
            "already_open": already_open,
            "channel": {"id": self._open_im(users[0])},
        }

    def _chat_postMessage(self, params: dict) -> dict:
        channel = self._channel(params, allow_names=True)
        if channel["is_archived"]:
            raise SlackError("is_archived")
        _check_text(params)
        ts = self._next_ts()
        message = {
            "type": "message",
            "text": params.get("text", ""),
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "team": self.team_id,
            "ts": ts,
        }
        for key in ("thread_ts", "attachments", "blocks", "username", "icon_emoji", "icon_url"):
            if params.get(key):
                message[key] = params[key]
        if params.get("metadata"):
            message["metadata"] = _metadata(params["metadata"])
        self.messages.setdefault(channel["id"], []).append(message)
        return {"channel": channel["id"], "ts": ts, "message": message}

    def _chat_postEphemeral(self, params: dict) -> dict:
        channel = self._channel(params, allow_names=True)
        if channel["is_archived"]:
            raise SlackError("is_archived")
        self._user(str(params.get("user") or ""))
        _check_text(params)
        return {"message_ts": self._next_ts()}

    def _conversations_history(self, params: dict) -> dict:
        # The channel's own timeline, newest first: thread replies only when broadcast.
        channel = self._channel(params)
        found = [
            m
            for m in self.messages.get(channel["id"], [])
            if m.get("thread_ts", m["ts"]) == m["ts"] or m.get("subtype") == "thread_broadcast"
        ]
        found = _in_range(found, params)[::-1]
        messages, metadata = self._page(found, params)
        return {
            "messages": _shown(messages, params),
            "has_more": bool(metadata["next_cursor"]),
            "pin_count": 0,
            "response_metadata": metadata,
        }

    def _conversations_replies(self, params: dict) -> dict:
        # The thread's parent first, then its replies, oldest first.
        channel = self._channel(params)
        ts = str(params.get("ts") or "")
        if not ts:
            raise SlackError("invalid_arguments")
        history = self.messages.get(channel["id"], [])
        parent = [m for m in history if m["ts"] == ts]
        replies = [m for m in history if m.get("thread_ts") == ts and m["ts"] != ts]
        if not parent and not replies:
            raise SlackError("thread_not_found")
        found = parent + _in_range(replies, params)
        messages, metadata = self._page(found, params)
        return {
            "messages": _shown(messages, params),
            "has_more": bool(metadata["next_cursor"]),
            "response_metadata": metadata,
        }

    def _reactions_add(self, params: dict) -> dict:
        channel = self._channel(params)
        if not re.fullmatch(r"\d+\.\d+", str(params.get("timestamp") or "")):
            raise SlackError("bad_timestamp")
        name = str(params.get("name") or "")
        if not name or ":" in name or " " in name:
            raise SlackError("invalid_name")
        key = (channel["id"], params["timestamp"], name)
        if key in self.reactions:
            raise SlackError("already_reacted")
        self.reactions.add(key)
        return {}

    def _files_info(self, params: dict) -> dict:
        file = self.files.get(str(params.get("file") or ""))
        if file is None:
            raise SlackError("file_not_found")
        return {"file": file, "comments": [], "response_metadata": {"next_cursor": ""}}

    def _apps_connections_open(self, params: dict) -> dict:
        return {"url": self.socket.new_url()}

    # --- Socket Mode, for a local chat ----------------------------------------------

    def deliver_over_socket(self, payload: dict, wait: float = ACK_TIMEOUT_SECONDS) -> dict:
        """Deliver an event_callback body to the connected app; the answer says if it was acked."""
        if not self.socket.connections:
            raise SlackError("no_socket_connection", 409)
        delivery = self.socket.send(payload)
        acknowledged = delivery.wait_acked(wait)
        return {"ok": True, "envelope_id": delivery.envelope_ids[0], "acknowledged": acknowledged}


class _Handler(BaseHTTPRequestHandler):
    standin: SlackStandIn
    server_version = "SlackStandIn/1.0"

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args) -> None:
        log.debug("standin request", extra={"fields": {"line": format % args}})

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/api/"):
            content_type = headers.get("content-type", "")
            params = decode_params(url.query, body, content_type)
            json_body = content_type.lower().startswith("application/json")
            status, extra_headers, answer = self.standin.handle(
                url.path[5:], params, headers, json_body=json_body
            )
            self._send(status, answer, extra_headers)
        elif url.path.startswith("/files-pri/"):
            self._send_file(url.path, headers)
        elif url.path == "/_standin/calls":
            since = dict(parse_qsl(url.query)).get("since", "0")
            self._send(200, self.standin.calls_since(int(since) if since.isdigit() else 0))
        elif url.path == "/_standin/reset" and self.command == "POST":
            self.standin.reset()
            self._send(200, {"ok": True})
        elif url.path == "/_standin/socket/events" and self.command == "POST":
            self._deliver_over_socket(body)
        elif url.path == "/_standin/login":
            self._send(
                200, b"<html><body>Sign in to Gophers</body></html>", content_type="text/html"
            )
        else:
            self._send(404, b"Not Found", content_type="text/plain")

    def _deliver_over_socket(self, body: bytes) -> None:
        # {"payload": <event_callback body>}: what Slack would send, wrapped in an envelope.
        try:
            payload = json.loads(body).get("payload")
        except (ValueError, AttributeError):
            payload = None
        if not isinstance(payload, dict):
            self._send(400, {"ok": False, "error": "invalid_payload"})
            return
        try:
            self._send(200, self.standin.deliver_over_socket(payload))
        except SlackError as error:
            self._send(error.status, {"ok": False, "error": error.code})

    def _send_file(self, path: str, headers: dict[str, str]) -> None:
        status, answer_headers, body = self.standin.serve_file(path, headers)
        self.send_response(status)
        for name, value in answer_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json; charset=utf-8",
    ) -> None:
        if isinstance(body, str):
            data = body.encode()
        elif isinstance(body, bytes):
            data = body
        else:
            data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def decode_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """The call's parameters, as Slack reads them: query string, then form or JSON body."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json" and body:
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            params.update(decoded)
        return params
    if body:
        params.update(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    for key in _JSON_FORM_FIELDS:
        if isinstance(params.get(key), str):
            # Not JSON: Slack answers invalid_attachments/invalid_blocks; keep what was sent.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(params[key])
    return params


def _check_text(params: dict) -> None:
    # https://api.slack.com/methods/chat.postMessage#errors: no_text, msg_too_long
    if not (params.get("text") or params.get("blocks") or params.get("attachments")):
        raise SlackError("no_text")
    if len(str(params.get("text") or "")) > MAX_MESSAGE_CHARS:
        raise SlackError("msg_too_long")


def _metadata(value: Any) -> dict:
    # https://api.slack.com/metadata/using: an event_type and an event_payload object.
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("event_type"), str)
        or not value["event_type"]
        or not isinstance(value.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")
    return {"event_type": value["event_type"], "event_payload": value["event_payload"]}


def _in_range(messages: list[dict], params: dict) -> list[dict]:
    """The messages between `oldest` and `latest`, ends excluded unless `inclusive`."""
    try:
        oldest = float(params.get("oldest") or 0)
        latest = float(params["latest"]) if params.get("latest") else float("inf")
    except ValueError:
        raise SlackError("invalid_ts_oldest") from None
    inclusive = _truthy(params.get("inclusive"))

    def inside(message: dict) -> bool:
        ts = float(message["ts"])
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    return [m for m in messages if inside(m)]


def _shown(messages: list[dict], params: dict) -> list[dict]:
    """Messages as listed: their metadata only with include_all_metadata, as Slack does."""
    if _truthy(params.get("include_all_metadata")):
        return [dict(m) for m in messages]
    return [{k: v for k, v in m.items() if k != "metadata"} for m in messages]


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _filetype(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"go": "go", "txt": "text", "md": "markdown", "py": "python"}.get(extension, "text")


def _default_fault_body(status: int) -> dict:
    if status == 429:
        return {"ok": False, "error": "ratelimited"}
    return {"ok": False, "error": "internal_error" if status >= 500 else "invalid_request"}


def _configured(name: str, default: str) -> str:
    from django.conf import settings

    if not settings.configured:
        return default
    return getattr(settings, name, "") or default


def _configured_token() -> str:
    from django.conf import settings

    return settings.SLACK_STANDIN_TOKEN


def _in_production() -> bool:
    from django.conf import settings

    return settings.configured and bool(getattr(settings, "PRODUCTION", False))
