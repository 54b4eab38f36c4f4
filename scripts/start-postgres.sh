#!/usr/bin/env bash
# Start a local PostgreSQL for the storage tests and print its URL on stdout.
# Installs Debian's postgresql when missing. Test-only credentials, loopback only.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /etc/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx main; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && break
  sleep 1
done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'perimeter_test') THEN
    CREATE ROLE perimeter_test LOGIN PASSWORD 'perimeter_test' CREATEDB;
  END IF;
END $$;
SQL
if ! runuser -u postgres -- psql -lqt | cut -d'|' -f1 | grep -qw perimeter_test; then
  runuser -u postgres -- createdb -O perimeter_test perimeter_test >&2
fi
echo "postgresql+asyncpg://perimeter_test:perimeter_test@127.0.0.1:5432/perimeter_test"
