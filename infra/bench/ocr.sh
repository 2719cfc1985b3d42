#!/usr/bin/env bash
# OCR benchmark: pages/s and time per document of the OCR workers' readers (pdftoppm, tesseract,
# the parsers) on this machine, and field accuracy on a generated set of ID documents, clean and
# phone-like (turned, noisy, blurred, small JPEG) and as PDFs. No database: see OcrBench.
#   infra/bench/ocr.sh [workers (cores - 1)] [rounds (1)]
# See docs/benchmarks.md, "OCR".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
"$ROOT/infra/deps.sh" >/dev/null
./mvnw -B -q -pl modules/uploads -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CP=modules/uploads/target/test-classes:modules/uploads/target/classes:$(cat modules/uploads/target/bench-classpath.txt)
exec java -Xmx1g -Djava.awt.headless=true -cp "$CP" io.bellhop.uploads.documents.OcrBench "$@"
