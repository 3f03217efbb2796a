#!/usr/bin/env bash
# `make run`: the whole system on one machine with no prior setup.
#   - PostgreSQL: DATABASE_URL if set, else a local cluster in .dev/pg (created once, reused)
#   - schema migrations
#   - a development key pair, the upstream simulator (127.0.0.1:8089)
#   - an alert receiver (127.0.0.1:8090) printing alerts to .dev/alerts.log
#   - a demo watchlist of 300 companies (once, into an empty watchlist), a first sync, thresholds and report
#   - the daemon, in the foreground (Ctrl-C stops everything but PostgreSQL)
# `scripts/run.sh migrate-only` stops after the migrations; `sim-only` runs just the simulator;
# `advance N` (make advance, beside a running make run) lets N simulated days pass at the vendor
# and syncs every company at once.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
DEV_DIR=${DEV_DIR:-.dev}
SIM_ADDR=${SIM_ADDR:-127.0.0.1:8089}
SINK_ADDR=${SINK_ADDR:-127.0.0.1:8090}
DEMO_COMPANIES=${DEMO_COMPANIES:-300}
mkdir -p "$DEV_DIR"
bin=${ARBSYNC_BIN:-bin/arbsync}

step() { echo "==> $*"; }

# post PATH: an HTTP POST to the simulator's admin API with bash's /dev/tcp
# (no curl needed); prints the response body.
post() {
  local host=${SIM_ADDR%:*} port=${SIM_ADDR#*:} resp
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf 'POST %s HTTP/1.0\r\nHost: %s\r\nContent-Length: 0\r\n\r\n' "$1" "$SIM_ADDR" >&3
  resp=$(cat <&3)
  exec 3<&-
  [[ $resp == "HTTP/1."?" 200"* ]] || { echo "simulator: ${resp%%$'\r'*}" >&2; return 1; }
  printf '%s\n' "${resp##*$'\r\n\r\n'}"
}

if [[ "$mode" == "advance" ]]; then
  days=${2:-30}
  if [[ ! -f "$DEV_DIR/env" ]]; then
    echo "make advance: no demo is set up here; start it with make run (in another terminal) first" >&2
    exit 1
  fi
  # shellcheck source=/dev/null
  . "$DEV_DIR/env"
  step "the simulated vendor lives $days more days"
  body=$(post "/_sim/advance?days=$days") || { echo "make advance: is make run running? (the simulator answers on $SIM_ADDR)" >&2; exit 1; }
  date=$(sed -n 's/.*"date":"\([0-9-]*\)".*/\1/p' <<<"$body")
  echo "$date" >"$DEV_DIR/sim-date"
  echo "    the vendor's date is now $date"
  step "sync every company now (the running daemon delivers the alerts to $DEV_DIR/alerts.log)"
  ARBSYNC_LOG_LEVEL=warn $bin sync -all
  step "today's digest so far (the daemon sends yesterday's at 09:00; this one now)"
  ARBSYNC_LOG_LEVEL=warn $bin digest send -day today
  exit 0
fi

if [[ ! -f "$DEV_DIR/keys/arbsync-private.pem" ]]; then
  step "development key pair in $DEV_DIR/keys"
  $bin keygen -out "$DEV_DIR/keys" >/dev/null
fi
# The simulated vendor starts 90 days in the past, so that `make advance` has
# three months to let pass before its new cases are in the future of the
# daemon's own date (scores count cases filed up to today). Its date is kept
# in $DEV_DIR/sim-date across restarts.
[[ -f "$DEV_DIR/sim-date" ]] || TZ=Asia/Shanghai date -d '90 days ago' +%F >"$DEV_DIR/sim-date"
sim_args=(-listen "$SIM_ADDR" -public-key "$DEV_DIR/keys/arbsync-public.pem" -app-id arbsync-demo
  -date "$(cat "$DEV_DIR/sim-date")" -seed 1 -latency 20ms -jitter 10ms -qps 200 -log-format console -log-level warn)
if [[ "$mode" == "sim-only" ]]; then
  step "simulator on http://$SIM_ADDR (Ctrl-C to stop)"
  exec $bin sim "${sim_args[@]}"
fi

if [[ -z "${DATABASE_URL:-}" ]]; then
  go build -o bin/devpg ./cmd/devpg
  step "local PostgreSQL in $DEV_DIR/pg (set DATABASE_URL to use your own server)"
  DATABASE_URL=$(bin/devpg start "$DEV_DIR/pg")
  export DATABASE_URL
else
  step "using DATABASE_URL from the environment"
fi

step "arbsync migrate up"
$bin migrate up
[[ "$mode" == "migrate-only" ]] && exit 0

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

step "simulator on http://$SIM_ADDR"
$bin sim "${sim_args[@]}" 2>"$DEV_DIR/sim.log" &
pids+=($!)

[[ -f "$DEV_DIR/webhook-secret" ]] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DEV_DIR/webhook-secret"
step "alert receiver on http://$SINK_ADDR (alerts go to $DEV_DIR/alerts.log)"
$bin webhook-sink -listen "$SINK_ADDR" -secret-file "$DEV_DIR/webhook-secret" >>"$DEV_DIR/alerts.log" 2>"$DEV_DIR/sink.log" &
pids+=($!)

export ARBSYNC_UPSTREAM_URL=${ARBSYNC_UPSTREAM_URL:-http://$SIM_ADDR}
export ARBSYNC_UPSTREAM_APP_ID=${ARBSYNC_UPSTREAM_APP_ID:-arbsync-demo}
export ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE=${ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE:-$DEV_DIR/keys/arbsync-private.pem}
export ARBSYNC_UPSTREAM_QPS=${ARBSYNC_UPSTREAM_QPS:-150}
export ARBSYNC_UPSTREAM_CONCURRENCY=${ARBSYNC_UPSTREAM_CONCURRENCY:-16}
export ARBSYNC_ALERT_CHANNELS=${ARBSYNC_ALERT_CHANNELS:-demo}
export ARBSYNC_ALERT_DEMO_KIND=${ARBSYNC_ALERT_DEMO_KIND:-webhook}
export ARBSYNC_ALERT_DEMO_URL=${ARBSYNC_ALERT_DEMO_URL:-http://$SINK_ADDR/alerts}
export ARBSYNC_ALERT_DEMO_SECRET_FILE=${ARBSYNC_ALERT_DEMO_SECRET_FILE:-$DEV_DIR/webhook-secret}
# The demo channel takes the daily digest and new cases as they are found.
export ARBSYNC_ALERT_DEMO_DIGEST=${ARBSYNC_ALERT_DEMO_DIGEST:-daily}
export ARBSYNC_ALERT_DEMO_EVENTS=${ARBSYNC_ALERT_DEMO_EVENTS:-filed}
export ARBSYNC_REPORT_DIR=${ARBSYNC_REPORT_DIR:-$DEV_DIR/reports}
export ARBSYNC_LOG_FORMAT=${ARBSYNC_LOG_FORMAT:-console}
export ARBSYNC_HTTP_ADDR=${ARBSYNC_HTTP_ADDR:-127.0.0.1:8080}
[[ -f "$DEV_DIR/lookup-token" ]] || head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DEV_DIR/lookup-token"
export ARBSYNC_LOOKUP_TOKEN_FILE=${ARBSYNC_LOOKUP_TOKEN_FILE:-$DEV_DIR/lookup-token}

# The demo's environment, for running bin/arbsync by hand (. .dev/env) and for make advance.
{
  echo "# the make run demo's environment: . $DEV_DIR/env, then run bin/arbsync commands"
  for v in DATABASE_URL ARBSYNC_UPSTREAM_URL ARBSYNC_UPSTREAM_APP_ID ARBSYNC_UPSTREAM_PRIVATE_KEY_FILE ARBSYNC_UPSTREAM_QPS \
    ARBSYNC_UPSTREAM_CONCURRENCY ARBSYNC_ALERT_CHANNELS ARBSYNC_ALERT_DEMO_KIND ARBSYNC_ALERT_DEMO_URL \
    ARBSYNC_ALERT_DEMO_SECRET_FILE ARBSYNC_ALERT_DEMO_DIGEST ARBSYNC_ALERT_DEMO_EVENTS ARBSYNC_REPORT_DIR ARBSYNC_LOG_FORMAT ARBSYNC_HTTP_ADDR ARBSYNC_LOOKUP_TOKEN_FILE; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
} >"$DEV_DIR/env"

# wait for the simulator to listen (bash's /dev/tcp: no curl needed)
for _ in $(seq 100); do (echo >"/dev/tcp/${SIM_ADDR%:*}/${SIM_ADDR#*:}") 2>/dev/null && break; sleep 0.1; done
# Something else answering on the port (a simulator left from an earlier
# run, with other keys) would look like a vendor refusing our signature.
sleep 0.5 # long enough for a server that cannot bind its port to exit
for name in simulator "alert receiver"; do
  if [[ $name == simulator ]]; then p=${pids[0]} log=$DEV_DIR/sim.log addr=$SIM_ADDR; else p=${pids[1]} log=$DEV_DIR/sink.log addr=$SINK_ADDR; fi
  if ! kill -0 "$p" 2>/dev/null; then
    echo "make run: the $name did not start (is something else listening on $addr?):" >&2
    cat "$log" >&2
    exit 1
  fi
done

# The demo watchlist goes only into an empty watchlist: a database of your own keeps its companies.
if [[ ! -f "$DEV_DIR/demo-imported" && $($bin watchlist export | wc -l) -le 1 ]]; then
  step "demo watchlist: $DEMO_COMPANIES simulated companies"
  $bin sim sample -n "$DEMO_COMPANIES" | $bin watchlist import -
  touch "$DEV_DIR/demo-imported"
  step "first sync of every company"
  ARBSYNC_LOG_LEVEL=warn $bin sync
  step "this week's thresholds and report (in $ARBSYNC_REPORT_DIR)"
  ARBSYNC_LOG_LEVEL=warn $bin thresholds recompute | tail -n 1
fi

cat <<MSG
==> arbsync run — try:
      curl -s http://$ARBSYNC_HTTP_ADDR/readyz
      curl -s http://$ARBSYNC_HTTP_ADDR/metrics | grep ^arbsync_
      psql "$DATABASE_URL" -c 'SELECT company_name, score, level, warning_threshold FROM bi.company_risk ORDER BY score LIMIT 10'
      tail -f $DEV_DIR/alerts.log
      open $ARBSYNC_REPORT_DIR/*.html
      make advance DAYS=30        # in another terminal: a simulated month passes at the vendor, and everyone is synced
      . $DEV_DIR/env; bin/arbsync sync -code <credit code>   # any command, with the demo's settings
    Ctrl-C stops the daemon, the simulator and the receiver (PostgreSQL keeps running; make clean-dev removes it).
MSG
$bin run &
pids+=($!)
wait "${pids[-1]}"
