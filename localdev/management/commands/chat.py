import contextlib
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from localdev.chat import (
    ChatError,
    Conversation,
    StandinWatcher,
    channel_join_event,
    event_callback,
    format_call,
    message_event,
    now_ts,
    post_event,
    push_socket_event,
    team_join_event,
)
from localdev.standin_socket import ACK_TIMEOUT_SECONDS
from localdev.state import read_state

QUIET_SECONDS = 1.0  # the bot is done once nothing new has arrived for this long
POLL_SECONDS = 0.1
SLACK_API_URL = "https://slack.com/api/"

HELP = """Commands:
  /dm                talk to the bot in a DM (the default)
  /channel NAME      talk in #NAME (mention the bot as @gopher)
  /user NAME         talk as someone else (alice, bob, carol)
  /thread [TS]       reply in the thread of message TS (default: your last message)
  /thread off        back out of the thread
  /join-team         you just joined the workspace (team_join)
  /join-channel NAME you just joined #NAME (member_joined_channel)
  /help              this list
  /quit              leave (Ctrl-D works too)"""


class Command(BaseCommand):
    help = (
        "Chat with the locally running bot (manage.py runbot) through the real gateway: "
        "events signed as Slack signs them (or sent down its Socket Mode connection), the "
        "bot's answers read off the Slack stand-in."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("message", nargs="?", help="say this, print the answers and exit")
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--dm", action="store_true", help="a DM with the bot (the default)")
        where.add_argument("--channel", metavar="NAME", help="talk in this channel instead")
        parser.add_argument("--user", default="alice", help="who is talking (default: alice)")
        parser.add_argument("--thread", metavar="TS", help="reply in this message's thread")
        parser.add_argument(
            "--join-team", action="store_true", help="first, the user joins the workspace"
        )
        parser.add_argument(
            "--join-channel", metavar="NAME", help="first, the user joins this channel"
        )
        parser.add_argument("--url", help="the bot's web process (default: the running runbot)")
        parser.add_argument("--standin", metavar="URL", help="the Slack stand-in's URL")
        parser.add_argument(
            "--socket-mode",
            action="store_true",
            help="send events down the bot's Socket Mode connection, through the stand-in "
            "(the default when runbot runs with GOPHER_SLACK_APP_TOKEN)",
        )
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="seconds to wait for answers (default 10)"
        )

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "chat talks to a local bot and its Slack stand-in, never production."
            )
        try:
            self.setup(options)
            self.send_joins(options)
            if options["message"] is not None:
                self.say(options["message"])
            if options["message"] is not None or options["join_team"] or options["join_channel"]:
                self.exit_with_answers(options["timeout"])
            else:
                self.interactive()
        except ChatError as error:
            raise CommandError(str(error)) from None

    # --- setup -------------------------------------------------------------------

    def setup(self, options: dict) -> None:
        state = read_state(Path(settings.LOCAL_DATA_DIR))
        self.gateway_url = (
            options["url"] or (state and state.web_url) or f"http://127.0.0.1:{settings.PORT}"
        )
        standin_url = options["standin"] or _standin_from_settings()
        if not standin_url and state is not None:
            if state.standin_url is None:
                raise ChatError(
                    "the running bot talks to real Slack (a bot token is set): chat there"
                )
            standin_url = state.standin_url
        if not standin_url:
            raise ChatError(
                "no running bot found: start it with `make run` (or pass --url and --standin)"
            )
        self.conversation = Conversation(
            user=options["user"], channel=options["channel"], thread_ts=options["thread"]
        )
        self.socket_mode = options["socket_mode"] or bool(state and state.socket_mode)
        self.watcher = StandinWatcher(standin_url)
        self.watcher.skip_past()
        self.lock = threading.Lock()
        self.prompt_shown = False
        self.last_ts: str | None = None

    def send(self, event: dict) -> None:
        body = event_callback(
            event,
            app_id=settings.SLACK_APP_ID,
            team_id=settings.SLACK_TEAM_ID,
            token=settings.SLACK_VERIFICATION_TOKEN,
        )
        if not self.socket_mode:
            post_event(self.gateway_url, body, settings.SLACK_SIGNING_SECRET)
        elif not push_socket_event(self.watcher.standin_url, body):
            self.stderr.write(
                f"The bot did not acknowledge the event within {ACK_TIMEOUT_SECONDS:g} s (is Redis "
                "up? see runbot's output); the stand-in will deliver it again, as Slack does."
            )

    def say(self, text: str) -> None:
        ts = now_ts()
        self.send(message_event(self.conversation, text, ts, settings.SLACK_TEAM_ID))
        self.last_ts = ts

    def send_joins(self, options: dict) -> None:
        if options["join_team"]:
            self.send(team_join_event(self.conversation, now_ts(), settings.SLACK_TEAM_ID))
        if options["join_channel"]:
            joined = self.conversation.moved(channel=options["join_channel"].lstrip("#"))
            self.send(channel_join_event(joined, now_ts(), settings.SLACK_TEAM_ID))

    # --- one message: print the answers, then exit --------------------------------

    def exit_with_answers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last_answer = None
        while time.monotonic() < deadline:
            if self.print_answers():
                last_answer = time.monotonic()
            elif last_answer is not None and time.monotonic() - last_answer >= QUIET_SECONDS:
                return
            time.sleep(POLL_SECONDS)
        if last_answer is None:
            raise ChatError(
                f"no answer within {timeout:g} s (is the worker running? see runbot's output)"
            )

    def print_answers(self) -> int:
        calls = self.watcher.visible()
        lines = [line for call in calls for line in format_call(call, self.conversation)]
        if lines:
            self.show(lines)
        return len(calls)

    def show(self, lines: list[str]) -> None:
        with self.lock:
            if self.prompt_shown:
                # Print above the prompt, then draw it again with what was typed so far.
                sys.stdout.write("\r\x1b[K" + "\n".join(lines) + "\n")
                sys.stdout.write(self.prompt() + _typed_so_far())
                sys.stdout.flush()
            else:
                self.stdout.write("\n".join(lines))
                self.stdout.flush()

    # --- interactive ---------------------------------------------------------------

    def prompt(self) -> str:
        thread = f" (thread {self.conversation.thread_ts})" if self.conversation.thread_ts else ""
        return f"{self.conversation.user} in {self.conversation.label}{thread}> "

    def interactive(self) -> None:
        history = _enable_history(Path(settings.LOCAL_DATA_DIR) / "chat_history")
        where = "over Socket Mode" if self.socket_mode else f"at {self.gateway_url}"
        self.stdout.write(
            f"Chatting with @gopher {where} as {self.conversation.user}. "
            "/help lists the commands, /quit leaves."
        )
        done = threading.Event()
        failure: list[ChatError] = []
        reader = threading.Thread(target=self.relay, args=(done, failure), daemon=True)
        reader.start()
        try:
            while not failure:
                with self.lock:
                    self.prompt_shown = sys.stdout.isatty()
                try:
                    line = input(self.prompt()).strip()
                except (EOFError, KeyboardInterrupt):
                    self.stdout.write("")
                    break
                finally:
                    with self.lock:
                        self.prompt_shown = False
                if not line:
                    continue
                if line.startswith("/"):
                    if not self.command(line):
                        break
                    continue
                try:
                    self.say(line)
                except ChatError as error:
                    self.stderr.write(str(error))
        finally:
            done.set()
            reader.join(timeout=2)
            if history:
                history()
        if failure:
            raise failure[0]

    def relay(self, done: threading.Event, failure: list) -> None:
        while not done.is_set():
            try:
                self.print_answers()
            except ChatError as error:
                failure.append(error)
                self.show([f"! {error}"])
                return
            done.wait(POLL_SECONDS * 2)

    def command(self, line: str) -> bool:
        """Handle a /command; False means leave."""
        name, _, argument = line.partition(" ")
        argument = argument.strip().lstrip("#@")
        try:
            if name in ("/quit", "/exit", "/q"):
                return False
            elif name == "/dm":
                self.conversation = self.conversation.moved(channel=None, thread_ts=None)
            elif name == "/channel" and argument:
                self.conversation = self.conversation.moved(channel=argument, thread_ts=None)
            elif name == "/user" and argument:
                self.conversation = self.conversation.moved(user=argument)
            elif name == "/thread":
                thread = None if argument == "off" else (argument or self.last_ts)
                self.conversation = self.conversation.moved(thread_ts=thread)
            elif name == "/join-team":
                self.send(team_join_event(self.conversation, now_ts(), settings.SLACK_TEAM_ID))
            elif name == "/join-channel" and argument:
                joined = self.conversation.moved(channel=argument)
                self.send(channel_join_event(joined, now_ts(), settings.SLACK_TEAM_ID))
            else:
                self.stdout.write(HELP)
        except ChatError as error:
            self.stderr.write(str(error))
        return True


def _standin_from_settings() -> str | None:
    """GOPHER_SLACK_API_URL, when it points somewhere other than Slack: the stand-in's root."""
    url = settings.SLACK_API_URL
    if not url or url.rstrip("/") == SLACK_API_URL.rstrip("/"):
        return None
    return url.rstrip("/").removesuffix("/api")


def _typed_so_far() -> str:
    try:
        import readline
    except ImportError:
        return ""
    return readline.get_line_buffer()


def _enable_history(path: Path):
    """Up-arrow history across sessions; returns the function that saves it."""
    try:
        import readline
    except ImportError:  # not on every platform; chat works without it
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # no history yet
        readline.read_history_file(path)
    readline.set_history_length(1000)
    return lambda: readline.write_history_file(path)
