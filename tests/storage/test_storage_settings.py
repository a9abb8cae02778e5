"""STORAGE selects where uploaded files live: the filesystem by default, an S3-compatible
store with STORAGE=s3 (private objects, path-style addressing); anything half-configured
stops start-up with a message saying what is missing."""

import os
import subprocess
import sys

SHOW = ("import django; django.setup(); from django.core.files.storage import storages;"
        " s = storages['default']; print(type(s).__name__, getattr(s, 'bucket_name', '-'),"
        " getattr(s, 'endpoint_url', '-'), getattr(s, 'addressing_style', '-'),"
        " getattr(s, 'default_acl', '-'), getattr(s, 'querystring_auth', '-'))")


def start(**env):
    """The settings in a fresh interpreter, as a node would read them at start-up."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE", "S3_"))}
    return subprocess.run([sys.executable, "-c", SHOW],
                          env={**clean, "DJANGO_SETTINGS_MODULE": "riskdesk.settings", **env},
                          capture_output=True, text=True, check=False, timeout=60)


def test_files_stay_on_the_filesystem_unless_told_otherwise():
    result = start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "FileSystemStorage"


def test_storage_s3_selects_a_private_path_style_bucket():
    result = start(STORAGE="s3", S3_BUCKET="riskdesk-files",
                   S3_ENDPOINT_URL="http://minio.internal:9000", S3_ACCESS_KEY_ID="k",
                   S3_SECRET_ACCESS_KEY="s", S3_REGION="cn-north-1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "riskdesk-files",
                                     "http://minio.internal:9000", "path", "None", "True"]


def test_storage_s3_without_a_bucket_stops_start_up():
    result = start(STORAGE="s3", S3_ENDPOINT_URL="http://minio.internal:9000")
    assert result.returncode != 0
    assert "STORAGE=s3 needs S3_BUCKET" in result.stderr


def test_an_unknown_storage_stops_start_up():
    result = start(STORAGE="ftp")
    assert result.returncode != 0
    assert "STORAGE='ftp' is not one of: filesystem, s3." in result.stderr
