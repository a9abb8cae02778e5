"""The webhook pages: administrators manage every subscription, supervisors their own;
anyone else, and a supervisor at another's subscription, gets 404."""

import pytest

from riskdesk.choices import Announcement
from tests.factories import make_user
from webhooks.choices import DeliveryStatus
from webhooks.emit import create_event
from webhooks.models import Delivery, Subscription

LIST = "/integrations/webhooks/"


@pytest.fixture
def theirs(subscribe, district_supervisor):
    subscription = subscribe(district_supervisor, "http://127.0.0.1/hook",
                             kinds=[Announcement.CASE_REGISTERED])
    create_event(Announcement.TEST, [subscription])
    return subscription


def urls(subscription):
    delivery = subscription.deliveries.first()
    base = f"{LIST}{subscription.pk}/"
    return {"get": [LIST, f"{LIST}new/", base, f"{base}edit/"],
            "post": [f"{base}switch/", f"{base}test/", f"{base}edit/",
                     f"{base}deliveries/{delivery.pk}/again/"]}


@pytest.mark.parametrize("who", ["owner", "assessor"])
def test_staff_and_assessors_get_404_everywhere(request, client_for, theirs, who):
    user = request.getfixturevalue(who) if who == "owner" else make_user("a.assessor", "assessor")
    client = client_for(user)
    for url in urls(theirs)["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls(theirs)["post"]:
        assert client.post(url).status_code == 404, url
    theirs.refresh_from_db()
    assert theirs.active


def test_another_supervisor_gets_404_on_a_subscription_not_theirs(client_for, theirs,
                                                                   other_district):
    other = make_user("qingshan.supervisor", "supervisor", other_district)
    client = client_for(other)
    for url in urls(theirs)["get"][2:]:
        assert client.get(url).status_code == 404, url
    for url in urls(theirs)["post"]:
        assert client.post(url).status_code == 404, url
    assert theirs.name not in client.get(LIST).content.decode()


def test_a_supervisor_creates_a_webhook_and_sees_its_secret_once(client_for,
                                                                  district_supervisor,
                                                                  district, other_district):
    client = client_for(district_supervisor)
    # the district choices are the supervisor's own
    form = client.get(f"{LIST}new/").content.decode()
    assert district.name_en in form and other_district.name_en not in form

    response = client.post(f"{LIST}new/", {
        "name": "Kundulun chat", "url": "http://127.0.0.1:9000/robot", "format": "chat",
        "kinds": [Announcement.ESCALATED, Announcement.ORDER_OVERDUE],
        "districts": [district.pk]})

    subscription = Subscription.objects.get()
    assert response.status_code == 200
    assert subscription.owner == district_supervisor
    assert subscription.secret in response.content.decode()
    assert subscription.secret not in client.get(subscription.get_absolute_url()).content.decode()
    assert client.post(f"{LIST}new/", {"name": "x", "url": "http://127.0.0.1/x",
                                       "format": "json", "kinds": ["case.escalated"],
                                       "districts": [other_district.pk]}).status_code == 200
    assert Subscription.objects.count() == 1  # a district outside their scope is refused


def test_the_owner_switches_off_and_on_and_sends_a_test(client_for, theirs,
                                                        district_supervisor):
    client = client_for(district_supervisor)
    client.post(f"{LIST}{theirs.pk}/switch/")
    theirs.refresh_from_db()
    assert not theirs.active
    client.post(f"{LIST}{theirs.pk}/switch/")
    theirs.refresh_from_db()
    assert theirs.active and theirs.disabled_at is None
    client.post(f"{LIST}{theirs.pk}/test/")
    assert theirs.deliveries.count() == 2
    page = client.get(theirs.get_absolute_url()).content.decode()
    assert "Delivery log" in page and "Deliver again" not in page


def test_only_an_administrator_delivers_again(client_for, theirs, district_supervisor,
                                              admin_user):
    delivery = theirs.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, attempts=9)
    url = f"{LIST}{theirs.pk}/deliveries/{delivery.pk}/again/"
    assert client_for(district_supervisor).post(url).status_code == 404
    admin = client_for(admin_user)
    assert theirs.name in admin.get(LIST).content.decode()
    assert "Deliver again" in admin.get(theirs.get_absolute_url()).content.decode()
    assert admin.post(url).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_post_actions_reject_get(client_for, theirs, admin_user):
    client = client_for(admin_user)
    for url in urls(theirs)["post"]:
        if not url.endswith("edit/"):
            assert client.get(url).status_code == 405, url
