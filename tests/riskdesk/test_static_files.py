"""The static files the image collects as root are readable by the app's own user."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_collected_static_files_are_readable_by_everyone(tmp_path):
    # given the production settings (the manifest storage, attachments kept at 0640)
    environment = {
        **os.environ, "DEBUG": "false", "STATIC_MANIFEST": "true",
        "SECRET_KEY": "static-test-only", "ALLOWED_HOSTS": "localhost",
        "RISKDESK_VAR_DIR": str(tmp_path),
    }
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o640

    # when the static files are collected, as the Dockerfile does, with the usual umask
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=settings.BASE_DIR, env=environment, check=True, capture_output=True,
        preexec_fn=lambda: os.umask(0o022),  # the umask of a shell or a Dockerfile RUN
    )

    # then every file and folder is readable (and every folder searchable) by others,
    # the manifest gunicorn reads at start among them
    collected = tmp_path / "static"
    assert (collected / "staticfiles.json").is_file()
    unreadable = [
        str(path.relative_to(collected)) for path in [collected, *collected.rglob("*")]
        if not _readable_by_others(path)
    ]
    assert unreadable == []


def _readable_by_others(path: Path) -> bool:
    mode = path.stat().st_mode
    needed = stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0)
    return mode & needed == needed
