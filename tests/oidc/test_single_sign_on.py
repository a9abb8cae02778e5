"""Single sign-on through a real OpenID Connect provider (provider.mjs, Node's
oidc-provider) with the Django test client: roles and districts from the claims, and
every way a sign-on is refused leaving no user and no session behind.

Where a test needs the provider's answer altered (a forged signature, a token meant for
another application), the provider still issues it for real; the test changes it on its
way back to RiskDesk, as an attacker between the two would."""

import base64
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urljoin, urlparse

import pytest
import requests
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from mozilla_django_oidc.utils import generate_code_challenge

from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry, ExternalIdentity
from tests.factories import PASSWORD, make_user
from tests.oidc.conftest import CALLBACK, HOST, PlatformBrowser, free_port, sign_on, start_sign_on
from tests.services import district_codes, signed_in_user

User = get_user_model()


def refused_page(web, response):
    """The sign-in page a refusal leads to, and what it says."""
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?sso=")
    page = web.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def assert_nothing_left(users_before):
    assert User.objects.count() == users_before
    assert not ExternalIdentity.objects.exists()
    assert not Session.objects.exists()


# ---------------------------------------------------------------- who signs in as what
def test_a_staff_member_signs_in_with_the_district_of_the_claims(sso, web, district):
    # given an account at the platform with the staff role in Kundulun
    sso.account("li.na", role="staff", districts=["kundulun"], name="Li Na")

    # when she signs in through the platform
    response, _callback = sign_on(web, sso, "li.na")

    # then she lands on her home page as a new RiskDesk user of Kundulun
    assert response.status_code == 302 and response["Location"] == "/"
    user = signed_in_user(web)
    assert user.username == "li.na" and user.first_name == "Li Na"
    assert not user.has_usable_password()
    assert user.membership.role == "staff" and district_codes(user) == ["kundulun"]
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.issuer == sso.issuer and identity.subject == "li.na"
    entry = AuditEntry.objects.filter(action=AuditAction.SIGN_IN).get()
    assert entry.user == user and entry.object_label == "single sign-on"
    assert web.get("/").status_code == 200


def test_a_supervisor_lands_on_the_dashboard_with_the_districts_of_the_claims(
    sso, web, district, other_district
):
    sso.account("zhao.supervisor", role="supervisor", districts=["kundulun", "qingshan"])

    response, _callback = sign_on(web, sso, "zhao.supervisor", next_url="/dashboard/")

    assert response["Location"] == "/dashboard/"
    user = signed_in_user(web)
    assert user.membership.role == "supervisor"
    assert district_codes(user) == ["kundulun", "qingshan"]
    page = web.get("/dashboard/").content.decode()
    assert "Kundulun District" in page and "Qingshan District" in page


def test_a_city_supervisor_is_named_by_a_star(sso, web, district):
    sso.account("city.lead", role="supervisor", districts=["*"])

    sign_on(web, sso, "city.lead")

    membership = signed_in_user(web).membership
    assert membership.city_wide and not membership.districts.exists()


def test_an_administrator_from_the_platform_reaches_the_admin_site(sso, web):
    sso.account("platform.admin", role="admin", riskdesk_role=["offline_access", "admin"])

    sign_on(web, sso, "platform.admin")

    user = signed_in_user(web)
    assert user.membership.role == "admin" and user.is_staff and user.is_superuser
    assert web.get("/admin/").status_code == 200


def test_the_user_is_found_by_subject_never_by_e_mail(sso, web, district):
    # given a local user with the same e-mail address as the platform's account
    local = make_user("li.na.local", "staff", district)
    local.email = "li.na@platform.example"
    local.save()
    sso.account("li.na", role="staff", districts=["kundulun"])

    # when the platform's account signs in twice, renamed in between
    sign_on(web, sso, "li.na")
    first = signed_in_user(web)
    web.post("/accounts/logout/")
    sso.account("li.na", role="staff", districts=["kundulun"], preferred_username="na.li",
                email="na.li@platform.example")
    sign_on(Client(HTTP_HOST=HOST), sso, "li.na")

    # then it is one user of its own, never the local one with the same address
    assert first.pk != local.pk
    assert ExternalIdentity.objects.get().user_id == first.pk
    first.refresh_from_db()
    assert first.email == "na.li@platform.example" and first.username == "li.na"


def test_a_platform_user_name_like_a_local_one_gets_a_name_of_its_own(sso, web, district):
    make_user("wang.wei", "staff", district)
    sso.account("Wang.Wei", role="staff", districts=["kundulun"])

    sign_on(web, sso, "Wang.Wei")

    assert signed_in_user(web).username.startswith("sso-")


# ---------------------------------------------------------------- districts follow the claims
def test_districts_taken_away_at_the_platform_are_gone_at_the_next_sign_in(
    sso, web, settings, district, other_district, make_case, outsider
):
    settings.DASHBOARD_CACHE_SECONDS = 120  # the cache is keyed by scope: it must not serve
    foreign = make_case(user=outsider, district=other_district, owner=outsider)
    sso.account("zhao.supervisor", role="supervisor", districts=["kundulun", "qingshan"])
    sign_on(web, sso, "zhao.supervisor")
    assert "Qingshan District" in web.get("/dashboard/").content.decode()
    assert web.get(f"/cases/{foreign.reference}/").status_code == 200

    # when the platform takes Qingshan away and the supervisor signs in again
    sso.account("zhao.supervisor", role="supervisor", districts=["kundulun"])
    again = Client(HTTP_HOST=HOST)
    sign_on(again, sso, "zhao.supervisor")

    # then Qingshan is gone, in the new session and in the one still open elsewhere
    assert district_codes(signed_in_user(again)) == ["kundulun"]
    for session in (again, web):
        assert "Qingshan District" not in session.get("/dashboard/").content.decode()
        assert session.get(f"/cases/{foreign.reference}/").status_code == 404


# ---------------------------------------------------------------- refusals
def test_an_unknown_district_is_refused_and_says_whom_to_ask(sso, web, settings, district):
    settings.OIDC_HELP_CONTACT = "the committee's IT office, 0472-5100100"
    sso.account("li.na", role="staff", districts=["atlantis"])
    users_before = User.objects.count()

    response, _callback = sign_on(web, sso, "li.na")

    page = refused_page(web, response)
    assert "names a district RiskDesk does not know" in page
    assert "Ask the committee&#x27;s IT office, 0472-5100100" in page
    assert_nothing_left(users_before)
    refusal = AuditEntry.objects.get(action=AuditAction.SIGN_IN_REFUSED)
    assert "unknown_district" in refusal.object_label and "atlantis" in refusal.object_label


def test_an_account_without_a_riskdesk_role_is_refused(sso, web, district):
    sso.account("visitor", role="citizen", districts=["kundulun"])
    users_before = User.objects.count()

    response, _callback = sign_on(web, sso, "visitor")

    assert "has no RiskDesk role" in refused_page(web, response)
    assert_nothing_left(users_before)


def test_a_staff_member_with_two_districts_is_refused(sso, web, district, other_district):
    sso.account("li.na", role="staff", districts=["kundulun", "qingshan"])

    response, _callback = sign_on(web, sso, "li.na")

    assert "does not fit its districts" in refused_page(web, response)
    assert not ExternalIdentity.objects.exists()


def test_a_disabled_user_is_refused(sso, web, district):
    sso.account("li.na", role="staff", districts=["kundulun"])
    sign_on(web, sso, "li.na")
    User.objects.filter(username="li.na").update(is_active=False)

    fresh = Client(HTTP_HOST=HOST)
    response, _callback = sign_on(fresh, sso, "li.na")

    assert "Your RiskDesk account is disabled" in refused_page(fresh, response)
    assert "_auth_user_id" not in fresh.session


def alter_token_response(monkeypatch, change):
    """The provider's token response, changed on its way back (``change(id_token)``)."""
    real_post = requests.post

    def post(url, *args, **kwargs):
        response = real_post(url, *args, **kwargs)
        if url.endswith("/token") and response.ok:
            body = response.json()
            body["id_token"] = change(body["id_token"])
            response._content = json.dumps(body).encode()
        return response

    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", post)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_tampered_id_token_is_refused(sso, web, monkeypatch, district, other_district):
    # given a staff member of Kundulun, whose token someone rewrites to Qingshan and admin
    sso.account("li.na", role="staff", districts=["kundulun"])

    def forge(id_token):
        header, payload, signature = id_token.split(".")
        claims = json.loads(unb64(payload))
        claims["sub"] = "the.admin"
        return ".".join([header, b64(json.dumps(claims).encode()), signature])

    alter_token_response(monkeypatch, forge)
    users_before = User.objects.count()

    response, _callback = sign_on(web, sso, "li.na")

    assert "could not be verified" in refused_page(web, response)
    assert_nothing_left(users_before)
    assert "bad_token" in AuditEntry.objects.get(action=AuditAction.SIGN_IN_REFUSED).object_label


def token_for_other_system(provider, login):
    """A real ID token the provider issues to another application of the platform."""
    platform = PlatformBrowser(provider.issuer)
    verifier = "v" * 64
    query = urlencode({
        "response_type": "code", "client_id": "other-system", "scope": "openid profile",
        "redirect_uri": CALLBACK, "state": "other", "nonce": "other-nonce",
        "code_challenge": generate_code_challenge(verifier, "S256"),
        "code_challenge_method": "S256",
    })
    callback = platform.sign_in(f"{provider.issuer}/auth?{query}", login, "platform-pass")
    code = parse_qs(urlparse(callback).query)["code"][0]
    tokens = requests.post(f"{provider.issuer}/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
        "code_verifier": verifier,
    }, auth=("other-system", "other-system-test-secret"), timeout=10)
    tokens.raise_for_status()
    return tokens.json()["id_token"]


def test_a_token_meant_for_another_application_is_refused(sso, web, monkeypatch, district):
    sso.account("li.na", role="staff", districts=["kundulun"])
    foreign_token = token_for_other_system(sso, "li.na")
    alter_token_response(monkeypatch, lambda _ours: foreign_token)
    users_before = User.objects.count()

    response, _callback = sign_on(web, sso, "li.na")

    assert "meant for another application" in refused_page(web, response)
    assert_nothing_left(users_before)


def test_an_expired_id_token_is_refused(sso, web, district):
    sso.account("li.na", role="staff", districts=["kundulun"])
    platform = PlatformBrowser(sso.issuer)
    callback = platform.sign_in(start_sign_on(web), "li.na", "platform-pass")
    users_before = User.objects.count()

    # when the answer reaches RiskDesk two hours after the platform issued it
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        response = web.get(callback.removeprefix(f"http://{HOST}"))

    assert "has expired" in refused_page(web, response)
    assert_nothing_left(users_before)


def test_a_replayed_state_is_refused(sso, web, district):
    sso.account("li.na", role="staff", districts=["kundulun"])
    response, callback = sign_on(web, sso, "li.na")
    assert response["Location"] == "/"
    web.post("/accounts/logout/")
    users_before = User.objects.count()

    # when the same answer is sent again, in the old browser and in another one
    for replay in (web, Client(HTTP_HOST=HOST)):
        again = replay.get(callback.removeprefix(f"http://{HOST}"))

        page = refused_page(replay, again)
        assert "already used or has expired" in page
        assert "_auth_user_id" not in replay.session
    assert User.objects.count() == users_before
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_REFUSED).count() == 2


def test_the_way_out_uses_pkce_and_a_nonce(sso, web):
    location = start_sign_on(web)

    query = parse_qs(urlparse(location).query)
    assert location.startswith(f"{sso.issuer}/auth?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["nonce"] and query["state"] and query["client_id"] == ["riskdesk"]
    assert query["redirect_uri"] == [CALLBACK]


# ---------------------------------------------------------------- the platform down
def test_a_platform_that_is_down_is_explained_and_the_admin_still_signs_in(
    sso, web, settings
):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    cache.clear()
    admin = make_user("the.admin", "admin")

    response = web.get("/accounts/sso/login/")

    page = refused_page(web, response)
    assert "does not answer at the moment" in page
    assert 'name="password"' in page
    signed = web.post("/accounts/login/", {"username": "the.admin", "password": PASSWORD})
    assert signed.status_code == 302
    assert signed_in_user(web) == admin


# ---------------------------------------------------------------- the sign-in page
def test_the_sign_in_page_offers_the_platform_only_when_configured(sso, web, settings):
    page = web.get("/accounts/login/").content.decode()
    assert "Sign in with the city's identity platform" in page

    settings.OIDC_ISSUER = None
    page = web.get("/accounts/login/").content.decode()
    assert "identity platform" not in page
    assert web.get("/accounts/sso/login/").status_code == 404
    assert web.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


def test_oidc_only_keeps_passwords_for_the_local_administrator(sso, web, settings, district):
    settings.OIDC_ONLY = True
    make_user("owner.staff", "staff", district)
    admin = make_user("the.admin", "admin")

    refused = web.post("/accounts/login/", {"username": "owner.staff", "password": PASSWORD})
    assert refused.status_code == 200
    assert "passwords are kept for the emergency administrator only" in (
        refused.content.decode())
    assert "_auth_user_id" not in web.session

    signed = web.post("/accounts/login/", {"username": "the.admin", "password": PASSWORD})
    assert signed.status_code == 302 and signed_in_user(web) == admin


def test_a_platform_administrator_has_no_password_to_fall_back_on(sso, web, settings):
    settings.OIDC_ONLY = True
    sso.account("platform.admin", role="admin")
    sign_on(web, sso, "platform.admin")
    user = signed_in_user(web)

    assert not user.has_usable_password()
    assert "Change password" not in web.get("/").content.decode()


# ---------------------------------------------------------------- sign-out
def test_sign_out_ends_the_platform_session_too(sso, web, district):
    sso.account("li.na", role="staff", districts=["kundulun"])
    platform = PlatformBrowser(sso.issuer)
    sign_on(web, sso, "li.na", platform=platform)

    # when she signs out of RiskDesk
    response = web.post("/accounts/logout/")

    # then RiskDesk's session is over and she is sent to the platform's sign-out
    assert "_auth_user_id" not in web.session
    end = urlparse(response["Location"])
    assert response["Location"].startswith(f"{sso.issuer}/session/end?")
    query = parse_qs(end.query)
    assert query["post_logout_redirect_uri"] == [f"http://{HOST}/accounts/login/"]
    assert query["id_token_hint"]
    confirm = platform.session.get(response["Location"])
    assert "Sign out of the identity platform?" in confirm.text
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm.text))
    action = re.search(r'action="([^"]+)"', confirm.text).group(1)
    done = platform.session.post(urljoin(sso.issuer, action), data={**form, "logout": "yes"},
                                 allow_redirects=False)
    assert done.headers["location"] == f"http://{HOST}/accounts/login/"
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_OUT).count() == 1

    # and the platform asks for her password again at the next sign-in
    page = platform.follow(start_sign_on(web))
    assert not isinstance(page, str) and 'name="password"' in page.text


# ---------------------------------------------------------------- the second factor
@pytest.mark.parametrize(("amr", "asked"), [(["pwd", "otp"], False), (["pwd"], True)])
def test_the_platform_s_second_factor_counts_as_two(sso, web, settings, district, amr, asked):
    settings.REQUIRE_TWO_FACTOR = ["admin", "supervisor"]
    sso.account("zhao.supervisor", role="supervisor", districts=["kundulun"], amr=amr)

    sign_on(web, sso, "zhao.supervisor")
    response = web.get("/cases/")

    if asked:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/enrol/")
    else:
        assert response.status_code == 200


def test_the_admin_site_shows_whose_platform_account_a_user_is(sso, web, district):
    sso.account("li.na", role="staff", districts=["kundulun"])
    sign_on(web, sso, "li.na")
    user = signed_in_user(web)
    admin = Client()
    admin.force_login(make_user("the.admin", "admin"))

    page = admin.get(f"/admin/auth/user/{user.pk}/change/").content.decode()

    assert sso.issuer in page and "li.na" in page
    assert 'name="external_identities-0-subject"' not in page  # shown, not editable
