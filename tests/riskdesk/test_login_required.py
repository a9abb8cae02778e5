"""Every page but sign-in, /healthz and the language switch requires sign-in."""

import pytest
from django.urls import resolve

from tests.urlwalk import walk

# the way to the identity platform and back is the sign-in itself (404 unless configured)
PUBLIC = {"login", "healthz", "set_language", "admin:login", "agencies:apply",
          "sso_login", "sso_callback", "cas_login", "cas_logout"}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
# The REST API authenticates its requests itself (a token or the session): an anonymous
# request gets 401 in JSON, not a redirect to a page (tests/api). Its docs page is a page.
API = "/api/"
API_PAGES = {"api:docs"}


def test_the_walk_covers_the_application_pages():
    names = {name for name, _url in walk()}
    assert {"home", "password_change", "logout", "admin:index"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_redirects_an_anonymous_visitor_to_sign_in(client, method):
    checked = 0
    for name, url in walk():
        if name in PUBLIC:
            continue
        resolve(url)  # the sample URL really is this pattern
        response = getattr(client, method)(url)
        where = f"{method.upper()} {url} ({name})"
        if url.startswith(API) and name not in API_PAGES:
            assert response.status_code == 401, f"{where} answered {response.status_code}"
            checked += 1
            continue
        assert response.status_code == 302, f"{where} answered {response.status_code}"
        assert response["Location"].startswith(LOGIN_PAGES), f"{where} -> {response['Location']}"
        checked += 1
    assert checked > 10


@pytest.mark.django_db
def test_sign_in_page_is_public(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content
