"""The API's docs page works in a real browser under the strict Content-Security-Policy:
Swagger UI (from drf-spectacular-sidecar, served by the app) draws the operations, and the
browser reports no blocked script, style or request."""

from tests.e2e.conftest import sign_in


def test_the_api_docs_draw_the_operations_without_a_csp_violation(page, staff):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, staff)

    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/cases/" in paths and "/api/v1/cases/{reference}/" in paths
    assert violations == []
