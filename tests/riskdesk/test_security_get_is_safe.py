"""No GET changes anything: every page, opened by the people who may change the most,
writes nothing but the session and the audit log (a read of sensitive data is audited)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.conftest import case, categories, make_case  # noqa: F401 (fixtures)
from tests.urlwalk import SAMPLE, walk

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
ALLOWED_TABLES = {"django_session", "riskdesk_auditentry"}


def writes(queries):
    found = []
    for query in queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in ALLOWED_TABLES:
            found.append(query["sql"][:120])
    return found


def urls_with(case):  # noqa: F811
    """Every walkable URL, with the real case's reference where one is asked for."""
    for name, url in walk():
        if url.startswith("/admin/"):
            continue  # the admin site's own GET pages are Django's
        yield name, url.replace(SAMPLE["ref"], case.reference)


@pytest.mark.parametrize("who", ["owner", "district_supervisor", "admin_user"])
def test_no_get_writes_anything(request, client_for, case, who, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    client = client_for(request.getfixturevalue(who))
    client.get("/")  # the first request may store the session's activity time
    problems = []
    for name, url in urls_with(case):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{name} {url}: {response.status_code}")
        found = writes(captured.captured_queries)
        if found:
            problems.append(f"{name} {url}: {found}")
    assert problems == []


def test_the_walk_reaches_the_case_pages(case):  # noqa: F811
    urls = dict(urls_with(case))
    assert urls["cases:detail"] == f"/cases/{case.reference}/"
    assert urls["cases:reveal"] == f"/cases/{case.reference}/reveal/nothing-here/"
