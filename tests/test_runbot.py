"""`manage.py runbot` exactly as `make run` starts it: the whole bot, a chat with it, Ctrl-C."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.core.management import CommandError, call_command

from localdev.local_redis import free_port
from localdev.processes import ROOT, procfile_command
from localdev.state import RunState, read_state, write_state

READY_TIMEOUT_SECONDS = 45


def local_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A developer's shell on a fresh checkout: no Redis, no Slack token, its own data folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "ENV", "GOPHER_SLACK_API_URL")
        and not key.startswith("GOPHER_SLACK_")
    }
    nowhere = f"http://127.0.0.1:{free_port()}"  # the pollers' outside services: refused
    env.update(
        GOPHER_PLAYGROUND_URL=nowhere,
        GOPHER_GERRIT_URL=nowhere,
        GOPHER_CHANGELOG_URL=nowhere,
        GOPHER_MASTODON_URL=nowhere,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PORT=str(free_port()),
        GOPHER_LOCAL_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def wait_until_running(runbot: subprocess.Popen, env: dict, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if runbot.poll() is not None:
            raise AssertionError(f"runbot exited with {runbot.returncode}:\n{log.read_text()}")
        state = read_state(Path(env["GOPHER_LOCAL_DIR"]))
        if state is not None:
            try:
                with urllib.request.urlopen(f"{state.web_url}/_ready", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
        time.sleep(0.2)
    raise AssertionError(f"runbot was not ready in {READY_TIMEOUT_SECONDS} s:\n{log.read_text()}")


def start_runbot(env: dict, log: Path) -> subprocess.Popen:
    """`manage.py runbot`, its output in `log`, in a session of its own so that a failing
    test can still clean up the lot."""
    with log.open("w") as out:
        return subprocess.Popen(
            manage("runbot"),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def chat(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        manage("chat", *args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )


def test_the_whole_bot_answers_a_chat_and_stops_on_ctrl_c(tmp_path):
    env = local_env(tmp_path)
    log = tmp_path / "runbot.log"
    runbot = start_runbot(env, log)
    descendants: list[psutil.Process] = []
    try:
        wait_until_running(runbot, env, log)
        descendants = psutil.Process(runbot.pid).children(recursive=True)
        commands = " ".join(command_line(p) for p in descendants)
        for expected in (
            "redis-server",
            "gunicorn gopherbot.wsgi",
            *map(procfile_command, ("worker", "scheduler")),
        ):
            assert expected in commands

        output = log.read_text()
        # Only this machine can reach it: the local signing secret is well known.
        assert f"Listening at: http://127.0.0.1:{env['PORT']} " in output
        assert re.search(r"Admin +http://127\.0\.0\.1:\d+/admin/ +user admin, password \S+", output)
        assert re.search(r"Slack +local stand-in at http://127\.0\.0\.1:\d+/api/", output)
        assert "manage.py chat" in output

        help_reply = chat(env, "help")
        assert help_reply.returncode == 0, help_reply.stderr
        assert help_reply.stdout.startswith("gopher: ")
        assert "flip a coin" in help_reply.stdout

        coin = chat(env, "--dm", "flip a coin")
        assert coin.returncode == 0, coin.stderr
        assert re.fullmatch(r"gopher: .*\b(heads|tails)\b.*", coin.stdout.strip(), re.I)
    finally:
        os.kill(runbot.pid, signal.SIGINT)
        try:
            runbot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(runbot.pid, signal.SIGKILL)
            raise

    assert runbot.returncode == 0, log.read_text()
    left_behind = [p for p in descendants if _alive(p)]
    assert left_behind == []
    groups = {runbot.pid} | {p.pid for p in descendants}
    in_those_groups = [
        p.info
        for p in psutil.process_iter(["pid", "cmdline", "status"])
        if _pgid(p.pid) in groups and p.info["status"] != psutil.STATUS_ZOMBIE
    ]
    assert in_those_groups == []
    assert read_state(Path(env["GOPHER_LOCAL_DIR"])) is None
    assert log.read_text().rstrip().endswith("everything stopped")
    assert "Traceback" not in log.read_text() and "Logging error" not in log.read_text()


def test_runbot_does_not_exist_in_production(tmp_path):
    env = local_env(
        tmp_path,
        ENV="production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="gopherbot.example",
        GOPHER_SLACK_APP_ID="A123",
        GOPHER_SLACK_TEAM_ID="T123",
        GOPHER_SLACK_REQUEST_SECRET="secret",
        GOPHER_SLACK_BOT_ACCESS_TOKEN="xoxb-real",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    result = subprocess.run(
        manage("runbot"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )

    # The local tooling is not even installed in production.
    assert result.returncode == 1
    assert "Unknown command: 'runbot'" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "var").exists()


def command_line(process: psutil.Process) -> str:
    # A short-lived child (a migrate run, say) may end between listing and reading it.
    try:
        return " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return ""


def _alive(process: psutil.Process) -> bool:
    # A zombie has ended; only its parent (or init, once orphaned) has yet to collect it.
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def test_runbot_will_not_start_twice_on_one_data_folder(settings, tmp_path):
    settings.LOCAL_DATA_DIR = tmp_path
    write_state(tmp_path, RunState("http://127.0.0.1:8000", "http://127.0.0.1:9000", os.getpid()))

    with pytest.raises(
        CommandError, match=r"already running \(pid \d+, http://127\.0\.0\.1:8000\)"
    ):
        call_command("runbot")
    assert not (tmp_path / "redis").exists()
