"""Settings of the test CAS server (never RiskDesk's): SQLite in ``CAS_TEST_DATA``, the
login form of mama-cas, and the CAS 3.0 attributes RiskDesk reads released to every
service on 127.0.0.1."""

import os
from pathlib import Path

DATA = Path(os.environ.get("CAS_TEST_DATA", Path(__file__).resolve().parent.parent / "var"))

SECRET_KEY = "test-cas-server-only"  # a throw-away server on 127.0.0.1
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "casserver.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "mama_cas",
    "casserver",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "cas.sqlite3"}}
# fast hashing: the passwords are the tests' own
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
SESSION_COOKIE_NAME = "casserver_session"  # never confused with RiskDesk's on 127.0.0.1
CSRF_COOKIE_NAME = "casserver_csrftoken"

MAMA_CAS_SERVICES = [{
    "SERVICE": r"^https?://(127\.0\.0\.1|localhost|testserver)(:\d+)?/",
    "CALLBACKS": ["casserver.attributes.riskdesk"],
    "LOGOUT_ALLOW": False,
}]
MAMA_CAS_FOLLOW_LOGOUT_URL = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"  # mama-cas's migrations were made so
