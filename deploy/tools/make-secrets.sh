#!/usr/bin/env bash
# Writes the compose stack's secret files into ./secrets (or $SECRETS_DIR), one per secret,
# and never overwrites one that exists: rotating a password is a deliberate act (docs/deploy.md).
#
#   CORE_BANKING_TOKEN='...' [TELEGRAM_TOKEN='...'] bash deploy/tools/make-secrets.sh
#
# Passwords are random and URL-safe (they go into database and Redis URLs). Run it as root so
# each file belongs to the user that reads it (the app is uid 10001, Grafana 472); otherwise
# the files are world-readable inside a directory only you can enter.
set -euo pipefail

dir="${SECRETS_DIR:-./secrets}"
mkdir -p "$dir"
chmod 0700 "$dir"

random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# write NAME OWNER_UID VALUE
write() {
  local file="$dir/$1"
  if [ -e "$file" ]; then
    echo "kept    $file"
    return
  fi
  (umask 077 && printf '%s' "$3" >"$file")
  if [ "$(id -u)" = 0 ]; then
    chown "$2" "$file"
    chmod 0400 "$file"
  else
    chmod 0444 "$file"
  fi
  echo "wrote   $file"
}

postgres_password="$(cat "$dir/postgres_password" 2>/dev/null || random)"
redis_password="$(cat "$dir/redis_password" 2>/dev/null || random)"
write postgres_password 0 "$postgres_password"
write redis_password 0 "$redis_password"
write perimeter_database__url 10001 \
  "postgresql+asyncpg://perimeter:${postgres_password}@postgres:5432/perimeter"
write perimeter_redis__url 10001 "redis://:${redis_password}@redis:6379/0"
write grafana_admin_password 472 "$(random)"
# Telegram's webhook mode (deploy/compose/telegram-webhook.yml) checks updates against it.
write perimeter_telegram__webhook_secret 10001 "$(random)"

if [ -n "${CORE_BANKING_TOKEN:-}" ]; then
  write perimeter_core_banking__token 10001 "$CORE_BANKING_TOKEN"
elif [ ! -e "$dir/perimeter_core_banking__token" ]; then
  echo "missing $dir/perimeter_core_banking__token: run again with CORE_BANKING_TOKEN set" >&2
fi
# Only the telegram profile mounts it; the empty file keeps compose quiet without Telegram.
write perimeter_telegram__token 10001 "${TELEGRAM_TOKEN:-}"
