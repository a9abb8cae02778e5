"""The user's notifications through the API: their own only, in their language, read one
by one or all at once."""

from django.utils.html import escape

from riskdesk.choices import NoticeKind
from riskdesk.models import Notification
from riskdesk.notify import notify

NOTICES = "/api/v1/notifications/"


def notice(user, n=0, **params):
    return notify(user, kind=NoticeKind.ORDER_ISSUED, key=f"test:{n}",
                  params={"ref": "RC-2026-00042", "title": "Unpaid wages",
                          "date": "2026-06-15", **params},
                  url="/supervision/1/")


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def post(client, url, **headers):
    return client.post(url, content_type="application/json", **headers)


def test_the_list_shows_your_own_notices_written_out(api_for, owner, colleague):
    mine = notice(owner)
    notice(colleague)
    response = api_for(owner).get(NOTICES)
    assert ids(response) == [mine.pk]
    [row] = response.json()["results"]
    assert row["text"] == ("RC-2026-00042 Unpaid wages: a supervision order was issued, "
                           "due 2026-06-15.")
    assert (row["kind"], row["kind_label"]) == ("order_issued", "Supervision order issued")
    assert (row["url"], row["unread"], row["read_at"]) == ("/supervision/1/", True, None)


def test_the_text_is_in_the_requests_language_as_on_the_inbox_page(
        api_for, client_for, owner):
    notice(owner)
    response = api_for(owner).get(NOTICES, HTTP_ACCEPT_LANGUAGE="zh-hans")
    [row] = response.json()["results"]
    assert row["text"].startswith("RC-2026-00042 Unpaid wages：已下发督办单，回复期限 2026")
    assert row["kind_label"] == "已下发督办单"
    page = client_for(owner).get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert escape(row["text"]) in page.content.decode()


def test_unread_only(api_for, owner):
    read, unread = notice(owner, 1), notice(owner, 2)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    client = api_for(owner)
    assert ids(client.get(NOTICES, {"unread": "true"})) == [unread.pk]
    assert ids(client.get(NOTICES, {"unread": "false"})) == [read.pk]
    assert ids(client.get(NOTICES)) == [read.pk, unread.pk]


def test_reading_one_marks_it_read(api_for, owner):
    first, second = notice(owner, 1), notice(owner, 2)
    response = post(api_for(owner), f"{NOTICES}{first.pk}/read/")
    assert response.status_code == 200, response.content
    assert response.json()["unread"] is False and response.json()["read_at"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_another_users_notice_is_a_404_and_stays_unread(api_for, owner, outsider):
    theirs = notice(owner)
    client = api_for(outsider)
    assert post(client, f"{NOTICES}{theirs.pk}/read/").status_code == 404
    assert ids(client.get(NOTICES)) == []
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_your_own(api_for, owner, colleague):
    notice(owner, 1)
    notice(owner, 2)
    theirs = notice(colleague, 3)
    response = post(api_for(owner), f"{NOTICES}read-all/")
    assert response.status_code == 200
    assert response.json() == {"count": 2}
    assert not Notification.objects.filter(user=owner).unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert post(api_for(owner), f"{NOTICES}read-all/").json() == {"count": 0}


def test_reading_rejects_get(api_for, owner):
    mine = notice(owner)
    assert api_for(owner).get(f"{NOTICES}{mine.pk}/read/").status_code == 405
    assert api_for(owner).get(f"{NOTICES}read-all/").status_code == 405


def test_a_read_only_token_cannot_mark_read(api_for, owner):
    mine = notice(owner)
    assert post(api_for(owner, read_only=True), f"{NOTICES}{mine.pk}/read/").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_list_costs_the_same_at_10_and_50_rows(api_for, owner, django_assert_num_queries):
    for n in range(10):
        notice(owner, n)
    client = api_for(owner)
    client.get(NOTICES)  # the token's last use written
    with django_assert_num_queries(LIST_QUERIES):
        assert len(ids(client.get(NOTICES))) == 10
    for n in range(10, 50):
        notice(owner, n)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(ids(client.get(NOTICES))) == 50


# the token and its user (with their districts), then the page
LIST_QUERIES = 3
