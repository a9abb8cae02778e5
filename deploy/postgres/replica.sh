#!/bin/sh
# postgres-replica of docker-compose.yml: a hot standby of the primary (service postgres).
# At the first start (an empty data folder) it copies the primary with
# `pg_basebackup -R` (which also writes primary_conninfo and standby.signal), then, at
# every start, runs the server read-only, streaming the primary's changes. Works in the
# official postgres image and in CI's stand-in (deploy/ci/postgres.Containerfile): both
# are Debian with the postgres user, setpriv and PostgreSQL's tools on PATH.
# To make it again from scratch (it fell too far behind): remove its volume, start it.
set -eu
: "${PRIMARY_HOST:?PRIMARY_HOST is needed}"
: "${POSTGRES_USER:?POSTGRES_USER is needed}"
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is needed}"
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
# The password for the base backup and for the streaming connection (libpq reads it).
export PGPASSWORD="$POSTGRES_PASSWORD"
as_postgres() { setpriv --reuid postgres --regid postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  # The primary may still be starting (or initialising its data folder): try for 5 minutes.
  tries=0
  until as_postgres pg_basebackup -h "$PRIMARY_HOST" -U "$POSTGRES_USER" -D "$PGDATA" \
          -R -X stream --checkpoint=fast; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { echo "replica: no base backup of $PRIMARY_HOST after 5 minutes" >&2; exit 1; }
    find "$PGDATA" -mindepth 1 -delete
    echo "replica: $PRIMARY_HOST not ready yet, trying again in 5 s" >&2
    sleep 5
  done
  echo "replica: copied $PRIMARY_HOST into $PGDATA; streaming from now on"
fi
exec setpriv --reuid postgres --regid postgres --init-groups postgres "$@"
