#!/usr/bin/env bash
# The chat benchmarks (issue 13, docs/benchmarks.md "Chat"), bounded and on loopback only. Starts
# its own PostgreSQL (and, for Bellhop, nats-server), two Bellhop nodes or two Socket.IO chat peer
# processes (bench/peers/socketio-chat.mjs, sharing rooms over @socket.io/postgres-adapter) on the
# SAME PostgreSQL, runs the scenarios, samples the CPU of every server process, and stops all it
# started.
#
#   infra/bench/chat.sh [--scenarios fanout,rooms,presence,reconnect] [--target both|bellhop|socketio]
#                       [--rates "10 100 1000"] [--room-rates "100 200 500 1000 2000"]
#                       [--duration 20] [--warmup 20] [--members 1000] [--senders 10]
#                       [--presence-runs 5] [--gap 1000]
#
# fanout     one room of --members members over 2 nodes, --senders posting at each of --rates msg/s
# rooms      1,000 rooms of 10 members (one sender per room) at each of --room-rates msg/s, stopping
#            after the first rate with a loss or a p99 over --p99-bound-ms (1000): the sustained rate
# presence   (Bellhop) --presence-members (200) over both nodes, SIGKILL node 2, time until every
#            member on node 1 saw each killed user offline; node 2 restarted between --presence-runs
# reconnect  (Bellhop) a reader drops its socket, --gap messages are posted, it reconnects with
#            `after`: time to caught up, exactly once (5 runs)
# Bellhop runs BELLHOP_APP_JAR (default /tmp/bellhop-app-chat.jar: copy app/target/bellhop-app-*.jar
# there first, so a build meanwhile cannot change it) with its per-user chat rate limit lifted.
# Results: bench/results/chat-<scenario>-<target>[-<rate>]-<stamp>.json, logs in bench/results/runs/.
# Only 127.0.0.0/8 is contacted; only processes started here are signalled; every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${JAR:-$ROOT/bench/target/bellhop-bench.jar}
APP_JAR=${BELLHOP_APP_JAR:-/tmp/bellhop-app-chat.jar}
SCENARIOS=${SCENARIOS:-fanout,rooms,presence,reconnect}
TARGET=${TARGET:-both}
RATES=${RATES:-10 100 1000}
ROOM_RATES=${ROOM_RATES:-100 200 500 1000 2000}
P99_BOUND_MS=${P99_BOUND_MS:-1000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-20}
MEMBERS=${MEMBERS:-1000}
SENDERS=${SENDERS:-10}
PRESENCE_MEMBERS=${PRESENCE_MEMBERS:-200}
PRESENCE_RUNS=${PRESENCE_RUNS:-5}
GAP=${GAP:-1000}
RETRIES=${RETRIES:-10}   # a socket refused with 1012/1013/4800 is dialled again, up to this many times
PG_PORT=${CHAT_PG_PORT:-5471}
NATS_PORT=${CHAT_NATS_PORT:-4271}
NODE_PORTS=(${CHAT_NODE_PORTS:-18181 18182})
PEER_PORTS=(${CHAT_PEER_PORTS:-18191 18192})
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:--Xms256m -Xmx1g}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx1g}

while (($#)); do
  case $1 in
    --scenarios) SCENARIOS=$2; shift 2 ;;
    --target) TARGET=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;;
    --room-rates) ROOM_RATES=$2; shift 2 ;;
    --p99-bound-ms) P99_BOUND_MS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --members) MEMBERS=$2; shift 2 ;;
    --senders) SENDERS=$2; shift 2 ;;
    --presence-members) PRESENCE_MEMBERS=$2; shift 2 ;;
    --presence-runs) PRESENCE_RUNS=$2; shift 2 ;;
    --gap) GAP=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done

log() { printf '[chat %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ $TARGET =~ ^(both|bellhop|socketio)$ ]] || die "--target is both, bellhop or socketio"

STAMP=$(date +%Y%m%d-%H%M%S)
# shellcheck source=lib.sh
source "$ROOT/infra/bench/lib.sh"
open_run "chat-$STAMP"
# A few senders post the whole rate: lift the per-user message limit and the per-socket frame limit
# (bellhop.collaboration.messages-per-second / message-burst / frames-per-second / frame-burst,
# docs/collaboration.md) for the nodes started here. The other limits stay as shipped.
export BELLHOP_COLLABORATION_MESSAGES_PER_SECOND=${BELLHOP_COLLABORATION_MESSAGES_PER_SECOND:-1000000}
export BELLHOP_COLLABORATION_MESSAGE_BURST=${BELLHOP_COLLABORATION_MESSAGE_BURST:-1000000}
export BELLHOP_COLLABORATION_FRAMES_PER_SECOND=${BELLHOP_COLLABORATION_FRAMES_PER_SECOND:-1000000}
export BELLHOP_COLLABORATION_FRAME_BURST=${BELLHOP_COLLABORATION_FRAME_BURST:-1000000}

if [[ ! -f $JAR ]]; then
  log "building $JAR"
  (cd "$ROOT" && flock /tmp/bellhop-mvn.lock ./mvnw -q -o -pl bench -Dspotless.check.skip=true -DskipTests package) \
    || die "bench build failed"
fi
# The box is shared: each run waits (bounded) until no Maven build runs, and its result says
# whether one ran while it did (a build takes a core: such figures are disturbed).
QUIET_WAIT=${QUIET_WAIT:-600}
maven_running() { pgrep -f 'mvnw|maven' >/dev/null; }
wait_quiet() {
  local i
  for ((i = 0; i < QUIET_WAIT; i++)); do maven_running || return 0; ((i % 60)) || log "waiting for a Maven build to end"; sleep 1; done
  log "WARNING: a Maven build is still running; running anyway"
}

# ---- PostgreSQL (fsync on, the defaults infra/run uses) and nats-server, private to this run
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $PG_BIN/pg_ctl ]] || die "PostgreSQL binaries not found (infra/deps.sh installs them)"
DATA=$(mktemp -d /tmp/bellhop-chat-bench.XXXXXX)
chmod 755 "$DATA"
AS_PG=()
if [[ $EUID -eq 0 ]]; then AS_PG=(runuser -u postgres --); fi
stop_pg() {
  [[ -f $DATA/pg/postmaster.pid ]] || return 0
  (cd "$DATA" && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DATA/pg" -m fast -w -t 30 stop >/dev/null 2>&1) || true
}
finish() {
  local rc=$?
  echo done >"$PHASE" 2>/dev/null || true
  for pid in "${SAMPLERS[@]}"; do stop_pid "$pid" 2; done
  for pid in "${STARTED[@]}"; do stop_pid "$pid" 10; done
  stop_pg
  rm -rf "$DATA"
  exit "$rc"
}
trap finish EXIT
[[ -z $(listener_pid "$PG_PORT") ]] || die "port $PG_PORT is busy (CHAT_PG_PORT)"
mkdir -m 700 "$DATA/pg"
[[ $EUID -ne 0 ]] || chown postgres:postgres "$DATA/pg"
(cd "$DATA" && "${AS_PG[@]}" "$PG_BIN/initdb" -D "$DATA/pg" -A trust -U postgres -E UTF8 --locale=C \
  >"$RUN/initdb.log" 2>&1) || die "initdb failed (see $RUN/initdb.log)"
touch "$DATA/pg.log"
[[ $EUID -ne 0 ]] || chown postgres:postgres "$DATA/pg.log"
(cd "$DATA" && "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$DATA/pg" -l "$DATA/pg.log" -w -t 30 \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300" start \
  >/dev/null) || die "PostgreSQL did not start"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bellhop
PG_PID=$(head -1 "$DATA/pg/postmaster.pid")
log "PostgreSQL on 127.0.0.1:$PG_PORT (pid $PG_PID), data in $DATA"

# pg_sampler OUT: like lib.sh's sampler, over the postmaster and its backends of the moment
pg_sampler() {
  local out=$1 n ticks pid stat rest f
  for ((n = 0; n < 7200; n++)); do
    [[ $(cat "$PHASE" 2>/dev/null) == done ]] && break
    ticks=0
    # The postmaster's own CPU plus that of its reaped backends (cutime, cstime) plus the live ones:
    # a backend that exits moves its CPU from the last term to the first, so the sum only grows.
    for pid in "$PG_PID" $(pgrep -P "$PG_PID" || true); do
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
      rest=${stat##*) }
      read -r -a f <<<"$rest"
      ticks=$((ticks + f[11] + f[12]))
      [[ $pid != "$PG_PID" ]] || ticks=$((ticks + f[13] + f[14]))
    done
    echo "$(date +%s.%N) $ticks 0 $(cat "$PHASE")" >>"$out"
    sleep 1
  done
}

# cpu_between SAMPLES FROM TO: average CPU (% of one core) between two epoch times
cpu_between() {
  awk -v hz="$HZ" -v a="$2" -v b="$3" '$1 >= a && $1 <= b + 1 {if (!t0) {t0=$1; c0=$2} t1=$1; c1=$2}
    END {if (t1 > t0) printf "%.1f", 100*(c1-c0)/hz/(t1-t0); else print "null"}' "$1"
}

SERVER_PIDS=()
SERVER_SAMPLERS=()
NATS_PID=""
start_samplers() {    # samples the servers of the current target, PostgreSQL and nats-server
  local tag=$1
  : >"$RUN/$tag-server.samples"; : >"$RUN/$tag-pg.samples"
  sampler "$RUN/$tag-server.samples" "${SERVER_PIDS[@]}" & SERVER_SAMPLERS+=($!)
  pg_sampler "$RUN/$tag-pg.samples" & SERVER_SAMPLERS+=($!)
  if [[ -n $NATS_PID ]]; then
    : >"$RUN/$tag-nats.samples"
    sampler "$RUN/$tag-nats.samples" "$NATS_PID" & SERVER_SAMPLERS+=($!)
  fi
}
stop_samplers() {
  for pid in "${SERVER_SAMPLERS[@]}"; do stop_pid "$pid" 2; done
  SERVER_SAMPLERS=()
}

start_nats() {
  [[ -z $(listener_pid "$NATS_PORT") ]] || die "port $NATS_PORT is busy (CHAT_NATS_PORT)"
  nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$DATA/nats" >"$RUN/nats.log" 2>&1 </dev/null &
  NATS_PID=$!
  STARTED+=("$NATS_PID")
  for ((i = 0; i < 100; i++)); do grep -qs 'Server is ready' "$RUN/nats.log" && return 0; sleep 0.1; done
  die "nats-server did not start (see $RUN/nats.log)"
}

# start_node I: Bellhop node I (0 or 1) on NODE_PORTS[I]; sets SERVER_PIDS[I]
start_node() {
  local i=$1 port=${NODE_PORTS[$1]}
  [[ -z $(listener_pid "$port") ]] || die "port $port is busy (CHAT_NODE_PORTS)"
  # shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of options
  NATS_ADDRESSES="nats://127.0.0.1:$NATS_PORT" JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/bellhop" \
    JDBC_USER=postgres JDBC_PASSWORD= MICRONAUT_SERVER_PORT="$port" \
    java $SERVER_JAVA_OPTS -Dbellhop.home="$ROOT" -jar "$APP_JAR" >>"$RUN/node-$((i + 1)).log" 2>&1 </dev/null &
  SERVER_PIDS[$i]=$!
  STARTED+=($!)
}
wait_node() {
  wait_health "http://127.0.0.1:${NODE_PORTS[$1]}/health" 180 \
    || die "Bellhop node $(($1 + 1)) did not become healthy (see $RUN/node-$(($1 + 1)).log)"
}

start_bellhop() {
  [[ -f $APP_JAR ]] || die "no $APP_JAR: cp app/target/bellhop-app-*.jar $APP_JAR (or set BELLHOP_APP_JAR)"
  [[ -n $NATS_PID ]] || start_nats
  SERVER_PIDS=()
  start_node 0; wait_node 0    # node 1 alone first: it runs the Flyway migrations
  start_node 1; wait_node 1
  URLS="ws://127.0.0.1:${NODE_PORTS[0]},ws://127.0.0.1:${NODE_PORTS[1]}"
  log "Bellhop nodes ${SERVER_PIDS[*]} on :${NODE_PORTS[0]} and :${NODE_PORTS[1]}"
}

start_peers() {
  local peers=$ROOT/bench/peers i
  command -v node >/dev/null || die "node missing (infra/deps.sh installs it)"
  if [[ ! -d $peers/node_modules/@socket.io/postgres-adapter ]]; then
    log "installing the Node peers (npm ci in bench/peers)"
    (cd "$peers" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in bench/peers"
  fi
  SERVER_PIDS=()
  for i in 0 1; do
    [[ -z $(listener_pid "${PEER_PORTS[$i]}") ]] || die "port ${PEER_PORTS[$i]} is busy (CHAT_PEER_PORTS)"
    PGHOST=127.0.0.1 PGPORT=$PG_PORT PGDATABASE=bellhop PGUSER=postgres PORT=${PEER_PORTS[$i]} \
      NODE_ID=$((i + 1)) node --max-old-space-size=4096 "$peers/socketio-chat.mjs" \
      >>"$RUN/peer-$((i + 1)).log" 2>&1 </dev/null &
    SERVER_PIDS[$i]=$!
    STARTED+=($!)
    wait_health "http://127.0.0.1:${PEER_PORTS[$i]}/health" 30 || die "peer $((i + 1)) did not come up"
  done
  URLS="ws://127.0.0.1:${PEER_PORTS[0]},ws://127.0.0.1:${PEER_PORTS[1]}"
  log "Socket.IO chat peers ${SERVER_PIDS[*]} on :${PEER_PORTS[0]} and :${PEER_PORTS[1]}"
}

stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do stop_pid "$pid" 30; done
  SERVER_PIDS=()
}

# fresh_servers TARGET: new server processes (and samplers) for each run, as the other suites do:
# a run that overloads a node (a full heap) must not leave it to the next one.
fresh_servers() {
  stop_samplers
  stop_servers
  if [[ $1 == bellhop ]]; then start_bellhop; else start_peers; fi
  start_samplers "$1"
}

# chat_run NAME TARGET TAG ARGS...: one bounded run of the chat mode; writes the result with the
# CPU of the servers, PostgreSQL, nats-server and the load generator over the measured window.
chat_run() {
  local name=$1 target=$2 tag=$3; shift 3
  local part=$RUN/$name.json out=$RESULTS/chat-$name-$STAMP.json client_pid rc=0
  wait_quiet
  fresh_servers "$target"
  log "run $name: $*"
  : >"$RUN/$name-client.samples"
  # shellcheck disable=SC2086
  timeout -k 10 $((WARMUP + DURATION + 300)) java $CLIENT_JAVA_OPTS -jar "$JAR" chat --target "$target" \
    --urls "$URLS" --duration "$DURATION" --warmup "$WARMUP" --retries "$RETRIES" --out "$part" "$@" >"$RUN/$name.log" 2>&1 &
  client_pid=$!
  local disturbed=false
  (while kill -0 "$client_pid" 2>/dev/null; do maven_running && { touch "$RUN/$name.disturbed"; break; }; sleep 1; done) &
  sleep 0.5
  sampler "$RUN/$name-client.samples" $(pgrep -P "$client_pid" || echo "$client_pid") &
  local csampler=$!
  wait "$client_pid" || rc=$?
  stop_pid "$csampler" 2
  stop_samplers
  stop_servers
  [[ -s $part ]] || { log "run $name produced no result (exit $rc): $(tail -3 "$RUN/$name.log")"; return 1; }
  local from to
  [[ -f $RUN/$name.disturbed ]] && disturbed=true
  from=$(jq -r .measureStartEpoch "$part"); to=$(jq -r .measureEndEpoch "$part")
  jq --argjson server "$(cpu_between "$RUN/$tag-server.samples" "$from" "$to")" \
     --argjson pg "$(cpu_between "$RUN/$tag-pg.samples" "$from" "$to")" \
     --argjson nats "$( [[ -s $RUN/$tag-nats.samples ]] && cpu_between "$RUN/$tag-nats.samples" "$from" "$to" || echo null)" \
     --argjson client "$(cpu_between "$RUN/$name-client.samples" "$from" "$to")" \
     --arg host "$(hostname)" --argjson cores "$(nproc)" --argjson disturbed "$disturbed" \
     '. + {cpuPct: {servers: $server, postgres: $pg, nats: $nats, loadGenerator: $client}, host: $host, cores: $cores,
           mavenBuildDuringRun: $disturbed}' \
     "$part" >"$out"
  log "$(grep '^RESULT' "$RUN/$name.log" || true) (servers $(jq .cpuPct.servers "$out")% of a core)"
  LAST=$out
}

scenario_fanout() {   # $1 target, $2 tag
  local rate
  for rate in $RATES; do
    chat_run "fanout-$1-r$rate" "$1" "$2" --rooms 1 --members "$MEMBERS" --senders "$SENDERS" \
      --rate "$rate" --connect-rate 500 --org "fanout-$rate-$STAMP" || true
  done
}

scenario_rooms() {
  local rate lost p99 delivered expected
  for rate in $ROOM_RATES; do
    chat_run "rooms-$1-r$rate" "$1" "$2" --rooms 1000 --members 10 --senders 1000 --rate "$rate" \
      --connect-rate 1000 --org "rooms-$rate-$STAMP" || break
    lost=$(jq .lost "$LAST"); p99=$(jq .p99Ms "$LAST")
    delivered=$(jq .delivered "$LAST"); expected=$(jq .expectedDeliveries "$LAST")
    if [[ $lost != 0 || $delivered != "$expected" || $expected == 0 || $(jq .connectFailures "$LAST") != 0 ]] ||
      [[ $(jq .posted "$LAST") != "$(jq .acked "$LAST")" ]] || awk -v p="$p99" -v b="$P99_BOUND_MS" 'BEGIN{exit !(p > b)}'; then
      log "rooms: $rate msg/s is past the sustained rate (lost $lost, p99 $p99 ms); stopping the search"
      break
    fi
  done
}

scenario_presence() {
  local run out=$RESULTS/chat-presence-bellhop-$STAMP.json parts=()
  for ((run = 1; run <= PRESENCE_RUNS; run++)); do
    wait_quiet
    log "presence run $run/$PRESENCE_RUNS: SIGKILL node 2 (pid ${SERVER_PIDS[1]})"
    timeout -k 10 180 java $CLIENT_JAVA_OPTS -jar "$JAR" chat-presence --urls "$URLS" \
      --members "$PRESENCE_MEMBERS" --kill-node 1 --kill-pid "${SERVER_PIDS[1]}" \
      --org "presence-$run-$STAMP" --out "$RUN/presence-$run.json" >"$RUN/presence-$run.log" 2>&1 || true
    log "$(grep '^RESULT' "$RUN/presence-$run.log" || tail -2 "$RUN/presence-$run.log")"
    [[ -s $RUN/presence-$run.json ]] && parts+=("$RUN/presence-$run.json")
    wait "${SERVER_PIDS[1]}" 2>/dev/null || true
    start_node 1; wait_node 1
  done
  ((${#parts[@]})) || { log "presence: no run produced a result"; return 0; }
  jq -s --arg host "$(hostname)" '{mode: "chat-presence", host: $host, runs: .,
      convergedAllMs: ([.[] | .convergedAllMs | select(. != null)] | sort),
      allRunsConverged: (all(.[]; .allConverged)),
      falseOffline: ([.[] | .falseOffline] | add)}
    | . + {medianMs: (.convergedAllMs | if length > 0 then .[(length / 2 | floor)] else null end),
           maxMs: (.convergedAllMs | max)}' "${parts[@]}" >"$out"
  log "presence: median $(jq .medianMs "$out") ms, max $(jq .maxMs "$out") ms -> $out"
}

scenario_reconnect() {
  local out=$RESULTS/chat-reconnect-bellhop-$STAMP.json
  timeout -k 10 600 java $CLIENT_JAVA_OPTS -jar "$JAR" chat-reconnect --urls "$URLS" --gap "$GAP" \
    --runs 5 --org "reconnect-$STAMP" --out "$out" >"$RUN/reconnect.log" 2>&1 || true
  log "$(grep '^RESULT' "$RUN/reconnect.log" || tail -3 "$RUN/reconnect.log")"
}

has() { [[ ,$SCENARIOS, == *,$1,* ]]; }
echo measure >"$PHASE"
if [[ $TARGET == both || $TARGET == bellhop ]]; then
  has fanout && scenario_fanout bellhop bellhop
  has rooms && scenario_rooms bellhop bellhop
  if has reconnect; then wait_quiet; start_bellhop; scenario_reconnect; stop_servers; fi
  if has presence; then wait_quiet; start_bellhop; scenario_presence; stop_servers; fi
fi
if [[ $TARGET == both || $TARGET == socketio ]]; then
  has fanout && scenario_fanout socketio socketio
  has rooms && scenario_rooms socketio socketio
fi
log "done; results in $RESULTS/chat-*-$STAMP.json"
