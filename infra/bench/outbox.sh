#!/usr/bin/env bash
# Outbox benchmark: what a transactional outbox event costs over EventPublisher.publish, in one
# run against private nats-server and PostgreSQL (started and stopped by the test support).
#   infra/bench/outbox.sh [events-per-round (2000)] [writers (8)] [rounds (3)]
# Prints one line per round and path: latency call -> live feed (one at a time) and events/s with
# several writers. See docs/benchmarks.md, "Outbox".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
"$ROOT/infra/deps.sh" >/dev/null
./mvnw -B -q -pl modules/persistence -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP=modules/persistence/target/test-classes:modules/persistence/target/classes:$(cat modules/persistence/target/bench-classpath.txt)
exec java -Xmx1g -cp "$CP" io.bellhop.persistence.outbox.OutboxBench "$@"
