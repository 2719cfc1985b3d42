#!/usr/bin/env bash
# Builds the browser client (tsc → dist/). Run by the app's Maven build, which serves dist/src to
# the console at /console/client/. Installs the npm dependencies only when package-lock.json
# changed since the last install, so repeated builds stay fast and offline.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
stamp=node_modules/.bellhop-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
npm run --silent build
