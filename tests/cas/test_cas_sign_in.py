"""Sign-in through a real CAS server (django-mama-cas in its own process) with the Django
test client: role and districts from the CAS 3.0 attributes, the same refusals as OpenID
Connect's (no user and no session left behind), and sign-out ending the CAS session."""

from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model

from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry, ExternalIdentity
from riskdesk.signin import SECOND_FACTOR_BY_PROVIDER
from tests.cas.conftest import HOST, CASBrowser, sign_in, start_sign_in
from tests.services import district_codes, signed_in_user

User = get_user_model()


def test_a_staff_member_signs_in_with_the_district_of_the_attributes(cas, web, district):
    # given a CAS user with the staff role in Kundulun
    cas.user("wang.fang", role="staff", districts=["kundulun"])

    # when she signs in through the CAS server
    response, _back = sign_in(web, "wang.fang")

    # then she lands on her home page as a new RiskDesk user of Kundulun, with no password
    assert response.status_code == 302 and response["Location"] == "/"
    user = signed_in_user(web)
    assert user.username == "wang.fang" and user.email == "wang.fang@cas.test"
    assert not user.has_usable_password()
    assert user.membership.role == "staff" and district_codes(user) == ["kundulun"]
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.issuer == cas.url and identity.subject == "wang.fang"
    entry = AuditEntry.objects.filter(action=AuditAction.SIGN_IN).get()
    assert entry.user == user and entry.object_label == "single sign-on"
    assert web.session[SECOND_FACTOR_BY_PROVIDER] is False  # CAS asserts no second factor
    assert web.get("/").status_code == 200


def test_a_supervisor_signs_in_with_the_districts_of_the_attributes(
    cas, web, district, other_district
):
    # given a CAS user supervising two districts (a multi-valued attribute)
    cas.user("zhao.supervisor", role="supervisor", districts=["kundulun", "qingshan"])

    # when he signs in through the CAS server, asking for the cases
    response, _back = sign_in(web, "zhao.supervisor", next_url="/cases/")

    # then he is a supervisor of both and lands on the page he asked for
    assert response.status_code == 302 and response["Location"] == "/cases/"
    user = signed_in_user(web)
    assert user.membership.role == "supervisor"
    assert district_codes(user) == ["kundulun", "qingshan"]


def test_an_unknown_district_is_refused_leaving_no_user_and_no_session(cas, web, district):
    # given a CAS user whose district attribute names a district RiskDesk does not know
    cas.user("li.lei", role="staff", districts=["atlantis"])

    # when he signs in through the CAS server
    response, _back = sign_in(web, "li.lei")

    # then the sign-in page says why; nobody is signed in and no user was made
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?sso=unknown_district"
    assert signed_in_user(web) is None
    assert not User.objects.filter(username="li.lei").exists()
    assert not ExternalIdentity.objects.exists()
    refusal = AuditEntry.objects.get(action=AuditAction.SIGN_IN_REFUSED)
    assert refusal.username == "li.lei" and "unknown_district" in refusal.object_label
    page = web.get(response["Location"])
    assert "names a district RiskDesk does not know" in page.content.decode()
    assert "Ask the RiskDesk administrator" in page.content.decode()


def test_a_ticket_used_twice_is_refused(cas, web, district):
    # given a staff member who signed in with a ticket
    cas.user("wang.fang", role="staff", districts=["kundulun"])
    _response, back = sign_in(web, "wang.fang")

    # when the same service URL with the same ticket is opened again, in another browser
    other = type(web)(HTTP_HOST=HOST)
    response = other.get(back.removeprefix(f"http://{HOST}"))

    # then the CAS server does not validate it: refused, nobody signed in there
    assert response["Location"] == "/accounts/login/?sso=state"
    assert signed_in_user(other) is None
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN).count() == 1
    page = other.get(response["Location"])
    assert "already used or has expired" in page.content.decode()


def test_districts_taken_away_at_the_cas_server_are_gone_at_the_next_sign_in(
    cas, web, district, other_district
):
    # given a supervisor of two districts who signed in once
    cas.user("zhao.supervisor", role="supervisor", districts=["kundulun", "qingshan"])
    sign_in(web, "zhao.supervisor")
    first = signed_in_user(web)

    # when the CAS server keeps only Kundulun and he signs in again
    cas.user("zhao.supervisor", role="supervisor", districts=["kundulun"])
    again = type(web)(HTTP_HOST=HOST)
    sign_in(again, "zhao.supervisor")

    # then he is the same user, with Kundulun only
    user = signed_in_user(again)
    assert user.pk == first.pk and ExternalIdentity.objects.count() == 1
    assert district_codes(user) == ["kundulun"]


def test_sign_out_ends_the_cas_session_too(cas, web, district):
    # given a staff member signed in through the CAS server, which remembers her
    cas.user("wang.fang", role="staff", districts=["kundulun"])
    browser = CASBrowser()
    sign_in(web, "wang.fang", browser=browser)
    cas_login = start_sign_in(type(web)(HTTP_HOST=HOST))
    assert browser.visit(cas_login).is_redirect  # straight back with a ticket: no form

    # when she signs out of RiskDesk
    response = web.post("/accounts/logout/")

    # then her session is gone and she is sent to the CAS server's logout, which sends her
    # back to the sign-in page and asks for her password at the next sign-in
    assert signed_in_user(web) is None
    logout = urlsplit(response["Location"])
    assert response["Location"].startswith(f"{cas.url}logout?")
    assert parse_qs(logout.query)["service"] == [f"http://{HOST}/accounts/login/"]
    back = browser.visit(response["Location"])
    assert back.headers["location"] == f"http://{HOST}/accounts/login/"
    page = browser.visit(cas_login)
    assert page.status_code == 200 and 'name="password"' in page.text
    entry = AuditEntry.objects.filter(action=AuditAction.SIGN_OUT).get()
    assert entry.username == "wang.fang"


def test_the_cas_servers_single_sign_out_ends_the_session(cas, web, district):
    # given a staff member signed in through the CAS server with a ticket
    cas.user("wang.fang", role="staff", districts=["kundulun"])
    _response, back = sign_in(web, "wang.fang")
    ticket = parse_qs(urlsplit(back).query)["ticket"][0]

    # when the CAS server posts its logout request for that ticket (CAS 3.0, 2.3.3)
    server = type(web)(HTTP_HOST=HOST, enforce_csrf_checks=True)
    response = server.post("/accounts/cas/login/", {"logoutRequest": (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="1" Version="2.0" '
        'IssueInstant="2026-12-04T00:00:00Z"><saml:NameID>@NOT_USED@</saml:NameID>'
        f"<samlp:SessionIndex>{ticket}</samlp:SessionIndex></samlp:LogoutRequest>"
    )})

    # then her RiskDesk session is gone
    assert response.status_code == 302
    assert web.get("/")["Location"].startswith("/accounts/login/")


def test_the_second_factor_applies_after_cas_as_after_a_password(cas, web, district, settings):
    # given staff must set up a second factor
    settings.REQUIRE_TWO_FACTOR = ["staff"]
    cas.user("wang.fang", role="staff", districts=["kundulun"])

    # when she signs in through the CAS server
    sign_in(web, "wang.fang")

    # then she is sent to set up her authenticator app before anything else
    response = web.get("/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/two-factor/enrol/"
    )


def test_a_next_page_on_another_site_is_dropped(cas, web):
    response = web.get("/accounts/cas/login/?next=https://elsewhere.example/")
    assert response.status_code == 302 and response["Location"] == "/accounts/cas/login/"


def test_the_sign_in_page_offers_cas_when_configured(cas, web):
    page = web.get("/accounts/login/").content.decode()
    assert "Sign in with the city's identity platform (CAS)" in page
    assert 'href="/accounts/cas/login/"' in page


def test_cas_is_off_without_a_server_url(settings, client, db):
    settings.CAS_SERVER_URL = None
    assert client.get("/accounts/cas/login/").status_code == 404
    assert client.post("/accounts/cas/logout/").status_code == 404
    assert "(CAS)" not in client.get("/accounts/login/").content.decode()


def test_check_deploy_warns_of_a_cas_server_over_http(settings):
    from riskdesk.sso import check_issuer_uses_https

    settings.OIDC_ISSUER = None
    settings.CAS_SERVER_URL = "http://cas.city.example/cas/"
    assert [w.id for w in check_issuer_uses_https(None)] == ["riskdesk.W302"]
    settings.CAS_SERVER_URL = "https://cas.city.example/cas/"
    assert check_issuer_uses_https(None) == []
    settings.CAS_SERVER_URL = "http://127.0.0.1:8443/cas/"
    assert check_issuer_uses_https(None) == []
