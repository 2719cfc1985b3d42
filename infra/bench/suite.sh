#!/usr/bin/env bash
# The fan-out benchmark suite: Bellhop next to its peers — the bare Netty broadcast baseline, a
# bare Node `ws` server and Socket.IO 4 (bench/peers) — same box, same run, same load generator,
# each after WARMUP s (60) of unmeasured load so every JIT has compiled. Each case (connections ×
# deliveries/s × target) runs RUNS times (default 3); the summary shows the median and the
# min–max range. Bounded: about 2 minutes per fan-out run, 1 per replay run.
#
#   infra/bench/suite.sh                 # 1k and 10k connections at 20k deliveries/s, replay 10k
#   RUNS=1 CASES="10000" RATES="20000 100000" TARGETS="ws bellhop" infra/bench/suite.sh
#   DEFLATE_CASES="" REPLAY_RUNS=0 ...   # skip the deflate and replay cases
#
# Results: bench/results/*.json (one per run) and bench/results/suite-<timestamp>.md (the table).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-3}
CASES=${CASES:-"1000 10000"}
RATES=${RATES:-${RATE:-20000}}
TARGETS=${TARGETS:-"baseline ws socketio bellhop"}
REPLAY_RUNS=${REPLAY_RUNS:-$RUNS}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-60}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=bench/results/suite-$STAMP.md
LIST=$(mktemp)

if [[ ! -f app/target/bellhop-app-0.1.0-SNAPSHOT.jar || ! -f bench/target/bellhop-bench.jar ]]; then
  ./mvnw -q -B -DskipTests package
fi

run_case() { # target connections rate [extra stream.sh options...]
  local target=$1 conns=$2 rate=$3 label=$1 before
  shift 3
  before=$(ls bench/results/*.json 2>/dev/null | sort)
  local start=()
  [[ $target == bellhop ]] && start=(--start)
  [[ " $* " == *" --deflate "* ]] && label=bellhop+deflate
  infra/bench/stream.sh --target "$target" "${start[@]}" --connections "$conns" --rate "$rate" \
    --duration "$DURATION" --warmup "$WARMUP" --scenario "suite-$label-c$conns-r$rate" "$@" | tail -1
  comm -13 <(echo "$before") <(ls bench/results/*.json | sort) | sed "s|^|$label $conns $rate |" >>"$LIST"
}

for conns in $CASES; do
  for rate in $RATES; do
    for ((i = 1; i <= RUNS; i++)); do
      for target in $TARGETS; do
        run_case "$target" "$conns" "$rate"
      done
    done
  done
done
# permessage-deflate: Bellhop compresses each batch once per filter; measured against itself.
for conns in ${DEFLATE_CASES-1000}; do
  for ((i = 1; i <= RUNS; i++)); do
    run_case bellhop "$conns" 20000 --deflate
  done
done
for ((i = 1; i <= REPLAY_RUNS; i++)); do
  before=$(ls bench/results/*.json | sort)
  infra/bench/stream.sh --mode replay --target bellhop --start --events 10000 | tail -1
  comm -13 <(echo "$before") <(ls bench/results/*.json | sort) | sed 's|^|replay 10000 0 |' >>"$LIST"
done

field() { grep -m1 "\"$2\"" "$1" | sed -E 's/.*: *"?([^",]*)"?,?/\1/'; }
server() { sed -n '/"server"/,/}/p' "$1" | grep -m1 "\"$2\"" | sed -E 's/.*: *([0-9.]+).*/\1/'; }
median() { sort -g | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%s (%s–%s)", m, a[1], a[NR]}'; }

{
  echo "# Benchmark suite $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load generator on the same box."
  echo "Command: \`RUNS=$RUNS CASES=\"$CASES\" RATES=\"$RATES\" TARGETS=\"$TARGETS\" DURATION=$DURATION WARMUP=$WARMUP infra/bench/suite.sh\` — median (min–max) of $RUNS runs."
  echo
  echo "| target | connections | offered/s | delivered/s | p50 ms | p99 ms | p99.9 ms | lost | dup | ooo | server CPU % | RSS KB/conn |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for conns in $(printf '%s\n' $CASES ${DEFLATE_CASES-1000} | sort -nu); do
    for rate in $(printf '%s\n' $RATES 20000 | sort -nu); do
      for target in baseline ws socketio bellhop bellhop+deflate; do
        files=$(awk -v t="$target" -v c="$conns" -v r="$rate" '$1==t && $2==c && $3==r {print $4}' "$LIST")
        [[ -z $files ]] && continue
        row="| $target | $conns | $rate"
        for f in deliveriesPerSec p50Ms p99Ms p999Ms lost duplicates outOfOrder; do
          row+=" | $(for x in $files; do field "$x" "$f"; done | median)"
        done
        row+=" | $(for x in $files; do server "$x" cpuAvgPct; done | median)"
        row+=" | $(for x in $files; do server "$x" rssPerConnectionKb; done | median)"
        echo "$row |"
      done
    done
  done
  echo
  echo "| replay | events | handshake→ack ms | handshake→last event ms | lost | dup | ooo |"
  echo "|---|---|---|---|---|---|---|"
  files=$(awk '$1=="replay" {print $4}' "$LIST")
  if [[ -n $files ]]; then
    row="| bellhop | 10000"
    for f in handshakeToAckMs handshakeToLastMs lost duplicates outOfOrder; do
      row+=" | $(for x in $files; do field "$x" "$f"; done | median)"
    done
    echo "$row |"
  fi
} >"$OUT"
cat "$OUT"
mv "$LIST" "${OUT%.md}.list"   # target connections rate result.json, for the plots
java -Djava.awt.headless=true -jar bench/target/bellhop-bench.jar plot --list "${OUT%.md}.list"
