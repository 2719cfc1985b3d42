#!/usr/bin/env bash
# One bounded end-to-end fan-out scenario on this box: N WebSocket subscribers over K orgs, a
# publisher at a fixed delivery rate, latency / exactly-once checks, server CPU and RSS sampling.
#
#   infra/bench/stream.sh [--target baseline|bellhop|ws|socketio] [--connections 10000] [--orgs 100]
#                         [--rate 20000] [--duration 30] [--warmup 20] [--connect-rate 2000]
#                         [--start] [--deflate] [--scenario NAME] [--per-proc 15000]
#                         [--nodes 1] [--churn 0] [--retries 0] [--connect-ramp 0] [--stagger]
#   infra/bench/stream.sh --mode replay --target bellhop [--start] [--events 10000] [--clients 1]
#
# Every option also reads an env var of the same name in capitals (CONNECTIONS=1000 ...).
# --target baseline  starts the bare Netty BroadcastServer (bench/) itself and stops it at the end.
# --target ws|socketio  starts a Node peer from bench/peers (bare `ws`, Socket.IO 4) likewise.
# --target bellhop   expects Bellhop on 127.0.0.1:8080; with --start it runs infra/run in the
#                    background, waits for /health and stops it at the end (by its PID/group).
# --nodes K          Bellhop only, with --start: K nodes on this box sharing one NATS and PostgreSQL
#                    (node 1 from infra/run on :8080, the others on :8081…); load processes are
#                    spread over the nodes, events are published to node 1; CPU/RSS is summed.
# --churn R          Bellhop only: from the first delivery on, R connections a second drop their
#                    socket and reconnect at once, resuming from their last seq (the storm).
# --retries N        a connection that fails to open comes back after 1–5 s, up to N times
# --connect-ramp S   the connect rate climbs linearly to --connect-rate over S seconds
# --stagger          load processes connect one after the other, each at the full --connect-rate
#                    (for capacity runs: a cold node gets the box while it connects its share)
# --mode replay      C clients (--clients, default 1) resume at once from a cursor after M events
#                    were published to their org
#                    and times the catch-up (exactly-once, in order); Bellhop only.
# Result: bench/results/<scenario>-<target>-<timestamp>.json, logs in bench/results/runs/<same>/.
# Only 127.0.0.0/8 is contacted; only processes started here are signalled; every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=${JAR:-$ROOT/bench/target/bellhop-bench.jar}

MODE=${MODE:-stream}
TARGET=${TARGET:-baseline}
EVENTS=${EVENTS:-10000}        # replay mode: events to catch up on
CLIENTS=${CLIENTS:-1}          # replay mode: clients resuming at once
REPLAY_PUBLISH_RATE=${REPLAY_PUBLISH_RATE:-5000}
CONNECTIONS=${CONNECTIONS:-10000}
ORGS=${ORGS:-100}
RATE=${RATE:-20000}            # deliveries/s offered (= events/s x connections per org)
DURATION=${DURATION:-30}       # measured publishing, seconds
WARMUP=${WARMUP:-20}           # warm-up publishing at the same rate, not measured (JIT)
CONNECT_RATE=${CONNECT_RATE:-2000}
PER_PROC=${PER_PROC:-15000}    # open files are capped at 20,000 per process
LOAD_THREADS=${LOAD_THREADS:-2}
SERVICES=${SERVICES:-finance}
PUBLISH_LANES=${PUBLISH_LANES:-4}     # orgs are split over lanes, one request in flight per lane
PUBLISH_BATCH=${PUBLISH_BATCH:-500}   # max events per publish request
SCENARIO=${SCENARIO:-}
START=${START:-0}
NODES=${NODES:-1}
CHURN=${CHURN:-0}
RETRIES=${RETRIES:-0}
CONNECT_RAMP=${CONNECT_RAMP:-0}
STAGGER=${STAGGER:-0}
DEFLATE=${DEFLATE:-0}
BASELINE_PORT=${BASELINE_PORT:-18090}
PEER_PORT=${PEER_PORT:-18091}  # the Node peers (bench/peers): ws, socketio
BELLHOP_URL=${BELLHOP_URL:-http://127.0.0.1:8080}
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:--Xms256m -Xmx1g}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx1g}
START_TIMEOUT=${START_TIMEOUT:-180}

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mode) MODE=$2; shift 2 ;;
    --target) TARGET=$2; shift 2 ;;
    --events) EVENTS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --orgs) ORGS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --connect-rate) CONNECT_RATE=$2; shift 2 ;;
    --per-proc) PER_PROC=$2; shift 2 ;;
    --threads) LOAD_THREADS=$2; shift 2 ;;
    --services) SERVICES=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --port) BASELINE_PORT=$2; shift 2 ;;
    --peer-port) PEER_PORT=$2; shift 2 ;;
    --start) START=1; shift ;;
    --nodes) NODES=$2; shift 2 ;;
    --churn) CHURN=$2; shift 2 ;;
    --retries) RETRIES=$2; shift 2 ;;
    --connect-ramp) CONNECT_RAMP=$2; shift 2 ;;
    --stagger) STAGGER=1; shift ;;
    --deflate) DEFLATE=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 64 ;;
  esac
done

log() { printf '[stream %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $TARGET =~ ^(baseline|bellhop|ws|socketio)$ ]] || die "--target must be baseline, bellhop, ws or socketio"
[[ $MODE == stream || $MODE == replay ]] || die "--mode must be stream or replay"
[[ $MODE == stream || $TARGET == bellhop ]] || die "--mode replay needs --target bellhop"
[[ $NODES =~ ^[1-9]$ ]] || die "--nodes must be 1..9"
((NODES == 1)) || [[ $TARGET == bellhop && $START == 1 ]] || die "--nodes needs --target bellhop --start"
((CHURN == 0)) || [[ $TARGET == bellhop ]] || die "--churn needs --target bellhop (the peers cannot resume)"
[[ $BELLHOP_URL =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost)(:[0-9]+)?$ ]] \
  || die "BELLHOP_URL must be a loopback http URL"
if [[ $MODE == replay ]]; then
  suffix=""
  ((CLIENTS == 1)) || suffix="-k$CLIENTS"
  SCENARIO=${SCENARIO:-replay-m${EVENTS}$suffix}
else
  suffix=""
  ((NODES == 1)) || suffix+="-n$NODES"
  ((CHURN == 0)) || suffix+="-churn$CHURN"
  SCENARIO=${SCENARIO:-c${CONNECTIONS}-o${ORGS}-r${RATE}-d${DURATION}$suffix}
fi
STAMP=$(date +%Y%m%d-%H%M%S)
# ---- process bookkeeping, run directory, health wait, /proc sampler (only what this script
# started is signalled)
# shellcheck source=lib.sh
source "$ROOT/infra/bench/lib.sh"
open_run "$SCENARIO-$TARGET-$STAMP"

if [[ ! -f $JAR ]]; then
  log "building $JAR"
  (cd "$ROOT" && ./mvnw -q -o -pl bench -Dspotless.check.skip=true -DskipTests package) \
    || die "bench build failed"
fi


# summarize SAMPLES PID -> flat JSON on stdout (CPU in % of one core)
summarize() {
  awk -v hz="$HZ" -v ps="$PUB_START" -v w="$WARMUP" -v d="$DURATION" -v pid="$2" '
    { ts[NR]=$1; tk[NR]=$2; rss[NR]=$3; ph[NR]=$4 }
    END {
      ms = ps + w; me = ps + w + d; peak = 0; n0 = 0; n1 = 0
      for (i = 1; i <= NR; i++) {
        if (rss[i] > rssPeak) rssPeak = rss[i]
        if (ph[i] == "idle") idle = rss[i]
        if (ph[i] == "connected") conn = rss[i]
        if (ts[i] >= ms && ts[i] <= me + 1) {
          if (!n0) n0 = i; n1 = i
          if (i > 1) { c = (tk[i]-tk[i-1]) / hz / (ts[i]-ts[i-1]) * 100; if (c > peak) peak = c }
        }
      }
      avg = (n1 > n0) ? (tk[n1]-tk[n0]) / hz / (ts[n1]-ts[n0]) * 100 : 0
      if (idle == "") idle = rss[1]
      printf "{\"pid\":%s,\"samples\":%d,\"cpuAvgPct\":%.1f,\"cpuPeakPct\":%.1f,", pid, NR, avg, peak
      printf "\"rssIdleKb\":%d,\"rssConnectedKb\":%d,\"rssPeakKb\":%d,\"rssEndKb\":%d}\n", idle, conn, rssPeak, rss[NR]
    }' "$1"
}

# ---- server ----
NODE_URLS=()        # one WebSocket URL per server node; load processes take them in turn
SERVER_PIDS=()
if [[ $TARGET == baseline ]]; then
  [[ -z $(listener_pid "$BASELINE_PORT") ]] || die "port $BASELINE_PORT is busy"
  log "starting baseline BroadcastServer on 127.0.0.1:$BASELINE_PORT"
  # shellcheck disable=SC2086
  java $SERVER_JAVA_OPTS -jar "$JAR" server --host 127.0.0.1 --port "$BASELINE_PORT" \
    >"$RUN/server.log" 2>&1 &
  SERVER_PID=$!
  STARTED+=("$SERVER_PID")
  wait_health "http://127.0.0.1:$BASELINE_PORT/health" 30 || die "baseline did not come up"
  WS_URL="ws://127.0.0.1:$BASELINE_PORT/ws?org={org}"
  PUB_URL="http://127.0.0.1:$BASELINE_PORT/publish"
  PROTOCOL=broadcast
elif [[ $TARGET == ws || $TARGET == socketio ]]; then
  PEERS=$ROOT/bench/peers
  command -v node >/dev/null 2>&1 || die "node missing (infra/deps.sh installs it)"
  if [[ ! -d $PEERS/node_modules ]]; then
    log "installing the Node peers (npm ci in bench/peers)"
    (cd "$PEERS" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in bench/peers"
  fi
  [[ -z $(listener_pid "$PEER_PORT") ]] || die "port $PEER_PORT is busy"
  log "starting the $TARGET peer on 127.0.0.1:$PEER_PORT"
  PORT=$PEER_PORT node --max-old-space-size=8192 "$PEERS/$TARGET-server.mjs" >"$RUN/server.log" 2>&1 &
  SERVER_PID=$!
  STARTED+=("$SERVER_PID")
  wait_health "http://127.0.0.1:$PEER_PORT/health" 30 || die "the $TARGET peer did not come up"
  PUB_URL="http://127.0.0.1:$PEER_PORT/publish"
  if [[ $TARGET == ws ]]; then
    WS_URL="ws://127.0.0.1:$PEER_PORT/ws?org={org}"
    PROTOCOL=broadcast
  else
    WS_URL="ws://127.0.0.1:$PEER_PORT/socket.io/?EIO=4&transport=websocket&org={org}"
    PROTOCOL=socketio
  fi
else
  if [[ $START == 1 ]]; then
    [[ -x $ROOT/infra/run ]] || die "infra/run missing"
    [[ -f $ROOT/app/target/bellhop-app-0.1.0-SNAPSHOT.jar ]] || die "app jar missing"
    wait_health "$BELLHOP_URL/health" 1 && die "Bellhop already answers on $BELLHOP_URL; drop --start"
    log "starting Bellhop via infra/run (BELLHOP_SKIP_BUILD=${BELLHOP_SKIP_BUILD:-1}: no Maven build)"
    BELLHOP_SKIP_BUILD=${BELLHOP_SKIP_BUILD:-1} setsid "$ROOT/infra/run" >"$RUN/bellhop.log" 2>&1 </dev/null &
    RUN_PID=$!
    wait_health "$BELLHOP_URL/health" "$START_TIMEOUT" || die "Bellhop did not become healthy (see $RUN/bellhop.log)"
  else
    wait_health "$BELLHOP_URL/health" 5 || die "Bellhop is not answering on $BELLHOP_URL/health (use --start)"
  fi
  PORT=${BELLHOP_URL##*:}; [[ $PORT =~ ^[0-9]+$ ]] || PORT=80
  SERVER_PID=${SERVER_PID:-$(listener_pid "$PORT")}
  [[ -n $SERVER_PID ]] || die "cannot find the PID listening on :$PORT"
  HOSTPORT=${BELLHOP_URL#http://}
  WS_URL="ws://$HOSTPORT/v2/realtime/stream"
  NODE_URLS=("$WS_URL")
  SERVER_PIDS=("$SERVER_PID")
  for ((n = 2; n <= NODES; n++)); do
    node_port=$((PORT + n - 1))
    [[ -z $(listener_pid "$node_port") ]] || die "port $node_port is busy (node $n)"
    log "starting node $n on 127.0.0.1:$node_port (same NATS and PostgreSQL)"
    # infra/run's private copy of the jar: the build node 1 runs, safe from a rebuild meanwhile.
    # shellcheck disable=SC2086 # BELLHOP_JAVA_OPTS is a list of options
    NATS_ADDRESSES="nats://127.0.0.1:${BELLHOP_NATS_PORT:-4250}" \
      JDBC_URL="jdbc:postgresql://127.0.0.1:${BELLHOP_PG_PORT:-5450}/bellhop" JDBC_USER=postgres \
      JDBC_PASSWORD= MICRONAUT_SERVER_PORT="$node_port" \
      java ${BELLHOP_JAVA_OPTS:-} -Dbellhop.home="$ROOT" -jar "$ROOT/.data/run/bellhop-app.jar" \
      >"$RUN/node-$n.log" 2>&1 </dev/null &
    STARTED+=($!)
    SERVER_PIDS+=($!)
    NODE_URLS+=("ws://127.0.0.1:$node_port/v2/realtime/stream")
  done
  for ((n = 2; n <= NODES; n++)); do
    wait_health "http://127.0.0.1:$((PORT + n - 1))/health" "$START_TIMEOUT" \
      || die "node $n did not become healthy (see $RUN/node-$n.log)"
  done
  PUB_URL="$BELLHOP_URL/v2/realtime/events"
  PROTOCOL=bellhop
fi
((${#NODE_URLS[@]})) || NODE_URLS=("$WS_URL")
((${#SERVER_PIDS[@]})) || SERVER_PIDS=("$SERVER_PID")
log "server pid(s) ${SERVER_PIDS[*]}; run dir $RUN"
sampler "$RUN/server.samples" "${SERVER_PIDS[@]}" &
SAMPLERS+=($!)
NATS_PID=""
if [[ $TARGET == bellhop ]]; then   # the durable log is part of Bellhop's cost: sample it too
  NATS_PID=$(listener_pid "${BELLHOP_NATS_PORT:-4250}")
  if [[ -n $NATS_PID ]]; then
    sampler "$RUN/nats.samples" "$NATS_PID" &
    SAMPLERS+=($!)
  fi
fi
sleep 3   # idle RSS

if [[ $MODE == replay ]]; then
  log "replay: publish $EVENTS events to a fresh org, then resume $CLIENTS client(s) from the cursor at once"
  # shellcheck disable=SC2086
  timeout -k 5 300 java $CLIENT_JAVA_OPTS -jar "$JAR" replay --http "$BELLHOP_URL" --url "$WS_URL" \
    --publish-url "$PUB_URL" --events "$EVENTS" --publish-rate "$REPLAY_PUBLISH_RATE" \
    --clients "$CLIENTS" --service "${SERVICES%%,*}" --out "$OUT" 2>&1 | tee "$RUN/replay.log"
  exit "${PIPESTATUS[0]}"
fi

# ---- subscribers ----
PROCS=$(((CONNECTIONS + PER_PROC - 1) / PER_PROC))
PROCS=$(((PROCS + NODES - 1) / NODES * NODES))   # as many per node, so each node gets C / NODES
PER=$(((CONNECTIONS + PROCS - 1) / PROCS))
SOURCES=$((CONNECTIONS / 20000 + 2)); ((SOURCES < 4)) && SOURCES=4
RATE_PER_PROC=$((CONNECT_RATE / PROCS)); ((RATE_PER_PROC < 1)) && RATE_PER_PROC=1
MAX_WAIT=$((WARMUP + DURATION + 60))
CONNECT_SPAN=$((CONNECTIONS / CONNECT_RATE + CONNECT_RAMP))
if [[ $STAGGER == 1 ]]; then
  RATE_PER_PROC=$CONNECT_RATE
  CONNECT_SPAN=$((CONNECTIONS / CONNECT_RATE + PROCS * (CONNECT_RAMP + 30)))
  MAX_WAIT=$((MAX_WAIT + CONNECT_SPAN))   # the first process waits while the others connect
fi
LOAD_TIMEOUT=$((CONNECT_SPAN + MAX_WAIT + 120))
PLAN=(--connections "$CONNECTIONS" --orgs "$ORGS" --rate "$RATE" --duration "$DURATION")
echo connect > "$PHASE"
LOADS=(); LOAD_FILES=()
log "opening $CONNECTIONS connections in $PROCS process(es) at $CONNECT_RATE/s over $SOURCES source addresses"
deadline=$((SECONDS + CONNECT_SPAN + 90))
wait_ready() {      # wait_ready I: until load process I has opened its connections
  until grep -q '^READY' "$RUN/load-$1.log" 2>/dev/null; do
    kill -0 "${LOADS[$1]}" 2>/dev/null || die "load process $1 exited early: $(tail -3 "$RUN/load-$1.log")"
    ((SECONDS < deadline)) || die "connections not ready in time (see $RUN/load-$1.log)"
    sleep 0.5
  done
}
for ((i = 0; i < PROCS; i++)); do
  ((STAGGER == 0 || i == 0)) || wait_ready $((i - 1))
  first=$((i * PER)); count=$((CONNECTIONS - first < PER ? CONNECTIONS - first : PER))
  extra=(); [[ $DEFLATE == 1 ]] && extra+=(--deflate)
  ((CHURN > 0)) && extra+=(--churn "$((CHURN / PROCS))")
  # shellcheck disable=SC2086
  timeout -k 10 "$LOAD_TIMEOUT" java $CLIENT_JAVA_OPTS -jar "$JAR" load --protocol "$PROTOCOL" \
    --url "${NODE_URLS[i % NODES]}" "${PLAN[@]}" --first "$first" --count "$count" --services "$SERVICES" \
    --connect-rate "$RATE_PER_PROC" --connect-ramp "$CONNECT_RAMP" --retries "$RETRIES" --sources "$SOURCES" --threads "$LOAD_THREADS" \
    --idle-timeout 10 --max-wait "$MAX_WAIT" --out "$RUN/load-$i.json" "${extra[@]}" \
    >"$RUN/load-$i.log" 2>&1 &
  LOADS+=($!); STARTED+=($!); LOAD_FILES+=(--load "$RUN/load-$i.json")
done
sleep 1
CLIENT_PIDS=()
for pid in "${LOADS[@]}"; do CLIENT_PIDS+=($(pgrep -P "$pid" || true)); done
sampler "$RUN/client.samples" "${CLIENT_PIDS[@]}" &
SAMPLERS+=($!)

for ((i = 0; i < PROCS; i++)); do
  wait_ready "$i"
  log "load $i: $(grep '^READY' "$RUN/load-$i.log")"
done
echo connected > "$PHASE"
sleep 3   # RSS with every connection open, before any traffic

# ---- publish ----
echo publish > "$PHASE"
PUB_START=$(date +%s.%N)
log "publishing: warm-up ${WARMUP}s then ${DURATION}s at $RATE deliveries/s"
PUB_RC=0
timeout -k 5 $((WARMUP + 2 * DURATION + 60)) java $CLIENT_JAVA_OPTS -jar "$JAR" publish \
  --target "$TARGET" --publish-url "$PUB_URL" "${PLAN[@]}" --warmup "$WARMUP" \
  --service "${SERVICES%%,*}" --lanes "$PUBLISH_LANES" --batch "$PUBLISH_BATCH" \
  --out "$RUN/publisher.json" >"$RUN/publisher.log" 2>&1 || PUB_RC=$?
((PUB_RC == 0)) || log "publisher exited $PUB_RC: $(tail -2 "$RUN/publisher.log")"

echo drain > "$PHASE"
for pid in "${LOADS[@]}"; do wait "$pid" || log "a load process exited $?"; done
echo done > "$PHASE"
for pid in "${SAMPLERS[@]}"; do wait "$pid" 2>/dev/null || true; done
SAMPLERS=()

summarize "$RUN/server.samples" "$SERVER_PID" >"$RUN/server.json"
summarize "$RUN/client.samples" "${CLIENT_PIDS[0]:-0}" >"$RUN/client.json"
EXTRA=()
if [[ -n $NATS_PID && -s $RUN/nats.samples ]]; then
  summarize "$RUN/nats.samples" "$NATS_PID" >"$RUN/nats.json"
  EXTRA+=(--part "nats=$RUN/nats.json")
fi
java -jar "$JAR" report --out "$OUT" "${LOAD_FILES[@]}" --publisher "$RUN/publisher.json" \
  --server "$RUN/server.json" --client "$RUN/client.json" "${EXTRA[@]}" \
  --meta "scenario=$SCENARIO" --meta "target=$TARGET" --meta "timestamp=$STAMP" \
  --meta "durationSec=$DURATION" --meta "warmupSec=$WARMUP" --meta "deflate=$DEFLATE" \
  --meta "nodes=$NODES" --meta "churnPerSec=$CHURN" \
  --meta "host=$(hostname)" --meta "cores=$(nproc)"
