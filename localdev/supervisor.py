"""A small Procfile supervisor: start every process, merge their output, stop them all together.

Each process runs in its own session (so its whole process group can be signalled, and a
Ctrl-C in the terminal reaches only the supervisor, which then stops everyone in order).
When one process exits, the others are stopped too, like foreman and honcho do.
"""

import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from localdev.processes import stop_processes

STOP_TIMEOUT_SECONDS = 10.0


@dataclass
class Child:
    name: str
    command: str
    process: subprocess.Popen
    reader: threading.Thread | None = None
    returncode: int | None = field(default=None)


class Output:
    """Writes whole lines from many threads to one stream, each under a name column."""

    def __init__(self, stream: TextIO = sys.stdout, width: int = 9):
        self.stream = stream
        self.width = width
        self._lock = threading.Lock()

    def line(self, name: str, text: str) -> None:
        with self._lock:
            self.stream.write(f"{name:<{self.width}} | {text.rstrip()}\n")
            self.stream.flush()

    def block(self, text: str) -> None:
        with self._lock:
            self.stream.write(text if text.endswith("\n") else text + "\n")
            self.stream.flush()


class Supervisor:
    def __init__(self, cwd: Path, env: dict[str, str], output: Output | None = None):
        self.cwd = cwd
        self.env = env
        self.output = output or Output()
        self.children: list[Child] = []
        self.stopping = threading.Event()

    def start(self, name: str, command: str) -> Child:
        # The shell expands the Procfile's ${PORT:-8000}, then exec makes the command the
        # process itself, so that a SIGTERM reaches it (a Procfile line is one command).
        process = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {command}"],
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
            errors="replace",
            bufsize=1,
        )
        child = Child(name, command, process)
        child.reader = threading.Thread(
            target=self._relay, args=(child,), name=f"output-{name}", daemon=True
        )
        child.reader.start()
        self.children.append(child)
        self.output.line("system", f"{name} started (pid {process.pid}): {command}")
        return child

    def _relay(self, child: Child) -> None:
        for line in child.process.stdout:
            self.output.line(child.name, line)
        child.process.stdout.close()

    def handle_signals(self) -> None:
        """SIGINT and SIGTERM ask for a clean stop (call from the main thread)."""

        def stop(signum: int, frame) -> None:
            if not self.stopping.is_set():
                self.output.line("system", f"{signal.Signals(signum).name} received, stopping")
            self.stopping.set()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

    def exited(self) -> Child | None:
        """The first child that has exited on its own, if any."""
        for child in self.children:
            if child.process.poll() is not None:
                return child
        return None

    def wait(self, until: Callable[[], bool] | None = None, poll: float = 0.2) -> Child | None:
        """Block until a stop is asked for, `until()` holds, or a child exits (returned)."""
        while not self.stopping.is_set():
            child = self.exited()
            if child is not None:
                return child
            if until is not None and until():
                return None
            self.stopping.wait(poll)
        return None

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> None:
        """SIGTERM every process, then SIGKILL whatever is left in their groups after `timeout`."""
        self.stopping.set()
        killed = stop_processes([child.process for child in self.children], timeout)
        for child in self.children:
            child.returncode = child.process.returncode
            if child.reader is not None:
                child.reader.join(timeout=2)
            if child.process.pid in killed:
                self.output.line("system", f"{child.name} did not stop in time; killed it")
            self.output.line("system", f"{child.name} stopped ({describe_exit(child.returncode)})")


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "still running"
    if returncode < 0:
        return f"signal {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


def run_once(command: str, cwd: Path, env: dict[str, str], output: Output, name: str) -> None:
    """Run a setup step to completion; relay its last line, or all of it when it fails."""
    process = subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
    )
    lines = [line for line in (process.stdout + process.stderr).splitlines() if line.strip()]
    for line in lines if process.returncode != 0 else lines[-1:]:
        output.line(name, line)
    if process.returncode != 0:
        raise RuntimeError(f"{command} failed with {describe_exit(process.returncode)}")
