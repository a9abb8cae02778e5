"""Every POST needs the CSRF token: a client that enforces the checks, as a browser on
another site would be, is refused with 403 on every URL and changes nothing."""

import pytest
from django.test import Client

from tests.riskdesk.test_no_get_changes import every_url
from tests.world import differences, snapshot


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


# The CAS server's single sign-out POST comes from the CAS server itself, without a browser
# or a token: its view is exempt by design (tests/riskdesk/test_security_headers.py names
# it, tests/cas tests it) and answers 404 while CAS is off.
EXEMPT = {"cas_login"}


@pytest.mark.parametrize("who", ["admin_user", "owner", "district_supervisor", "assessor"])
def test_a_post_without_the_token_is_refused_everywhere(request, strict_client, world, who):
    strict_client.force_login(request.getfixturevalue(who))
    before = snapshot()
    allowed = []
    for name, url in every_url(world):
        if name in EXEMPT:
            continue
        response = strict_client.post(url, {"note": "forged", "reason": "forged"})
        if response.status_code != 403:
            allowed.append(f"POST {url} ({name}) answered {response.status_code}")
    assert not allowed, "\n".join(allowed)
    assert differences(before, snapshot()) == []


def test_sign_in_without_the_token_is_refused(strict_client, owner):
    response = strict_client.post("/accounts/login/", {"username": owner.username,
                                                       "password": "a-long-test-passphrase"})
    assert response.status_code == 403
    assert "_auth_user_id" not in strict_client.session


def test_the_same_post_with_the_token_from_the_page_works(strict_client, world, owner):
    # given the inbox page, which sets the CSRF cookie and carries the token
    strict_client.force_login(owner)
    strict_client.get("/notifications/")
    token = strict_client.cookies["csrftoken"].value
    # when the form is posted with it
    response = strict_client.post("/notifications/read-all/", {"csrfmiddlewaretoken": token})
    # then it is accepted and the notice is read
    assert response.status_code == 302
    world.notice.refresh_from_db()
    assert world.notice.read_at is not None
