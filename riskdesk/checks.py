"""``check --deploy`` for several web nodes (``WEB_NODES`` > 1).

What one node keeps to itself breaks quietly on the second: a dashboard cached in one
process's memory is not the one the next request's node serves, a throttle counted there
is counted per node, and an attachment written to one machine's disk is missing on the
other. These warnings name the setting that fixes each. With one node (the default) they
say nothing: the zero-setup defaults are right there.
"""

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

# Cache backends whose entries live in one process (LocMem) or on one machine's disk.
NODE_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


def several_nodes() -> bool:
    return not settings.DEBUG and settings.WEB_NODES > 1


@checks.register(checks.Tags.caches, deploy=True)
def check_cache_is_shared(app_configs, **kwargs):
    if not several_nodes():
        return []
    found = []
    default = settings.CACHES.get("default", {}).get("BACKEND")
    if default in NODE_LOCAL_CACHES:
        found.append(checks.Warning(
            f"WEB_NODES={settings.WEB_NODES} but the cache is kept by each process "
            f"({default.rsplit('.', 1)[-1]}): every node computes and keeps its own "
            "dashboards, so two nodes can show different figures.",
            hint="Set CACHE_URL to a Redis every node reaches, e.g. redis://redis:6379/1.",
            id="riskdesk.W401",
        ))
    throttle = settings.CACHES.get("api_throttle", {}).get("BACKEND")
    if throttle in NODE_LOCAL_CACHES:
        found.append(checks.Warning(
            f"WEB_NODES={settings.WEB_NODES} but the API's request limit is counted in each "
            "process's memory: a client gets the limit once per process.",
            hint="Set CACHE_URL (or API_THROTTLE_REDIS_URL) to a Redis every node reaches.",
            id="riskdesk.W402",
        ))
    return found


@checks.register(checks.Tags.files, deploy=True)
def check_files_are_shared(app_configs, **kwargs):
    if not several_nodes() or settings.MEDIA_SHARED:
        return []
    backend = settings.STORAGES.get("default", {}).get("BACKEND", "")
    if not issubclass(import_string(backend), FileSystemStorage):
        return []
    return [checks.Warning(
        f"WEB_NODES={settings.WEB_NODES} but uploaded files are written to this machine's "
        f"disk ({settings.MEDIA_ROOT}): a file uploaded through one node cannot be "
        "downloaded through another.",
        hint="Mount the same MEDIA_ROOT on every web and worker node and set "
             "MEDIA_SHARED=true, or store files in an object store.",
        id="riskdesk.W403",
    )]
