"""Personal data: a case's contact person, with an ID number and a phone number that are
checked, shown masked everywhere, and revealed whole only to those allowed, audited."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases import actions
from cases.choices import EventKind
from cases.imports import import_cases
from cases.models import Case, CaseEvent
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry
from riskdesk.personal import mask_id, mask_phone, normalise_phone, normalise_resident_id

ID = "150203199001011232"  # a valid resident ID number (check character 2)
ID_MASKED = "1502**********1232"
OTHER_ID = "150204198506150029"
PHONE = "13812345678"
PHONE_MASKED = "138****5678"


@pytest.fixture
def contact_case(make_case):
    return make_case(contact_name="Zhang San", contact_id_number=ID, contact_phone=PHONE)


# ---------------------------------------------------------------- checking and masking
@pytest.mark.parametrize(("raw", "expected"), [
    (ID, ID),
    (" 1502 0319 9001 0112 32 ", ID), ("11010519491231002x", "11010519491231002X"),
])
def test_resident_id_numbers_are_accepted_in_canonical_form(raw, expected):
    assert normalise_resident_id(raw) == expected


@pytest.mark.parametrize(("raw", "message"), [
    ("15020319900101123", "18-character resident ID number"),
    ("1502031990010112A2", "18-character resident ID number"),
    ("150203199013011232", "is not a date"),
    ("150203199001011233", "check character"),
])
def test_bad_resident_id_numbers_get_a_clear_message(raw, message):
    with pytest.raises(ValidationError, match=message):
        normalise_resident_id(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("13812345678", "13812345678"), ("+86 138 1234 5678", "13812345678"),
    ("0472-5123456", "0472-5123456"), ("(0472)5123456", "0472-5123456"),
    ("010-62345678", "010-62345678"),
])
def test_phone_numbers_are_accepted_in_canonical_form(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "5123456", "0472-0123456",
                                 "phone me"])
def test_bad_phone_numbers_get_a_clear_message(raw):
    with pytest.raises(ValidationError, match="mainland mobile number"):
        normalise_phone(raw)


def test_masks_keep_only_the_ends():
    assert mask_id(ID) == ID_MASKED
    assert mask_phone(PHONE) == PHONE_MASKED
    assert mask_phone("0472-5123456") == "0472-***3456"
    assert mask_id("") == mask_phone("") == ""


# ---------------------------------------------------------------- the form
def case_form_data(case, **changes):
    data = {
        "title": case.title, "description": case.description, "category": case.category_id,
        "district": case.district_id, "address": case.address, "risk_level": case.risk_level,
        "source": case.source, "responsible_unit": "", "lead_official": "",
        "owner": case.owner_id, "target_date": "", "people_affected": case.people_affected,
        "people_helped": case.people_helped, "amount_involved": case.amount_involved,
        "amount_recovered": case.amount_recovered, "contact_name": case.contact_name,
        "contact_id_number": "", "contact_phone": "",
        "wa-employer": "Builder Ltd",
    }
    data.update(changes)
    return data


def test_registering_with_a_bad_id_number_shows_the_reason(client_for, owner, categories):
    from cases.choices import CategoryKind

    case = Case(title="Wages", category=categories[CategoryKind.WAGE_ARREARS],
                district=owner.membership.districts.first(), risk_level="high",
                source="rolling", owner=owner)
    response = client_for(owner).post(reverse("cases:create"), case_form_data(
        case, contact_id_number="150203199001011233", contact_phone="12345"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "check character" in text
    assert "mainland mobile number" in text
    assert not Case.objects.exists()


def test_registering_stores_the_whole_normalised_numbers(client_for, owner, categories):
    from cases.choices import CategoryKind

    case = Case(title="Wages", category=categories[CategoryKind.WAGE_ARREARS],
                district=owner.membership.districts.first(), risk_level="high",
                source="rolling", owner=owner)
    response = client_for(owner).post(reverse("cases:create"), case_form_data(
        case, contact_name="Zhang San", contact_id_number="15020319900101123 2",
        contact_phone="+86 138 1234 5678"))
    assert response.status_code == 302, (response.context["form"].errors,
                                         response.context["details_forms"])
    saved = Case.objects.get()
    assert (saved.contact_id_number, saved.contact_phone) == (ID, PHONE)


def test_the_edit_form_never_shows_the_whole_numbers(client_for, colleague, contact_case):
    response = client_for(colleague).get(reverse("cases:edit", args=[contact_case.reference]))
    text = response.content.decode()
    assert ID not in text and PHONE not in text
    assert f"Now {ID_MASKED}." in text


def test_saving_the_form_with_the_numbers_left_empty_keeps_them(
    client_for, colleague, contact_case
):
    response = client_for(colleague).post(
        reverse("cases:edit", args=[contact_case.reference]),
        case_form_data(contact_case, title="Wages, 80 workers"),
    )
    assert response.status_code == 302
    contact_case.refresh_from_db()
    assert contact_case.title == "Wages, 80 workers"
    assert (contact_case.contact_id_number, contact_case.contact_phone) == (ID, PHONE)


def test_a_new_number_replaces_it_and_the_box_removes_it(client_for, owner, contact_case):
    client = client_for(owner)
    url = reverse("cases:edit", args=[contact_case.reference])
    client.post(url, case_form_data(contact_case, contact_id_number=OTHER_ID,
                                    remove_contact_phone="on"))
    contact_case.refresh_from_db()
    assert (contact_case.contact_id_number, contact_case.contact_phone) == (OTHER_ID, "")


def test_the_history_keeps_only_masked_numbers(client_for, owner, contact_case):
    client_for(owner).post(
        reverse("cases:edit", args=[contact_case.reference]),
        case_form_data(contact_case, contact_id_number=OTHER_ID, contact_phone="0472-5123456"),
    )
    event = CaseEvent.objects.get(case=contact_case, kind=EventKind.EDITED)
    changes = event.data["changes"]
    assert changes["contact_id_number"] == [ID_MASKED, "1502**********0029"]
    assert changes["contact_phone"] == [PHONE_MASKED, "0472-***3456"]
    assert ID not in str(event.data) and OTHER_ID not in str(event.data)
    page = client_for(owner).get(contact_case.get_absolute_url()).content.decode()
    assert OTHER_ID not in page and "0472-5123456" not in page


# ---------------------------------------------------------------- the case page and reveal
def test_the_case_page_shows_the_numbers_masked(client_for, owner, contact_case):
    text = client_for(owner).get(contact_case.get_absolute_url()).content.decode()
    assert "Zhang San" in text
    assert ID_MASKED in text and PHONE_MASKED in text
    assert ID not in text and PHONE not in text


def reveal(client, case, name="contact_id_number"):
    return client.post(reverse("cases:reveal", args=[case.reference, name]))


@pytest.mark.parametrize("who", ["owner", "district_supervisor", "city_supervisor",
                                 "admin_user"])
def test_the_owner_supervisors_and_admins_can_reveal(request, client_for, contact_case, who):
    user = request.getfixturevalue(who)
    response = reveal(client_for(user), contact_case)
    assert response.status_code == 200
    text = response.content.decode()
    assert ID in text
    assert PHONE not in text  # only the number asked for
    assert response["Cache-Control"] == "private, no-store"
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert (entry.user, entry.object_label) == (
        user, f"{contact_case.reference} contact_id_number")


def test_revealing_the_phone(client_for, owner, contact_case):
    text = reveal(client_for(owner), contact_case, "contact_phone").content.decode()
    assert PHONE in text and ID not in text


def test_a_colleague_in_scope_who_is_not_the_owner_gets_403(client_for, colleague, contact_case):
    page = client_for(colleague).get(contact_case.get_absolute_url()).content.decode()
    assert reverse("cases:reveal", args=[contact_case.reference, "contact_id_number"]) not in page
    response = reveal(client_for(colleague), contact_case)
    assert response.status_code == 403
    assert ID not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_an_outsider_gets_404(client_for, outsider, contact_case):
    assert reveal(client_for(outsider), contact_case).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_rejects_get_and_unknown_fields(client_for, owner, contact_case):
    client = client_for(owner)
    url = reverse("cases:reveal", args=[contact_case.reference, "contact_id_number"])
    assert client.get(url).status_code == 405
    assert reveal(client, contact_case, "title").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


# ---------------------------------------------------------------- exports and import
def test_exports_hold_the_numbers_masked(client_for, city_supervisor, contact_case):
    client = client_for(city_supervisor)
    response = client.get(reverse("cases:export_csv"))
    rows = list(csv.DictReader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0]["contact_name"] == "Zhang San"
    assert rows[0]["contact_id_number"] == ID_MASKED
    assert rows[0]["contact_phone"] == PHONE_MASKED
    response = client.get(reverse("cases:export_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert ID_MASKED in values and PHONE_MASKED in values
    assert ID not in values and PHONE not in values


def upload(text):
    return SimpleUploadedFile("list.csv", ("\ufeff" + text).encode())


HEADER = ("source_reference,title,category,district,risk_level,contact_name,contact_id_number,"
          "contact_phone\n")


def test_the_import_takes_the_contact_columns(owner, categories):
    result = import_cases(user=owner, upload=upload(
        HEADER + f"KDL-1,Wages,wage-arrears,kundulun,high,Zhang San,{ID},0472 5123456\n"))
    assert result.errors == [] and result.created == 1
    case = Case.objects.get()
    assert (case.contact_name, case.contact_id_number, case.contact_phone) == (
        "Zhang San", ID, "0472-5123456")


def test_the_import_names_a_bad_id_number_and_imports_nothing(owner, categories):
    result = import_cases(user=owner, upload=upload(
        HEADER + "KDL-1,Wages,wage-arrears,kundulun,high,Zhang San,150203199001011233,"
        f"{PHONE}\nKDL-2,Wages,wage-arrears,kundulun,high,Li Si,,12345\n"))
    assert result.created == 0
    problems = {(e.row, e.column): e.message for e in result.errors}
    assert "check character" in problems[(2, "contact_id_number")]
    assert "mainland mobile number" in problems[(3, "contact_phone")]
    assert not Case.objects.exists()


def test_the_import_accepts_chinese_headers_and_empty_contacts(owner, categories):
    result = import_cases(user=owner, upload=upload(
        "来源编号,标题,类别,地区,风险等级,联系人,联系人身份证号,联系电话\n"
        "KDL-1,欠薪,wage-arrears,kundulun,high,,,\n"))
    assert result.errors == [] and result.created == 1
    assert Case.objects.get().contact_id_number == ""


def test_registering_through_the_action_refuses_a_bad_number(make_case):
    case = make_case(contact_id_number="")
    case.contact_phone = "999"
    with pytest.raises(ValidationError):
        case.full_clean()
    assert actions.can_reveal_personal_data(case.owner, case)


def test_the_admin_site_shows_the_numbers_masked(client_for, admin_user, contact_case):
    response = client_for(admin_user).get(
        reverse("admin:cases_case_change", args=[contact_case.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert ID_MASKED in text and PHONE_MASKED in text
    assert ID not in text and PHONE not in text
