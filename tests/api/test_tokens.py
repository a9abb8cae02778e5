"""Personal API tokens: who they let in, and how they are made, shown and revoked."""

import hashlib
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from riskdesk.twofactor import STEP

CASES = "/api/v1/cases/"


def test_a_valid_token_reads_as_its_user(api_for, owner, case):
    # given a token of the case's owner
    client = api_for(owner)
    # when it lists the cases
    response = client.get(CASES)
    # then the owner's case is there, and the token's use is recorded
    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == [case.reference]
    client.token.refresh_from_db()
    assert client.token.last_used_at is not None


def test_the_token_keyword_works_too(api_for, owner):
    client = api_for(owner)
    response = Client().get(CASES, HTTP_AUTHORIZATION=f"Token {client.key}")
    assert response.status_code == 200


@pytest.mark.parametrize("header", ["Bearer rd_not-a-token", "Bearer", "Bearer a b",
                                    "Token \u00e9t\u00e9"])
def test_a_wrong_token_gets_401(db, header):
    response = Client().get(CASES, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_an_expired_token_gets_401(api_for, owner):
    client = api_for(owner, expires_days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = client.get(CASES)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_gets_401_and_keeps_its_row(api_for, owner):
    client = api_for(owner)
    tokens.revoke(owner, client.token.pk)
    response = client.get(CASES)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert ApiToken.objects.filter(pk=client.token.pk, revoked_at__isnull=False).exists()


def test_a_deactivated_users_token_gets_401(api_for, owner):
    client = api_for(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert client.get(CASES).status_code == 401


def test_a_read_only_token_is_refused_on_post_with_a_message(api_for, owner):
    response = api_for(owner, read_only=True).post(CASES, {}, content_type="application/json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_a_read_write_token_is_not_refused_for_its_scope(api_for, owner):
    # an empty case is refused for its fields, not for the token's scope
    response = api_for(owner).post(CASES, {}, content_type="application/json")
    assert response.status_code == 400
    assert "title" in response.json()


def test_anonymous_requests_get_401_json_not_a_redirect(db):
    for url in (CASES, "/api/v1/districts/", "/api/v1/categories/"):
        response = Client().get(url)
        assert response.status_code == 401, url
        assert response["Content-Type"] == "application/json"
    assert Client().get("/api/v1/schema/").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(api_for, owner, django_assert_num_queries):
    client = api_for(owner)
    client.get(CASES)
    client.token.refresh_from_db()
    first = client.token.last_used_at
    # within the minute: no write
    client.get(CASES)
    client.token.refresh_from_db()
    assert client.token.last_used_at == first
    # a minute later: one write
    with time_machine.travel(first + timedelta(seconds=61)):
        client.get(CASES)
    client.token.refresh_from_db()
    assert client.token.last_used_at > first


# ---------------------------------------------------------------- the second factor
def test_a_token_request_is_never_sent_to_the_second_factor(api_for, admin_user, settings):
    settings.REQUIRE_TWO_FACTOR = ["admin"]
    response = api_for(admin_user).get(CASES)
    assert response.status_code == 200


def test_a_session_that_owes_its_second_factor_gets_403_json(client_for, owner):
    # given a browser session that still owes its second factor
    client = client_for(owner)
    session = client.session
    session[STEP] = "enrol"
    session.save()
    # when it calls the API
    response = client.get(CASES)
    # then it is refused in JSON, not redirected to the step's page
    assert response.status_code == 403
    assert response.json()["detail"]
    # and the pages still send it to the step
    assert client.get("/cases/").status_code == 302


def test_a_session_with_its_second_factor_paid_reads(client_for, owner, case):
    response = client_for(owner).get(CASES)
    assert response.status_code == 200
    assert response.json()["results"][0]["reference"] == case.reference


def test_a_session_post_needs_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(CASES, {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# ---------------------------------------------------------------- manage.py apitoken
def test_the_command_prints_the_token_once_and_stores_only_its_hash(owner):
    out, err = io.StringIO(), io.StringIO()
    call_command("apitoken", owner.username, "--read-only", "--expires", "30",
                 "--name", "hotline", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=owner)
    assert key.startswith("rd_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in err.getvalue()  # printed once: on stdout only
    assert token.prefix in err.getvalue() and key.startswith(token.prefix)
    assert token.read_only and token.name == "hotline"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    # the token itself is in no column of the row
    assert key not in repr(ApiToken.objects.filter(pk=token.pk).values().get())
    # and it works
    assert Client().get(CASES, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_the_command_refuses_an_unknown_user_and_bad_days(db, owner):
    with pytest.raises(CommandError, match="no user"):
        call_command("apitoken", "nobody", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--expires"):
        call_command("apitoken", owner.username, "--expires", "0", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------- the settings page
def test_the_settings_page_creates_a_token_shown_once(client_for, owner):
    client = client_for(owner)
    response = client.post("/accounts/api-tokens/", {
        "name": "Hotline sync", "scope": "read", "expires_days": "90"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=owner)
    key = response.context["new_key"]
    assert key.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    assert token.key_hash == tokens.hash_key(key) and token.read_only
    # shown once: the page opened again lists the prefix only
    again = client.get("/accounts/api-tokens/")
    assert key.encode() not in again.content
    assert token.prefix.encode() in again.content and b"Hotline sync" in again.content


def test_the_settings_page_says_what_is_wrong(client_for, owner):
    response = client_for(owner).post("/accounts/api-tokens/", {
        "name": "  ", "scope": "everything", "expires_days": "-1"})
    assert set(response.context["form"].errors) == {"name", "scope", "expires_days"}
    assert not ApiToken.objects.exists()


def test_the_settings_page_revokes_without_deleting(client_for, owner, api_for):
    api = api_for(owner)
    client = client_for(owner)
    response = client.post(f"/accounts/api-tokens/{api.token.pk}/revoke/")
    assert response.status_code == 302
    api.token.refresh_from_db()
    assert api.token.revoked_at is not None
    assert api.get(CASES).status_code == 401
    assert b"Revoked on" in client.get("/accounts/api-tokens/").content


def test_nobody_revokes_anothers_token(client_for, owner, colleague, api_for):
    api = api_for(owner)
    response = client_for(colleague).post(f"/accounts/api-tokens/{api.token.pk}/revoke/")
    assert response.status_code == 404
    api.token.refresh_from_db()
    assert api.token.revoked_at is None


def test_revoke_rejects_get(client_for, owner, api_for):
    api = api_for(owner)
    assert client_for(owner).get(f"/accounts/api-tokens/{api.token.pk}/revoke/").status_code == 405


def test_the_settings_page_lists_only_ones_own_tokens(client_for, owner, colleague):
    tokens.issue(colleague, name="colleague's robot")
    assert b"colleague&#x27;s robot" not in client_for(owner).get("/accounts/api-tokens/").content
