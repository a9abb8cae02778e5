"""Where uploaded files live: one storage for every node.

Attachments, assessment reports, agency documents and background jobs' files are read and
written only through Django's storage API (the FileField's storage, ``default_storage``),
never through a path on the local disk: on several web nodes and workers, a file saved by
one is read by another. ``STORAGE=filesystem`` (the default) keeps them under
``MEDIA_ROOT``, which several nodes share as a mount; ``STORAGE=s3`` puts them in an
S3-compatible object store (MinIO, a domestic cloud's) through django-storages.

Imported by the settings: nothing here touches models or the app registry.
"""

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


def s3_options(*, bucket: str, endpoint_url: str | None, access_key: str | None,
               secret_key: str | None, region: str | None) -> dict:
    """The S3 backend's OPTIONS: private objects, path-style addressing (what MinIO and
    most domestic stores expect), short timeouts so a store that is down fails a request
    (and /healthz) in seconds instead of minutes."""
    from botocore.config import Config

    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "access_key": access_key,
        "secret_key": secret_key,
        "region_name": region,
        "addressing_style": "path",
        "signature_version": "s3v4",
        # Private: no ACL is sent, so objects keep the bucket's default (owner only);
        # never "public-read". Downloads are streamed through the scoped views.
        "default_acl": None,
        # Any URL the backend makes is signed and short-lived, never a public link.
        "querystring_auth": True,
        "querystring_expire": 60,
        # Generated names never collide, but a clash must not replace another's file.
        "file_overwrite": False,
        "client_config": Config(connect_timeout=5, read_timeout=30,
                                retries={"max_attempts": 3, "mode": "standard"}),
    }


def stored_names(storage, folder: str = "") -> list[str]:
    """Every file's name in ``storage`` under ``folder``, sorted (the backup's list)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a MEDIA_ROOT never written to
        return []
    prefix = f"{folder}/" if folder else ""
    names = [prefix + name for name in files]
    for sub in folders:
        names += stored_names(storage, prefix + sub)
    return sorted(names)
