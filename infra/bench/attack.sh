#!/usr/bin/env bash
# The attack suite: hostile clients against one Bellhop node, and whether the other clients kept
# their latency (victim publish→receive p50/p99, connect→ack, /health, lost events; server RSS).
#
#   infra/bench/attack.sh [--start] [--restart-each] [--attacks a,b,..] [--seconds 15]
#                         [--after 10] [--warmup 10] [--scenario NAME]
#
# Attacks (default: all): wildcard-org time-claims unknown-type-flood ping-flood fragmented
#   deflate-bomb frame-rate slowloris unauth-sockets sse-flood   (see docs/benchmarks.md)
# Every option also reads an env var of the same name in capitals (ATTACKS=ping-flood ...).
# Without --start  expects Bellhop on $BELLHOP_URL (http://127.0.0.1:8080); the server PID for
#                  RSS sampling is the process listening on its port.
# --start          runs infra/run in the background (BELLHOP_SKIP_BUILD=1: the app jar must exist),
#                  waits for /health and stops it at the end by its PID (it stops app, NATS, PG).
#                  The app gets BELLHOP_JAVA_OPTS (default -Xmx1g: a bounded heap, as in a
#                  container; an attack that needs more memory shows up as an OOM, not as 6 GB of
#                  RSS on a shared box). BELLHOP_NATS_PORT / BELLHOP_PG_PORT pass through.
# --restart-each   with --start: a fresh node per attack (one java run per attack, merged at the
#                  end), so an attack that breaks the node does not spoil the next one.
# Result: bench/results/<scenario>-<timestamp>.json, logs in bench/results/runs/<same>/.
# Build first (this script never builds, so it can run under the Maven lock):
#   flock /tmp/bellhop-mvn.lock ./mvnw -B -q -pl app,bench -am package -DskipTests
# Exit code 1 when a victim lost events or a claims attack read another org's events.
# Only 127.0.0.0/8 is contacted; only processes started here are signalled; every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${JAR:-$ROOT/bench/target/bellhop-bench.jar}

ATTACKS=${ATTACKS:-wildcard-org,time-claims,unknown-type-flood,ping-flood,fragmented,deflate-bomb,frame-rate,slowloris,unauth-sockets,sse-flood}
SECONDS_PER_PHASE=${SECONDS_PER_PHASE:-15}
AFTER=${AFTER:-10}
WARMUP=${WARMUP:-10}
START=${START:-0}
RESTART_EACH=${RESTART_EACH:-0}
SCENARIO=${SCENARIO:-attack}
BELLHOP_URL=${BELLHOP_URL:-http://127.0.0.1:8080}
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:--Xms256m -Xmx2g}
START_TIMEOUT=${START_TIMEOUT:-180}
export BELLHOP_JAVA_OPTS=${BELLHOP_JAVA_OPTS:--Xmx1g}

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --attacks) ATTACKS=$2; shift 2 ;;
    --seconds) SECONDS_PER_PHASE=$2; shift 2 ;;
    --after) AFTER=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --start) START=1; shift ;;
    --restart-each) RESTART_EACH=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 64 ;;
  esac
done

log() { printf '[attack %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $BELLHOP_URL =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost)(:[0-9]+)?$ ]] \
  || die "BELLHOP_URL must be a loopback http URL"
[[ $RESTART_EACH == 0 || $START == 1 ]] || die "--restart-each needs --start"
[[ -f $JAR ]] || die "no $JAR; build it: flock /tmp/bellhop-mvn.lock ./mvnw -B -q -pl app,bench -am package -DskipTests"
PORT=${BELLHOP_URL##*:}; [[ $PORT =~ ^[0-9]+$ ]] || PORT=80
STAMP=$(date +%Y%m%d-%H%M%S)
# shellcheck source=lib.sh
source "$ROOT/infra/bench/lib.sh"
# lib.sh lifts the per-address and per-user/org caps for the load generator; attacks are measured
# against the production defaults, so the node started here keeps them.
unset BELLHOP_HTTP_MAX_CONNECTIONS_PER_ADDRESS BELLHOP_HTTP_MAX_UNAUTHENTICATED_PER_ADDRESS \
  BELLHOP_HTTP_MAX_UNAUTHENTICATED BELLHOP_REALTIME_MAX_CONNECTIONS_PER_USER \
  BELLHOP_REALTIME_MAX_CONNECTIONS_PER_ORG
open_run "$SCENARIO-$STAMP"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no -- modules app 2>/dev/null | head -1)
[[ -z $DIRTY ]] || COMMIT="$COMMIT+dirty"
# the last commit that changed the server (the bench's own commits do not change what is attacked)
SERVER_COMMIT=$(git -C "$ROOT" log -1 --format=%h -- modules app pom.xml 2>/dev/null || echo unknown)

start_bellhop() {   # start_bellhop LOGNAME
  [[ -x $ROOT/infra/run ]] || die "infra/run missing"
  ls "$ROOT"/app/target/bellhop-app-*.jar >/dev/null 2>&1 || die "app jar missing (build first)"
  wait_health "$BELLHOP_URL/health" 1 && die "Bellhop already answers on $BELLHOP_URL; drop --start"
  log "starting Bellhop via infra/run on :$PORT (BELLHOP_JAVA_OPTS=$BELLHOP_JAVA_OPTS)"
  BELLHOP_PORT=$PORT BELLHOP_SKIP_BUILD=1 setsid "$ROOT/infra/run" >"$RUN/$1.log" 2>&1 </dev/null &
  RUN_PID=$!
  wait_health "$BELLHOP_URL/health" "$START_TIMEOUT" || die "Bellhop did not become healthy (see $RUN/$1.log)"
}

server_pid() {
  local pid
  pid=$(listener_pid "$PORT")
  [[ -n $pid ]] || die "cannot find the PID listening on :$PORT"
  echo "$pid"
}

run_suite() {       # run_suite ATTACKS OUT LOG
  local pid rc=0 n
  pid=$(server_pid)
  n=$(tr ',' '\n' <<<"$1" | grep -c .)
  log "server pid $pid; attacks: $1"
  # bounded: per attack ~ warm-up + 2 phases + after + connect/drain/stop margins
  # shellcheck disable=SC2086
  timeout -k 10 $((n * (WARMUP + 2 * SECONDS_PER_PHASE + AFTER + 120))) \
    java $CLIENT_JAVA_OPTS -jar "$JAR" attack --http "$BELLHOP_URL" --attacks "$1" \
    --seconds "$SECONDS_PER_PHASE" --after "$AFTER" --warmup "$WARMUP" --server-pid "$pid" \
    --out "$2" --meta "commit=$COMMIT" --meta "serverCommit=$SERVER_COMMIT" --meta "host=$(hostname)" --meta "cores=$(nproc)" \
    --meta "serverJavaOpts=${BELLHOP_JAVA_OPTS}" 2>&1 | tee "$3" || rc=${PIPESTATUS[0]}
  return "$rc"
}

RC=0
if [[ $RESTART_EACH == 1 ]]; then
  FILES=()
  IFS=, read -r -a LIST <<<"$ATTACKS"
  for a in "${LIST[@]}"; do
    start_bellhop "bellhop-$a"
    run_suite "$a" "$RUN/$a.json" "$RUN/$a.log" || RC=$?
    FILES+=("$RUN/$a.json")
    stop_bellhop
  done
  log "merging ${#FILES[@]} results"
  java -jar "$JAR" attack --merge "$(IFS=,; echo "${FILES[*]}")" --out "$OUT" \
    --meta "commit=$COMMIT" --meta "serverCommit=$SERVER_COMMIT" --meta "host=$(hostname)" --meta "cores=$(nproc)" \
    --meta "serverJavaOpts=${BELLHOP_JAVA_OPTS}" --meta "restartEach=true" | tee "$RUN/table.md" || RC=$?
else
  if [[ $START == 1 ]]; then
    start_bellhop bellhop
  else
    wait_health "$BELLHOP_URL/health" 5 || die "Bellhop is not answering on $BELLHOP_URL/health (use --start)"
  fi
  run_suite "$ATTACKS" "$OUT" "$RUN/suite.log" || RC=$?
  sed -n '/^| attack /,$p' "$RUN/suite.log" >"$RUN/table.md"
fi
log "result $OUT (exit $RC)"
exit "$RC"
