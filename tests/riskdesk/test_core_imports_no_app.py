"""The arrows point one way (ARCHITECTURE.md): the core ``riskdesk`` imports no domain app;
only ``riskdesk/urls.py`` includes them all."""

import ast
from pathlib import Path

from django.conf import settings

DOMAIN_APPS = {"cases", "assessments", "reports"}
CORE = Path(settings.BASE_DIR) / "riskdesk"


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_core_imports_no_domain_app():
    # given every module of the core but its URL map and its migrations
    modules = [path for path in sorted(CORE.rglob("*.py"))
               if path != CORE / "urls.py" and "migrations" not in path.parts]
    assert CORE / "views.py" in modules

    # when their imports are read
    offending = [
        f"{path.relative_to(CORE.parent)} imports {name}"
        for path in modules
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if name.split(".")[0] in DOMAIN_APPS
    ]

    # then none of them names a domain app
    assert offending == []
