"""The drill register: recording, the list, the page, files and exports, all scoped by
district like cases."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from drills.choices import DrillKind
from drills.models import Drill, DrillAttachment
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry
from tests.cases.test_attachments import PDF

pytestmark = pytest.mark.django_db


def form_data(district, **changes):
    return {"district": district.pk, "date": "2024-05-10", "kind": DrillKind.FLOOD,
            "participants": "120", "scenario": "River dyke breach at night",
            "findings": "Sandbags too far from the dyke", "units": "Fire brigade\nRed Cross",
            **changes}


def test_staff_record_a_drill_with_its_files(client_for, owner, district):
    client = client_for(owner)
    response = client.post(reverse("drills:create"), {
        **form_data(district), "files": [SimpleUploadedFile("plan.pdf", PDF)]})
    drill = Drill.objects.get()
    assert response.status_code == 302 and response.url == drill.get_absolute_url()
    assert (drill.district, drill.participants, drill.created_by) == (district, 120, owner)
    assert drill.unit_list == ["Fire brigade", "Red Cross"]
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "River dyke breach at night" in page and "plan.pdf" in page and "Red Cross" in page


def test_download_of_a_drill_file_is_audited(client_for, owner, district, make_drill):
    drill = make_drill(owner, district, uploads=[SimpleUploadedFile("plan.pdf", PDF)])
    attachment = drill.attachments.get()
    response = client_for(owner).get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert "plan.pdf" in entry.object_label and entry.user == owner


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"participants": "0"}, "participants", "greater than or equal to 1"),
    ({"participants": "many"}, "participants", "Enter a whole number"),
    ({"kind": "picnic"}, "kind", "Select a valid choice"),
    ({"date": "2999-01-01"}, "date", "cannot be dated in the future"),
    ({"scenario": ""}, "scenario", "This field is required"),
])
def test_bad_input_is_refused_and_nothing_saved(client_for, owner, district, changes, field,
                                                message):
    response = client_for(owner).post(reverse("drills:create"), form_data(district, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Drill.objects.exists()


def test_a_refused_file_saves_no_drill(client_for, owner, district):
    response = client_for(owner).post(reverse("drills:create"), {
        **form_data(district), "files": [SimpleUploadedFile("plan.exe", b"MZ")]})
    assert response.status_code == 200
    assert "only PDF" in response.content.decode()
    assert not Drill.objects.exists() and not DrillAttachment.objects.exists()


def test_staff_cannot_record_a_drill_in_another_district(client_for, owner, other_district):
    response = client_for(owner).post(reverse("drills:create"), form_data(other_district))
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(response.context["form"].errors["district"])
    assert not Drill.objects.exists()


def test_outsider_gets_404_on_another_districts_drill(client_for, owner, outsider, district,
                                                      make_drill):
    drill = make_drill(owner, district, uploads=[SimpleUploadedFile("plan.pdf", PDF)])
    client = client_for(outsider)
    for url in (drill.get_absolute_url(), reverse("drills:edit", args=[drill.pk]),
                drill.attachments.get().get_absolute_url()):
        assert client.get(url).status_code == 404
    response = client.post(reverse("drills:edit", args=[drill.pk]),
                           form_data(district, participants="1"))
    assert response.status_code == 404
    drill.refresh_from_db()
    assert drill.participants == 30


def test_outsider_sees_no_foreign_drill_in_list_or_export(client_for, owner, outsider,
                                                          district, other_district, make_drill):
    make_drill(owner, district, scenario="Kundulun stadium crowd")
    make_drill(outsider, other_district, scenario="Donghe school fire")
    client = client_for(outsider)
    page = client.get(reverse("drills:list"), {"kind": DrillKind.FIRE}).content.decode()
    assert "Donghe school fire" in page and "Kundulun stadium crowd" not in page
    csv = b"".join(client.get(reverse("drills:export_csv"), {"o": "date"})
                   .streaming_content).decode("utf-8-sig")
    assert "Donghe school fire" in csv and "Kundulun stadium crowd" not in csv
    response = client.get(reverse("drills:export_xlsx"), {"o": "date"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Donghe school fire" in cells and "Kundulun stadium crowd" not in cells


def test_district_supervisor_edits_a_staff_drill(client_for, owner, district_supervisor,
                                                 district, make_drill):
    drill = make_drill(owner, district)
    response = client_for(district_supervisor).post(
        reverse("drills:edit", args=[drill.pk]), form_data(district, participants="75"))
    assert response.status_code == 302
    drill.refresh_from_db()
    assert (drill.participants, drill.updated_by, drill.created_by) == (
        75, district_supervisor, owner)


def test_list_filters_by_period_district_and_kind(client_for, city_supervisor, owner, outsider,
                                                  district, other_district, make_drill):
    make_drill(owner, district, date=datetime.date(2024, 3, 1), kind=DrillKind.FLOOD,
               scenario="Spring flood")
    make_drill(owner, district, date=datetime.date(2023, 3, 1), kind=DrillKind.FLOOD,
               scenario="Last year's flood")
    make_drill(outsider, other_district, date=datetime.date(2024, 3, 2), kind=DrillKind.FLOOD,
               scenario="Other district's flood")
    make_drill(owner, district, date=datetime.date(2024, 4, 1), kind=DrillKind.FIRE,
               scenario="Spring fire")
    response = client_for(city_supervisor).get(reverse("drills:list"), {
        "date_after": "2024-01-01", "date_before": "2024-12-31", "kind": DrillKind.FLOOD,
        "district": district.pk})
    shown = [drill.scenario for drill in response.context["page"].object_list]
    assert shown == ["Spring flood"]
    assert response.context["totals"] == {"count": 1, "participants": 30}


def test_list_query_count_does_not_grow_with_rows(client_for, owner, district, make_drill,
                                                  django_assert_max_num_queries):
    client = client_for(owner)
    make_drill(owner, district)
    client.get(reverse("drills:list"), {"o": "-date"})  # session and caches warm
    for number in range(30):
        make_drill(owner, district, participants=number + 1,
                   uploads=[SimpleUploadedFile("plan.pdf", PDF)])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("drills:list"), {"o": "-date", "per_page": "25"})
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].object_list[0].file_count == 1


def test_each_edit_is_kept_on_the_drill_page_with_the_values_before(
        client_for, owner, district_supervisor, district, make_drill):
    drill = make_drill(owner, district, kind=DrillKind.FLOOD)
    before = {"participants": drill.participants, "kind": drill.get_kind_display()}
    client = client_for(district_supervisor)
    client.post(reverse("drills:edit", args=[drill.pk]), {
        **form_data(district, participants="75", kind=DrillKind.FIRE),
        "files": [SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")]})
    client.post(reverse("drills:edit", args=[drill.pk]), form_data(
        district, participants="75", kind=DrillKind.FIRE))  # nothing changed: no entry
    page = client.get(drill.get_absolute_url()).content.decode()
    assert f"Participants: {before['participants']} → 75" in page
    assert f"Kind: {before['kind']} → Fire" in page
    assert "File added: plan.pdf" in page
    assert page.count('class="timeline__item"') == 1
    change = drill.changes.get()
    with pytest.raises(TypeError):
        change.delete()  # the record of the change stays


def test_the_drill_history_reads_in_chinese(client_for, owner, district, make_drill):
    drill = make_drill(owner, district, kind=DrillKind.FLOOD)
    client = client_for(owner)
    client.post(reverse("drills:edit", args=[drill.pk]), form_data(
        district, kind=DrillKind.FIRE, date="2024-05-11"))
    client.cookies["django_language"] = "zh-hans"
    page = client.get(drill.get_absolute_url()).content.decode()
    assert "变更记录" in page and "类型：防汛 → 消防" in page and "→ 2024年5月11日" in page
