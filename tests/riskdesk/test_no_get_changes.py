"""No GET changes anything: every URL, filled with real objects the user may see, is
fetched with GET and every row of every model is the same afterwards (the audit log of
downloads and exports aside: recording who read what is the point of it)."""

import pytest

from tests.urlwalk import fill, params, walk
from tests.world import differences, route_values, snapshot, values_for

ADMIN = "/admin/"


def every_url(world):
    """(name, url) for every URL pattern: objects of ``world`` where one is named; the
    admin site's object URLs with the objects' primary keys."""
    table = route_values(world)
    for name, route in walk(raw=True):
        names = params(route)
        if route.startswith(ADMIN):
            values = dict.fromkeys(names, world.case.pk)
        else:
            values = values_for(name or "", names, table)
            assert values is not None, f"{route} ({name}): add its parameters to tests/world.py"
        yield name, fill(route, values)


@pytest.mark.parametrize("who", ["admin_user", "owner", "district_supervisor", "assessor"])
def test_get_on_every_url_changes_nothing(request, client_for, world, who):
    # given a user who may see the objects, already signed in
    client = client_for(request.getfixturevalue(who))
    client.get("/")
    before = snapshot()
    # when every URL is fetched with GET
    answers = {}
    for _name, url in every_url(world):
        answers[url] = client.get(url).status_code
    # then nothing in the database changed but the audit log (downloads and exports are
    # recorded), and no page failed
    assert differences(before, snapshot()) in ([], ["riskdesk.AuditEntry"])
    assert not [url for url, status in answers.items() if status >= 500]
    assert sum(status == 200 for status in answers.values()) > 10
