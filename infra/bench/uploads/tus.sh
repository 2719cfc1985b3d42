#!/usr/bin/env bash
# tus benchmark: a file of random bytes with its SHA-256 declared, uploaded on loopback by
# tus-js-client from Node to Bellhop's tus endpoint and to @tus/server with its file store (the
# peer), a few runs each in one run, alternating targets; MiB/s per run and the median.
#   infra/bench/uploads/tus.sh [--runs 3] [--size-mib 200] [--chunk-mib 0 (one PATCH per file)]
#                              [--heap-mib 128 --heap-file-mib 1024] (a 1 GiB PATCH to a -Xmx128m node)
#                              [--build]   (rebuild the app jar even if one exists)
# Starts its own nats-server, PostgreSQL, one Bellhop node (the app jar) and the peer on free
# loopback ports, stops them all at the end (modules/web-client/e2e/stack.ts), and is bounded by
# a timeout. Report: bench/results/tus-<timestamp>.md. See docs/benchmarks.md, "tus uploads".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$ROOT"

BUILD=0
ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD=1; shift ;;
    --runs|--size-mib|--chunk-mib|--heap-mib|--heap-file-mib) ARGS+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

"$ROOT/infra/deps.sh" >/dev/null
if pgrep -f 'org.codehaus.plexus.classworlds.launcher.Launcher' >/dev/null; then
  echo "warning: a Maven build is running; its CPU use will lower these figures" >&2
fi
if [[ $BUILD == 1 ]] || ! ls app/target/bellhop-app-*.jar >/dev/null 2>&1; then
  ./mvnw -B -q package -pl app -am -DskipTests
fi
modules/web-client/build.sh
cd modules/web-client
exec timeout --signal=TERM --kill-after=30 1800 node dist/e2e/tus-bench.js "${ARGS[@]}"
