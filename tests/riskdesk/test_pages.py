"""Sign-in, the start page, navigation by role, language switch and error pages."""

import pytest
from django.test import override_settings
from django.urls import path

from riskdesk import urls as riskdesk_urls
from tests.factories import PASSWORD


def test_signing_in_shows_name_role_and_districts(client, owner):
    response = client.post(
        "/accounts/login/", {"username": "owner.staff", "password": PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Welcome, Li Wei" in page
    assert "District staff" in page
    assert "Kundulun District" in page


def test_a_wrong_password_says_so_and_does_not_sign_in(client, owner):
    response = client.post("/accounts/login/", {"username": "owner.staff", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/").status_code == 302


def test_the_whole_city_for_a_city_supervisor(client_for, city_supervisor):
    page = client_for(city_supervisor).get("/").content.decode()
    assert "The whole city" in page


def test_only_administrators_see_the_administration_link(client_for, owner, admin_user):
    assert "/admin/" not in client_for(owner).get("/").content.decode()
    assert "/admin/" in client_for(admin_user).get("/").content.decode()


def test_staff_cannot_open_the_django_admin(client_for, owner):
    response = client_for(owner).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_sign_out_is_a_post(client_for, owner):
    client = client_for(owner)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_changing_the_password(client_for, owner):
    client = client_for(owner)
    response = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "a brand new passphrase",
        "new_password2": "a brand new passphrase",
    })
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a brand new passphrase")


def test_language_switch_shows_chinese_and_is_remembered(client, owner):
    client.force_login(owner)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    page = response.content.decode()
    assert "欢迎" in page and "区工作人员" in page
    assert "Welcome" not in page
    # remembered: a later request with no form still comes in Chinese
    assert "欢迎" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Welcome" in client.get("/").content.decode()


def test_the_sign_in_page_can_be_switched_to_chinese(client, db):
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page


def test_not_found_page_uses_the_layout(client_for, owner):
    response = client_for(owner).get("/no/such/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Not found" in page and 'class="topbar"' in page


def boom(request):
    raise RuntimeError("unexpected")


urlpatterns = [path("boom/", boom), *riskdesk_urls.urlpatterns]
handler500 = riskdesk_urls.handler500


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_has_no_stack_trace(client, owner):
    client.raise_request_exception = False
    client.force_login(owner)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "RuntimeError" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings, django_user_model):
    from django.core.management import call_command

    from riskdesk.models import District

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (District.objects.count(), django_user_model.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (District.objects.count(), django_user_model.objects.count()) == counts
    assert counts[0] == 10


@pytest.mark.django_db
def test_seed_demo_refuses_production(settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=false"):
        call_command("seed_demo")
