"""The small file a running `manage.py runbot` leaves for `manage.py chat`: where things are."""

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

STATE_FILE = "runbot.json"


@dataclass(frozen=True)
class RunState:
    web_url: str  # http://127.0.0.1:PORT
    standin_url: str | None  # the stand-in's root URL; None when talking to real Slack
    pid: int
    socket_mode: bool = False  # events come over Socket Mode, not POST /slack/event


def state_path(data_dir: Path) -> Path:
    return data_dir / STATE_FILE


def write_state(data_dir: Path, state: RunState) -> Path:
    path = state_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2) + "\n")
    os.replace(temporary, path)  # a reader never sees half a file
    return path


def read_state(data_dir: Path) -> RunState | None:
    try:
        data = json.loads(state_path(data_dir).read_text())
        return RunState(**data)
    except (OSError, ValueError, TypeError):
        return None


def remove_state(data_dir: Path, pid: int) -> None:
    """Remove the state file if it is still ours (a newer runbot may have replaced it)."""
    state = read_state(data_dir)
    if state is not None and state.pid == pid:
        with contextlib.suppress(FileNotFoundError):
            state_path(data_dir).unlink()
