"""Background jobs: a long export or import and the files it reads and writes."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import JobKind, JobState


def job_path(instance, filename):
    """Job files (an uploaded list, an export) under generated names, never served
    directly: only their owner downloads them, through the job's page."""
    suffix = Path(filename).suffix.lower()
    return f"jobs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A job is its owner's alone (an export holds exactly what they may see)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Job(models.Model):
    """A long export or import, run by a Celery task (cases/jobs.py); its owner follows
    it on its page and gets a notice in the inbox when it is done."""

    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=JobState.choices,
                             default=JobState.QUEUED)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("user"))
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    query = models.TextField(_("filters"), blank=True)  # an export's list filters
    source = models.FileField(_("uploaded file"), upload_to=job_path, blank=True,
                              max_length=200)
    source_name = models.CharField(_("uploaded file name"), max_length=255, blank=True)
    result = models.FileField(_("result file"), upload_to=job_path, blank=True,
                              max_length=200)
    result_name = models.CharField(_("result file name"), max_length=255, blank=True)
    # An import's counts and row problems, or why the job failed.
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # the user's recent jobs (the job page's "your other jobs")
            models.Index(fields=["user", "-created_at"], name="cases_job_user_recent"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
