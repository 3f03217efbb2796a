#!/usr/bin/env bash
# `make run`: the whole system on one machine with no prior setup.
#   - PostgreSQL: DATABASE_URL if set, else a local cluster in .dev/pg (created once, reused)
#   - schema migrations
#   - the daemon, in the foreground (Ctrl-C stops everything)
# `scripts/run.sh migrate-only` stops after the migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
DEV_DIR=${DEV_DIR:-.dev}
mkdir -p "$DEV_DIR"

go build -o bin/devpg ./cmd/devpg
if [[ -z "${DATABASE_URL:-}" ]]; then
  echo "==> local PostgreSQL in $DEV_DIR/pg (set DATABASE_URL to use your own server)"
  DATABASE_URL=$(bin/devpg start "$DEV_DIR/pg")
  export DATABASE_URL
else
  echo "==> using DATABASE_URL from the environment"
fi

echo "==> arbsync migrate up"
bin/arbsync migrate up
[[ "$mode" == "migrate-only" ]] && exit 0

export ARBSYNC_LOG_FORMAT=${ARBSYNC_LOG_FORMAT:-console}
export ARBSYNC_HTTP_ADDR=${ARBSYNC_HTTP_ADDR:-127.0.0.1:8080}
echo "==> arbsync run (http://$ARBSYNC_HTTP_ADDR/readyz, /metrics; Ctrl-C to stop)"
exec bin/arbsync run
