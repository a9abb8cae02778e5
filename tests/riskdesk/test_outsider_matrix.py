"""The outsider matrix: every URL with an object in it, filled with REAL objects of
another district (or agency), answers a staff member of another district and an assessor
of another agency with 404, and changes nothing, for GET and POST. Lists, exports and
form choices leave the foreign rows out.

URLs are found by walking the URL conf; a new URL whose parameter is not mapped to an
object in ``tests/world.py`` fails here until it is, so new URLs are covered.
"""

import io

import pytest
from openpyxl import load_workbook

from tests.urlwalk import fill, params, walk
from tests.world import differences, route_values, snapshot, values_for

# The Django admin site is for administrators only: anyone else is sent to its sign-in
# (tests/riskdesk/test_pages.py and the check below); its object URLs need no mapping.
ADMIN = "/admin/"


def object_urls(world):
    """(name, url) for every URL pattern with a parameter, filled with ``world``."""
    table = route_values(world)
    for name, route in walk(raw=True):
        names = params(route)
        if not names or route.startswith(ADMIN):
            continue
        values = values_for(name or "", names, table)
        assert values is not None, (
            f"URL {route} ({name}) has parameters {names} that tests/world.py does not map "
            "to an object: add them to route_values() so the outsider matrix covers it")
        yield name, fill(route, values)


def test_every_object_url_is_mapped_and_the_walk_finds_them(world):
    names = {name for name, _url in object_urls(world)}
    assert {"cases:detail", "cases:attachment", "supervision:decide", "decisions:report",
            "agencies:document", "notification_read", "api:order-decide",
            "api:notification-read"} <= names


@pytest.mark.parametrize("who", ["outsider", "other_assessor"])
def test_a_foreign_user_gets_404_on_every_object_url_and_changes_nothing(
        request, client_for, world, who):
    client = client_for(request.getfixturevalue(who))
    before = snapshot()
    failures = []
    for name, url in object_urls(world):
        for method in ("get", "post"):
            status = getattr(client, method)(url, {"note": "x", "reason": "x"}).status_code
            if status not in (404, 405):
                failures.append(f"{method.upper()} {url} ({name}) answered {status}")
    assert not failures, "\n".join(failures)
    assert differences(before, snapshot()) == []


@pytest.mark.parametrize("who", ["outsider", "other_assessor"])
def test_admin_site_sends_a_foreign_user_to_its_sign_in(request, client_for, world, who):
    client = client_for(request.getfixturevalue(who))
    response = client.get(f"/admin/cases/case/{world.case.pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


LISTS = ["/", "/cases/", "/cases/export.csv", "/cases/export.xlsx", "/supervision/",
         "/supervision/export.csv", "/supervision/export.xlsx", "/decisions/",
         "/decisions/export.csv", "/decisions/export.xlsx", "/agencies/", "/notifications/",
         "/cases/new/", "/decisions/new/",
         "/trainings/", "/trainings/new/", "/cases/import/",
         "/api/v1/orders/", "/api/v1/notifications/"]


def body(response) -> bytes:
    """The response's text; a workbook's cells for .xlsx."""
    raw = (b"".join(response.streaming_content) if getattr(response, "streaming", False)
           else response.content)
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(raw), read_only=True).worksheets[0]
        return repr(list(sheet.iter_rows(values_only=True))).encode()
    return raw


@pytest.mark.parametrize("who", ["outsider", "other_assessor"])
def test_lists_exports_dashboards_and_form_choices_leave_foreign_rows_out(
        request, client_for, world, owner, district, who):
    client = client_for(request.getfixturevalue(who))
    secrets = [world.case.reference.encode(), world.case.title.encode(),
               world.decision.title.encode(), world.agency.name.encode(),
               owner.get_full_name().encode(), owner.username.encode(),
               district.name_en.encode()]  # not even as a choice in a filter or a form
    for url in LISTS:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url  # 403: not for this role
        content = body(response)
        leaked = [s for s in secrets if s in content]
        assert not leaked, f"{url} shows {leaked}"


def test_the_same_lists_do_show_the_rows_to_the_owner(client_for, world, owner):
    # given the check above could pass on empty pages: the owner does see them
    client = client_for(owner)
    assert world.case.reference.encode() in client.get("/cases/").content
    assert world.case.reference.encode() in body(client.get("/cases/export.csv"))
    assert world.case.reference.encode() in body(client.get("/cases/export.xlsx"))
    assert world.decision.title.encode() in client.get("/decisions/").content
    for export in ("/supervision/export.csv", "/supervision/export.xlsx"):
        assert world.case.reference.encode() in body(client.get(export))
    for export in ("/decisions/export.csv", "/decisions/export.xlsx"):
        assert world.decision.title.encode() in body(client.get(export))
    assert world.case.reference.encode() in client.get("/api/v1/orders/").content
    assert world.case.reference.encode() in client.get("/api/v1/notifications/").content
