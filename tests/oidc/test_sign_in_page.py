"""The sign-in page when single sign-on is configured: every refusal explained in the
reader's language (no provider needed: the page only reads ``?sso=<reason>``)."""

import pytest
from django.utils import translation

from riskdesk.sso.views import REASONS


@pytest.fixture
def configured(settings):
    settings.OIDC_ISSUER = "https://id.example.gov.cn/realms/city"
    settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "riskdesk", "secret"


@pytest.mark.django_db
@pytest.mark.parametrize("reason", sorted(REASONS))
def test_every_refusal_is_explained_in_chinese(client, configured, reason):
    client.cookies["django_language"] = "zh-hans"

    page = client.get(f"/accounts/login/?sso={reason}").content.decode()

    with translation.override("zh-hans"):
        chinese = str(REASONS[reason])
    with translation.override("en"):
        english = str(REASONS[reason])
    assert chinese != english and chinese.endswith("。")
    assert chinese in page
    assert "通过全市统一身份认证平台登录" in page


@pytest.mark.django_db
def test_an_unknown_reason_shows_nothing(client, configured):
    page = client.get("/accounts/login/?sso=<script>").content.decode()

    assert 'id="sso-refusal"' not in page and "<script>" not in page


def test_check_deploy_warns_of_an_issuer_without_https(settings):
    from riskdesk.sso import check_issuer_uses_https

    settings.OIDC_ISSUER = "http://id.example.gov.cn/realms/city"
    assert [w.id for w in check_issuer_uses_https(None)] == ["riskdesk.W301"]
    settings.OIDC_ISSUER = "https://id.example.gov.cn/realms/city"
    assert check_issuer_uses_https(None) == []
    settings.OIDC_ISSUER = "http://127.0.0.1:9400"  # the tests' own provider
    assert check_issuer_uses_https(None) == []
