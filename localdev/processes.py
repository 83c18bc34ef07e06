"""Run the Procfile's processes for real (tests, benchmarks, local runs) and always clean up."""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name:
            return command.strip()
    raise KeyError(f"no {name!r} process in the Procfile")


@dataclass
class Running:
    process: subprocess.Popen
    log_path: Path

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def running(command: str, env: dict[str, str]) -> Iterator[Running]:
    """Start `command` in its own process group, output to a log file; stop the group after."""
    bin_dir = str(Path(sys.executable).parent)
    full_env = {**os.environ, **env, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
    log_file = tempfile.NamedTemporaryFile(prefix="gopherbot-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        ["bash", "-c", f"exec {command}"],
        cwd=ROOT,
        env=full_env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log_file.close()
    try:
        yield Running(process, Path(log_file.name))
    finally:
        stop_processes([process])
        Path(log_file.name).unlink(missing_ok=True)


def stop_processes(processes: Sequence[subprocess.Popen], timeout: float = 10) -> list[int]:
    """Stop processes started in sessions of their own, and all that they started.

    Each process gets a SIGTERM (only the process: gunicorn's master and RQ's worker stop
    their own children gracefully when left to do it), then whatever is still running in
    their process groups after `timeout` (a process that ignored it, a forked horse left
    behind) gets a SIGKILL. Returns the pids of the processes that had to be killed.
    """
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    killed = []
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            killed.append(process.pid)
    for process in processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return killed


def wait_for_http(
    url: str, timeout: float = 20.0, proc: Running | None = None, accept_any: bool = False
) -> None:
    """Wait until `url` answers 200 (or answers at all, with `accept_any`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.process.poll() is not None:
            raise RuntimeError(f"process exited with {proc.process.returncode}:\n{proc.output()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except urllib.error.HTTPError:
            if accept_any:
                return
            time.sleep(0.1)
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")
