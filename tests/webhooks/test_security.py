"""Only http(s) URLs on hosts in WEBHOOK_ALLOWED_HOSTS are called: checked on save and
again before each request; redirects are not followed."""

import pytest
from django.core.exceptions import ValidationError

from riskdesk.choices import Announcement
from webhooks import tasks, transport
from webhooks.choices import DeliveryStatus
from webhooks.emit import create_event
from webhooks.models import Delivery, Subscription


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/hook", "http://localhost/hook", "http://127.0.0.1.example.com/hook",
    "ftp://127.0.0.1/hook", "file:///etc/passwd", "http://user:pw@127.0.0.1/hook",
    "http://[::1]/hook", "http:///hook",
])
def test_urls_outside_the_allow_list_are_refused(url):
    with pytest.raises(ValidationError):
        transport.check_url(url)


def test_listed_hosts_and_suffixes_are_allowed(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1", ".gov.cn"]
    transport.check_url("http://127.0.0.1:8080/hook")
    transport.check_url("https://robot.city.gov.cn/send?key=1")
    for refused in ("https://gov.cn/x", "https://evilgov.cn/x", "https://gov.cn.evil.com/x"):
        with pytest.raises(ValidationError):
            transport.check_url(refused)


def test_nothing_is_allowed_by_default(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(ValidationError, match="WEBHOOK_ALLOWED_HOSTS"):
        transport.check_url("https://127.0.0.1/hook")


def test_the_form_refuses_an_intranet_address_with_a_clear_message(client_for,
                                                                    district_supervisor):
    # when a supervisor subscribes 10.0.0.1
    response = client_for(district_supervisor).post("/integrations/webhooks/new/", {
        "name": "probe", "url": "http://10.0.0.1/admin", "format": "json",
        "kinds": [Announcement.CASE_REGISTERED]})

    # then the page says why, and nothing is saved
    assert response.status_code == 200
    assert "RiskDesk may not call 10.0.0.1" in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_host_taken_off_the_list_is_not_called_at_send_time(
        settings, receiver, subscribe, district_supervisor):
    # given a subscription saved while its host was allowed, and an event for it
    subscription = subscribe(district_supervisor, receiver.url,
                             kinds=[Announcement.CASE_REGISTERED])
    create_event(Announcement.TEST, [subscription])
    settings.WEBHOOK_ALLOWED_HOSTS = []

    # when the delivery is attempted
    tasks.deliver(Delivery.objects.get().pk)

    # then nothing was sent, and the log says why
    assert receiver.received() == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "may not call 127.0.0.1" in delivery.last_error


def test_a_redirect_is_not_followed(settings, tmp_path):
    import http.server
    import threading

    hits = []

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        outcome = transport.post(f"http://127.0.0.1:{server.server_address[1]}/hook",
                                 body=b"{}", headers={})
    finally:
        server.shutdown()
    assert (outcome.ok, outcome.status_code, hits) == (False, 307, ["/hook"])
