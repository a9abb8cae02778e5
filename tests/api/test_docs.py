"""The API's schema and its docs page, served by the app itself under the strict CSP."""

import io
import re

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client


def test_the_schema_validates_without_a_warning(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    assert "/api/v1/cases/{reference}/" in schema
    assert "tokenAuth" in schema and "bearer" in schema


def test_the_schema_is_served_to_a_token(api_for, owner):
    response = api_for(owner).get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{reference}/", "/api/v1/districts/",
            "/api/v1/categories/"} <= set(paths)
    status = response.json()["components"]["schemas"]["CaseStatusEnum"]
    assert status["enum"] == ["reported", "verified", "in_resolution", "resolved", "closed"]


def test_the_docs_page_works_under_the_strict_csp(client_for, owner):
    # given a signed-in user
    response = client_for(owner).get("/api/v1/docs/")
    # then the page is served with the strict policy, and needs nothing it forbids:
    # no inline script or style, every script and stylesheet a file of the app's own
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert "<style" not in html and " style=" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in attrs for attrs in scripts)
    assert all(href.startswith("/static/") or href.startswith("/api/")
               for href in re.findall(r'(?:src|href)="([^"]+)"', html)
               if not href.startswith("/accounts/"))
    assert 'data-schema-url="/api/v1/schema/"' in html
    # and the files it names are there
    for path in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(path), path


def test_the_docs_page_sends_an_anonymous_visitor_to_sign_in(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_schema_states_the_writes(api_for, owner):
    paths = api_for(owner).get("/api/v1/schema/?format=json").json()["paths"]
    create = paths["/api/v1/cases/"]["post"]
    assert {"200", "201", "400", "403", "422"} <= set(create["responses"])
    assert "Idempotency-Key" in [parameter["name"] for parameter in create["parameters"]]
    step = paths["/api/v1/cases/{reference}/transitions/"]["post"]
    assert {"200", "400", "403", "404"} <= set(step["responses"])
    assert "patch" in paths["/api/v1/cases/{reference}/"]
