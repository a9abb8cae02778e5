"""What may be attached: pdf, docx, xlsx, jpg and png, checked by name, content and size;
and how a stored file goes back out: streamed through the app, after the view's scope check.
"""

import logging
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from riskdesk.choices import AttachmentKind

log = logging.getLogger(__name__)

PDF, PNG, JPEG = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
ZIP = b"PK\x03\x04"
# OOXML documents are ZIP files; refuse ones that would unpack to more than this.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100

ALLOWED = {
    ".pdf": ("application/pdf", AttachmentKind.DOCUMENT),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        AttachmentKind.DOCUMENT,
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        AttachmentKind.DOCUMENT,
    ),
    ".jpg": ("image/jpeg", AttachmentKind.PHOTO),
    ".jpeg": ("image/jpeg", AttachmentKind.PHOTO),
    ".png": ("image/png", AttachmentKind.PHOTO),
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    kind: str


def clean_name(name: str) -> str:
    """The file's own name without any path, control characters or leading dots."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return base or "file"


def _ooxml_has(upload, required_member: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members) or 1
            if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
                raise ValidationError(
                    _("This file unpacks to far more than its size; it is refused.")
                )
            names = {member.filename for member in members}
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and required_member in names


def _content_matches(upload, suffix: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if suffix == ".pdf":
        return head.startswith(PDF)
    if suffix == ".png":
        return head.startswith(PNG)
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(JPEG)
    if suffix == ".docx":
        return head.startswith(ZIP) and _ooxml_has(upload, "word/document.xml")
    if suffix == ".xlsx":
        return head.startswith(ZIP) and _ooxml_has(upload, "xl/workbook.xml")
    return False


def check_upload(upload) -> CheckedFile:
    """Accept the upload or raise ``ValidationError`` saying why, in the user's language."""
    name = clean_name(upload.name)
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only PDF, Word (.docx), Excel (.xlsx), JPG and PNG files can be "
              "attached.") % {"name": name}
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if not _content_matches(upload, suffix):
        raise ValidationError(
            _("%(name)s is not really a %(type)s file: its content does not match its name.")
            % {"name": name, "type": suffix.lstrip(".").upper()}
        )
    content_type, kind = ALLOWED[suffix]
    return CheckedFile(name=name, content_type=content_type, kind=kind)


def download_response(field_file, *, filename: str, content_type: str | None = None):
    """``field_file`` (a FileField's value, already found in the user's scope) as a
    download. Read through its storage, so the file may have been saved by another node
    or worker, on a shared mount or in an object store; never a public URL, never cached.
    A file missing from the storage is a 404 (and an error in the log), not a 500."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        log.error("Stored file %s is missing from the storage", field_file.name)
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
