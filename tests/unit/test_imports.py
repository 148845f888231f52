"""No import cycle inside `eventapp/`: the graph of module-level imports has no loop.

Each module's imports are read with `ast` (nothing is imported to find them); relative imports
are resolved to module names, and `from package import name` counts as an import of the
submodule `package.name` when there is one, else of `package`. Importing a module also imports
the packages above it, so an import of `eventapp.a.b` counts as one of `eventapp.a` as well.

Not counted, on purpose:
- imports inside a function or method: they run when called, after every module is loaded
  (`create_app` registers the blueprints that way);
- imports under `if TYPE_CHECKING:`, which never run;
- a module importing its own package, such as a view module's `from . import bp`: Python has
  always imported the package before any module in it, and a blueprint package makes `bp`
  before it imports its view modules (the microblog layout: the package imports its views,
  the views take `bp` from the package, never from a sibling).
"""
import ast
from pathlib import Path

import eventapp

ROOT = Path(eventapp.__file__).parent


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules_of(root: Path) -> dict[str, Path]:
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_imports(nodes):
    """Import statements that run when the module is loaded (not in functions, not for type checkers)."""
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and is_type_checking(node):
            yield from module_level_imports(node.orelse)
        else:
            yield from module_level_imports(ast.iter_child_nodes(node))


def imported(name: str, path: Path, node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The modules of `known` that one import statement in module `name` (file `path`) loads."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module
    targets = set()
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        targets.add(submodule if submodule in known else base)
    return targets


def with_parents(target: str) -> set[str]:
    parts = target.split(".")
    return {".".join(parts[:n]) for n in range(1, len(parts) + 1)}


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = modules_of(root)
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        own_packages = with_parents(name)
        edges = set()
        for node in module_level_imports(ast.parse(path.read_text(encoding="utf-8"), str(path)).body):
            for target in imported(name, path, node, known):
                edges |= {t for t in with_parents(target) if t in known}
        graph[name] = edges - own_packages
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of modules (the first repeated at the end), or None."""
    done, path, on_path = set(), [], set()

    def visit(node):
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_path:
                return path[path.index(nxt):] + [nxt]
            if nxt not in done:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_eventapp_has_no_import_cycle():
    cycle = find_cycle(import_graph(ROOT))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_graph_sees_the_imports_of_views_and_packages():
    graph = import_graph(ROOT)
    assert "eventapp.admin.events" in graph["eventapp.admin"]
    assert "eventapp.services.exceptions" in graph["eventapp.forms"] | graph["eventapp.actions"]
    assert "eventapp.admin" not in graph["eventapp.admin.events"]  # its own package (`from . import bp`)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "app"


def test_a_cycle_between_siblings_is_found(tmp_path):
    root = write(tmp_path, {
        "app/__init__.py": "",
        "app/views/__init__.py": "from flask import Blueprint\nbp = Blueprint('v', __name__)\n",
        "app/views/routes.py": "from .lookups import get_event\n",
        "app/views/lookups.py": "import os\n\nfrom .routes import bp\n",
    })
    assert find_cycle(import_graph(root)) == ["app.views.lookups", "app.views.routes", "app.views.lookups"]


def test_a_cycle_through_a_package_and_a_module_it_names_is_found(tmp_path):
    root = write(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "from app.b import thing\n",
        "app/b/__init__.py": "from ..c import other\nthing = 1\n",
        "app/c.py": "from . import a\nother = 2\n",
    })
    assert find_cycle(import_graph(root)) == ["app.a", "app.b", "app.c", "app.a"]


def test_imports_in_functions_and_for_type_checkers_and_of_the_own_package_are_not_counted(tmp_path):
    root = write(tmp_path, {
        "app/__init__.py": "def create():\n    from .views import bp\n    return bp\n",
        "app/views/__init__.py": "bp = object()\nfrom . import routes  # noqa\n",
        "app/views/routes.py": (
            "from typing import TYPE_CHECKING\nfrom . import bp\n"
            "if TYPE_CHECKING:\n    from app.views import other\n"
        ),
        "app/views/other.py": "from .routes import bp\n",
    })
    graph = import_graph(root)
    assert graph["app"] == set()
    assert graph["app.views"] == {"app.views.routes"}
    assert graph["app.views.routes"] == set()
    assert find_cycle(graph) is None
