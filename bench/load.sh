#!/usr/bin/env bash
# Load benchmark: gunicorn (4 workers) on loopback under wrk, bounded in time and connections.
# Measures a trivial view (/healthz) and the demarche dashboard in the same run, prints req/s,
# their ratio, the error rate and the CPU each request cost the web workers and the database
# (bench/cpu_split.py). Usage: bench/load.sh  (env: DURATION=10s CONNECTIONS=16 THREADS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${BENCH_PORT:-8765}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/outreach_bench}"
export DJANGO_DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export SECRET_KEY="${SECRET_KEY:-bench-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')}"
export STATIC_ROOT="${STATIC_ROOT:-/tmp/outreach-bench-static}"
export LOG_LEVEL=WARNING DB_CONN_MAX_AGE=60

psql "${DATABASE_URL%/*}/postgres" -qtc "SELECT 1 FROM pg_database WHERE datname='${DATABASE_URL##*/}'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"${DATABASE_URL##*/}\""
$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0
$PY manage.py seed_demo >/dev/null
# A session for a desk officer, passed to wrk as a cookie: the dashboard is measured logged in.
SESSION=$($PY manage.py shell -v 0 -c "
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.filter(groups__name='Desk officers').order_by('pk').first()
s = SessionStore()
s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = 'config.auth.PageUserBackend'
s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create(); print(s.session_key)")

.venv/bin/gunicorn config.wsgi --workers 4 --bind "127.0.0.1:${PORT}" --log-level warning &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:${PORT}/healthz" >/dev/null && break; sleep 0.2; done

DASHBOARD="${DASHBOARD_PATH:-/dashboards/demarches/}"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sessionid=${SESSION}" "http://127.0.0.1:${PORT}${DASHBOARD}")
[ "$status" = 200 ] || { echo "dashboard answered ${status}, not 200: not measuring a login page" >&2; exit 1; }

measure() {  # name path [cookie]
  local out
  $PY bench/cpu_split.py snapshot "/tmp/outreach-bench-$1.cpu"
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency ${3:+-H "Cookie: sessionid=$3"} \
        "http://127.0.0.1:${PORT}$2")
  echo "$out" > "/tmp/outreach-bench-$1.txt"
  $PY - "$1" "$out" "$($PY bench/cpu_split.py report "/tmp/outreach-bench-$1.cpu" \
        "$(grep -oE '[0-9]+ requests in' <<<"$out" | cut -d' ' -f1)")" <<'PYEOF'
import re, sys
name, out, cpu = sys.argv[1], sys.argv[2], sys.argv[3]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
total = int(re.search(r"(\d+) requests in", out).group(1))
bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
bad += sum(int(n) for n in sock.groups()) if sock else 0
p99 = re.search(r"99%\s+(\S+)", out)
print(f"{name}\t{rps:.1f}\t{total}\t{bad}\t{bad / max(total, 1):.4%}\t{p99.group(1) if p99 else '-'}\t{cpu}")
PYEOF
}

echo "gunicorn 4 workers, wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION} on 127.0.0.1; dashboard ${DASHBOARD}"
printf 'page\treq/s\trequests\terrors\terror rate\tp99\tCPU per request (web workers, database)\n'
trivial=$(measure healthz /healthz); echo "$trivial"
dash=$(measure dashboard "$DASHBOARD" "$SESSION"); echo "$dash"
$PY -c "import sys; t, d = float(sys.argv[1]), float(sys.argv[2]); print(f'dashboard / trivial = {d / t:.3f}')" \
  "$(cut -f2 <<<"$trivial")" "$(cut -f2 <<<"$dash")"
