"""The CSV export of every case, alone in its own process, so its peak memory is its own.

Run by ``bench.run`` as ``python -m bench.export USERNAME``; prints one JSON line.
"""

import json
import resource
import sys
import time


def peak_mb() -> float:
    """This process's peak resident memory. VmHWM, since ru_maxrss survives exec and
    would report the parent's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(username: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    before = peak_mb()
    started = time.perf_counter()
    response = client.get("/cases/export.csv")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    peak = peak_mb()
    print(json.dumps({"status": response.status_code, "seconds": round(seconds, 2),
                      "rows": lines - 1, "megabytes": round(size / 1e6, 1),
                      "peak_rss_mb": round(peak, 1), "rss_before_mb": round(before, 1)}))


if __name__ == "__main__":
    main(sys.argv[1])
