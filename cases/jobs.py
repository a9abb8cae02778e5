"""Long exports, imports and bulk actions run in the background.

A big filtered list is exported, and a big investigation file imported, by a Celery task
instead of inside the request: the user lands on the job's page (which refreshes itself
while the job runs, with its progress), and gets a notice in the inbox when it is done.
Small ones stay synchronous. The export and import logic itself stays in
``cases.exports`` and ``cases.imports``; this module only runs it and keeps the score.
"""

import logging
import tempfile
from pathlib import Path

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation

from cases import exports, imports
from cases.choices import JobKind, JobState
from cases.models import Case, Job
from riskdesk.choices import NoticeKind
from riskdesk.notify import notify
from riskdesk.replica import reading_from_replica

log = logging.getLogger(__name__)

# A list longer than this is exported in the background.
EXPORT_INLINE_ROWS = 2_000
# A file larger than this is imported in the background (about 1,000 rows of CSV).
IMPORT_INLINE_BYTES = 256 * 1024
# A background import creating at most this many cases lists their likely duplicates
# (two queries a case: a few seconds per 500 at 100,000 cases, fine in the background).
IMPORT_DUPLICATE_ROWS = 5_000
# How often (in rows) a CSV export writes its progress.
PROGRESS_EVERY = 1_000


def start_export(*, user, kind, query: str) -> Job:
    """Queue the export of the user's cases filtered by ``query`` (the list's URL query)."""
    job = Job.objects.create(kind=kind, user=user, query=query,
                             language=translation.get_language() or "en")
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def start_import(*, user, upload, sheet=None, update=False) -> Job:
    """Keep the uploaded file with the job, and queue its import; the import's options
    (the sheet chosen) are kept as a query string, as an export keeps its filters."""
    options = QueryDict(mutable=True)
    if sheet:
        options["sheet"] = sheet
    if update:
        options["update"] = "1"
    job = Job(kind=JobKind.IMPORT, user=user, source_name=upload.name[:255],
              language=translation.get_language() or "en", query=options.urlencode())
    job.source.save(upload.name, upload, save=False)
    job.save()
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def start_bulk(*, user, data: QueryDict, ids: list[int]) -> Job:
    """Queue a bulk action on more cases than one transaction takes (cases.actions.bulk):
    the posted request and the ids confirmed are kept as a query string."""
    options = data.copy()
    for name in ("csrfmiddlewaretoken", "confirm"):
        options.pop(name, None)
    options["ids"] = ",".join(str(pk) for pk in ids)
    job = Job.objects.create(kind=JobKind.BULK, user=user, query=options.urlencode(),
                             language=translation.get_language() or "en")
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


@shared_task(ignore_result=True)
def run_job(job_id: int) -> None:
    """Run a queued job once: the conditional update claims it, so a task delivered
    twice does nothing the second time."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING)
    if not claimed:
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    try:
        with translation.override(job.language):
            if job.kind == JobKind.IMPORT:
                _import(job)
            elif job.kind == JobKind.BULK:
                _bulk(job)
            else:
                _export(job)
        job.state = JobState.DONE
    except ValidationError as error:  # a file that cannot be imported: say why
        job.state = JobState.FAILED
        job.summary = {"error": " ".join(error.messages)}
    except Exception:
        log.exception("Background job %s failed", job_id)
        job.state = JobState.FAILED
        job.summary = {"error": ""}  # the page says it failed unexpectedly
    job.progress = 100 if job.state == JobState.DONE else job.progress
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "summary", "progress", "finished_at", "result",
                            "result_name", "rows"])
    notify(job.user, kind=NoticeKind.JOB_DONE, key=f"job:{job.pk}",
           params={"ref": job.pk}, url=job.get_absolute_url())


def _progress(job, done, total):
    job.progress = min(99, int(done * 100 / total)) if total else 0
    Job.objects.filter(pk=job.pk).update(progress=job.progress)


@reading_from_replica()  # the job's own row (claim, progress) does not pin the primary
def _export(job):
    from cases.filtersets import CaseFilterSet

    user = job.user
    filterset = CaseFilterSet(QueryDict(job.query) or None,
                              queryset=Case.objects.for_user(user), user=user)
    cases = filterset.qs
    columns = exports.columns_of(QueryDict(job.query))
    total = cases.count()
    job.rows = total
    stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
    with tempfile.TemporaryDirectory() as folder:
        if job.kind == JobKind.EXPORT_CSV:
            path = Path(folder) / "export.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                for number, line in enumerate(exports.csv_rows(cases, columns)):
                    out.write(line)
                    if number and number % PROGRESS_EVERY == 0:
                        _progress(job, number, total)
            name = f"riskdesk-cases-{stamp}.csv"
        else:
            path = Path(folder) / "export.xlsx"
            exports.write_xlsx(cases, path, columns)
            name = f"riskdesk-cases-{stamp}.xlsx"
        with path.open("rb") as handle:
            job.result.save(name, File(handle), save=False)
    job.result_name = name


def _import(job):
    with job.source.open("rb") as handle:
        upload = File(handle, name=job.source_name)
        options = QueryDict(job.query)
        result = imports.import_cases(user=job.user, upload=upload,
                                      sheet=options.get("sheet") or None,
                                      update=options.get("update") == "1",
                                      duplicate_rows=IMPORT_DUPLICATE_ROWS)
    job.rows = result.created + result.skipped + result.updated + result.unchanged
    job.summary = {
        "created": result.created, "skipped": result.skipped, "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": [{"row": e.row, "column": e.label, "message": e.message}
                   for e in result.errors[:500]],
        "error_count": len(result.errors),
        "duplicates": result.duplicates,
        "duplicates_unchecked": IMPORT_DUPLICATE_ROWS if result.duplicates_unchecked else 0,
    }


def _bulk(job):
    from cases.actions import bulk
    from cases.forms import BulkForm

    data = QueryDict(job.query)
    form = BulkForm(data, user=job.user)
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    ids = [int(pk) for pk in data.get("ids", "").split(",") if pk.isdigit()]
    done, skipped = bulk.run_in_batches(job.user, form.bulk(), ids,
                                        form.cleaned_data["selection"],
                                        progress=lambda count, total: _progress(job, count,
                                                                                total))
    job.rows = len(done)
    job.summary = {"done": len(done), "skipped_count": len(skipped),
                   "skipped": [{"ref": ref, "reason": reason} for ref, reason in skipped[:500]]}
