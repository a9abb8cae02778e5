"""Recording emergency drills and the files filed with them.

Staff record the drills of their districts, supervisors those of theirs, administrators
any; the district must be in the user's scope, before and after the change."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drills.models import Drill, DrillAttachment, DrillChange
from riskdesk.access import scope_of
from riskdesk.files import check_upload

EDITABLE = ("district", "date", "kind", "participants", "scenario", "findings", "units")


def can_record(user, district_id=None) -> bool:
    """May the user record drills (in ``district_id``, when given)?"""
    scope = scope_of(user)
    if scope.role is None or scope.integration:
        return False
    if not (scope.is_staff or scope.is_supervisor or scope.is_admin):
        return False
    if district_id is None:
        return scope.everything or bool(scope.district_ids)
    return scope.covers(district_id)


def can_edit(user, drill: Drill) -> bool:
    return can_record(user, drill.district_id)


def _check(user, drill: Drill) -> None:
    if not can_record(user, drill.district_id):
        raise ValidationError({"district": _("You cannot record drills in this district.")})
    if drill.date and drill.date > timezone.localdate():
        raise ValidationError({"date": _("A drill cannot be dated in the future.")})


@transaction.atomic
def record_drill(*, user, drill: Drill, uploads=()) -> Drill:
    """Save a new drill with its files: all of it, or nothing if one file is refused."""
    for upload in uploads:
        check_upload(upload)  # every file is checked before anything is written
    _check(user, drill)
    drill.created_by = drill.updated_by = user
    drill.created_at = drill.updated_at = timezone.now()
    drill.full_clean()
    drill.save()
    for upload in uploads:
        add_attachment(user=user, drill=drill, upload=upload)
    return drill


@transaction.atomic
def update_drill(*, user, drill: Drill, uploads=()) -> list[str]:
    """Save the edited drill (and new files); returns the names of the fields changed."""
    for upload in uploads:
        check_upload(upload)
    before = Drill.objects.select_for_update().get(pk=drill.pk)
    if not can_edit(user, before):
        raise ValidationError(_("You cannot edit this drill."))
    _check(user, drill)
    changed = [name for name in EDITABLE
               if getattr(before, f"{name}_id" if name == "district" else name)
               != getattr(drill, f"{name}_id" if name == "district" else name)]
    if changed or uploads:
        drill.updated_by, drill.updated_at = user, timezone.now()
        drill.full_clean()
        drill.save(update_fields=[*changed, "updated_by", "updated_at"])
    added = [add_attachment(user=user, drill=drill, upload=upload) for upload in uploads]
    if changed or added:
        DrillChange.objects.create(
            drill=drill, user=user, at=drill.updated_at,
            changes={name: [_raw(before, name), _raw(drill, name)] for name in changed},
            files=[attachment.original_name for attachment in added])
    return changed


def _raw(drill, name):
    """A field's value as the change keeps it: the district's id, the kind's value,
    dates as ISO text."""
    value = getattr(drill, "district_id" if name == "district" else name)
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def add_attachment(*, user, drill: Drill, upload) -> DrillAttachment:
    """Store an uploaded file (checked by name, content and size) on the drill."""
    if not can_edit(user, drill):
        raise ValidationError(_("You cannot add files to this drill."))
    checked = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = DrillAttachment(
        drill=drill, original_name=checked.name[:255], content_type=checked.content_type,
        kind=checked.kind, size=upload.size, sha256=digest.hexdigest(), uploaded_by=user,
    )
    attachment.file.save(checked.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no orphan file if the row is not written
        raise
    return attachment
