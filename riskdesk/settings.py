"""RiskDesk settings: every value comes from the environment (see README, "Configuration").

The defaults run with no service at all (SQLite and Celery's filesystem broker under
``var/``); ``DATABASE_URL`` and ``CELERY_BROKER_URL`` select PostgreSQL and Redis.
``DEBUG`` is false unless set: ``make run`` sets it, production never does, and then a
missing ``SECRET_KEY`` or ``ALLOWED_HOSTS`` stops start-up.
"""

import re
import socket
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from riskdesk import storage
from riskdesk.env import (
    env_bool,
    env_choice,
    env_fraction,
    env_int,
    env_list,
    env_str,
    package_version,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RISKDESK_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=false RiskDesk needs a long random SECRET_KEY "
            "in the environment (for example: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-only-for-make-run"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG=false list the host names this server answers "
        "to, separated by commas (for example: ALLOWED_HOSTS=riskdesk.example.gov.cn)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# This node's name in /healthz, to tell several web nodes behind one proxy apart.
NODE_NAME = env_str("NODE_NAME") or socket.gethostname()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates the admin's widgets include
    "django_filters",
    "csp",
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_cas_ng",  # the CAS session tickets, for the CAS server's single sign-out
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's own files, served as static files
    "riskdesk",
    "cases",
    "assessments",
    "drills",
    "reports",
    "webhooks",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "riskdesk.uploads.UploadLimitMiddleware",  # before the CSRF check reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "riskdesk.signin.SessionLimitMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A session that still owes its second factor reaches only that step's pages.
    "riskdesk.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Under it, so its answer comes first: the platform's origin in form-action (sign-out).
    "riskdesk.sso.sign_out_form_action",
    # Our 405 page in the layout, where a view refused the method with an empty response.
    "riskdesk.errors.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "riskdesk.urls"
WSGI_APPLICATION = "riskdesk.wsgi.application"

# Pages are Django templates. Form widgets are drawn from Django's own widget templates in
# their Jinja2 form (django/forms/jinja2, found through the "django.forms" app), which
# render a list's filter form about four times faster; riskdesk/jinja2/ adds the one
# widget of django-filter we use. Whatever this engine has not, the admin's widgets among
# them, comes from the Django templates engine below (FORM_RENDERER = TemplatesSetting).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "riskdesk.context_processors.navigation",
                "riskdesk.context_processors.replica_lag",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite in var/ unless DATABASE_URL names another (postgres://user@host/name).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL is None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the zero-setup SQLite file lives here
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'riskdesk.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
# A request that fails leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's web server, worker and beat write to one file: transactions take the
    # write lock when they begin and wait up to 20 s for it, and WAL lets readers go on
    # meanwhile ("database is locked" from a worker's e-mail task otherwise).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE", "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
# A PostgreSQL hot standby of that database (riskdesk/replica.py, README "Read replica"):
# dashboards, work summaries, exports and the API's lists read from it, unless the request
# wrote first; when it does not answer, they read from the primary and it is tried again
# after REPLICA_RETRY_SECONDS. Its options are the primary's, but for ATOMIC_REQUESTS (a
# transaction opened on it before every view would fail the request when it is down) and
# a short connect timeout. Under test it is the test database itself (MIRROR).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
        ),
        "ATOMIC_REQUESTS": False,
        "TEST": {"MIRROR": "default"},
    }
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name a PostgreSQL hot standby (postgres://...)."
        )
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_REPLICA_CONNECT_TIMEOUT", 3, minimum=1)
DATABASE_ROUTERS = ["riskdesk.replica.ReplicaRouter"]
# Pages read from the replica say so when it is further behind than this.
REPLICA_LAG_NOTICE_SECONDS = env_int("REPLICA_LAG_NOTICE_SECONDS", 5, minimum=0)
# After the replica failed to answer, this process reads from the primary this long.
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's backend, reading the signed-in user with their membership and districts at once.
AUTHENTICATION_BACKENDS = [
    "riskdesk.backends.ModelBackendWithScope",
    "riskdesk.sso.cas.CASSignInBackend",  # answers a CAS ticket only (riskdesk/sso/cas.py)
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Single sign-on through the city's identity platform (OpenID Connect, riskdesk/sso/):
# on when OIDC_ISSUER is set. Endpoints and keys come from the issuer's discovery document
# (/.well-known/openid-configuration); the code flow uses PKCE, and the ID token's
# signature, issuer, audience, nonce and expiry are checked. README, "Single sign-on".
OIDC_ISSUER = (env_str("OIDC_ISSUER") or "").rstrip("/") or None
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "OIDC_ISSUER is set but OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is not: single sign-on "
        "needs the client registered for RiskDesk at the identity platform."
    )
if OIDC_ISSUER and not OIDC_ISSUER.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"OIDC_ISSUER={OIDC_ISSUER!r} is not an http(s) URL.")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid profile email")
# The claims that carry the RiskDesk role (staff, supervisor or admin) and the district
# codes (a list, or codes separated by commas or spaces; "*" is the whole city).
OIDC_ROLE_CLAIM = env_str("OIDC_ROLE_CLAIM", "riskdesk_role")
OIDC_DISTRICT_CLAIM = env_str("OIDC_DISTRICT_CLAIM", "riskdesk_districts")
# Local passwords only for administrators without a single sign-on identity (break-glass).
OIDC_ONLY = bool(OIDC_ISSUER) and env_bool("OIDC_ONLY", False)
# Who to ask when the platform's account has no RiskDesk role: shown on the refusal.
OIDC_HELP_CONTACT = env_str("OIDC_HELP_CONTACT", "")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_CLOCK_LEEWAY_SECONDS = env_int("OIDC_CLOCK_LEEWAY_SECONDS", 60, minimum=0)
OIDC_DISCOVERY_CACHE_SECONDS = env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600, minimum=0)
OIDC_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", True)
# mozilla-django-oidc: always PKCE and a nonce; its endpoints come from discovery, and its
# OIDC_RP_* names are read from the names above (riskdesk.sso.discovery.setting).
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_VERIFY_SSL = env_bool("OIDC_VERIFY_SSL", True)

# Sign-in through the city's CAS server instead (CAS 2.0/3.0, django-cas-ng,
# riskdesk/sso/cas.py): on when CAS_SERVER_URL is set (its base, e.g.
# https://cas.city.example/cas/). The CAS user is the subject; the role and districts come
# from the CAS 3.0 attributes named below, read like the OpenID Connect claims.
CAS_SERVER_URL = (env_str("CAS_SERVER_URL") or "").rstrip("/") or None
if CAS_SERVER_URL:
    if not CAS_SERVER_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"CAS_SERVER_URL={CAS_SERVER_URL!r} is not an http(s) URL.")
    CAS_SERVER_URL += "/"  # the protocol's paths (login, p3/serviceValidate) are joined to it
CAS_VERSION = env_str("CAS_VERSION", "3")
if CAS_VERSION not in ("2", "3"):
    raise ImproperlyConfigured(f"CAS_VERSION={CAS_VERSION!r}: RiskDesk speaks CAS 2 or 3.")
CAS_ROLE_ATTRIBUTE = env_str("CAS_ROLE_ATTRIBUTE", OIDC_ROLE_CLAIM)
CAS_DISTRICT_ATTRIBUTE = env_str("CAS_DISTRICT_ATTRIBUTE", OIDC_DISTRICT_CLAIM)
CAS_TIMEOUT = env_int("CAS_TIMEOUT_SECONDS", 10, minimum=1)
# django-cas-ng: sign-out ends the CAS session too; no messages of its own; the next page
# is never taken from the Referer (ticket validation waits CAS_TIMEOUT at most).
CAS_LOGOUT_COMPLETELY = True
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_IGNORE_REFERER = True
CAS_REDIRECT_URL = "home"
CAS_LOGOUT_NEXT_PAGE = "/accounts/login/"  # where the CAS server sends the visitor back

# Sign-in throttle (riskdesk/signin.py): this many failures for one user name from one
# address within the window make that pair wait; nothing locks the account itself.
SIGN_IN_MAX_FAILURES = env_int("SIGN_IN_MAX_FAILURES", 5, minimum=1)
SIGN_IN_WINDOW_MINUTES = env_int("SIGN_IN_WINDOW_MINUTES", 30, minimum=1)
# Second factor (riskdesk/twofactor.py): the roles that must set up an authenticator app
# (TOTP) and give its code at every sign-in; anyone who has set one up gives it too.
# Unset: admin and supervisor in production, nobody under make run; REQUIRE_TWO_FACTOR=
# (set but empty): nobody. Wrong codes are throttled like passwords (the two above).
REQUIRE_TWO_FACTOR = env_list(
    "REQUIRE_TWO_FACTOR", [] if DEBUG else ["admin", "supervisor"], blank_is_empty=True
)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "RiskDesk")
# django-otp's own per-device back-off is off: wrong codes are counted per user name and
# address in the audit log instead, as wrong passwords are, so the limit holds on every
# node and a right code after a typo is not refused for a few seconds.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The visitor's address is REMOTE_ADDR, unless a trusted reverse proxy sets a header with
# it: name that header as Django sees it, e.g. HTTP_X_FORWARDED_FOR or HTTP_X_REAL_IP.
# Never set it without such a proxy in front: clients could then choose their address.
CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER")
# Sessions end after this many idle minutes and at most this many hours after sign-in
# (riskdesk.signin.SessionLimitMiddleware); the cookie itself lives no longer than that.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and time: English and Simplified Chinese; the user's choice is kept in a cookie.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of: en, zh-hans.")
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language: riskdesk/formats/<locale>/formats.py (2026年11月27日 in Chinese).
FORMAT_MODULE_PATH = ["riskdesk.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Static files are served by the app itself (whitenoise): no CDN, no separate web server.
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are never served from a public URL: downloads go through scoped views.
MEDIA_URL = "/media-not-served/"
# Uploaded files go through Django's storage API (riskdesk/storage.py): MEDIA_ROOT by
# default (shared as a mount by several nodes), or with STORAGE=s3 an S3-compatible
# object store (MinIO, a domestic cloud's) that every node and worker reaches.
STORAGE = env_str("STORAGE", "filesystem")
if STORAGE == "filesystem":
    DEFAULT_STORAGE = {"BACKEND": storage.FILESYSTEM}
elif STORAGE == "s3":
    S3_BUCKET = env_str("S3_BUCKET")
    if not S3_BUCKET:
        raise ImproperlyConfigured("STORAGE=s3 needs S3_BUCKET (the bucket's name).")
    DEFAULT_STORAGE = {"BACKEND": storage.S3, "OPTIONS": storage.s3_options(
        bucket=S3_BUCKET, endpoint_url=env_str("S3_ENDPOINT_URL"),
        access_key=env_str("S3_ACCESS_KEY_ID"), secret_key=env_str("S3_SECRET_ACCESS_KEY"),
        region=env_str("S3_REGION"))}
else:
    raise ImproperlyConfigured(f"STORAGE={STORAGE!r} is not one of: filesystem, s3.")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("STATIC_MANIFEST", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
        # Public files, readable by every user: collected by root when the image is
        # built, served by the app's own user. Without this, FILE_UPLOAD_PERMISSIONS
        # (0640, meant for attachments) applied to them too, and gunicorn could not read
        # its own manifest.
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

# E-mail: printed to the console unless EMAIL_BACKEND=smtp (then EMAIL_HOST etc.).
EMAIL_BACKEND = env_choice(
    "EMAIL_BACKEND",
    "console",
    {
        "console": "django.core.mail.backends.console.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
    },
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
# The address people use to reach RiskDesk, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RiskDesk <riskdesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: the filesystem broker in var/ unless CELERY_BROKER_URL names one (redis://...).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Named periodic jobs; each is a sweep over database state (ARCHITECTURE.md, "Celery"),
# cheap when nothing is due, and safe to run twice or late.
SWEEP_SECONDS = env_int("SWEEP_SECONDS", 60, minimum=5)
# The release, in every cache key (KEY_PREFIX): a deploy never serves the HTML an older
# release kept, even on a cache the releases share (Redis). The package's version unless
# CACHE_VERSION says otherwise.
CACHE_VERSION = env_str("CACHE_VERSION") or package_version()
# The cache (dashboards, the identity platform's discovery document): Redis when CACHE_URL
# names one (redis://127.0.0.1:6379/1), shared by every web node; otherwise each web
# process keeps what it computed in its own memory (LocMemCache), the zero-setup default
# for one node. Nothing that limits or claims anything is kept in it (ARCHITECTURE.md).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"CACHE_URL={CACHE_URL!r} is not a Redis URL: write redis://host:6379/1 "
        "(or leave it unset for each process's own memory)."
    )
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
         "KEY_PREFIX": f"riskdesk:{CACHE_VERSION}"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
              "KEY_PREFIX": f"riskdesk:{CACHE_VERSION}",
              "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 2_000, minimum=300)}}
    )
}
# How many web nodes (machines or containers running gunicorn) serve this RiskDesk: with
# more than one, `check --deploy` warns about what one node keeps to itself (riskdesk/
# checks.py): a cache in process memory, uploads on a local disk not declared shared.
WEB_NODES = env_int("WEB_NODES", 1, minimum=1)
# true when MEDIA_ROOT is a mount every web and worker node shares (NFS and the like).
MEDIA_SHARED = env_bool("MEDIA_SHARED", False)
# The API's request counts (api.throttling): in Redis when there is one (API_THROTTLE_REDIS_URL,
# else CACHE_URL, else the broker's), so the limit holds on every node; in this process's
# memory only under make run, with no service at all.
API_THROTTLE_REDIS_URL = env_str("API_THROTTLE_REDIS_URL") or CACHE_URL or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else None
)
CACHES["api_throttle"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache",
     "LOCATION": API_THROTTLE_REDIS_URL, "KEY_PREFIX": "riskdesk:api-throttle"}
    if API_THROTTLE_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
          "LOCATION": "api-throttle"}
)
# The dashboard's figures are kept this long per user and selection (0: always live);
# never more than 5 minutes, and the page says how old they are.
DASHBOARD_CACHE_SECONDS = min(env_int("DASHBOARD_CACHE_SECONDS", 120, minimum=0), 300)
# Registering or importing a case suggests open cases that may be the same problem
# (cases.duplicates): same contact ID, developer or employer, or a project name or address
# at least this similar (PostgreSQL pg_trgm similarity(), 0 to 1: 1 is the same text; at
# 0.45 "阳光花园三期" still matches "阳光花园小区三期", at 0.46 no longer). SQLite (make run)
# compares exact values only.
DUPLICATE_SIMILARITY = env_fraction("DUPLICATE_SIMILARITY", 0.45)
# The issuing office named at the end of the city's work summary (e.g. 包头市委政法委);
# empty: "the city's political-legal committee" in the reader's language.
SUMMARY_ISSUER = env_str("SUMMARY_ISSUER", "")
CELERY_BEAT_SCHEDULE = {
    "send-follow-up-reminders": {
        "task": "cases.tasks.send_follow_up_reminders", "schedule": SWEEP_SECONDS,
    },
    "escalate-overdue": {"task": "cases.tasks.escalate_overdue", "schedule": SWEEP_SECONDS},
    "remind-supervision-orders": {
        "task": "cases.tasks.remind_supervision_orders", "schedule": SWEEP_SECONDS,
    },
    "remind-agency-renewals": {
        "task": "assessments.tasks.remind_agency_renewals", "schedule": crontab(minute=5),
    },
    "expire-agencies": {"task": "assessments.tasks.expire_agencies", "schedule": crontab(minute=0)},
    "send-due-webhooks": {"task": "webhooks.tasks.send_due_webhooks", "schedule": SWEEP_SECONDS},
    "forget-old-webhook-events": {
        "task": "webhooks.tasks.forget_old_events", "schedule": crontab(hour=3, minute=30),
    },
    "forget-idempotency-keys": {
        "task": "api.tasks.forget_idempotency_keys", "schedule": crontab(minute=15),
    },
    "send-pending-emails": {
        "task": "riskdesk.tasks.send_pending_emails", "schedule": crontab(minute="*/15"),
    },
    "send-daily-digests": {
        "task": "riskdesk.tasks.send_daily_digests",
        "schedule": crontab(hour=env_int("DIGEST_HOUR", 8, minimum=0), minute=0),
    },
}
# The hosts webhooks may be sent to: names (hooks.example.cn) or suffixes (.gov.cn), comma
# separated. Empty: none, so nothing can make the server call into the intranet unasked.
WEBHOOK_ALLOWED_HOSTS = env_list("WEBHOOK_ALLOWED_HOSTS", [])
# Webhook events and their delivery log are kept this many days, then deleted each night.
WEBHOOK_LOG_DAYS = env_int("WEBHOOK_LOG_DAYS", 90, minimum=2)
# Reminders go out this many days before a follow-up or a supervision order is due.
FOLLOW_UP_REMINDER_LEAD_DAYS = env_int("FOLLOW_UP_REMINDER_LEAD_DAYS", 2, minimum=0)
ORDER_REMINDER_LEAD_DAYS = env_int("ORDER_REMINDER_LEAD_DAYS", 2, minimum=0)

# Security headers. Cookies are marked secure and HSTS is sent when served over HTTPS,
# which production is unless HTTPS=false says otherwise (e.g. a benchmark on loopback).
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): our own files only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")

# The REST API under /api/v1/ (api/, README "Integrations"): personal tokens or the browser's
# session, JSON only, pages through a cursor, API_THROTTLE_RATE requests per token (or
# session user) and period: second, minute, hour or day.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/minute")
if not re.fullmatch(r"[1-9]\d*/(second|minute|hour|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured(
        f"API_THROTTLE_RATE={API_THROTTLE_RATE!r}: write a number of requests per second, "
        "minute, hour or day, e.g. 600/minute."
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",  # first: its 401 names the Bearer scheme
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenScopeAllows",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.KeysetPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RiskDesk API",
    "DESCRIPTION": "Risk cases (read, registered, edited and moved along the workflow), "
                   "districts and categories, decisions with their assessments, agencies "
                   "and the dashboard's figures, of the user a token belongs to, with their "
                   "scope. Every POST takes an Idempotency-Key header, kept 24 h. See the "
                   "README, \"Integrations\".",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.Status",
        "RiskLevelEnum": "cases.choices.RiskLevel",
        "SourceEnum": "cases.choices.Source",
        "FollowUpMethodEnum": "cases.choices.FollowUpMethod",
        "AttachmentKindEnum": "riskdesk.choices.AttachmentKind",
        "DecisionStatusEnum": "assessments.choices.DecisionStatus",
        "AssessmentStatusEnum": "assessments.choices.AssessmentStatus",
        "AgencyStatusEnum": "assessments.choices.AgencyStatus",
        "DecisionTypeEnum": "assessments.choices.DecisionType",
        "SupervisionLevelEnum": "cases.choices.SupervisionLevel",
        "OrderStateEnum": "cases.choices.OrderState",
        "ExtensionStateEnum": "cases.choices.ExtensionState",
        "EventKindEnum": "cases.choices.EventKind",
        "NoticeKindEnum": "riskdesk.choices.NoticeKind",
        "CategoryKindEnum": "cases.choices.CategoryKind",
    },
}

# The public agency application form accepts this many applications per address an hour.
AGENCY_APPLICATIONS_PER_HOUR = env_int("AGENCY_APPLICATIONS_PER_HOUR", 5, minimum=1)
# ... and at most this many files and megabytes (the whole request) per application.
AGENCY_APPLICATION_MAX_FILES = env_int("AGENCY_APPLICATION_MAX_FILES", 5, minimum=1)
AGENCY_APPLICATION_MAX_MB = env_int("AGENCY_APPLICATION_MAX_MB", 30, minimum=1)

# Uploads (case attachments, agency documents).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
