"""The production processes never load the local tooling (localdev: stand-in, embedded Redis).

A fresh interpreter, with the settings an operator gives, imports what the Procfile's
processes run (the WSGI app with its URLs and admin, the commands, the worker class), then
every module of the project's production packages, and lists the localdev modules loaded.
The import-graph test checks the same statically, function-level imports included.
"""

import json
import subprocess
import sys
from pathlib import Path

from tests.test_settings import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent
NOT_PRODUCTION = {"localdev", "tests", "bench"}

PROBE = """
import importlib, json, pkgutil, sys
import gopherbot.wsgi
from django.core.management import get_commands, load_command_class
from django.urls import get_resolver

get_resolver().url_patterns
commands = get_commands()
for name in ("rqworker", "run_scheduler", "migrate"):
    load_command_class(commands[name], name)
for package in sys.argv[1:]:
    path = importlib.import_module(package).__path__
    for module in pkgutil.walk_packages(path, package + "."):
        importlib.import_module(module.name)
loaded = sorted(m for m in sys.modules if m == "localdev" or m.startswith("localdev."))
print(json.dumps({"localdev": loaded, "runbot": "runbot" in commands}))
"""


def production_packages() -> list[str]:
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_PRODUCTION
    )


def probe(env: dict[str, str], packages: list[str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *packages],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "gopherbot.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_production_processes_load_no_local_tooling():
    packages = production_packages()
    assert {"bot", "gateway", "gopherbot", "pollers", "slackapi"} <= set(packages)

    assert probe(PRODUCTION_ENV, packages) == {"localdev": [], "runbot": False}


def test_the_probe_sees_the_local_tooling_where_it_is_installed():
    found = probe({}, ["localdev"])
    assert found["runbot"] is True
    assert "localdev.standin" in found["localdev"]
