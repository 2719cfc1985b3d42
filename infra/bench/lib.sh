# Shared by the bench scripts (sourced, not run): bookkeeping of the processes a script starts,
# its run directory (open_run), a bounded health wait, and the /proc sampler. The caller defines
# log, die and ROOT; PHASE (set by open_run) holds the run's phase, and "done" stops the samplers. Only processes started by the caller are
# ever signalled.

# The load generator opens up to PER_PROC sockets from each loopback address, and the replay
# scenario resumes CLIENTS sockets of one user: lift the caps that keep one client from filling a
# production node (docs/operations.md, "bellhop.http.*"); 0 switches a cap off. Nodes the scripts
# start inherit these; set them yourself for a node started elsewhere.
export BELLHOP_HTTP_MAX_CONNECTIONS_PER_ADDRESS=${BELLHOP_HTTP_MAX_CONNECTIONS_PER_ADDRESS:-0}
export BELLHOP_HTTP_MAX_UNAUTHENTICATED_PER_ADDRESS=${BELLHOP_HTTP_MAX_UNAUTHENTICATED_PER_ADDRESS:-0}
export BELLHOP_HTTP_MAX_UNAUTHENTICATED=${BELLHOP_HTTP_MAX_UNAUTHENTICATED:-0}
export BELLHOP_REALTIME_MAX_CONNECTIONS_PER_USER=${BELLHOP_REALTIME_MAX_CONNECTIONS_PER_USER:-0}
export BELLHOP_REALTIME_MAX_CONNECTIONS_PER_ORG=${BELLHOP_REALTIME_MAX_CONNECTIONS_PER_ORG:-0}

PHASE=/dev/null     # until open_run
STARTED=()          # background children (java, or `timeout` wrapping it)
SAMPLERS=()
RUN_PID=""          # infra/run when --start (session leader of its own group)

open_run() {        # open_run NAME: the result file, run directory and phase file of this run
  NAME=$1
  RESULTS=$ROOT/bench/results
  RUN=$RESULTS/runs/$NAME
  OUT=$RESULTS/$NAME.json
  mkdir -p "$RUN"
  PHASE=$RUN/phase
  echo idle >"$PHASE"
  HZ=$(getconf CLK_TCK)
}

stop_pid() {        # stop_pid PID [grace seconds]
  local pid=$1 grace=${2:-10} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_bellhop() {
  [[ -n $RUN_PID ]] || return 0
  log "stopping infra/run (pid $RUN_PID); its trap stops the app, nats-server and PostgreSQL"
  # Generous grace: infra/run itself waits up to 30 s (app) + 15 s (nats) + 30 s (PostgreSQL).
  stop_pid "$RUN_PID" 90
  RUN_PID=""
}

cleanup() {
  local rc=$?
  echo done >"$PHASE" 2>/dev/null || true
  for pid in "${SAMPLERS[@]}"; do stop_pid "$pid" 2; done
  for pid in "${STARTED[@]}"; do stop_pid "$pid" 10; done
  stop_bellhop
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_health() {     # wait_health URL SECONDS (gives up early if the infra/run we started exited)
  local url=$1 limit=$2 i
  for ((i = 0; i < limit * 4; i++)); do
    curl -sf --max-time 2 "$url" >/dev/null 2>&1 && return 0
    [[ -z $RUN_PID ]] || kill -0 "$RUN_PID" 2>/dev/null || return 1
    sleep 0.25
  done
  return 1
}

listener_pid() {    # PID listening on a local TCP port (read-only lookup)
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true
}

# sampler OUT PID...: one line per second "epoch ticks rssKb phase" summed over the PIDs
sampler() {
  local out=$1; shift
  local n ts ticks rss pid stat rest f kb
  for ((n = 0; n < 7200; n++)); do
    [[ $(cat "$PHASE" 2>/dev/null) == done ]] && break
    ts=$(date +%s.%N); ticks=0; rss=0
    for pid in "$@"; do
      [[ -r /proc/$pid/stat ]] || continue
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
      rest=${stat##*) }
      read -r -a f <<<"$rest"
      ticks=$((ticks + f[11] + f[12]))
      kb=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || true)  # none for zombies
      rss=$((rss + ${kb:-0}))
    done
    echo "$ts $ticks $rss $(cat "$PHASE")" >>"$out"
    sleep 1
  done
}
