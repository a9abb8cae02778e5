"""Attachments: only safe types, checked by content; downloaded only through the scope."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions
from cases.models import Attachment, CaseEvent

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def attach(case, user, name, content):
    return actions.add_attachment(user=user, case=case,
                                  upload=SimpleUploadedFile(name, content))


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("report.pdf", PDF, "document"), ("site.PNG", PNG, "photo"),
    ("minutes.docx", docx_bytes(), "document"),
])
def test_accepted_files_are_stored_under_a_generated_name(case, owner, name, content, kind):
    attachment = attach(case, owner, name, content)
    assert attachment.kind == kind
    assert attachment.original_name == name
    assert name not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")
    assert CaseEvent.objects.filter(case=case, kind="attachment").count() == 1


def test_an_exe_renamed_pdf_is_refused(case, owner):
    with pytest.raises(ValidationError, match="not really a PDF"):
        attach(case, owner, "invoice.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("name", ["tool.exe", "page.html", "script.js", "archive.zip"])
def test_other_types_are_refused_by_name(case, owner, name):
    with pytest.raises(ValidationError, match="only PDF"):
        attach(case, owner, name, PDF)


def test_a_file_over_the_limit_is_refused(case, owner, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match=r"the limit is 1\.0"):
        attach(case, owner, "big.pdf", PDF + b"0" * 2048)


def test_a_zip_bomb_named_docx_is_refused(case, owner):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(ValidationError, match="unpacks"):
        attach(case, owner, "bomb.docx", buffer.getvalue())


def test_path_in_the_file_name_is_dropped(case, owner):
    attachment = attach(case, owner, "../../etc/passwd.pdf", PDF)
    assert attachment.original_name == "passwd.pdf"


def test_download_through_the_case_scope(case, owner, client_for):
    attachment = attach(case, owner, "report.pdf", PDF)
    response = client_for(owner).get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'attachment; filename="report.pdf"' in response["Content-Disposition"]


def test_outsider_gets_404_for_the_attachment(case, owner, outsider, client_for):
    attachment = attach(case, owner, "report.pdf", PDF)
    response = client_for(outsider).get(attachment.get_absolute_url())
    assert response.status_code == 404


def test_an_attachment_is_only_reachable_under_its_own_case(case, foreign_case, owner, outsider,
                                                           client_for):
    attachment = attach(foreign_case, outsider, "secret.pdf", PDF)
    # the owner's case reference with the other district's attachment id
    response = client_for(owner).get(f"/cases/{case.reference}/attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_media_files_have_no_public_url(client, case, owner, settings):
    attachment = attach(case, owner, "report.pdf", PDF)
    client.force_login(owner)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}{attachment.file.name}").status_code == 404


def test_the_case_page_lists_each_follow_ups_files_under_it_in_a_fixed_number_of_queries(
    case, owner, client_for
):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.choices import FollowUpMethod
    from cases.models import FollowUp

    def log(summary, names):
        return actions.log_follow_up(
            user=owner, case=case,
            follow_up=FollowUp(date=date.today(), method=FollowUpMethod.SITE_VISIT,
                               summary=summary),
            uploads=[SimpleUploadedFile(name, PDF) for name in names])

    log("First visit", ["first-a.pdf", "first-b.pdf"])
    attach(case, owner, "loose.pdf", PDF)  # on the case, not on a follow-up
    client = client_for(owner)
    with CaptureQueriesContext(connection) as before:
        client.get(case.get_absolute_url())
    log("Second visit", ["second.pdf"])
    log("Third visit", ["third-a.pdf", "third-b.pdf", "third-c.pdf"])

    with CaptureQueriesContext(connection) as after:
        html = client.get(case.get_absolute_url()).content.decode()

    assert len(after.captured_queries) == len(before.captured_queries)
    sections = {name: html.index(f"<p>{name}</p>") for name in
                ("First visit", "Second visit", "Third visit")}
    for name, files in (("First visit", ["first-a.pdf", "first-b.pdf"]),
                        ("Second visit", ["second.pdf"]),
                        ("Third visit", ["third-a.pdf", "third-b.pdf", "third-c.pdf"])):
        start = sections[name]
        end = html.index("</article>", start)
        shown = [n for n in ("first-a.pdf", "first-b.pdf", "second.pdf", "third-a.pdf",
                             "third-b.pdf", "third-c.pdf", "loose.pdf")
                 if f">{n}</a>" in html[start:end]]
        assert shown == files, name


def test_files_sent_together_are_attached_all_or_none(case, owner, client_for, tmp_path):
    # given a good PDF and, after it, an executable renamed .pdf, sent in one upload
    client = client_for(owner)
    files = [SimpleUploadedFile("report.pdf", PDF), SimpleUploadedFile("tool.pdf", b"MZ\x90\x00")]

    # when the staff member attaches them
    response = client.post(f"/cases/{case.reference}/attachments/", {"files": files},
                           follow=True)

    # then they are told why, and neither file is on the case or on the disk
    assert "tool.pdf is not really a PDF file" in response.content.decode()
    assert not Attachment.objects.filter(case=case).exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
