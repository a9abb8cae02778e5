"""What the assessments models share: bilingual names, stored file names, history rows."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from riskdesk.models import AppendOnlyModel


def bilingual(obj) -> str:
    return obj.name_zh if (get_language() or "").startswith("zh") else obj.name_en


def stored_name(folder, filename):
    """Files are stored under generated names; the user's file name is kept in the row."""
    suffix = Path(filename).suffix.lower()
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AppendOnly(AppendOnlyModel):
    """A history entry: who, when, a note and details; only ever inserted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(AppendOnlyModel.Meta):
        abstract = True
