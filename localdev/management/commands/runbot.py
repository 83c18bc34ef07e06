import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from localdev.accounts import LOCAL_ADMIN_USERNAME, ensure_local_admin, new_password
from localdev.local_redis import LocalRedis
from localdev.processes import procfile_command
from localdev.standin import Call, SlackStandIn
from localdev.state import RunState, read_state, remove_state, write_state
from localdev.supervisor import Output, Supervisor, describe_exit, run_once
from slackapi.text import one_line

PROCESSES = ("web", "worker", "scheduler")
# With GOPHER_SLACK_APP_TOKEN set, events come over Socket Mode: this process, beside the
# Procfile's (web still serves the admin). The documented Procfile line for deployments.
SOCKET_MODE_PROCESS = ("socket", "python manage.py socket_mode")
SETUP_STEPS = (
    ("release", None),  # the Procfile's release line: migrations
    ("content", "python manage.py load_default_content"),
    ("content", "python manage.py setup_moderators"),
)
READY_TIMEOUT_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Run the whole bot locally: the Procfile's web, worker and scheduler, with an embedded "
        "Redis when REDIS_URL is unset and a local Slack stand-in when there is no bot token; "
        "events over Socket Mode when GOPHER_SLACK_APP_TOKEN is set. Ctrl-C stops everything."
    )

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "runbot is for local runs only and refuses to start with ENV=production: "
                "in production the platform runs the Procfile's processes, against real Slack."
            )
        self.output = Output(self.stdout)
        self.data_dir = Path(settings.LOCAL_DATA_DIR)
        running = read_state(self.data_dir)
        if running is not None and _alive(running.pid):
            # Two runbots on one data folder would run two Redis servers on one data file.
            raise CommandError(
                f"runbot is already running (pid {running.pid}, {running.web_url}); "
                "stop it first, or give this one its own GOPHER_LOCAL_DIR and PORT"
            )
        every_interface = settings.LOCAL_WEB_HOST in ("0.0.0.0", "::")  # noqa: S104
        host = "127.0.0.1" if every_interface else settings.LOCAL_WEB_HOST
        self.web_url = f"http://{host}:{settings.PORT}"
        self.socket_mode = bool(settings.SLACK_APP_TOKEN)
        env = _child_env()
        supervisor = Supervisor(settings.BASE_DIR, env, self.output)
        supervisor.handle_signals()
        redis = standin = None
        failure = None
        try:
            if settings.REDIS_EMBEDDED:
                redis = LocalRedis(data_dir=self.data_dir / "redis", persist=True).start()
                env["REDIS_URL"] = redis.url
            if settings.SLACK_USES_STANDIN:
                app_token = {"app_token": settings.SLACK_APP_TOKEN} if self.socket_mode else {}
                standin = SlackStandIn(on_call=self.echo_call, **app_token).start()
                env["GOPHER_SLACK_API_URL"] = standin.url
            password = self.set_up(env, supervisor)
            if supervisor.stopping.is_set():
                return
            for name in PROCESSES:
                supervisor.start(name, procfile_command(name))
            if self.socket_mode:
                supervisor.start(*SOCKET_MODE_PROCESS)
            exited = self.wait_until_ready(supervisor, standin)
            if exited is None and not supervisor.stopping.is_set():
                standin_url = standin.root_url if standin else None
                write_state(
                    self.data_dir,
                    RunState(self.web_url, standin_url, os.getpid(), self.socket_mode),
                )
                self.output.block(self.banner(password, redis, standin))
                exited = supervisor.wait()
            if exited is not None:
                failure = f"{exited.name} exited ({describe_exit(exited.process.poll())})"
                if exited.name == "web":
                    failure += f"; is port {settings.PORT} free? Set PORT to use another"
        except (OSError, RuntimeError, TimeoutError) as error:
            # A Ctrl-C during setup also interrupts the setup step: that is a stop, not a failure.
            failure = None if supervisor.stopping.is_set() else str(error)
        finally:
            supervisor.stop()
            if standin is not None:
                standin.stop()
            if redis is not None:
                redis.stop()
            remove_state(self.data_dir, os.getpid())
            self.output.line("system", "everything stopped")
        if failure:
            raise CommandError(f"{failure}; everything was stopped.")

    def set_up(self, env: dict[str, str], supervisor: Supervisor) -> str:
        """Migrate and load the default content (in fresh processes, on the run's Redis)."""
        for name, command in SETUP_STEPS:
            if supervisor.stopping.is_set():
                break
            run_once(command or procfile_command(name), settings.BASE_DIR, env, self.output, name)
        password = settings.LOCAL_ADMIN_PASSWORD or new_password()
        ensure_local_admin(password)
        return password

    def wait_until_ready(self, supervisor: Supervisor, standin: SlackStandIn | None):
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        # With the stand-in, Socket Mode is ready once the bot has connected to it.
        awaits_socket = self.socket_mode and standin is not None

        def ready() -> bool:
            connected = not awaits_socket or standin.socket.connections > 0
            if time.monotonic() > deadline:
                what = f"{self.web_url}/_ready did not answer 200"
                if not connected:
                    what = "the socket process did not connect to the stand-in"
                raise TimeoutError(f"{what} in time")
            return connected and _answers_200(f"{self.web_url}/_ready")

        return supervisor.wait(until=ready)

    def echo_call(self, call: Call) -> None:
        params = call.params
        summary = " ".join(
            f"{key}={one_line(str(params[key]), 60)!r}"
            for key in ("channel", "user", "users", "name", "timestamp", "text")
            if params.get(key)
        )
        outcome = "ok" if call.response and call.response.get("ok") else "failed"
        if call.response and call.response.get("error"):
            outcome = f"error={call.response['error']}"
        self.output.line("slack", f"{call.method} {summary} -> {outcome}")

    def banner(self, password: str, redis: LocalRedis | None, standin: SlackStandIn | None) -> str:
        python = _python_command()
        password_note = (
            "from GOPHER_ADMIN_PASSWORD"
            if settings.LOCAL_ADMIN_PASSWORD
            else "new at every start; set GOPHER_ADMIN_PASSWORD to keep one"
        )
        if standin is not None:
            slack = f"local stand-in at {standin.url} (nothing reaches real Slack)"
        else:
            shadow = "shadow mode on" if settings.SHADOW_MODE else "shadow mode off"
            slack = f"the workspace of GOPHER_SLACK_BOT_ACCESS_TOKEN ({shadow})"
        if self.socket_mode:
            events = "  Events    over Socket Mode (GOPHER_SLACK_APP_TOKEN): no public URL needed"
        else:
            events = f"  Gateway   {self.web_url}/slack/event"
        if redis is not None:
            store = f"embedded, {redis.url} (data in {_relative(redis.data_dir)})"
        else:
            store = "REDIS_URL"
        lines = [
            "",
            "gopherbot is running. Ctrl-C stops everything.",
            "",
            f"  Admin     {self.web_url}/admin/  user {LOCAL_ADMIN_USERNAME}, "
            f"password {password}  ({password_note})",
            f"  Queues    {self.web_url}/admin/rq/",
            events,
            f"  Slack     {slack}",
            f"  Redis     {store}",
            f"  Database  {_database()}",
            "",
        ]
        if standin is not None:
            lines += [
                "Chat with the bot from another terminal:",
                f"  {python} manage.py chat          (a DM with @gopher; /quit leaves)",
                f'  {python} manage.py chat "define tdd"',
                f'  {python} manage.py chat --channel general "@gopher help"',
                "",
            ]
        return "\n".join(lines)


def _child_env() -> dict[str, str]:
    """The environment every process gets: this one, with the venv's python on the PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"  # log lines as they happen, not when a buffer fills
    env["PORT"] = str(settings.PORT)
    # The web process listens on this machine only (gunicorn.conf.py reads it): the local
    # signing secret is well known. GOPHER_WEB_HOST=0.0.0.0 opens it to the network.
    env["GOPHER_WEB_HOST"] = settings.LOCAL_WEB_HOST
    env.setdefault("WEB_CONCURRENCY", "2")  # the Procfile's 4 is for production traffic
    return env


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (our own URL)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _python_command() -> str:
    try:
        return str(Path(sys.executable).relative_to(Path.cwd()))
    except ValueError:
        return "python"


def _database() -> str:
    database = settings.DATABASES["default"]
    if "sqlite" in database["ENGINE"]:
        return f"SQLite, {_relative(Path(database['NAME']))}"
    return f"{database['ENGINE'].rsplit('.', 1)[-1]} from DATABASE_URL"
