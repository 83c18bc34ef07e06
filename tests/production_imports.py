"""Import what production runs and say which localdev modules got loaded (none, it must be).

Run as a script (`python tests/production_imports.py [PACKAGE ...]`) with production's
settings in the environment: by test_local_tooling_boundary, and by .ci/run in a virtualenv
holding requirements.txt alone, which so proves that production's code runs on it. Imports
the WSGI app with its URLs and admin, the commands the Procfile runs, then every module of
the packages named (by default every package but localdev, tests and bench). Prints one JSON
line; exits 1 when a localdev module was loaded.
"""

import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_PRODUCTION = {"localdev", "tests", "bench"}
PROCFILE_COMMANDS = ("rqworker", "run_scheduler", "migrate")


def production_packages() -> list[str]:
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_PRODUCTION
    )


def main(packages: list[str]) -> int:
    sys.path[0] = str(ROOT)  # not tests/, where the script is
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gopherbot.settings")
    importlib.import_module("gopherbot.wsgi")  # sets Django up, as gunicorn does

    from django.core.management import get_commands, load_command_class
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view and the admin)
    commands = get_commands()
    for name in PROCFILE_COMMANDS:
        load_command_class(commands[name], name)
    for package in packages:
        path = importlib.import_module(package).__path__
        for module in pkgutil.walk_packages(path, package + "."):
            importlib.import_module(module.name)
    loaded = sorted(m for m in sys.modules if m == "localdev" or m.startswith("localdev."))
    print(json.dumps({"localdev": loaded, "runbot": "runbot" in commands}))
    return 1 if loaded else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or production_packages()))
