"""Shared files: the S3 server, the site-wide fixtures (cases, assessments, the world
of one of everything) and the backups' new database."""

from tests.riskdesk.conftest import *  # noqa: F403
from tests.riskdesk.test_backup import new_database, postgres_tools  # noqa: F401
from tests.storage.s3server import s3_server, s3_storage  # noqa: F401
