"""The production processes never load the local tooling (localdev: stand-in, embedded Redis).

A fresh interpreter with the settings an operator gives imports what the Procfile's
processes run, then every module of the production packages (tests/production_imports.py),
and lists the localdev modules loaded. The import-graph test checks the same statically,
function-level imports included.
"""

import json
import subprocess
import sys

from tests.production_imports import ROOT, production_packages
from tests.test_settings import PRODUCTION_ENV


def probe(env: dict[str, str], *packages: str) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "tests/production_imports.py", *packages],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout.splitlines()[-1])


def test_the_production_processes_load_no_local_tooling():
    assert {"bot", "gateway", "gopherbot", "pollers", "slackapi"} <= set(production_packages())

    assert probe(PRODUCTION_ENV) == (0, {"localdev": [], "runbot": False})


def test_the_probe_sees_the_local_tooling_where_it_is_installed():
    returncode, found = probe({}, "localdev")
    assert returncode == 1
    assert found["runbot"] is True
    assert "localdev.standin" in found["localdev"]
