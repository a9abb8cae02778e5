"""A case's follow-ups, attachments and personal numbers through the API: the pages'
checks, history and audit, the scope, and a fixed cost per list."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.models import IdempotencyKey
from cases.choices import EventKind, FollowUpMethod
from cases.models import Attachment, Case, CaseEvent, FollowUp
from riskdesk.choices import AttachmentKind, AuditAction
from riskdesk.models import AuditEntry
from tests.api.test_case_writes import post
from tests.cases.test_attachments import PDF, PNG

ID, PHONE = "11010519491231002X", "13812345678"
VISIT = {"date": "", "method": "site_visit", "summary": "Met the workers at the site.",
         "people_helped_added": 30, "amount_recovered_added": "150000.00"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(case, child):
    return f"/api/v1/cases/{case.reference}/{child}/"


def visit(**fields):
    return {**VISIT, "date": timezone.localdate().isoformat(), **fields}


def upload(client, case, name="report.pdf", content=PDF, **headers):
    return client.post(url(case, "attachments"), {"file": SimpleUploadedFile(name, content)},
                       **headers)


def reveal(client, case, field="contact_id_number"):
    return post(client, url(case, "reveal"), {"field": field})


# ---------------------------------------------------------------- follow-ups
def test_a_follow_up_moves_the_case_and_is_in_the_history(api_for, owner, case):
    # when the owner's token logs a site visit with figures
    response = post(api_for(owner), url(case, "follow-ups"), visit())
    # then it is answered as it is listed, and the case's figures and due date moved on
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["method"], body["method_label"]) == ("site_visit", "Site visit")
    assert body["people_helped_added"] == 30 and body["amount_recovered_added"] == "150000.00"
    assert body["created_by"] == owner.username and body["attachments"] == []
    case.refresh_from_db()
    assert (case.people_helped, case.amount_recovered) == (30, Decimal("150000.00"))
    assert case.next_follow_up_due == case.next_due_after(timezone.localdate())
    # and the history says so, by the token's user, as the page writes it
    event = case.events.get(kind=EventKind.FOLLOW_UP)
    assert event.user == owner and event.data["follow_up"] == body["id"]
    assert event.data["next_due"] == case.next_follow_up_due.isoformat()
    assert [row["id"] for row in api_for(owner).get(url(case, "follow-ups")).json()[
        "results"]] == [body["id"]]


def test_a_follow_up_with_files_sent_as_multipart(api_for, owner, case):
    response = api_for(owner).post(url(case, "follow-ups"), {
        **visit(), "files": [SimpleUploadedFile("minutes.pdf", PDF),
                             SimpleUploadedFile("site.png", PNG)]})
    assert response.status_code == 201, response.content
    follow_up = FollowUp.objects.get()
    assert sorted(response.json()["attachments"]) == sorted(
        follow_up.attachments.values_list("pk", flat=True))
    assert case.events.filter(kind=EventKind.ATTACHMENT).count() == 2


@pytest.mark.parametrize(("fields", "key"), [
    ({"date": "2999-01-01"}, "date"),
    ({"method": "telepathy"}, "method"),
    ({"summary": ""}, "summary"),
    ({"people_helped_added": 81}, "people_helped_added"),
    ({"amount_recovered_added": "-1"}, "amount_recovered_added"),
    ({"date": ["2026-01-01"]}, "date"),
])
def test_a_bad_follow_up_is_a_400_keyed_by_field_and_changes_nothing(
        api_for, owner, case, fields, key):
    response = post(api_for(owner), url(case, "follow-ups"), visit(**fields))
    assert response.status_code == 400
    assert key in response.json()
    assert not FollowUp.objects.exists()
    assert not case.events.filter(kind=EventKind.FOLLOW_UP).exists()


def test_a_role_that_cannot_log_follow_ups_gets_403_with_the_reason(api_for, admin_user, case):
    response = post(api_for(admin_user), url(case, "follow-ups"), visit())
    assert response.status_code == 403
    assert response.json() == {"detail": "You cannot log follow-ups on this case."}
    assert not FollowUp.objects.exists()


def test_a_follow_up_is_logged_once_for_one_idempotency_key(api_for, owner, case):
    client = api_for(owner)
    answers = [post(client, url(case, "follow-ups"), visit(), HTTP_IDEMPOTENCY_KEY="visit-1")
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert answers[0].json() == answers[1].json()
    assert FollowUp.objects.count() == 1
    case.refresh_from_db()
    assert case.people_helped == 30


# ---------------------------------------------------------------- attachments
def test_uploaded_bytes_download_byte_for_byte_and_the_download_is_audited(
        api_for, owner, case):
    client = api_for(owner)
    content = PDF + bytes(range(256)) * 40  # every byte value, past the first chunk
    # when a file is uploaded
    response = upload(client, case, "Site report 现场.pdf", content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["size"], body["content_type"], body["kind"]) == (
        "Site report 现场.pdf", len(content), "application/pdf", AttachmentKind.DOCUMENT)
    assert body["uploaded_by"] == owner.username
    assert case.events.get(kind=EventKind.ATTACHMENT).data["attachment"] == body["id"]
    # then the list shows it and its download gives back the same bytes, audited
    listed = client.get(url(case, "attachments")).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    download = client.get(listed[0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert (entry.user, entry.object_label) == (
        owner, f"{case.reference} Site report 现场.pdf")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("tool.exe", b"MZ" + b"\x00" * 64, "只能上传"),
    ("report.pdf", PNG, "不符"),
    ("big.pdf", PDF + b"\x00" * 2000, "超过上限"),
    (None, None, "请至少选择一个文件"),
])
def test_a_bad_upload_is_a_400_in_the_requests_language(
        api_for, owner, case, settings, name, content, message):
    settings.ATTACHMENT_MAX_BYTES = 1000
    client = api_for(owner)
    if name is None:
        response = client.post(url(case, "attachments"), {"note": "no file"},
                               HTTP_ACCEPT_LANGUAGE="zh-hans")
    else:
        response = upload(client, case, name, content, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert message in response.json()["file"][0]
    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(kind=EventKind.ATTACHMENT).exists()


def test_an_upload_far_past_the_limit_is_refused_before_it_is_read(
        api_for, owner, case, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = upload(api_for(owner), case, "huge.pdf", PDF + b"\x00" * 100_000)
    assert response.status_code == 400
    assert "at most" in response.json()["file"][0]
    assert not Attachment.objects.exists()


def test_two_files_at_once_are_refused(api_for, owner, case):
    response = api_for(owner).post(url(case, "attachments"), {"file": [
        SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)]})
    assert response.status_code == 400
    assert response.json() == {"file": ["Send one file per request."]}
    assert not Attachment.objects.exists()


def test_an_upload_is_stored_once_for_one_idempotency_key(api_for, owner, case):
    client = api_for(owner)
    answers = [upload(client, case, HTTP_IDEMPOTENCY_KEY="scan-7") for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert Attachment.objects.count() == 1
    # the same key with another file is another request
    assert upload(client, case, "other.png", PNG,
                  HTTP_IDEMPOTENCY_KEY="scan-7").status_code == 422


def test_a_keyed_upload_larger_than_a_request_held_in_memory(api_for, owner, case, settings):
    # given a file past DATA_UPLOAD_MAX_MEMORY_SIZE but within the attachment limit
    content = PDF + b"\x00" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    # when it is sent with an Idempotency-Key, then it is stored (its key hashed as parsed)
    response = upload(api_for(owner), case, "scan.pdf", content, HTTP_IDEMPOTENCY_KEY="big-1")
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().size == len(content)


def test_an_attachment_of_another_case_is_a_404(api_for, owner, case, make_case):
    other = make_case(title="Another case")
    attachment = upload(api_for(owner), other).json()
    response = api_for(owner).get(
        f"{url(case, 'attachments')}{attachment['id']}/download/")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


# ---------------------------------------------------------------- reveal
@pytest.fixture
def contact_case(make_case):
    return make_case(contact_name="Wang Fang", contact_id_number=ID, contact_phone=PHONE)


@pytest.mark.parametrize("who", ["owner", "district_supervisor", "admin_user"])
def test_those_allowed_see_a_number_whole_audited(request, api_for, contact_case, who):
    user = request.getfixturevalue(who)
    response = reveal(api_for(user), contact_case)
    assert response.status_code == 200, response.content
    assert response.json() == {"field": "contact_id_number", "value": ID}
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.user, entry.object_label) == (
        user, f"{contact_case.reference} contact_id_number")


def test_a_reveal_is_never_kept_for_its_idempotency_key(api_for, owner, contact_case):
    client = api_for(owner)
    for _ in range(2):
        response = post(client, url(contact_case, "reveal"), {"field": "contact_phone"},
                        HTTP_IDEMPOTENCY_KEY="reveal-1")
        assert response.json()["value"] == PHONE
    assert not IdempotencyKey.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 2


@pytest.mark.parametrize("who,status", [("colleague", 403), ("outsider", 404)])
def test_a_refused_reveal_with_a_key_is_refused_cleanly_and_keeps_no_key(
        request, api_for, contact_case, who, status):
    # (found by schemathesis: the refusal's rolled-back transaction took no more queries)
    response = post(api_for(request.getfixturevalue(who)), url(contact_case, "reveal"),
                    {"field": "contact_phone"}, HTTP_IDEMPOTENCY_KEY="reveal-2")
    assert response.status_code == status
    assert not IdempotencyKey.objects.exists()


def test_a_colleague_who_may_not_reveal_gets_403_and_nothing_is_audited(
        api_for, colleague, contact_case):
    response = reveal(api_for(colleague), contact_case)
    assert response.status_code == 403
    assert ID not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_only_the_personal_numbers_can_be_revealed(api_for, owner, contact_case):
    response = reveal(api_for(owner), contact_case, "title")
    assert response.status_code == 400 and "field" in response.json()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_the_other_answers_show_the_numbers_masked(api_for, owner, contact_case):
    client = api_for(owner)
    post(client, url(contact_case, "follow-ups"), visit())
    upload(client, contact_case)
    for child in ("follow-ups", "attachments"):
        text = client.get(url(contact_case, child)).content.decode()
        assert ID not in text and PHONE not in text


# ---------------------------------------------------------------- scope and tokens
def test_an_outsider_gets_404_everywhere_and_changes_nothing(
        api_for, owner, outsider, contact_case):
    attachment = upload(api_for(owner), contact_case).json()
    client = api_for(outsider)
    answers = [
        client.get(url(contact_case, "follow-ups")),
        post(client, url(contact_case, "follow-ups"), visit()),
        client.get(url(contact_case, "attachments")),
        upload(client, contact_case),
        client.get(f"{url(contact_case, 'attachments')}{attachment['id']}/download/"),
        reveal(client, contact_case),
    ]
    assert [a.status_code for a in answers] == [404] * 6
    assert Attachment.objects.count() == 1 and not FollowUp.objects.exists()
    assert not AuditEntry.objects.filter(
        action__in=[AuditAction.DOWNLOAD, AuditAction.REVEAL]).exists()


def test_a_foreign_cases_lists_are_404_for_its_own_token_they_are_not(
        api_for, owner, outsider, foreign_case):
    assert api_for(owner).get(url(foreign_case, "follow-ups")).status_code == 404
    assert api_for(owner).get(url(foreign_case, "attachments")).status_code == 404
    assert api_for(outsider).get(url(foreign_case, "attachments")).status_code == 200


def test_a_read_only_token_writes_nothing(api_for, owner, contact_case):
    client = api_for(owner, read_only=True)
    answers = [post(client, url(contact_case, "follow-ups"), visit()),
               upload(client, contact_case), reveal(client, contact_case)]
    assert [a.status_code for a in answers] == [403] * 3
    assert not FollowUp.objects.exists() and not Attachment.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_the_children_reject_other_methods(api_for, owner, case):
    client = api_for(owner)
    assert client.get(url(case, "reveal")).status_code == 405
    assert client.delete(url(case, "attachments")).status_code == 405


# ---------------------------------------------------------------- the cost
def bulk_children(case, user, n, start=0):
    now = timezone.now()
    follow_ups = FollowUp.objects.bulk_create([
        FollowUp(case=case, date=datetime.date(2026, 1, 1), method=FollowUpMethod.CALL,
                 summary=f"Call {start + i}", created_by=user, created_at=now)
        for i in range(n)])
    Attachment.objects.bulk_create([
        Attachment(case=case, follow_up=follow_up, file=f"attachments/{follow_up.pk}.pdf",
                   original_name=f"{follow_up.pk}.pdf", content_type="application/pdf",
                   kind=AttachmentKind.DOCUMENT, size=10, sha256="0" * 64, uploaded_by=user)
        for follow_up in follow_ups])


@pytest.mark.parametrize("child", ["follow-ups", "attachments"])
def test_a_list_costs_the_same_at_10_and_50_rows(
        api_for, owner, colleague, case, child, django_assert_num_queries):
    bulk_children(case, owner, 10)
    client = api_for(colleague)
    client.get(url(case, child))  # the token's first use is written once
    with django_assert_num_queries(LIST_QUERIES[child]):
        assert len(client.get(url(case, child)).json()["results"]) == 10
    bulk_children(case, colleague, 40, start=10)
    with django_assert_num_queries(LIST_QUERIES[child]):
        rows = client.get(url(case, child)).json()["results"]
    assert len(rows) == 50
    assert {row.get("created_by") or row.get("uploaded_by") for row in rows} == {
        owner.username, colleague.username}


# the token and its user, their scope, the case, the page (and the follow-ups' attachments)
LIST_QUERIES = {"follow-ups": 5, "attachments": 4}


def test_the_schema_states_the_childrens_writes(api_for, owner):
    paths = api_for(owner).get("/api/v1/schema/?format=json").json()["paths"]
    for path in ("follow-ups", "attachments", "reveal"):
        operation = paths[f"/api/v1/cases/{{reference}}/{path}/"]["post"]
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]]
        assert {"400", "403", "404"} <= set(operation["responses"])
    assert "multipart/form-data" in paths["/api/v1/cases/{reference}/attachments/"]["post"][
        "requestBody"]["content"]
    assert Case.objects.count() == 0
