#!/usr/bin/env bash
# The multi-node rehearsal on loopback (bench/cluster.py says what it builds, breaks and proves).
# Installs what it needs from Debian if missing (HAProxy; PostgreSQL's server and Redis are the machine's
# packages already), then runs under nice: the machine's cores are shared. About 4-5 minutes in all, of
# which LOAD_SECONDS (default 150) of load. Exit status: 0 when every promise held.
# Usage: bench/cluster.sh [--keep]   (as root, or a user who may run apt-get and runuser)
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || bin/setup
exec nice -n 10 .venv/bin/python bench/cluster.py "$@"
