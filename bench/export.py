"""The CSV export of every case, alone in its own process, so its peak memory is its own.

A list this long is exported by a background job (``cases.jobs``): the job is created as
the list's export button does and run here, as the worker would.

Run by ``bench.run`` as ``python -m bench.export USERNAME``; prints one JSON line.
"""

import contextlib
import json
import resource
import sys
import time


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, since ru_maxrss survives exec and
    would report the parent's peak."""
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(username: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from cases.choices import JobKind
    from cases.jobs import run_job
    from cases.models import Job

    user = get_user_model().objects.get(username=username)
    job = Job.objects.create(kind=JobKind.EXPORT_CSV, user=user, query="")
    before = peak_mb()
    started = time.perf_counter()
    run_job(job.pk)
    seconds = time.perf_counter() - started
    peak = peak_mb()
    job.refresh_from_db()
    size = job.result.size if job.result else 0
    with job.result.open("rb") as result:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: result.read(1 << 20), b""))
    job.result.delete(save=False)
    print(json.dumps({"status": job.state, "seconds": round(seconds, 2),
                      "rows": lines - 1, "megabytes": round(size / 1e6, 1),
                      "peak_rss_mb": round(peak, 1), "rss_before_mb": round(before, 1)}))


if __name__ == "__main__":
    main(sys.argv[1])
