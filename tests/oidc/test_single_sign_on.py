"""Single sign-on through a real OpenID Connect provider (provider.mjs, Node's
oidc-provider) with the Django test client: roles and districts from the claims, and
every way a sign-on is refused leaving no user and no session behind."""

from django.contrib.auth import get_user_model

from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry, ExternalIdentity
from tests.oidc.conftest import sign_on

User = get_user_model()


def signed_in_user(web):
    user_id = web.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


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
    assert user.membership.role == "staff"
    assert [d.code for d in user.membership.districts.all()] == ["kundulun"]
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.issuer == sso.issuer and identity.subject == "li.na"
    entry = AuditEntry.objects.filter(action=AuditAction.SIGN_IN).get()
    assert entry.user == user and entry.object_label == "single sign-on"
    assert web.get("/").status_code == 200
