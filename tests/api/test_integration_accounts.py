"""Integration accounts: another system (the 12345 hotline) working as its district's
staff through the API with a token, never through a browser, never seeing whole numbers."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from api.models import ApiToken
from cases.choices import EventKind, Status
from cases.models import Case, CaseEvent
from riskdesk.actions import check_membership
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry
from riskdesk.sso import Refused
from riskdesk.sso.accounts import user_for_claims
from tests.api.test_case_writes import HOTLINE, post
from tests.factories import PASSWORD

CASES = "/api/v1/cases/"


def test_an_integration_token_registers_a_case_in_its_district(
        api_for, integration, owner, categories):
    # when the hotline's token sends a case, naming the staff member in charge
    response = post(api_for(integration), CASES,
                    {**HOTLINE, "district": "qingshan", "owner": owner.username})
    # then it is registered in the account's district, owned by that person
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["district"] == "kundulun" and body["owner"] == owner.username
    # and the history says the hotline's account registered it
    event = CaseEvent.objects.get(case__reference=body["reference"])
    assert (event.kind, event.user) == (EventKind.CREATED, integration)


def test_an_integration_account_names_the_owner_it_cannot_be(
        api_for, integration, categories):
    response = post(api_for(integration), CASES, HOTLINE)
    assert response.status_code == 400
    assert "owner" in response.json()
    response = post(api_for(integration), CASES, {**HOTLINE, "owner": integration.username})
    assert response.status_code == 400 and "owner" in response.json()
    assert not Case.objects.exists()


def test_an_integration_token_edits_and_takes_the_staff_steps(api_for, integration, case):
    client = api_for(integration)
    url = f"{CASES}{case.reference}/"
    assert client.patch(url, {"title": "Wages paid in part"},
                        content_type="application/json").status_code == 200
    verified = post(client, url + "transitions/", {"name": "verify", "note": "Called back."})
    assert verified.status_code == 200 and verified.json()["status"] == Status.VERIFIED
    assert CaseEvent.objects.filter(case=case, user=integration).count() == 2


def test_an_integration_token_does_not_supervise(api_for, integration, case):
    case.status = Status.RESOLVED
    case.save(update_fields=["status"])
    response = post(api_for(integration), f"{CASES}{case.reference}/transitions/",
                    {"name": "close", "note": "Done."})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_an_integration_token_gets_404_on_another_districts_case(
        api_for, integration, foreign_case):
    client = api_for(integration)
    url = f"{CASES}{foreign_case.reference}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 404
    assert foreign_case.reference not in client.get(CASES).content.decode()


def test_an_integration_token_cannot_reveal_personal_numbers(api_for, integration, case):
    case.contact_id_number = "150203199001011234"
    case.save(update_fields=["contact_id_number"])
    response = api_for(integration).post(f"{CASES}{case.reference}/reveal/",
                                         {"field": "contact_id_number"},
                                         content_type="application/json")
    assert response.status_code == 403
    assert "150203199001011234" not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_the_owner_reveals_a_number_and_it_is_audited(api_for, owner, case):
    case.contact_phone = "13812345678"
    case.save(update_fields=["contact_phone"])
    response = api_for(owner).post(f"{CASES}{case.reference}/reveal/",
                                   {"field": "contact_phone"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {"field": "contact_phone", "value": "13812345678"}
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.user, entry.object_label) == (owner, f"{case.reference} contact_phone")


def test_a_field_that_is_not_a_personal_number_is_a_400(api_for, owner, case):
    response = api_for(owner).post(f"{CASES}{case.reference}/reveal/", {"field": "title"},
                                   content_type="application/json")
    assert response.status_code == 400 and "field" in response.json()


def test_an_integration_account_cannot_sign_in_in_the_browser(client, integration):
    response = client.post("/accounts/login/", {"username": integration.username,
                                                "password": PASSWORD})
    assert response.status_code == 200
    assert "integration account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_session_of_an_integration_account_is_not_signed_in(client, integration):
    client.force_login(integration)  # made before its role changed, say
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_single_sign_on_does_not_sign_in_an_integration_account(integration):
    claims = {"sub": "hotline", "roles": "staff", "districts": "kundulun"}
    user_for_claims("https://idp.example", claims, role_claim="roles",
                    district_claim="districts")  # links an identity to a new user ...
    identity_user = integration.__class__.objects.get(external_identities__subject="hotline")
    identity_user.membership.role = "integration"  # ... an administrator then changes
    identity_user.membership.save()
    with pytest.raises(Refused) as refused:
        user_for_claims("https://idp.example", claims, role_claim="roles",
                        district_claim="districts")
    assert refused.value.reason == "integration"
    identity_user.membership.refresh_from_db()
    assert identity_user.membership.role == "integration"  # the claims changed nothing


def test_an_integration_account_belongs_to_exactly_one_district(district, other_district):
    check_membership("integration", [district], False)
    for districts, city_wide in (([], False), ([district, other_district], False),
                                 ([], True)):
        with pytest.raises(ValidationError):
            check_membership("integration", districts, city_wide)


def test_manage_py_apitoken_issues_a_token_for_an_integration_account(
        integration, capsys, client, case):
    call_command("apitoken", integration.username, "--name", "12345 hotline")
    key = capsys.readouterr().out.strip()
    assert ApiToken.objects.get(user=integration).name == "12345 hotline"
    response = client.get(f"{CASES}{case.reference}/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
