"""Strict readers for settings taken from the environment.

A value that is present but malformed stops start-up with a message that names the
variable and what it accepts; nothing is guessed (healthchecks ``hc/settings.py`` ``envbool``).
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use true or false (also 1/0, yes/no, on/off)."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is too small: the minimum is {minimum}.")
    return number


def env_fraction(name: str, default: float) -> float:
    """A number between 0 and 1 (a share, a similarity threshold)."""
    value = env_str(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if not 0 <= number <= 1:
        raise ImproperlyConfigured(f"{name}={number} must lie between 0 and 1.")
    return number


def env_list(name: str, default: list[str] | None = None, *,
             blank_is_empty: bool = False) -> list[str]:
    """A comma-separated list. A variable set but blank is taken as unset (the default),
    unless ``blank_is_empty``: then ``NAME=`` means the empty list, and only a variable
    that is not set at all gives the default."""
    if blank_is_empty and name in os.environ and os.environ[name].strip() == "":
        return []
    value = env_str(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: dict[str, str]) -> str:
    """Map a short name from the environment to a value, e.g. EMAIL_BACKEND=smtp."""
    value = env_str(name, default)
    if value in choices:
        return choices[value]
    if "." in value:  # a dotted path is accepted as it is
        return value
    allowed = ", ".join(sorted(choices))
    raise ImproperlyConfigured(f"{name}={value!r} is not one of: {allowed} (or a dotted path).")


def package_version() -> str:
    """RiskDesk's release: the installed package's version, else pyproject.toml's (a
    checkout run without ``pip install``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("riskdesk")
    except PackageNotFoundError:
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
