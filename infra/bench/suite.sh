#!/usr/bin/env bash
# The issue-2 benchmark suite: Bellhop next to the bare Netty broadcast baseline, same box, same
# run, same load generator, each after WARMUP s (60) of unmeasured load so every JVM is compiled.
# Each case is run RUNS times (default 3); the summary shows the median
# and the min-max range. Bounded: about 2 minutes per fan-out run, 1 per replay run.
#
#   infra/bench/suite.sh                 # 1k and 10k connections at 20k deliveries/s, replay 10k
#   RUNS=1 CASES="10000" infra/bench/suite.sh
#
# Results: bench/results/*.json (one per run) and bench/results/suite-<timestamp>.md (the table).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-3}
CASES=${CASES:-"1000 10000"}
RATE=${RATE:-20000}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-60}
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=bench/results/suite-$STAMP.md
LIST=$(mktemp)

if [[ ! -f app/target/bellhop-app-0.1.0-SNAPSHOT.jar || ! -f bench/target/bellhop-bench.jar ]]; then
  ./mvnw -q -B -DskipTests package
fi

run_case() { # target connections run
  local before after
  before=$(ls bench/results/*.json 2>/dev/null | sort)
  local start=()
  [[ $1 == bellhop ]] && start=(--start)
  infra/bench/stream.sh --target "$1" "${start[@]}" --connections "$2" --rate "$RATE" \
    --duration "$DURATION" --warmup "$WARMUP" --scenario "suite-c$2-r$RATE" | tail -1
  after=$(ls bench/results/*.json | sort)
  comm -13 <(echo "$before") <(echo "$after") | sed "s|^|$1 $2 |" >>"$LIST"
}

for conns in $CASES; do
  for ((i = 1; i <= RUNS; i++)); do
    run_case baseline "$conns" "$i"
    run_case bellhop "$conns" "$i"
  done
done
# permessage-deflate: Bellhop compresses each batch once per filter; measured against itself.
for conns in ${DEFLATE_CASES-1000}; do
  for ((i = 1; i <= RUNS; i++)); do
    before=$(ls bench/results/*.json | sort)
    infra/bench/stream.sh --target bellhop --start --deflate --connections "$conns" --rate "$RATE" \
      --duration "$DURATION" --warmup "$WARMUP" --scenario "suite-deflate-c$conns-r$RATE" | tail -1
    comm -13 <(echo "$before") <(ls bench/results/*.json | sort) | sed "s|^|bellhop+deflate $conns |" >>"$LIST"
  done
done
for ((i = 1; i <= RUNS; i++)); do
  before=$(ls bench/results/*.json | sort)
  infra/bench/stream.sh --mode replay --target bellhop --start --events 10000 | tail -1
  comm -13 <(echo "$before") <(ls bench/results/*.json | sort) | sed 's|^|replay 10000 |' >>"$LIST"
done

field() { grep -m1 "\"$2\"" "$1" | sed -E 's/.*: *"?([^",]*)"?,?/\1/'; }
server() { sed -n '/"server"/,/}/p' "$1" | grep -m1 "\"$2\"" | sed -E 's/.*: *([0-9.]+).*/\1/'; }
median() { sort -g | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%s (%s–%s)", m, a[1], a[NR]}'; }

{
  echo "# Benchmark suite $STAMP"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); load generator on the same box."
  echo "Command: \`RUNS=$RUNS CASES=\"$CASES\" RATE=$RATE DURATION=$DURATION WARMUP=$WARMUP infra/bench/suite.sh\` — median (min–max) of $RUNS runs."
  echo
  echo "| target | connections | delivered/s | p50 ms | p99 ms | p99.9 ms | lost | dup | ooo | server CPU % | RSS KB/conn |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for conns in $(printf '%s\n' $CASES ${DEFLATE_CASES-1000} | sort -nu); do
    for target in baseline bellhop bellhop+deflate; do
      files=$(awk -v t="$target" -v c="$conns" '$1==t && $2==c {print $3}' "$LIST")
      [[ -z $files ]] && continue
      row="| $target | $conns"
      for f in deliveriesPerSec p50Ms p99Ms p999Ms lost duplicates outOfOrder; do
        row+=" | $(for x in $files; do field "$x" "$f"; done | median)"
      done
      row+=" | $(for x in $files; do server "$x" cpuAvgPct; done | median)"
      row+=" | $(for x in $files; do server "$x" rssPerConnectionKb; done | median)"
      echo "$row |"
    done
  done
  echo
  echo "| replay | events | handshake→ack ms | handshake→last event ms | lost | dup | ooo |"
  echo "|---|---|---|---|---|---|---|"
  files=$(awk '$1=="replay" {print $3}' "$LIST")
  if [[ -n $files ]]; then
    row="| bellhop | 10000"
    for f in handshakeToAckMs handshakeToLastMs lost duplicates outOfOrder; do
      row+=" | $(for x in $files; do field "$x" "$f"; done | median)"
    done
    echo "$row |"
  fi
} >"$OUT"
cat "$OUT"
rm -f "$LIST"
