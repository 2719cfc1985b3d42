#!/usr/bin/env bash
# Upload throughput over the upload socket (WS /v2/documents/upload/stream) on this box: one file
# uploaded COUNT times, CONCURRENCY at a time, by the Node client in bench/peers (64 KiB binary
# frames, the window `ready` announces), against Bellhop or the bare `ws` + bufferutil sink peer
# (bench/peers/upload-sink.mjs: same protocol, writes to disk with SHA-256, fsyncs once at the end).
#
#   infra/bench/uploads/socket.sh [--target bellhop|ws|ws-fsync] [--start] [--size-mib 200] [--count 1]
#                          [--concurrency 1] [--runs 3] [--scenario NAME]
#
# --target bellhop  expects Bellhop on 127.0.0.1:8080; with --start it runs infra/run in the
#                   background (BELLHOP_APP_JAR to run a given jar; max upload size raised to fit)
#                   and stops it at the end. Heap is sampled with jstat every 0.5 s.
# --target ws       starts the Node sink peer on 127.0.0.1:$PEER_PORT and stops it at the end.
# --target ws-fsync the same peer fsyncing before each acknowledgement, as Bellhop does.
# The file is a PNG signature and header followed by random bytes (a `photo` Bellhop accepts),
# generated once under bench/results/upload-files/. Every upload's `complete` must carry the file's
# SHA-256 (else it counts as corrupt). Result: bench/results/<scenario>-<target>-<timestamp>.json.
# Only 127.0.0.0/8 is contacted; only processes started here are signalled; every wait is bounded.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
TARGET=${TARGET:-bellhop}
START=${START:-0}
SIZE_MIB=${SIZE_MIB:-200}
COUNT=${COUNT:-1}
CONCURRENCY=${CONCURRENCY:-1}
RUNS=${RUNS:-3}
SCENARIO=${SCENARIO:-}
PEER_PORT=${PEER_PORT:-18092}
BELLHOP_URL=http://127.0.0.1:8080
START_TIMEOUT=${START_TIMEOUT:-180}

while (($#)); do
  case $1 in
    --target) TARGET=$2; shift 2 ;;
    --start) START=1; shift ;;
    --size-mib) SIZE_MIB=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --concurrency) CONCURRENCY=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

log() { printf '[uploads %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ $TARGET == bellhop || $TARGET == ws || $TARGET == ws-fsync ]] || die "--target is bellhop, ws or ws-fsync"

# shellcheck source=../lib.sh
source "$ROOT/infra/bench/lib.sh"
open_run "${SCENARIO:-uploads-${SIZE_MIB}mib-x${COUNT}-c${CONCURRENCY}}-$TARGET-$(date +%Y%m%d-%H%M%S)"

PEERS=$ROOT/bench/peers
if [[ ! -d $PEERS/node_modules ]]; then
  log "installing the Node peers (npm ci in bench/peers)"
  (cd "$PEERS" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in bench/peers"
fi

FILES=$ROOT/bench/results/upload-files   # generated, git-ignored
mkdir -p "$FILES"
FILE=$FILES/noise-${SIZE_MIB}mib.png
if [[ ! -f $FILE ]]; then
  log "generating $FILE"
  { printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x04\x00\x00\x00\x04\x00\x08\x02\x00\x00\x00\xf0\x7f\xbc\xd4'
    head -c $((SIZE_MIB * 1048576 - 33)) /dev/urandom; } >"$FILE.tmp"
  mv "$FILE.tmp" "$FILE"
fi
SHA256=$(sha256sum "$FILE" | cut -d' ' -f1)

HEAP_LOG=""
if [[ $TARGET == ws* ]]; then
  [[ -z $(listener_pid "$PEER_PORT") ]] || die "port $PEER_PORT is busy"
  SINK=$(mktemp -d /tmp/bellhop-upload-sink.XXXXXX)
  # shellcheck disable=SC2046 # no flag, or one
  node "$PEERS/upload-sink.mjs" --port "$PEER_PORT" --dir "$SINK" $([[ $TARGET == ws-fsync ]] && echo --fsync-each) \
    >"$RUN/peer.log" 2>&1 &
  STARTED+=($!)
  SERVER_PID=$!
  for ((i = 0; i < 40; i++)); do [[ -n $(listener_pid "$PEER_PORT") ]] && break; sleep 0.25; done
  URL=ws://127.0.0.1:$PEER_PORT/
  TOKEN=""
else
  if [[ $START == 1 ]]; then
    wait_health "$BELLHOP_URL/health" 1 && die "Bellhop already answers on $BELLHOP_URL; drop --start"
    log "starting Bellhop via infra/run"
    # One bench user uploads CONCURRENCY files at once: lift the per-user cap of open uploads.
    BELLHOP_UPLOADS_MAX_SIZE=$(( (SIZE_MIB + 1) * 1048576 )) BELLHOP_UPLOADS_MAX_OPEN_PER_USER=$((CONCURRENCY + 20)) \
      BELLHOP_SKIP_BUILD=${BELLHOP_SKIP_BUILD:-1} \
      setsid "$ROOT/infra/run" >"$RUN/bellhop.log" 2>&1 </dev/null &
    RUN_PID=$!
    wait_health "$BELLHOP_URL/health" "$START_TIMEOUT" || die "Bellhop did not become healthy (see $RUN/bellhop.log)"
  else
    wait_health "$BELLHOP_URL/health" 5 || die "Bellhop is not answering on $BELLHOP_URL/health (use --start)"
  fi
  SERVER_PID=$(listener_pid 8080)
  [[ -n $SERVER_PID ]] || die "cannot find the PID listening on :8080"
  URL=ws://127.0.0.1:8080/v2/documents/upload/stream
  TOKEN=$(curl -sf "$BELLHOP_URL/dev/token?sub=bench-uploader&orgId=org-bench&roles=staff&propertyIds=p_1" \
    | sed -E 's/.*"token":"([^"]+)".*/\1/') || die "no /dev/token (a prod node?)"
  HEAP_LOG=$RUN/jstat.log
  jstat -gc "$SERVER_PID" 500 >"$HEAP_LOG" 2>/dev/null &
  SAMPLERS+=($!)
fi
sampler "$RUN/cpu.log" "$SERVER_PID" &
SAMPLERS+=($!)

echo measure >"$PHASE"
: >"$RUN/runs.jsonl"
for ((r = 1; r <= RUNS; r++)); do
  log "run $r/$RUNS: $COUNT x $SIZE_MIB MiB, $CONCURRENCY at a time, to $TARGET"
  timeout 900 node "$PEERS/upload-client.mjs" --url "$URL" --file "$FILE" --sha256 "$SHA256" \
    --token "$TOKEN" --count "$COUNT" --concurrency "$CONCURRENCY" | tee -a "$RUN/runs.jsonl" >&2
done
echo done >"$PHASE"

# Heap (KiB, from jstat): the most used at once (young + old), and the old generation's growth.
HEAP=null
if [[ -n $HEAP_LOG && -s $HEAP_LOG ]]; then
  HEAP=$(awk 'NR==1{for(i=1;i<=NF;i++)h[$i]=i; next}
    $1 ~ /^[0-9.]+$/ {u=$h["S0U"]+$h["S1U"]+$h["EU"]+$h["OU"]; if(NR==2){ou0=$h["OU"]}
      if(u>max)max=u; if($h["OU"]>oumax)oumax=$h["OU"]}
    END{printf "{\"maxUsedMiB\":%.1f,\"oldGenStartMiB\":%.1f,\"oldGenMaxMiB\":%.1f}", max/1024, ou0/1024, oumax/1024}' "$HEAP_LOG")
fi
CPU=$(awk -v hz="$(getconf CLK_TCK)" '$4=="measure"{if(!t0){t0=$1;c0=$2} t1=$1;c1=$2}
  END{if(t1>t0) printf "%.1f", 100*(c1-c0)/hz/(t1-t0); else print "null"}' "$RUN/cpu.log")
{
  printf '{"target":"%s","sizeMiB":%s,"count":%s,"concurrency":%s,"serverCpuPct":%s,"heap":%s,"runs":[' \
    "$TARGET" "$SIZE_MIB" "$COUNT" "$CONCURRENCY" "$CPU" "$HEAP"
  paste -sd, "$RUN/runs.jsonl"
  printf ']}\n'
} >"$OUT"
log "result: $OUT"
cat "$OUT"
