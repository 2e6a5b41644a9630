"""The shape of the code base: no import cycles between kaowu's modules, and the pure packages import no Django."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KAOWU = ROOT / "kaowu"


def kaowu_modules() -> dict[str, Path]:
    """Dotted name → file of every module of kaowu (migrations left out: Django loads them itself)."""
    modules = {}
    for path in sorted(KAOWU.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts).removesuffix(".__init__")
        modules[name] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import statements that run when the module is imported: its body, class bodies, `if`/`try`/`with`
    blocks; not function bodies and not `if TYPE_CHECKING` blocks, which never run at import time."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append(node)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try | ast.TryStar):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, ast.With | ast.ClassDef):
                visit(node.body)

    visit(tree.body)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the kaowu modules it imports at module level. `from x import y` is x.y when that is a module."""
    modules = kaowu_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in module_level_imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            graph[name] |= {target for target in targets if target in modules and target != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return sorted(cycles)


def test_the_cycle_finder_finds_a_cycle_and_ignores_a_chain():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_inside_functions_and_under_type_checking_do_not_count():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nimport kaowu.core.ids\n"
        "if TYPE_CHECKING:\n    import kaowu.accounts.models\n"
        "def f():\n    import kaowu.scoring.models\n"
        "class A:\n    import kaowu.plans.models\n"
        "try:\n    import kaowu.sites.models\nexcept ImportError:\n    pass\n"
    )
    names = [alias.name for node in module_level_imports(tree) for alias in node.names]
    assert names == ["TYPE_CHECKING", "kaowu.core.ids", "kaowu.plans.models", "kaowu.sites.models"]


def test_no_import_cycle_between_kaowu_modules_at_module_level():
    cycles = import_cycles(import_graph())
    assert cycles == [], "\n".join(" ↔ ".join(cycle) for cycle in cycles)


# Pure packages: dataclasses in, dataclasses out, no Django (DESIGN.md §5).
PURE = [
    "kaowu.catalog.eligibility",
    "kaowu.arrangement.solver",
    "kaowu.staffing.solver",
    "kaowu.scoring.composition",
    "kaowu.scoring.deadlines",
    "kaowu.arrangement.numbering",
    "kaowu.certificates.numbering",
    "kaowu.certificates.signing",
    "kaowu.core.workdays",
    "kaowu.core.ids",
    "kaowu.arrangement.lottery",
]

# Run in a fresh interpreter: in the test process Django is imported already and would hide a violation.
# The finder refuses Django and every kaowu module that is neither pure nor a package on the way to one.
BLOCKED_IMPORT = """
import importlib, sys

PURE = {pure!r}
PARENTS = {{name.rsplit(".", depth)[0] for name in PURE for depth in range(1, name.count(".") + 1)}}


class Refuse:
    def find_spec(self, name, path=None, target=None):
        kaowu_impure = name.startswith("kaowu.") and name not in PARENTS and not any(
            name == pure or name.startswith(pure + ".") for pure in PURE)
        if name == "django" or name.startswith("django.") or kaowu_impure:
            raise ImportError(f"{{name}} imported while importing {{sys.argv[1]}}")
        return None


sys.meta_path.insert(0, Refuse())
importlib.import_module(sys.argv[1])
"""


@pytest.mark.parametrize("module", PURE)
def test_a_pure_package_imports_without_django(module):
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT.format(pure=PURE), module],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_pure_check_notices_django():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORT.format(pure=[*PURE, "kaowu.core.models"]), "kaowu.core.models"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0 and "django" in result.stderr and "while importing kaowu.core.models" in result.stderr
