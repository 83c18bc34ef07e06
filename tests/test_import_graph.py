"""The project's modules import each other one way: a new import cycle fails here.

grimp reads every import statement of the project's packages, imports inside functions
included, without running them. Three rules:
- no module imports, directly or through others, a module that imports it back;
- the packages (the Django apps, gopherbot, localdev, tests, bench) depend one way, leaving
  out the modules that name every app to assemble the site (gopherbot.urls, gopherbot.wsgi);
- nothing outside the local tooling's users imports localdev (it is not installed in
  production; test_local_tooling_boundary checks the running processes too).
"""

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(path.parent.name for path in ROOT.glob("*/__init__.py"))
ASSEMBLY = ("gopherbot.urls", "gopherbot.wsgi")
LOCAL_TOOLING_USERS = {"localdev", "tests", "bench"}


def build_graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return build_graph()


def cycles(graph: grimp.ImportGraph) -> list[str]:
    """Each cycle once, as `a -> b -> ... -> a` starting from its smallest module name."""
    found = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                loop = [module, *back[:-1]]
                start = loop.index(min(loop))
                loop = loop[start:] + loop[:start]
                found.add(" -> ".join([*loop, loop[0]]))
    return sorted(found)


def where(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"{importer}:{d['line_number']}" for d in details)


def test_the_graph_holds_every_package_and_function_level_imports(graph):
    assert {"bot", "gateway", "glossary", "gopherbot", "pollers", "responses"} <= set(PACKAGES)
    # bot.context imports the Playground upload inside a method; grimp sees it.
    assert "bot.playground_upload" in graph.find_modules_directly_imported_by("bot.context")


def test_no_module_imports_itself_back(graph):
    assert cycles(graph) == []


def test_the_packages_depend_one_way():
    graph = build_graph()
    for module in ASSEMBLY:
        graph.remove_module(module)
    for package in PACKAGES:
        graph.squash_module(package)
    assert cycles(graph) == []


def test_the_production_code_never_imports_the_local_tooling(graph):
    offenders = [
        where(graph, module, imported)
        for module in sorted(graph.modules)
        if module.split(".")[0] not in LOCAL_TOOLING_USERS
        for imported in sorted(graph.find_modules_directly_imported_by(module))
        if imported.split(".")[0] == "localdev"
    ]
    assert offenders == []


def test_a_cycle_is_found_and_named():
    graph = grimp.ImportGraph()
    graph.add_import(importer="app.b", imported="app.c", line_number=3, line_contents="")
    graph.add_import(importer="app.c", imported="app.b", line_number=9, line_contents="")
    graph.add_import(importer="app.a", imported="app.b", line_number=1, line_contents="")

    assert cycles(graph) == ["app.b -> app.c -> app.b"]
