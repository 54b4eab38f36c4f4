#!/usr/bin/env bash
# `make run`: the sandbox ABS (demo bank from examples/bank.json) and the bot, side by side.
# The sandbox token is generated once into the data dir (never printed) unless already set.
set -euo pipefail
VENV=${VENV:-.venv}
DATA_DIR=${PERIMETER_DATA_DIR:-./var}
SANDBOX_PORT=${SANDBOX_PORT:-8090}
mkdir -p "$DATA_DIR"
if [ -z "${PERIMETER_CORE_BANKING__TOKEN:-}" ]; then
  TOKEN_FILE="$DATA_DIR/sandbox-token"
  if [ ! -s "$TOKEN_FILE" ]; then
    (umask 077; "$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$TOKEN_FILE")
  fi
  PERIMETER_CORE_BANKING__TOKEN=$(cat "$TOKEN_FILE")
  export PERIMETER_CORE_BANKING__TOKEN
fi
export PERIMETER_CORE_BANKING__BASE_URL=${PERIMETER_CORE_BANKING__BASE_URL:-http://127.0.0.1:$SANDBOX_PORT}
export PERIMETER_DEMO=true  # demo tools on (perimeter auth sign-token); startup warns of it
# The sample bank's brand; a variable the caller set wins.
while IFS='=' read -r key value; do
  [[ -z "$key" || "$key" == \#* ]] && continue
  [ -n "${!key:-}" ] || export "$key=$value"
done < examples/demo.env

"$VENV/bin/perimeter" sandbox --data examples/bank.json --port "$SANDBOX_PORT" --demo-phone \
  > "$DATA_DIR/sandbox.log" 2>&1 &
SANDBOX_PID=$!
# The demo's «bank site» with the widget embedded (examples/site, an allowed origin).
"$VENV/bin/python" -m http.server "${SITE_PORT:-8000}" --bind 127.0.0.1 --directory examples/site \
  > "$DATA_DIR/site.log" 2>&1 &
SITE_PID=$!
trap 'kill "$SANDBOX_PID" "$SITE_PID" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import httpx,sys; sys.exit(httpx.get('http://127.0.0.1:$SANDBOX_PORT/healthz').status_code != 200)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
    echo "the sandbox ABS failed to start; see $DATA_DIR/sandbox.log" >&2
    exit 1
  fi
  sleep 0.3
done
echo "Sandbox ABS on http://127.0.0.1:$SANDBOX_PORT — demo phone (SMS codes): http://127.0.0.1:$SANDBOX_PORT/demo/phone"
echo "Demo customers: +79031112233 (Смирнова), +79164445566 (Петров), +79265557788 (Иванова)"

# The schema first: `perimeter serve` only checks it (a bank runs this as its migration step).
"$VENV/bin/perimeter" db upgrade

# Demo console accounts (README «Operators»); a real installation creates its own with
# `perimeter staff add NAME --role …` and never runs this script.
DEMO_PASSWORD=${PERIMETER_DEMO_OPERATOR_PASSWORD:-perimeter-demo}
printf '%s\n' "$DEMO_PASSWORD" | "$VENV/bin/perimeter" staff add operator --role operator \
  --display-name "Анна" --password-stdin --exist-ok
printf '%s\n' "$DEMO_PASSWORD" | "$VENV/bin/perimeter" staff add supervisor --role supervisor \
  --display-name "Светлана" --password-stdin --exist-ok
printf '%s\n' "$DEMO_PASSWORD" | "$VENV/bin/perimeter" staff add editor --role editor \
  --display-name "Редактор" --password-stdin --exist-ok
echo "Operator console: http://127.0.0.1:${PERIMETER_HTTP__PORT:-8080}/operator — demo logins operator / supervisor, password $DEMO_PASSWORD"
echo "The widget on a bank's page: http://127.0.0.1:${SITE_PORT:-8000} (the chat alone: http://127.0.0.1:${PERIMETER_HTTP__PORT:-8080})"
echo "Knowledge base admin: http://127.0.0.1:${PERIMETER_HTTP__PORT:-8080}/admin — demo login editor, password $DEMO_PASSWORD"
# The OpenAI-compatible gateway (docs/gateway.md) with a fresh demo key each run (a key is
# shown only when it is made).
if [ -n "${PERIMETER_GATEWAY__PORT:-}" ]; then
  "$VENV/bin/perimeter" gateway keys revoke demo >/dev/null 2>&1 || true
  GATEWAY_KEY=$("$VENV/bin/perimeter" gateway keys add demo 2>/dev/null | tail -n 1)
  echo "The gateway for the bank's systems (OpenAI API): http://127.0.0.1:$PERIMETER_GATEWAY__PORT/v1 — demo key $GATEWAY_KEY"
fi
"$VENV/bin/perimeter" serve
