# syntax=docker/dockerfile:1
# RiskDesk: one image for web (gunicorn, the default CMD), the Celery worker and Celery beat.
# docker-compose.yml runs it three ways; see README.md, "Production with docker-compose".
FROM python:3.11-slim-bookworm

# PYTHONPATH=/app: `pip install .` also puts the packages in site-packages, but settings
# find templates/, static/ and locale/ next to the package (BASE_DIR), so the copy in /app
# must be the one imported by manage.py, gunicorn and celery alike.
ENV DEBUG=false \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RISKDESK_VAR_DIR=/var/lib/riskdesk \
    MEDIA_ROOT=/var/lib/riskdesk/media

RUN groupadd --system --gid 10001 riskdesk \
 && useradd --system --uid 10001 --gid riskdesk --home-dir /var/lib/riskdesk \
      --no-create-home --shell /usr/sbin/nologin riskdesk

WORKDIR /app

# README.md is the "readme" in pyproject.toml (the package's long description).
COPY pyproject.toml README.md manage.py ./
COPY riskdesk/ riskdesk/
COPY cases/ cases/
COPY assessments/ assessments/
RUN pip install --no-cache-dir . \
 && rm -rf build ./*.egg-info

COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/

# Static files are collected (hashed and compressed by whitenoise) into the image at build
# time; the SECRET_KEY and ALLOWED_HOSTS here exist only for this one command. The code and
# the collected files stay owned by root; only the var dir (beat schedule, media) is the
# app's to write.
RUN python -m compileall -q riskdesk cases assessments \
 && mkdir -p /var/lib/riskdesk/media \
 && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
 && chown riskdesk:riskdesk /var/lib/riskdesk /var/lib/riskdesk/media

USER 10001:10001

EXPOSE 8000

# No curl in the slim image: ask /healthz with urllib. The request names the first
# ALLOWED_HOSTS entry (any other host is refused with 400) and says it came over HTTPS
# (otherwise HTTPS=true answers with a redirect to https://).
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os,urllib.request as r;h=(os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.');h=h if h not in ('','*') else 'localhost';r.urlopen(r.Request('http://127.0.0.1:8000/healthz',headers={'Host':h,'X-Forwarded-Proto':'https'}),timeout=8)"]

# riskdesk/gunicorn_conf.py: one worker per core unless WEB_CONCURRENCY says otherwise.
CMD ["gunicorn", "--config", "python:riskdesk.gunicorn_conf", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "riskdesk.wsgi:application"]
