"""A background job's page (an import's or an export's) and its result file."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.choices import JobState
from cases.models import Job
from riskdesk.files import download_response


@require_GET
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk)
    return render(request, "cases/job.html", {
        "job": job,
        "errors": job.summary.get("errors", []) if isinstance(job.summary, dict) else [],
        "others": Job.objects.for_user(request.user).exclude(pk=job.pk)[:5],
    })


@require_GET
def job_download(request, pk):
    job = get_object_or_404(Job.objects.for_user(request.user), pk=pk, state=JobState.DONE)
    if not job.result:
        raise Http404
    return download_response(job.result, filename=job.result_name)
