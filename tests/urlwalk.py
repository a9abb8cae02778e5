"""Walk the URL conf so that checks cover every page, including ones added later."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE = {"int": "987654", "str": "nothing-here", "slug": "nothing-here", "path": "nothing-here",
          "uuid": "00000000-0000-0000-0000-000000000000", "ref": "RC-2000-99999"}
ROUTE_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def _pattern_text(pattern, raw=False) -> str | None:
    """The pattern as a URL with sample values (or its route as written, when ``raw``),
    or None when it cannot be filled in."""
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):
        if raw:
            return text
        return ROUTE_PARAM.sub(lambda m: SAMPLE.get(m["conv"] or "str", "x"), text)
    if REGEX_GROUP.search(text) or any(ch in text for ch in "[]|*+?"):
        return None  # regex with alternatives (Django admin's app index): not walkable
    return text.lstrip("^").rstrip("$").replace("\\", "")


def walk(patterns=None, prefix="", namespace="", *, raw=False):
    """Yield (name, url) for every URL pattern that can be filled in with sample values.

    With ``raw=True`` the URL keeps its parameters as written (``cases/<ref:reference>/``),
    for checks that fill them with real objects (see :func:`fill`)."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        part = _pattern_text(pattern, raw)
        if part is None:
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + part, inner, raw=raw)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield name, "/" + prefix + part


def params(route: str) -> list[str]:
    """The parameter names of a raw route, in order."""
    return [match["name"] for match in ROUTE_PARAM.finditer(route)]


def fill(route: str, values: dict) -> str:
    """The raw route with each parameter replaced by ``values[name]``."""
    return ROUTE_PARAM.sub(lambda m: str(values[m["name"]]), route)
