"""The image holds every app of the project: a new app folder left out of the Dockerfile
broke the image build (its collectstatic could not import the app)."""

import re
import tomllib
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_dockerfile_copies_and_compiles_every_packaged_app():
    # given the packages pyproject.toml installs ("riskdesk*" and the like)
    pyproject = tomllib.loads((BASE_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    apps = {name.rstrip("*") for name in pyproject["tool"]["setuptools"]["packages"]["find"]
            ["include"]}
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")

    # then each is copied into the image and compiled there
    copied = set(re.findall(r"^COPY (\w+)/ \1/$", dockerfile, re.MULTILINE))
    compiled = set(re.search(r"compileall -q ([\w ]+)", dockerfile).group(1).split())
    assert apps - copied == set(), "COPY these into the image"
    assert apps - compiled == set(), "compile these in the image"
