"""alertbot.core and alertbot.text are pure: no I/O, no event loop, no logging, no clock.

Checked on the source with ``ast`` (every module, including ones added later), and
once more by importing the package in a fresh interpreter.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import alertbot.core
import alertbot.text

DOMAIN = Path(alertbot.core.__file__).parent
TEXT = Path(alertbot.text.__file__).parent
MODULES = sorted(DOMAIN.glob("*.py")) + sorted(TEXT.glob("*.py"))
PURE = ("alertbot.core", "alertbot.text")

# Top-level packages the domain must never import.
FORBIDDEN = {
    "asyncio", "aiohttp", "sqlalchemy", "aiosqlite", "asyncpg", "logging", "time",
    "twilio", "slack_sdk", "slack_bolt", "socket", "ssl", "http", "urllib", "requests",
    "httpx", "subprocess", "threading", "os", "random", "prometheus_client", "pydantic",
    "yaml",
}
# Wall-clock reads, in any spelling: datetime.now(), date.today(), time.time()...
CLOCK_CALLS = {"now", "utcnow", "today", "time", "monotonic", "perf_counter", "time_ns"}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the package
                out.append((node.lineno, "alertbot.core." + (node.module or "")))
            elif node.module:
                out.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "__import__"):
            out.append((node.lineno, "__import__"))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module"):
            out.append((node.lineno, "importlib.import_module"))
    return out


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_walk_sees_the_modules() -> None:
    names = {p.stem for p in MODULES}
    assert {"model", "durations", "plan", "incident", "policy", "commands", "messages"} <= names


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_domain_module_imports_nothing_impure(path: Path) -> None:
    bad = []
    for line, module in imported_modules(parse(path)):
        root = module.split(".")[0]
        if root in FORBIDDEN or module in {"__import__", "importlib.import_module"}:
            bad.append(f"{path.name}:{line}: imports {module}")
        elif root == "alertbot" and not module.startswith(PURE):
            bad.append(f"{path.name}:{line}: imports {module} (the domain depends on nothing)")
    assert bad == []


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_domain_module_never_reads_the_clock(path: Path) -> None:
    bad = [
        f"{path.name}:{node.lineno}: calls .{node.func.attr}()"
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
    ]
    assert bad == []


def test_decide_takes_now_as_a_parameter() -> None:
    tree = parse(DOMAIN / "policy.py")
    decide = next(n for n in ast.walk(tree)
                  if isinstance(n, ast.FunctionDef) and n.name == "decide")
    assert [a.arg for a in decide.args.args] == ["incident", "now"]
    called = {
        n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
        for n in ast.walk(decide) if isinstance(n, ast.Call)
    }
    assert not called & CLOCK_CALLS
    assert not any(module.split(".")[0] in {"time", "datetime"}
                   for _, module in imported_modules(tree))


def test_importing_the_domain_loads_nothing_impure() -> None:
    modules = ", ".join(f"alertbot.{p.parent.name}.{p.stem}" for p in MODULES
                        if p.stem != "__init__")
    code = (
        f"import sys, {modules}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'asyncio', 'aiohttp', 'sqlalchemy', 'logging', 'twilio', 'slack_sdk', 'pydantic', "
        "'yaml'} "
        "or (m.startswith('alertbot.') and not m.startswith(('alertbot.core', 'alertbot.text'))))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
