"""Handlers receive their collaborators explicitly (issue 10, decision 0046).

Only the composition root (``alertbot/app.py`` and ``alertbot/wiring.py``) reads what
the aiohttp ``Application`` holds (``appkeys``): every other module is given what it
uses in its constructor or arguments, so the import graph shows who depends on what and
a handler can be built with fakes. Checked on the source with ``ast`` (every module,
including ones added later) and with a plain text search for the two old spellings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import alertbot

PACKAGE = Path(alertbot.__file__).parent
ROOT = {PACKAGE / "app.py", PACKAGE / "wiring.py", PACKAGE / "appkeys.py"}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p not in ROOT)
# The one reading of ``request.app`` left: the read guard middleware finds the
# connection table that ``serving.start`` keeps on the app (its own key, not a
# collaborator: the app under a test client has none).
ALLOWED_APP_READS = {("web/serving.py", "request.app.get(CONNECTIONS)")}


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _imports_appkeys(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.module == "alertbot.appkeys" or (
            node.module == "alertbot" and any(a.name == "appkeys" for a in node.names))
    if isinstance(node, ast.Import):
        return any(a.name == "alertbot.appkeys" for a in node.names)
    return False


def test_the_walk_sees_the_handlers() -> None:
    names = {_name(p) for p in MODULES}
    assert {"twilio/sms_webhook.py", "twilio/voice_call.py", "slack/inbound.py",
            "web/api.py", "web/console/routes.py", "sandbox/routes.py"} <= names
    assert "app.py" not in names and "wiring.py" not in names


def test_no_module_but_the_composition_root_reads_the_apps_keys() -> None:
    found: list[str] = []
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            if "request.app[" in line or "app[appkeys." in line:
                found.append(f"{_name(path)}:{number}: {line.strip()}")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if _imports_appkeys(node):
                found.append(f"{_name(path)}:{node.lineno}: imports alertbot.appkeys")
    assert not found, "read app keys outside app.py/wiring.py:\n" + "\n".join(found)


def test_no_handler_reaches_into_the_application() -> None:
    """``request.app``, ``self.app``, ``call.request.app``…: any ``.app`` attribute is a
    way round the constructor (Slack's inbound kept the whole Application)."""
    found: list[str] = []
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.Attribute) and node.attr == "app":
                line = lines[node.lineno - 1]
                if not any(_name(path) == where and spelled in line
                           for where, spelled in ALLOWED_APP_READS):
                    found.append(f"{_name(path)}:{node.lineno}: {line.strip()}")
    assert not found, "reaches into the Application:\n" + "\n".join(found)


def test_the_check_would_catch_the_old_spelling() -> None:
    """The text check is not vacuous: the spelling of before issue 10 is found."""
    old = "store = request.app[appkeys.STORE]\n"
    assert "request.app[" in old and "app[appkeys." in old
    tree = ast.parse(old)
    assert any(isinstance(n, ast.Attribute) and n.attr == "app" for n in ast.walk(tree))
