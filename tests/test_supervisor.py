"""The supervisor behind runbot: merged output, one exit stops all, nothing left behind."""

import io
import os
import time

import psutil

from localdev.supervisor import Output, Supervisor, run_once


def test_stop_ends_every_process_and_what_they_started(tmp_path):
    output = io.StringIO()
    supervisor = Supervisor(tmp_path, dict(os.environ), Output(output))
    # A process that starts a grandchild of its own, the way gunicorn and RQ fork.
    parent = supervisor.start("forker", "sh -c 'sleep 60 & echo forked; wait'")
    supervisor.start("sleeper", "sleep 60")
    deadline = time.monotonic() + 5
    while "forked" not in output.getvalue() and time.monotonic() < deadline:
        time.sleep(0.05)
    everyone = psutil.Process(parent.process.pid).children(recursive=True)
    everyone += [psutil.Process(child.process.pid) for child in supervisor.children]

    supervisor.stop(timeout=5)

    assert [p for p in everyone if p.is_running() and p.status() != "zombie"] == []
    assert "forker    | forked\n" in output.getvalue()
    assert "sleeper stopped (signal SIGTERM)" in output.getvalue()


def test_a_process_that_exits_is_reported_so_the_rest_can_be_stopped(tmp_path):
    output = io.StringIO()
    supervisor = Supervisor(tmp_path, dict(os.environ), Output(output))
    supervisor.start("steady", "sleep 60")
    supervisor.start("flaky", "sh -c 'echo giving up; exit 3'")

    exited = supervisor.wait()
    supervisor.stop(timeout=5)

    assert exited.name == "flaky"
    assert "flaky stopped (exit code 3)" in output.getvalue()
    assert "steady stopped (signal SIGTERM)" in output.getvalue()


def test_a_failed_setup_step_shows_all_its_output(tmp_path):
    output = io.StringIO()

    try:
        run_once("echo one; echo two; exit 1", tmp_path, dict(os.environ), Output(output), "step")
        raise AssertionError("a failing step passed")
    except RuntimeError as error:
        assert "failed with exit code 1" in str(error)
    assert output.getvalue() == "step      | one\nstep      | two\n"


def test_a_setup_step_that_works_shows_its_last_line(tmp_path):
    output = io.StringIO()

    run_once("echo one; echo two", tmp_path, dict(os.environ), Output(output), "step")

    assert output.getvalue() == "step      | two\n"
