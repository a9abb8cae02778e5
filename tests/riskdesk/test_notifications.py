"""The inbox, the unread badge, notification settings and the admin's view of e-mails."""

from datetime import timedelta

import pytest
from django.utils import timezone

from riskdesk.calendar import WorkingCalendar
from riskdesk.choices import ADDRESS_ONLY_KINDS, Delivery, EmailStatus, NoticeKind
from riskdesk.models import Notification, NotificationSetting, WorkingDayOverride
from tests.urlwalk import walk

POST_ONLY = ["/notifications/{pk}/read/", "/notifications/read-all/"]


def make_notice(user, number=1, *, read=False, url="/cases/RC-2026-00042/", **fields):
    """A notice as the jobs make them, ``number`` minutes old."""
    values = {
        "kind": NoticeKind.FOLLOW_UP_OVERDUE,
        "key": f"case:42:follow_up_overdue:{number}",
        "params": {"ref": f"RC-2026-{number:05d}", "title": "Baoxin Plaza",
                   "date": "2026-03-01"},
        "url": url,
        "created_at": timezone.now() - timedelta(minutes=number),
        "read_at": timezone.now() if read else None,
    }
    values.update(fields)
    return Notification.objects.create(user=user, **values)


def unread(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# ---------------------------------------------------------------- the inbox
def test_the_inbox_shows_ones_own_notices_newest_first(client_for, owner, outsider):
    # given two notices for the owner and one for someone else
    older = make_notice(owner, 2)
    newer = make_notice(owner, 1, read=True)
    make_notice(outsider, 3, params={"ref": "RC-2026-09999", "title": "Not yours"})
    # when the owner opens the inbox
    response = client_for(owner).get("/notifications/")
    page = response.content.decode()
    # then they see theirs as sentences, newest first, and nobody else's
    assert response.status_code == 200
    first = "RC-2026-00001 Baoxin Plaza: the follow-up due on 2026-03-01 is overdue."
    second = "RC-2026-00002 Baoxin Plaza: the follow-up due on 2026-03-01 is overdue."
    assert first in page and second in page
    assert page.index(first) < page.index(second)
    assert "Not yours" not in page
    assert f'action="/notifications/{newer.pk}/read/"' in page
    assert f'action="/notifications/{older.pk}/read/"' in page


def test_unread_notices_are_marked_and_can_be_shown_alone(client_for, owner):
    make_notice(owner, 1, read=True, params={"ref": "RC-READ"})
    make_notice(owner, 2, params={"ref": "RC-UNREAD"})
    client = client_for(owner)
    page = client.get("/notifications/").content.decode()
    assert page.count('class="badge badge--unread"') == 1
    only_unread = client.get("/notifications/?show=unread").content.decode()
    assert "RC-UNREAD" in only_unread and "RC-READ" not in only_unread
    assert 'aria-current="page">Unread' in only_unread


def test_an_empty_inbox_says_so(client_for, owner):
    page = client_for(owner).get("/notifications/?show=unread").content.decode()
    assert "No unread notices." in page


def test_the_inbox_shows_25_a_page(client_for, owner):
    for number in range(1, 31):
        make_notice(owner, number)
    client = client_for(owner)
    first = client.get("/notifications/")
    second = client.get("/notifications/?page=2")
    assert len(first.context["entries"]) == 25
    assert len(second.context["entries"]) == 5
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("notices", [3, 60])
def test_the_inbox_query_count_does_not_grow_with_the_notices(
    client_for, owner, notices, django_assert_max_num_queries
):
    for number in range(1, notices + 1):
        make_notice(owner, number, read=number % 2 == 0)
    client = client_for(owner)
    client.get("/notifications/")
    # session, user, membership, districts, savepoint x2, count, page, unread badge
    with django_assert_max_num_queries(9):
        response = client.get("/notifications/?per_page=100")
    assert len(response.context["entries"]) == min(notices, 100)


# ---------------------------------------------------------------- reading
def test_opening_a_notice_marks_it_read_and_goes_to_its_case(client_for, owner):
    notice = make_notice(owner)
    response = client_for(owner).post(f"/notifications/{notice.pk}/read/")
    assert response.status_code == 302
    assert response["Location"] == "/cases/RC-2026-00042/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_a_read_notice_keeps_when_it_was_read(client_for, owner):
    notice = make_notice(owner, read=True)
    read_at = notice.read_at
    client_for(owner).post(f"/notifications/{notice.pk}/read/")
    notice.refresh_from_db()
    assert notice.read_at == read_at


def test_mark_as_read_stays_in_the_inbox(client_for, owner):
    notice = make_notice(owner)
    response = client_for(owner).post(
        f"/notifications/{notice.pk}/read/", {"next": "/notifications/?show=unread"}
    )
    assert response["Location"] == "/notifications/?show=unread"
    assert unread(owner) == 0


@pytest.mark.parametrize("where", ["https://evil.example/", "//evil.example/x"])
def test_reading_never_leaves_the_site(client_for, owner, where):
    stored = make_notice(owner, 1, url=where)
    asked = make_notice(owner, 2)
    client = client_for(owner)
    assert client.post(f"/notifications/{stored.pk}/read/")["Location"] == "/notifications/"
    response = client.post(f"/notifications/{asked.pk}/read/", {"next": where})
    assert response["Location"] == "/notifications/"


def test_a_notice_without_a_link_opens_the_inbox(client_for, owner):
    notice = make_notice(owner, url="")
    response = client_for(owner).post(f"/notifications/{notice.pk}/read/")
    assert response["Location"] == "/notifications/"


def test_someone_elses_notice_is_not_found_and_stays_unread(client_for, owner, outsider):
    theirs = make_notice(outsider)
    response = client_for(owner).post(f"/notifications/{theirs.pk}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_reads_only_ones_own(client_for, owner, outsider):
    for number in range(1, 4):
        make_notice(owner, number)
    make_notice(outsider, 9)
    response = client_for(owner).post("/notifications/read-all/", follow=True)
    assert response.redirect_chain == [("/notifications/", 302)]
    assert "3 notices marked as read." in response.content.decode()
    assert unread(owner) == 0
    assert unread(outsider) == 1


@pytest.mark.parametrize("url", POST_ONLY)
def test_every_post_action_rejects_get(client_for, owner, url):
    notice = make_notice(owner)
    response = client_for(owner).get(url.format(pk=notice.pk))
    assert response.status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_new_pages_are_walked_for_sign_in(db):
    """tests/riskdesk/test_login_required.py walks every URL; these must be among them."""
    names = {name for name, _url in walk()}
    assert {"notifications", "notification_read", "notifications_read_all",
            "notification_settings"} <= names


@pytest.mark.parametrize("url", ["/notifications/", "/notifications/settings/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------- the badge
def test_the_navigation_shows_the_unread_count_on_every_page(client_for, owner, outsider):
    for number in range(1, 4):
        make_notice(owner, number)
    make_notice(owner, 4, read=True)
    make_notice(outsider, 5)
    client = client_for(owner)
    for page in ("/dashboard/", "/cases/", "/notifications/settings/"):
        html = client.get(page).content.decode()
        assert 'aria-label="Inbox, 3 unread"' in html, page
        assert '<span class="inboxlink__count" aria-hidden="true">3</span>' in html


def test_the_badge_is_counted_in_the_query_that_reads_the_user(client_for, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_notice(owner, 1)
    make_notice(owner, 2)
    client = client_for(owner)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/cases/").content.decode()

    assert 'aria-label="Inbox, 2 unread"' in html
    inbox = [query["sql"] for query in queries
             if "riskdesk_notification" in query["sql"]]
    assert len(inbox) == 1 and 'FROM "auth_user"' in inbox[0]


def test_the_badge_disappears_when_everything_is_read(client_for, owner):
    make_notice(owner)
    client = client_for(owner)
    client.post("/notifications/read-all/")
    html = client.get("/").content.decode()
    assert 'aria-label="Inbox, nothing unread"' in html
    assert "inboxlink__count" not in html


def test_the_badge_costs_one_count_on_the_unread_index(
    client_for, owner, django_assert_max_num_queries
):
    make_notice(owner)
    client = client_for(owner)
    client.get("/accounts/password/")
    with django_assert_max_num_queries(8) as captured:
        client.get("/accounts/password/")
    inbox = [q["sql"] for q in captured.captured_queries
             if "riskdesk_notification" in q["sql"]]
    assert len(inbox) == 1
    assert "COUNT" in inbox[0] and '"read_at" IS NULL' in inbox[0]


def test_no_badge_before_signing_in(client, db):
    assert "inboxlink" not in client.get("/accounts/login/").content.decode()


def test_the_user_menu_links_to_the_notification_settings(client_for, owner):
    html = client_for(owner).get("/").content.decode()
    assert 'href="/notifications/settings/"' in html
    assert "Notification settings" in html


# ---------------------------------------------------------------- settings
# Every kind a user receives (an applicant's receipt goes to an address, not to a user).
KINDS = [kind for kind in NoticeKind if kind not in ADDRESS_ONLY_KINDS]

def test_settings_offer_each_kind_and_default_to_email_at_once(client_for, owner):
    response = client_for(owner).get("/notifications/settings/")
    page = response.content.decode()
    assert response.status_code == 200
    for kind in KINDS:
        assert f"<legend>{kind.label}</legend>" in page
    for delivery in Delivery:
        assert str(delivery.label) in page
    form = response.context["form"]
    assert all(form[kind.value].value() == Delivery.IMMEDIATE for kind in KINDS)
    assert f"E-mails are sent to <strong>{owner.email}</strong>" in page


def test_saving_settings_keeps_the_choices(client_for, owner):
    client = client_for(owner)
    choices = {kind.value: Delivery.IMMEDIATE for kind in KINDS}
    choices[NoticeKind.FOLLOW_UP_DUE] = Delivery.DIGEST
    choices[NoticeKind.ORDER_UPDATE] = Delivery.OFF
    response = client.post("/notifications/settings/", choices, follow=True)
    assert response.redirect_chain == [("/notifications/settings/", 302)]
    assert "Your notification settings were saved." in response.content.decode()
    saved = dict(NotificationSetting.objects.filter(user=owner).values_list("kind", "delivery"))
    assert saved == choices
    # and saving again changes the rows rather than adding to them
    choices[NoticeKind.FOLLOW_UP_DUE] = Delivery.OFF
    client.post("/notifications/settings/", choices)
    assert NotificationSetting.objects.filter(user=owner).count() == len(KINDS)
    assert NotificationSetting.objects.get(
        user=owner, kind=NoticeKind.FOLLOW_UP_DUE).delivery == Delivery.OFF
    form = client.get("/notifications/settings/").context["form"]
    assert form[NoticeKind.ORDER_UPDATE].value() == Delivery.OFF


def test_a_bad_choice_is_refused_and_nothing_saved(client_for, owner):
    choices = {kind.value: Delivery.IMMEDIATE for kind in KINDS}
    choices[NoticeKind.ESCALATION] = "carrier-pigeon"
    response = client_for(owner).post("/notifications/settings/", choices)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationSetting.objects.filter(user=owner).exists()


def test_an_empty_form_is_refused_with_a_message_per_kind(client_for, owner):
    response = client_for(owner).post("/notifications/settings/", {})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == len(KINDS)
    assert not NotificationSetting.objects.filter(user=owner).exists()


def test_settings_say_nothing_is_emailed_without_an_address(client_for, owner):
    owner.email = ""
    owner.save(update_fields=["email"])
    page = client_for(owner).get("/notifications/settings/").content.decode()
    assert "You have no e-mail address, so nothing is e-mailed to you" in page


def test_settings_are_ones_own(client_for, owner, colleague):
    NotificationSetting.objects.create(
        user=colleague, kind=NoticeKind.ESCALATION, delivery=Delivery.OFF
    )
    form = client_for(owner).get("/notifications/settings/").context["form"]
    assert form[NoticeKind.ESCALATION].value() == Delivery.IMMEDIATE


# ---------------------------------------------------------------- the admin site
def test_admins_see_failed_emails_with_attempts_and_error(client_for, admin_user, owner):
    make_notice(owner, 1, email_status=EmailStatus.FAILED, email_attempts=5,
                email_error="SMTPServerDisconnected: Connection unexpectedly closed",
                params={"ref": "RC-FAILED"})
    make_notice(owner, 2, email_status=EmailStatus.SENT, params={"ref": "RC-SENT"})
    client = client_for(admin_user)
    response = client.get("/admin/riskdesk/notification/?email_status__exact=failed")
    page = response.content.decode()
    assert response.status_code == 200
    assert "RC-FAILED" in page and "RC-SENT" not in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert '<td class="field-email_attempts">5</td>' in page
    assert "kind__exact=follow_up_overdue" in page  # the filter by kind


def test_notifications_cannot_be_added_changed_or_deleted_in_the_admin(
    client_for, admin_user, owner
):
    notice = make_notice(owner)
    client = client_for(admin_user)
    assert client.get("/admin/riskdesk/notification/add/").status_code == 403
    assert client.get(f"/admin/riskdesk/notification/{notice.pk}/delete/").status_code == 403
    detail = client.get(f"/admin/riskdesk/notification/{notice.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    client.post(f"/admin/riskdesk/notification/{notice.pk}/change/", {"kind": "escalation"})
    notice.refresh_from_db()
    assert notice.kind == NoticeKind.FOLLOW_UP_OVERDUE


def test_admins_send_failed_emails_again(client_for, admin_user, owner, mailoutbox,
                                        django_capture_on_commit_callbacks, settings):
    from riskdesk.celery import app

    failed = make_notice(owner, email_status=EmailStatus.FAILED, email_attempts=5,
                         email_error="SMTPServerDisconnected")
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(admin_user).post("/admin/riskdesk/notification/", {
                "action": "send_again", "_selected_action": [failed.pk],
            }, follow=True)
    finally:
        app.conf.task_always_eager = before
    assert "1 e-mail queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.email_status == EmailStatus.SENT and failed.email_error == ""
    assert len(mailoutbox) == 1


def test_staff_cannot_see_notifications_in_the_admin(client_for, owner):
    response = client_for(owner).get("/admin/riskdesk/notification/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_admins_correct_the_holiday_calendar(client_for, admin_user):
    # given 2026-10-10, a Saturday the calendar treats as a day off
    day = "2026-10-10"
    client = client_for(admin_user)
    # when an admin makes it a working day in the admin site
    response = client.post("/admin/riskdesk/workingdayoverride/add/", {
        "date": day, "is_working_day": "on", "note": "make-up working day (调休)",
    })
    assert response.status_code == 302
    # then the working-day calendar follows, and the list shows both answers
    override = WorkingDayOverride.objects.get()
    assert WorkingCalendar().is_working_day(override.date)
    page = client.get("/admin/riskdesk/workingdayoverride/").content.decode()
    assert "make-up working day" in page
    assert client.get(
        f"/admin/riskdesk/workingdayoverride/{override.pk}/change/"
    ).status_code == 200
