"""400, 403, 404, 405 and 500 are our pages: inside the layout, in the user's language,
whatever raised them (a view, a decorator like ``require_POST``, Django's request parsing)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings
from django.urls import path

from riskdesk import urls as riskdesk_urls

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
LAYOUT = 'class="topbar"'

TITLES = {  # status: (English, Chinese)
    400: ("Bad request", "请求有误"),
    403: ("Not allowed", "无权操作"),
    404: ("Not found", "未找到"),
    405: ("Not available this way", "不能以此方式访问"),
    500: ("Something went wrong", "出现错误"),
}
LANGUAGES = [pytest.param(ENGLISH, 0, id="en"), pytest.param(CHINESE, 1, id="zh-hans")]


def boom(request):
    raise RuntimeError("unexpected")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden),
               *riskdesk_urls.urlpatterns]
handler400 = riskdesk_urls.handler400
handler403 = riskdesk_urls.handler403
handler404 = riskdesk_urls.handler404
handler500 = riskdesk_urls.handler500


def assert_our_page(response, status, language):
    assert response.status_code == status
    page = response.content.decode()
    assert TITLES[status][language] in page
    assert LAYOUT in page
    assert "Traceback" not in page


@pytest.mark.parametrize(("headers", "language"), LANGUAGES)
def test_a_get_to_a_post_only_address_gets_our_405_page(client_for, owner, case, headers,
                                                        language):
    # given a signed-in staff member
    client = client_for(owner)
    # when they open the address of a form's POST (require_POST) in the browser
    response = client.get(f"/cases/{case.reference}/orders/new/", **headers)
    # then our page says so in their language, and says which method is allowed
    assert_our_page(response, 405, language)
    assert response["Allow"] == "POST"


@pytest.mark.parametrize(("headers", "language"), LANGUAGES)
def test_a_class_based_view_refusing_a_method_gets_our_405_page(client_for, owner, headers,
                                                                 language):
    response = client_for(owner).get("/accounts/logout/", **headers)
    assert_our_page(response, 405, language)
    assert "POST" in response["Allow"]


@pytest.mark.parametrize(("headers", "language"), LANGUAGES)
def test_a_too_large_public_post_gets_our_400_page(client, db, settings, headers, language):
    # given a limit on what a request may carry
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    # when a visitor who is not signed in posts more than that
    response = client.post("/accounts/login/",
                           {"username": "someone", "password": "x" * 4096}, **headers)
    # then they get our page in their language, not Django's bare "Bad Request (400)"
    assert_our_page(response, 400, language)
    assert "Bad Request (400)" not in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("headers", "language"), LANGUAGES)
def test_a_refusal_gets_our_403_page(client_for, owner, headers, language):
    response = client_for(owner).get("/forbidden/", **headers)
    assert_our_page(response, 403, language)


@pytest.mark.parametrize(("headers", "language"), LANGUAGES)
def test_a_refused_page_gets_our_403_page(client_for, admin_user, case, headers, language):
    # an administrator sees every case but does not edit one
    response = client_for(admin_user).get(f"/cases/{case.reference}/edit/", **headers)
    assert_our_page(response, 403, language)


@pytest.mark.parametrize(("headers", "language"), LANGUAGES)
def test_an_unknown_address_gets_our_404_page(client_for, owner, headers, language):
    response = client_for(owner).get("/no/such/page/", **headers)
    assert_our_page(response, 404, language)


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("headers", "language"), LANGUAGES)
def test_a_fault_gets_our_500_page(client, owner, headers, language):
    client.raise_request_exception = False
    client.force_login(owner)
    response = client.get("/boom/", **headers)
    assert_our_page(response, 500, language)
    assert "RuntimeError" not in response.content.decode()


def test_the_500_page_needs_no_database():
    # given no database at all (this test may not touch one: pytest-django refuses)
    request = RequestFactory().get("/cases/")
    # when the 500 page is written
    response = riskdesk_urls.handler500(request)
    # then it shows
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
