"""Slack's Socket Mode endpoint, for the stand-in: the WebSocket that apps.connections.open names.

It speaks the protocol as Slack does (https://api.slack.com/apis/socket-mode):
- a connection's URL carries a one-time ticket from apps.connections.open; any other is refused;
- on connect the app gets `hello`; each event then comes as an `events_api` envelope
  (envelope_id, payload, accepts_response_payload, retry_attempt, retry_reason), and the app
  acknowledges it by sending `{"envelope_id": ...}` back, on any of its connections;
- an envelope not acknowledged within `ack_timeout` seconds, or whose connection closed before
  its acknowledgement, is delivered again (on a connection that is open then, as a new envelope
  with retry_attempt + 1 and retry_reason "timeout"), at most `max_retries` times;
- `disconnect()` sends `{"type": "disconnect", "reason": ...}` (Slack's `refresh_requested`
  or `warning`), sends nothing more on that connection and closes it `grace` seconds later
  unless the app closed it first; `close_connections()` closes without warning (a server going
  away) and `drop_connections()` shuts the TCP connection without a WebSocket close frame
  (a server that died).

The tests drive it in-process; `manage.py chat --socket-mode` drives it over the stand-in's
HTTP control endpoint (`POST /_standin/socket/events`).
"""

import contextlib
import json
import logging
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

log = logging.getLogger("localdev.standin")


class _QuietLog(logging.LoggerAdapter):
    """websockets' own lines (connection open, closed), at debug like the stand-in's requests."""

    def log(self, level: int, msg: object, *args, **kwargs) -> None:
        super().log(logging.DEBUG if level == logging.INFO else level, msg, *args, **kwargs)


ACK_TIMEOUT_SECONDS = 3.0  # Slack's: an app acknowledges within 3 seconds
MAX_RETRIES = 3  # Slack delivers an unacknowledged event again up to three times
DISCONNECT_GRACE_SECONDS = 10.0  # Slack warns about 10 seconds before it closes
LINK_PATH = "/link/"


@dataclass
class Delivery:
    """One event (or interaction) to deliver, through however many envelopes it takes."""

    type: str
    payload: dict
    accepts_response_payload: bool
    envelope_ids: list[str] = field(default_factory=list)  # one per attempt, in order
    acked_envelope_id: str | None = None
    gave_up: bool = False
    sent_at: float | None = None
    connection: ServerConnection | None = None
    _acked: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def acked(self) -> bool:
        return self._acked.is_set()

    @property
    def attempts(self) -> int:
        return len(self.envelope_ids)

    def wait_acked(self, timeout: float) -> bool:
        """Whether the app acknowledged one of its envelopes within `timeout` seconds."""
        return self._acked.wait(timeout)

    def envelope(self) -> dict:
        """The envelope for the attempt just made."""
        envelope = {
            "envelope_id": self.envelope_ids[-1],
            "payload": self.payload,
            "type": self.type,
            "accepts_response_payload": self.accepts_response_payload,
        }
        if self.type == "events_api":
            retry = self.attempts - 1
            envelope |= {"retry_attempt": retry, "retry_reason": "timeout" if retry else ""}
        return envelope


class SocketModeEndpoint:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        app_id: str = "",
        ack_timeout: float = ACK_TIMEOUT_SECONDS,
        max_retries: int = MAX_RETRIES,
    ):
        self.host = host
        self.app_id = app_id
        self.ack_timeout = self._default_ack_timeout = ack_timeout
        self.max_retries = self._default_max_retries = max_retries
        self.port = 0
        self.hellos = 0  # connections opened and greeted, ever
        self.lost_acks: list[str] = []  # acknowledgements thrown away by lose_next_acks()
        self.stray_acks: list[dict] = []  # messages that acknowledged no envelope of ours
        self._changed = threading.Condition()
        self._tickets: set[str] = set()
        self._open: list[ServerConnection] = []
        self._retiring: set[ServerConnection] = set()
        self._deliveries: list[Delivery] = []
        self._acks_to_lose = 0
        self._timers: list[threading.Timer] = []
        self._server: Server | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    # --- lifecycle -------------------------------------------------------------

    def start(self) -> "SocketModeEndpoint":
        # No compression: Slack's clients (slack_sdk's built-in one among them) don't ask for it.
        self._server = serve(
            self._serve_connection,
            self.host,
            0,
            process_request=self._check_ticket,
            compression=None,
            logger=_QuietLog(logging.getLogger("localdev.standin.socket")),
        )
        self.port = self._server.socket.getsockname()[1]
        self._stopping.clear()
        self._threads = [
            threading.Thread(target=self._server.serve_forever, name="socket-mode", daemon=True),
            threading.Thread(target=self._pump, name="socket-mode-pump", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
            timers, self._timers = self._timers, []
        for timer in timers:
            timer.cancel()
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def reset(self) -> None:
        """Forget deliveries, tickets, counts and changed timings; close every connection."""
        self.close_connections()
        with self._changed:
            self.ack_timeout = self._default_ack_timeout
            self.max_retries = self._default_max_retries
            self._deliveries.clear()
            self._tickets.clear()
            self.hellos = 0
            self.lost_acks.clear()
            self.stray_acks.clear()
            self._acks_to_lose = 0

    # --- what apps.connections.open and the tests use ------------------------------

    def new_url(self) -> str:
        """A URL with a new one-time ticket, as apps.connections.open answers it."""
        ticket = str(uuid.uuid4())
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}{LINK_PATH}?ticket={ticket}&app_id={self.app_id}"

    @property
    def connections(self) -> int:
        """Connections open and not told to go away."""
        with self._changed:
            return len([c for c in self._open if c not in self._retiring])

    @property
    def open_connections(self) -> int:
        """Connections open, those told to go away included."""
        with self._changed:
            return len(self._open)

    def wait_for_connections(self, count: int = 1, timeout: float = 10.0) -> bool:
        """Wait until `count` connections are open (and not going away)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len([c for c in self._open if c not in self._retiring]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def wait_for_hellos(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until `count` connections have been greeted since the start (or reset)."""
        with self._changed:
            return self._changed.wait_for(lambda: self.hellos >= count, timeout)

    def send(
        self, payload: dict, *, type: str = "events_api", accepts_response_payload: bool = False
    ) -> Delivery:
        """Deliver `payload` (for events_api, an event_callback body) to the app."""
        delivery = Delivery(type, payload, accepts_response_payload)
        with self._changed:
            self._deliveries.append(delivery)
            self._changed.notify_all()
        return delivery

    def deliveries(self) -> list[Delivery]:
        with self._changed:
            return list(self._deliveries)

    def lose_next_acks(self, count: int = 1) -> None:
        """Throw away the next `count` acknowledgements, as a connection that died would."""
        with self._changed:
            self._acks_to_lose += count

    def disconnect(self, reason: str = "refresh_requested", grace: float | None = None) -> int:
        """Ask every open connection to go away; returns how many were asked."""
        grace = DISCONNECT_GRACE_SECONDS if grace is None else grace
        message = json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}}
        )
        with self._changed:
            asked = [c for c in self._open if c not in self._retiring]
            self._retiring.update(asked)
        for connection in asked:
            with contextlib.suppress(ConnectionClosed):
                connection.send(message)
            timer = threading.Timer(grace, connection.close, kwargs={"code": 1001})
            timer.daemon = True
            timer.start()
            with self._changed:
                self._timers.append(timer)
        return len(asked)

    def close_connections(self) -> None:
        """Close every connection with a WebSocket close frame (1001, going away)."""
        for connection in self._snapshot():
            connection.close(code=1001)

    def drop_connections(self) -> None:
        """End every connection's TCP stream without a close frame, as a server that died."""
        for connection in self._snapshot():
            with contextlib.suppress(OSError):
                connection.socket.shutdown(socket.SHUT_RDWR)

    def _snapshot(self) -> list[ServerConnection]:
        with self._changed:
            return list(self._open)

    # --- connections -------------------------------------------------------------

    def _check_ticket(self, connection: ServerConnection, request) -> object | None:
        url = urlsplit(request.path)
        params = dict(parse_qsl(url.query))
        with self._changed:
            ticket = params.get("ticket", "")
            valid = url.path == LINK_PATH and ticket in self._tickets
            self._tickets.discard(ticket)  # one connection per ticket
        if not valid:
            return connection.respond(401, "invalid or used ticket; call apps.connections.open\n")
        return None

    def _serve_connection(self, connection: ServerConnection) -> None:
        with self._changed:
            self._open.append(connection)
            greeting = {
                "type": "hello",
                "num_connections": len(self._open),
                "debug_info": {
                    "host": "applink-standin",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
        try:
            connection.send(json.dumps(greeting))
            with self._changed:
                self.hellos += 1
                self._changed.notify_all()
            for message in connection:
                self._receive(message)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._open.remove(connection)
                self._retiring.discard(connection)
                self._changed.notify_all()

    def _receive(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            data = None
        envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
        with self._changed:
            delivery = next(
                (d for d in self._deliveries if envelope_id and envelope_id in d.envelope_ids),
                None,
            )
            if delivery is None:
                self.stray_acks.append(data if isinstance(data, dict) else {"raw": str(message)})
                return
            if self._acks_to_lose:
                self._acks_to_lose -= 1
                self.lost_acks.append(envelope_id)
                return
            if not delivery.acked:
                delivery.acked_envelope_id = envelope_id
                delivery._acked.set()
            self._changed.notify_all()

    # --- delivering and redelivering ---------------------------------------------

    def _pump(self) -> None:
        """Send what is due: new deliveries, and the unacknowledged whose time is up."""
        while not self._stopping.is_set():
            with self._changed:
                due = self._due(time.monotonic())
                if not due:
                    self._changed.wait(0.05)
                    continue
            for delivery, connection in due:
                try:
                    connection.send(json.dumps(delivery.envelope()))
                except ConnectionClosed:
                    with self._changed:
                        delivery.sent_at = None  # sent nowhere: due again on another connection

    def _due(self, now: float) -> list[tuple[Delivery, ServerConnection]]:
        available = [c for c in self._open if c not in self._retiring]
        due = []
        for delivery in self._deliveries:
            if delivery.acked or delivery.gave_up:
                continue
            if delivery.sent_at is not None:
                lost = delivery.connection not in self._open
                if not lost and now - delivery.sent_at < self.ack_timeout:
                    continue
                if delivery.attempts > self.max_retries:
                    delivery.gave_up = True
                    continue
            if not available:
                continue
            connection = available[len(due) % len(available)]
            delivery.envelope_ids.append(str(uuid.uuid4()))
            delivery.sent_at, delivery.connection = now, connection
            due.append((delivery, connection))
        return due
