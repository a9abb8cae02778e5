# syntax=docker/dockerfile:1
# RiskDesk: one image for web (gunicorn, the default CMD), the Celery worker and Celery beat.
# docker-compose.yml runs it three ways (on two web nodes and two workers); see README.md, "Production with docker-compose".
#
# Build arguments, for an intranet that reaches no public registry or package index:
#   PYTHON_IMAGE     the base image (default python:3.11-slim-bookworm; any Debian 12 with
#                    Python 3.11 as `python`, e.g. from the organisation's own registry)
#   PIP_INDEX_URL    the Python package index (default https://pypi.org/simple)
#   EXTRA_CA_CERTS   a PEM file in the build context with the organisation's CA
#                    certificates (e.g. of a proxy that re-signs TLS): trusted by pip here
#                    and by the app at run time (e-mail over TLS, later webhooks and OIDC)
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}

ARG PIP_INDEX_URL=https://pypi.org/simple
ARG EXTRA_CA_CERTS=deploy/no-extra-ca-certs.pem

# PYTHONPATH=/app: `pip install .` also puts the packages in site-packages, but settings
# find templates/, static/ and locale/ next to the package (BASE_DIR), so the copy in /app
# must be the one imported by manage.py, gunicorn and celery alike. The CA variables point
# pip, Python's ssl and requests at the system's bundle, extra certificates included.
ENV DEBUG=false \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    RISKDESK_VAR_DIR=/var/lib/riskdesk \
    MEDIA_ROOT=/var/lib/riskdesk/media

# The extra CA certificates first, so that everything fetched afterwards trusts them.
# postgresql-client: pg_dump and pg_restore for `manage.py backup` / `restore` (Debian 12's
# are version 15: the database server must not be newer, see docker-compose.yml).
COPY ${EXTRA_CA_CERTS} /tmp/extra-ca-certs.pem
RUN set -eu; \
    if grep -q "BEGIN CERTIFICATE" /tmp/extra-ca-certs.pem; then \
      mkdir -p /usr/local/share/ca-certificates/riskdesk; \
      cp /tmp/extra-ca-certs.pem /usr/local/share/ca-certificates/riskdesk/extra.crt; \
      if command -v update-ca-certificates >/dev/null; then update-ca-certificates >/dev/null; fi; \
    fi; \
    rm /tmp/extra-ca-certs.pem; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates postgresql-client; \
    rm -rf /var/lib/apt/lists/*; \
    update-ca-certificates >/dev/null; \
    groupadd --system --gid 10001 riskdesk; \
    useradd --system --uid 10001 --gid riskdesk --home-dir /var/lib/riskdesk \
      --no-create-home --shell /usr/sbin/nologin riskdesk

WORKDIR /app

# README.md is the "readme" in pyproject.toml (the package's long description).
COPY pyproject.toml README.md manage.py ./
COPY riskdesk/ riskdesk/
COPY cases/ cases/
COPY assessments/ assessments/
COPY drills/ drills/
COPY reports/ reports/
COPY webhooks/ webhooks/
COPY api/ api/
# pip reads PIP_INDEX_URL (the build argument) from the environment.
RUN pip install --no-cache-dir . \
 && rm -rf build ./*.egg-info

COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/

# Static files are collected (hashed and compressed by whitenoise) into the image at build
# time, readable by everyone (settings: STORAGES); the SECRET_KEY and ALLOWED_HOSTS here
# exist only for this one command, and every web node serves them from here (no volume
# over them in docker-compose.yml: each release brings its own). The code stays owned by
# root; the var dir (beat schedule, media, backups) is the app's.
RUN python -m compileall -q riskdesk cases assessments drills reports webhooks api \
 && mkdir -p /var/lib/riskdesk/media /var/lib/riskdesk/static \
 && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput -v0 \
 && chown -R riskdesk:riskdesk /var/lib/riskdesk

USER 10001:10001

EXPOSE 8000

# No HEALTHCHECK here: the image runs as web, worker and beat, each checked its own way
# (`manage.py healthcheck web|worker|beat`, declared per service in docker-compose.yml).

# riskdesk/gunicorn_conf.py: one worker per core unless WEB_CONCURRENCY says otherwise.
CMD ["gunicorn", "--config", "python:riskdesk.gunicorn_conf", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "riskdesk.wsgi:application"]
