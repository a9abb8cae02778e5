"""An S3-compatible server for the tests: moto's S3 server, run as its own HTTP process on
127.0.0.1, standing in for MinIO or a domestic object store.

Why moto: no MinIO (nor another S3 server) installs from the registries this project
builds from (PyPI, Debian, npm); moto's server installs from PyPI (``moto[server]``, in the
dev extra) and speaks the same S3 HTTP API that django-storages (boto3) talks to MinIO.
It is a real separate process reached over HTTP, not an in-process mock.

``start_s3_server(port)`` is for any test that needs the store (the multi-node test
starts one for all its nodes); ``s3_env(endpoint, bucket)`` is the environment a node or
worker started as a subprocess needs; the ``s3_server`` fixture is one server for the
session, and ``s3_storage`` points this process's default storage at a new bucket on it.
"""

import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
import requests

from riskdesk import storage
from tests.services import free_port

ACCESS_KEY = "riskdesk-test"
SECRET_KEY = "riskdesk-test-secret"  # moto accepts any credentials
REGION = "us-east-1"


def start_s3_server(port: int) -> tuple[subprocess.Popen, str]:
    """Start moto's S3 server on 127.0.0.1:``port`` and wait until it answers; return
    the process (stop it with ``stop_s3_server``) and its endpoint URL."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 (kept with the process; read on failure)
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT)
    process.log = log
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            requests.get(f"{endpoint}/moto-api/", timeout=1)
            return process, endpoint
        except requests.ConnectionError:
            time.sleep(0.1)
    stop_s3_server(process)
    log.seek(0)
    raise RuntimeError(f"moto's S3 server did not start on {endpoint}:\n"
                       + log.read().decode(errors="replace")[-2000:])


def stop_s3_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.close()


def client(endpoint: str):
    """A plain boto3 client, to look at the bucket from outside the app."""
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name=REGION)


def new_bucket(endpoint: str) -> str:
    bucket = f"riskdesk-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=bucket)
    return bucket


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The settings' environment for a node or worker using this store (STORAGE=s3)."""
    return {"STORAGE": "s3", "S3_ENDPOINT_URL": endpoint, "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_REGION": REGION}


def s3_storages(settings, endpoint: str, bucket: str) -> dict:
    """``settings.STORAGES`` with the default storage in ``bucket`` (what STORAGE=s3 sets)."""
    options = storage.s3_options(bucket=bucket, endpoint_url=endpoint,
                                 access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION)
    return {**settings.STORAGES, "default": {"BACKEND": storage.S3, "OPTIONS": options}}


@dataclass
class Bucket:
    endpoint: str
    name: str

    def objects(self) -> list[str]:
        """The keys of every object in the bucket, sorted."""
        listed = client(self.endpoint).list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return client(self.endpoint).get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="session")
def s3_server():
    """One moto S3 server for the whole run; yields its endpoint URL."""
    process, endpoint = start_s3_server(free_port())
    yield endpoint
    stop_s3_server(process)


@pytest.fixture
def s3_storage(s3_server, settings):
    """This process's default storage in a new, empty bucket (as with STORAGE=s3)."""
    bucket = Bucket(s3_server, new_bucket(s3_server))
    settings.STORAGES = s3_storages(settings, s3_server, bucket.name)
    return bucket
