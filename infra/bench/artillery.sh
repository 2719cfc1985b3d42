#!/usr/bin/env bash
# The Artillery scenario of the benchmark suite: the earlier design notes' load-test.yml (engine
# ws, /v2/realtime/stream, handshake {"services":["finance","guest","staff"],"version":1}, think;
# a ramp phase then a sustained phase), scaled to this 2-core box (bench/artillery/load-test.yml
# says how and why), run with Artillery 2 from npm against one Bellhop node.
#
#   infra/bench/artillery.sh [--start] [--rate 2000] [--no-publish] [--orgs 100] [--smoke]
#                            [--ramp-rate R] [--ramp-duration S] [--sustain-rate R]
#                            [--sustain-duration S] [--think S] [--scenario NAME]
#
# --start       runs infra/run in the background (no Maven build), waits for /health, stops it at
#               the end (by its PID); otherwise Bellhop must answer on BELLHOP_URL
#               (default http://127.0.0.1:8080, loopback only).
# --rate D      while the VUs are connected, the bench publisher (bench/target/bellhop-bench.jar)
#               posts finance events to org-0..org-<orgs-1> at D deliveries/s at peak concurrency
#               (events/s = D x orgs / peak connections of the plan); 0 or --no-publish: none.
# --smoke       a ~35 s run of ~350 VUs (ramp 10/s x 5 s, sustained 20/s x 15 s, think 15 s).
# --ramp-*, --sustain-*, --think override the yml's phases and think time (Artillery --overrides).
# Every option also reads an env var of the same name in capitals (RATE=0 ...).
#
# Installs bench/artillery's npm deps (npm ci) when node_modules is missing. Samples the server's
# (and nats-server's, and Artillery's) CPU and RSS from /proc once a second, and Bellhop's
# activeConnections from /v2/realtime/metrics (ops token). Result: bench/results/<NAME>.json
# (NAME = artillery-<timestamp>, or <scenario>-<timestamp>) and one summary line; Artillery's own
# JSON report, logs and samples in bench/results/runs/<NAME>/. Exit 0 when every VU got its ack
# and stayed connected for its whole think time; 1 otherwise (the summary says why).
# Only 127.0.0.0/8 is contacted; only processes started here are signalled; every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ART=$ROOT/bench/artillery
JAR=${JAR:-$ROOT/bench/target/bellhop-bench.jar}

START=${START:-0}
RATE=${RATE:-2000}
ORGS=${ORGS:-100}
SMOKE=${SMOKE:-0}
RAMP_RATE=${RAMP_RATE:-}
RAMP_DURATION=${RAMP_DURATION:-}
SUSTAIN_RATE=${SUSTAIN_RATE:-}
SUSTAIN_DURATION=${SUSTAIN_DURATION:-}
THINK=${THINK:-}
SCENARIO=${SCENARIO:-}
BELLHOP_URL=${BELLHOP_URL:-http://127.0.0.1:8080}
START_TIMEOUT=${START_TIMEOUT:-180}
CLIENT_JAVA_OPTS=${CLIENT_JAVA_OPTS:--Xms64m -Xmx512m}

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --start) START=1; shift ;;
    --rate) RATE=$2; shift 2 ;;
    --no-publish) RATE=0; shift ;;
    --orgs) ORGS=$2; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    --ramp-rate) RAMP_RATE=$2; shift 2 ;;
    --ramp-duration) RAMP_DURATION=$2; shift 2 ;;
    --sustain-rate) SUSTAIN_RATE=$2; shift 2 ;;
    --sustain-duration) SUSTAIN_DURATION=$2; shift 2 ;;
    --think) THINK=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 64 ;;
  esac
done

log() { printf '[artillery %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $BELLHOP_URL =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost)(:[0-9]+)?$ ]] \
  || die "BELLHOP_URL must be a loopback http URL"
for v in RATE ORGS; do [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"; done
((ORGS >= 1)) || die "--orgs must be at least 1"
if [[ $SMOKE == 1 ]]; then
  RAMP_RATE=${RAMP_RATE:-10}; RAMP_DURATION=${RAMP_DURATION:-5}
  SUSTAIN_RATE=${SUSTAIN_RATE:-20}; SUSTAIN_DURATION=${SUSTAIN_DURATION:-15}; THINK=${THINK:-15}
  SCENARIO=${SCENARIO:-artillery-smoke}
fi
for v in RAMP_RATE RAMP_DURATION SUSTAIN_RATE SUSTAIN_DURATION THINK; do
  [[ -z ${!v} || ${!v} =~ ^[0-9]+$ ]] || die "${v} must be a whole number"
done
SCENARIO=${SCENARIO:-artillery}
command -v node >/dev/null 2>&1 || die "node missing (infra/deps.sh installs it)"
command -v npm >/dev/null 2>&1 || die "npm missing (infra/deps.sh installs it)"
command -v curl >/dev/null 2>&1 || die "curl missing"

STAMP=$(date +%Y%m%d-%H%M%S)
# ---- process bookkeeping, run directory, health wait, /proc sampler (only what this script
# started is signalled)
# shellcheck source=lib.sh
source "$ROOT/infra/bench/lib.sh"
open_run "$SCENARIO-$STAMP"

# ---- (a) Artillery itself: npm ci once (Playwright's browser download is skipped: no internet,
# and the ws engine does not need it) ----
if [[ ! -x $ART/node_modules/.bin/artillery ]]; then
  log "installing bench/artillery (npm ci)"
  (cd "$ART" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout -k 10 900 \
    npm ci --no-audit --no-fund --loglevel=error) >"$RUN/npm-ci.log" 2>&1 \
    || die "npm ci failed in bench/artillery (see $RUN/npm-ci.log)"
fi
ART_VERSION=$(node -p "require('$ART/node_modules/artillery/package.json').version")


descendants() {     # all descendant PIDs of $1
  local c
  for c in $(pgrep -P "$1" 2>/dev/null || true); do echo "$c"; descendants "$c"; done
}

# metrics_sampler OUT TOKEN: "epoch activeConnections eventsDelivered" once a second
metrics_sampler() {
  local out=$1 token=$2 n body active delivered
  for ((n = 0; n < 7200; n++)); do
    [[ $(cat "$PHASE" 2>/dev/null) == done ]] && break
    body=$(curl -sf --max-time 2 -H "Authorization: Bearer $token" \
      "$BELLHOP_URL/v2/realtime/metrics" 2>/dev/null || true)
    active=$(sed -n 's/.*"activeConnections":\([0-9]*\).*/\1/p' <<<"$body")
    delivered=$(sed -n 's/.*"eventsDelivered":\([0-9]*\).*/\1/p' <<<"$body")
    [[ -n $active ]] && echo "$(date +%s.%N) $active ${delivered:-0}" >>"$out"
    sleep 1
  done
}

# cpu_rss SAMPLES FROM TO PID -> flat JSON (CPU in % of one core, over [FROM, TO])
cpu_rss() {
  [[ -s $1 ]] || { echo "null"; return 0; }
  awk -v hz="$HZ" -v ms="$2" -v me="$3" -v pid="$4" '
    { ts[NR]=$1; tk[NR]=$2; rss[NR]=$3; ph[NR]=$4 }
    END {
      # a process that exits mid-window takes its ticks with it: skip negative steps
      peak = 0; n0 = 0; busy = 0; span = 0; rssPeak = 0; idle = ""
      for (i = 1; i <= NR; i++) {
        if (rss[i] > rssPeak) rssPeak = rss[i]
        if (ph[i] == "idle") idle = rss[i]
        if (ts[i] >= ms && ts[i] <= me + 1) {
          if (n0 && tk[i] >= tk[i-1]) {
            d = (tk[i]-tk[i-1]) / hz; busy += d; span += ts[i]-ts[i-1]
            c = d / (ts[i]-ts[i-1]) * 100; if (c > peak) peak = c
          }
          n0 = i
        }
      }
      avg = (span > 0) ? busy / span * 100 : 0
      if (idle == "") idle = "null"   # the generator starts with the run: no idle sample
      printf "{\"pids\":\"%s\",\"samples\":%d,\"cpuAvgPct\":%.1f,\"cpuPeakPct\":%.1f,", pid, NR, avg, peak
      printf "\"rssIdleKb\":%s,\"rssPeakKb\":%d,\"rssEndKb\":%d}\n", idle, rssPeak, rss[NR]
    }' "$1"
}

# ---- (b) the server ----
PORT=${BELLHOP_URL##*:}; [[ $PORT =~ ^[0-9]+$ ]] || PORT=80
if [[ $START == 1 ]]; then
  [[ -x $ROOT/infra/run ]] || die "infra/run missing"
  [[ -f $ROOT/app/target/bellhop-app-0.1.0-SNAPSHOT.jar ]] || die "app jar missing"
  wait_health "$BELLHOP_URL/health" 1 && die "Bellhop already answers on $BELLHOP_URL; drop --start"
  [[ -z $(listener_pid "$PORT") ]] || die "port $PORT is busy (another run?)"
  log "starting Bellhop via infra/run (BELLHOP_SKIP_BUILD=${BELLHOP_SKIP_BUILD:-1}: no Maven build)"
  BELLHOP_SKIP_BUILD=${BELLHOP_SKIP_BUILD:-1} setsid "$ROOT/infra/run" >"$RUN/bellhop.log" 2>&1 </dev/null &
  RUN_PID=$!
  wait_health "$BELLHOP_URL/health" "$START_TIMEOUT" || die "Bellhop did not become healthy (see $RUN/bellhop.log)"
else
  wait_health "$BELLHOP_URL/health" 5 || die "Bellhop is not answering on $BELLHOP_URL/health (use --start)"
fi
SERVER_PID=$(listener_pid "$PORT")
[[ -n $SERVER_PID ]] || die "cannot find the PID listening on :$PORT"
HOSTPORT=${BELLHOP_URL#http://}
log "server pid $SERVER_PID; run dir $RUN"

# ---- (c) sampling ----
sampler "$RUN/server.samples" "$SERVER_PID" &
SAMPLERS+=($!)
NATS_PID=$(listener_pid "${BELLHOP_NATS_PORT:-4250}")
if [[ -n $NATS_PID ]]; then
  sampler "$RUN/nats.samples" "$NATS_PID" &
  SAMPLERS+=($!)
fi
OPS_TOKEN=$(cd "$ART" && node -e \
  "process.stdout.write(require('./processor.cjs').mint('bench-ops','bench','Bench ops',['ops']))")
metrics_sampler "$RUN/metrics.samples" "$OPS_TOKEN" &
SAMPLERS+=($!)

# ---- the plan: phases and think time of the yml, with any overrides ----
OVERRIDES=$(RAMP_RATE=$RAMP_RATE RAMP_DURATION=$RAMP_DURATION SUSTAIN_RATE=$SUSTAIN_RATE \
  SUSTAIN_DURATION=$SUSTAIN_DURATION THINK=$THINK node -e '
  const yaml = require(process.argv[1] + "/node_modules/js-yaml");
  const s = yaml.load(require("fs").readFileSync(process.argv[1] + "/load-test.yml", "utf8"));
  const e = process.env, o = { config: {} };
  const phases = s.config.phases.map((p) => ({ ...p }));
  let changed = false;
  const set = (i, k, v) => { if (v !== "") { phases[i][k] = Number(v); changed = true; } };
  set(0, "arrivalRate", e.RAMP_RATE); set(0, "duration", e.RAMP_DURATION);
  set(phases.length - 1, "arrivalRate", e.SUSTAIN_RATE);
  set(phases.length - 1, "duration", e.SUSTAIN_DURATION);
  if (changed) o.config.phases = phases;
  if (e.THINK !== "") o.config.variables = { thinkSec: Number(e.THINK) };
  process.stdout.write(Object.keys(o.config).length ? JSON.stringify(o) : "");' "$ART")
PLAN=$(OVERRIDES=$OVERRIDES node -e '
  const yaml = require(process.argv[1] + "/node_modules/js-yaml");
  const s = yaml.load(require("fs").readFileSync(process.argv[1] + "/load-test.yml", "utf8"));
  const o = process.env.OVERRIDES ? JSON.parse(process.env.OVERRIDES).config : {};
  const phases = o.phases || s.config.phases;
  const think = Number((o.variables || {}).thinkSec ?? s.config.variables.thinkSec);
  let t = 0; const iv = [];
  for (const p of phases) { iv.push([t, t + p.duration, p.arrivalRate]); t += p.duration; }
  const arrivals = (a, b) => iv.reduce((n, [s0, s1, r]) =>
    n + r * Math.max(0, Math.min(b, s1) - Math.max(a, s0)), 0);
  let peak = 0;
  for (let x = 0; x <= t + think; x += 0.5) peak = Math.max(peak, arrivals(x - think, x));
  process.stdout.write([Math.round(arrivals(0, t)), Math.round(peak), t, think,
    JSON.stringify(phases.map((p) => ({ name: p.name, duration: p.duration,
      arrivalRate: p.arrivalRate })))].join(" "));' "$ART")
read -r PLAN_VUS PLAN_PEAK PHASE_SEC THINK_SEC PHASES_JSON <<<"$PLAN"
RUN_SEC=$((PHASE_SEC + THINK_SEC))
log "plan: $PLAN_VUS VUs over ${PHASE_SEC}s, think ${THINK_SEC}s, peak ~$PLAN_PEAK concurrent, ~${RUN_SEC}s"
sleep 3   # idle RSS

# ---- (e) Artillery ----
echo run >"$PHASE"
ART_ARGS=(run --target "ws://$HOSTPORT" --output "$RUN/artillery.json")
[[ -n $OVERRIDES ]] && ART_ARGS+=(--overrides "$OVERRIDES")
ART_ARGS+=(load-test.yml)
ART_START=$(date +%s.%N)
(cd "$ART" && exec env ARTILLERY_DISABLE_TELEMETRY=true BELLHOP_ORGS="$ORGS" \
  timeout -k 10 $((RUN_SEC + 120)) npx --no-install artillery "${ART_ARGS[@]}") \
  >"$RUN/artillery.log" 2>&1 </dev/null &
ART_PID=$!
STARTED+=("$ART_PID")

# ---- (d) optional publisher: events to the VUs' orgs for as long as VUs can be connected ----
PUB_PID=""
EVENTS_PER_SEC=0
if ((RATE > 0)); then
  [[ -f $JAR ]] || die "$JAR missing (build the bench module first)"
  EVENTS_PER_SEC=$(awk -v r="$RATE" -v o="$ORGS" -v p="$PLAN_PEAK" 'BEGIN { printf "%.2f", r * o / (p > 0 ? p : 1) }')
  log "publishing $EVENTS_PER_SEC events/s over $ORGS orgs for ${RUN_SEC}s (~$RATE deliveries/s at peak)"
  # shellcheck disable=SC2086
  timeout -k 5 $((RUN_SEC + 60)) java $CLIENT_JAVA_OPTS -jar "$JAR" publish --target bellhop \
    --publish-url "$BELLHOP_URL/v2/realtime/events" --orgs "$ORGS" \
    --events-per-sec "$EVENTS_PER_SEC" --duration "$RUN_SEC" --warmup 0 --service finance \
    --max-seconds $((RUN_SEC + 10)) --out "$RUN/publisher.json" >"$RUN/publisher.log" 2>&1 </dev/null &
  PUB_PID=$!
  STARTED+=("$PUB_PID")
fi
PUB_JAVA=""

# The generator is the node process running node_modules/.bin/artillery (under timeout ->
# npm exec -> sh); its worker threads are part of it.
CLIENT_PIDS=()
for ((i = 0; i < 40 && ${#CLIENT_PIDS[@]} == 0; i++)); do
  sleep 0.25
  for pid in $(descendants "$ART_PID"); do
    [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == node\ */.bin/artillery\ * ]] \
      && CLIENT_PIDS+=("$pid")
  done
done
((${#CLIENT_PIDS[@]})) || log "could not find Artillery's node process: no generator CPU/RSS"

if ((${#CLIENT_PIDS[@]})); then
  sampler "$RUN/client.samples" "${CLIENT_PIDS[@]}" &
  SAMPLERS+=($!)
fi
if [[ -n $PUB_PID ]]; then   # the publisher's JVM shares the cores too
  PUB_JAVA=$(pgrep -P "$PUB_PID" java 2>/dev/null | head -1 || true)
  if [[ -n $PUB_JAVA ]]; then
    sampler "$RUN/publisher.samples" "$PUB_JAVA" &
    SAMPLERS+=($!)
  fi
fi

log "artillery running (pid $ART_PID, log $RUN/artillery.log)"
ART_RC=0
wait "$ART_PID" || ART_RC=$?
ART_END=$(date +%s.%N)
echo drain >"$PHASE"
((ART_RC == 0)) || log "artillery exited $ART_RC: $(tail -3 "$RUN/artillery.log")"
if [[ -n $PUB_PID ]]; then
  # The publisher's schedule ends with the run; give it a few seconds, then stop it.
  for ((i = 0; i < 150; i++)); do kill -0 "$PUB_PID" 2>/dev/null || break; sleep 0.1; done
  stop_pid "$PUB_PID" 10
  wait "$PUB_PID" 2>/dev/null || log "publisher exited with an error: $(tail -2 "$RUN/publisher.log")"
fi
sleep 2
echo done >"$PHASE"
for pid in "${SAMPLERS[@]}"; do wait "$pid" 2>/dev/null || true; done
SAMPLERS=()

# ---- (f) summary ----
cpu_rss "$RUN/server.samples" "$ART_START" "$ART_END" "$SERVER_PID" >"$RUN/server.json"
cpu_rss "$RUN/nats.samples" "$ART_START" "$ART_END" "${NATS_PID:-0}" >"$RUN/nats.json"
cpu_rss "$RUN/client.samples" "$ART_START" "$ART_END" "${CLIENT_PIDS[*]:-0}" >"$RUN/client.json"
cpu_rss "$RUN/publisher.samples" "$ART_START" "$ART_END" "${PUB_JAVA:-0}" >"$RUN/publisher-cpu.json"
# the server's CPU while VUs arrive (handshakes) vs. after the last arrival (only held sockets,
# pings and deliveries)
ARRIVALS_END=$(awk -v s="$ART_START" -v d="$PHASE_SEC" 'BEGIN { printf "%.3f", s + d }')
cpu_rss "$RUN/server.samples" "$ART_START" "$ARRIVALS_END" "$SERVER_PID" >"$RUN/server-arrivals.json"
cpu_rss "$RUN/server.samples" "$ARRIVALS_END" "$ART_END" "$SERVER_PID" >"$RUN/server-after-arrivals.json"
[[ -s $RUN/artillery.json ]] || die "artillery wrote no report (see $RUN/artillery.log)"

RUN_DIR=$RUN OUT=$OUT NAME=$NAME STAMP=$STAMP ART_VERSION=$ART_VERSION ART_RC=$ART_RC \
  PLAN_VUS=$PLAN_VUS PLAN_PEAK=$PLAN_PEAK PHASE_SEC=$PHASE_SEC THINK_SEC=$THINK_SEC \
  PHASES_JSON=$PHASES_JSON RATE=$RATE EVENTS_PER_SEC=$EVENTS_PER_SEC ORGS=$ORGS \
  ART_START=$ART_START ART_END=$ART_END SCENARIO=$SCENARIO ROOT=$ROOT node - <<'EOF'
const fs = require('fs');
const e = process.env;
const read = (f) => { try { return JSON.parse(fs.readFileSync(`${e.RUN_DIR}/${f}`, 'utf8')); } catch { return null; } };
const rep = read('artillery.json');
const agg = rep.aggregate || {};
const c = agg.counters || {};
const sums = agg.summaries || {};
const pick = (s) => s && { min: s.min, mean: +(s.mean ?? 0).toFixed(1), p50: s.p50 ?? s.median,
  p95: s.p95, p99: s.p99, max: s.max, count: s.count };
const prefixed = (p) => Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith(p))
  .map(([k, v]) => [k.slice(p.length), v]));
// Concurrent VUs as Artillery saw them: created - (completed + failed), cumulated over its
// 10 s periods (a lower bound of the true peak between two period ends).
let open = 0, peakVus = 0;
for (const p of (rep.intermediate || []).slice().sort((a, b) => a.period - b.period)) {
  const pc = p.counters || {};
  open += (pc['vusers.created'] || 0) - (pc['vusers.completed'] || 0) - (pc['vusers.failed'] || 0);
  peakVus = Math.max(peakVus, open);
}
let serverPeak = null, delivered = null;
try {
  const rows = fs.readFileSync(`${e.RUN_DIR}/metrics.samples`, 'utf8').trim().split('\n')
    .filter(Boolean).map((l) => l.split(' ').map(Number));
  if (rows.length) {
    serverPeak = Math.max(...rows.map((r) => r[1]));
    const inRun = rows.filter((r) => r[0] >= +e.ART_START && r[0] <= +e.ART_END + 3);
    if (inRun.length > 1) delivered = inRun[inRun.length - 1][2] - inRun[0][2];
  }
} catch { /* no metrics: leave null */ }
const pub = read('publisher.json');
const created = c['vusers.created'] || 0, completed = c['vusers.completed'] || 0,
  failed = c['vusers.failed'] || 0;
const errors = prefixed('errors.');
const closed = prefixed('bellhop.closed_by_server.');       // during the think time
const refused = prefixed('bellhop.refused.');               // error frame instead of the ack
const closedBeforeAck = prefixed('bellhop.closed_before_ack.');
const r = {
  scenario: e.SCENARIO, timestamp: e.STAMP, tool: `artillery ${e.ART_VERSION}`,
  host: require('os').hostname(), cores: require('os').cpus().length,
  plan: { phases: JSON.parse(e.PHASES_JSON), thinkSec: +e.THINK_SEC, vus: +e.PLAN_VUS,
    peakConcurrent: +e.PLAN_PEAK, orgs: +e.ORGS, services: ['finance', 'guest', 'staff'],
    publishDeliveriesPerSecAtPeak: +e.RATE, publishEventsPerSec: +e.EVENTS_PER_SEC },
  vusers: { created, completed, failed, createdByName: prefixed('vusers.created_by_name.') },
  errors, refused, closedBeforeAck, closedByServer: closed,
  peakConcurrent: { artillery10s: peakVus, server: serverPeak },
  sessionLengthMs: pick(sums['vusers.session_length']),
  received: { acks: c['bellhop.acks'] || 0, frames: prefixed('bellhop.frames.'),
    events: c['bellhop.events_received'] || 0,
    serverEventsDelivered: delivered,
    wsMessagesSent: c['websocket.messages_sent'] || 0,
    wsMessagesReceived: c['websocket.messages_received'] || 0 },
  deliveryLatencyMs: pick(sums['bellhop.delivery_latency_ms']),
  publisher: pub && { acceptedEvents: pub.acceptedEvents, failedEvents: pub.failedEvents,
    actualEventsPerSec: pub.actualEventsPerSec && +pub.actualEventsPerSec.toFixed(1),
    ackP50Ms: pub.ackP50Ms, ackP99Ms: pub.ackP99Ms, errors: pub.errors },
  server: read('server.json') && { ...read('server.json'),
    cpuAvgPctWhileArriving: read('server-arrivals.json')?.cpuAvgPct ?? null,
    cpuAvgPctAfterArrivals: read('server-after-arrivals.json')?.cpuAvgPct ?? null },
  nats: read('nats.json'), generator: read('client.json'), publisherProcess: read('publisher-cpu.json'),
  artilleryExit: +e.ART_RC, runSec: +(+e.ART_END - +e.ART_START).toFixed(1),
  window: { start: +e.ART_START, end: +e.ART_END },
  files: { artilleryReport: `${e.RUN_DIR}/artillery.json`.replace(e.ROOT + '/', ''),
    runDir: e.RUN_DIR.replace(e.ROOT + '/', '') },
};
fs.writeFileSync(e.OUT, JSON.stringify(r, null, 2) + '\n');
const kv = (o) => Object.keys(o).length ? Object.entries(o).map(([k, v]) => `${k}=${v}`).join(',') : 'none';
const s = r.server || {}, sl = r.sessionLengthMs || {}, lat = r.deliveryLatencyMs;
console.log(`${e.NAME}: VUs created ${created} completed ${completed} failed ${failed}` +
  ` | errors ${kv(errors)} | refused ${kv(refused)} | closed before ack ${kv(closedBeforeAck)}` +
  ` | closed by server while thinking ${kv(closed)}` +
  ` | peak concurrent ${peakVus} (artillery, 10 s periods) / ${serverPeak ?? 'n/a'} (server)` +
  ` | session p50 ${((sl.p50 || 0) / 1000).toFixed(1)} s max ${((sl.max || 0) / 1000).toFixed(1)} s` +
  ` | events received ${r.received.events}` +
  (lat ? ` latency p50 ${lat.p50} ms p99 ${lat.p99} ms` : '') +
  ` | server CPU avg ${s.cpuAvgPct ?? 'n/a'}% (${s.cpuAvgPctWhileArriving ?? 'n/a'}% while VUs arrive, ${s.cpuAvgPctAfterArrivals ?? 'n/a'}% after)` +
  ` peak ${s.cpuPeakPct ?? 'n/a'}% RSS peak ${s.rssPeakKb ? Math.round(s.rssPeakKb / 1024) : 'n/a'} MB` +
  ` | generator CPU avg ${r.generator?.cpuAvgPct ?? 'n/a'}% peak ${r.generator?.cpuPeakPct ?? 'n/a'}%` +
  ` (CPU in % of one core) | ${e.OUT.replace(e.ROOT + '/', '')}`);
process.exitCode = failed === 0 && created > 0 && +e.ART_RC === 0 && !Object.keys(closed).length ? 0 : 1;
EOF
