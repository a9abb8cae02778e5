"""riskdesk.health.check_storage, for /healthz: "ok" while the shared storage takes a
file, "down: <reason>" when it does not (the S3 server stopped, the folder unwritable)."""

from riskdesk.health import check_storage
from tests.services import free_port
from tests.storage.s3server import (
    Bucket,
    new_bucket,
    s3_storages,
    start_s3_server,
    stop_s3_server,
)


def test_the_storage_check_follows_the_s3_server_up_and_down(settings):
    # given a store of its own (this test stops it), used as the default storage
    process, endpoint = start_s3_server(free_port())
    try:
        bucket = Bucket(endpoint, new_bucket(endpoint))
        settings.STORAGES = s3_storages(settings, endpoint, bucket.name)
        # when the store is up, the check writes and deletes its probe: "ok", nothing left
        assert check_storage() == "ok"
        assert bucket.objects() == []
    finally:
        # when the store stops
        stop_s3_server(process)
    # then the check says it is down, and why
    assert check_storage().startswith("down: ")


def test_the_storage_check_on_the_filesystem(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert check_storage() == "ok"
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_the_storage_check_on_a_folder_that_is_a_file(settings, tmp_path):
    # a mount gone wrong: MEDIA_ROOT is not a folder at all (root may write anywhere)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.write_text("not a folder")
    assert check_storage().startswith("down: ")
