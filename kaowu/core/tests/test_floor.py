"""Core is the floor every app builds on: nothing under kaowu/core imports another kaowu app (or bench).

Every import statement counts, also those inside functions and under `if TYPE_CHECKING`: a lazy import
is still a dependency, it only hides it from the import graph."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1]
KAOWU = CORE.parent


def package_of(path: Path) -> str:
    """The package a file's relative imports start from."""
    dotted = ".".join(path.relative_to(KAOWU.parent).with_suffix("").parts)
    return dotted.removesuffix(".__init__") if path.name == "__init__.py" else dotted.rsplit(".", 1)[0]


def imported_names(source: str, *, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module's source, relative ones resolved."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from kaowu import accounts` imports the app as surely as `import kaowu.accounts` does.
            names += [(node.lineno, f"{base}.{alias.name}" if base == "kaowu" else base) for alias in node.names]
    return names


def outside_the_floor(name: str) -> bool:
    parts = name.split(".")
    if parts[0] == "bench":
        return True
    return parts[0] == "kaowu" and len(parts) > 1 and parts[1] != "core"


def test_no_module_under_core_imports_another_kaowu_app():
    offences = [
        f"{path.relative_to(KAOWU.parent)}:{line} imports {name}"
        for path in sorted(CORE.rglob("*.py"))
        for line, name in imported_names(path.read_text(encoding="utf-8"), package=package_of(path))
        if outside_the_floor(name)
    ]
    assert offences == []


def test_the_floor_check_sees_function_local_and_relative_imports():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kaowu.accounts.models import User\n"
        "def f():\n    import kaowu.scoring.selectors\n    from ...plans import models\n"
        "from kaowu import staffing\nfrom kaowu.core import ids\nfrom . import jobs\nimport bench.runner\n"
    )
    names = {name for _line, name in imported_names(source, package="kaowu.core.tests") if outside_the_floor(name)}
    assert names == {"kaowu.accounts.models", "kaowu.scoring.selectors", "kaowu.plans", "kaowu.staffing",
                     "bench.runner"}
