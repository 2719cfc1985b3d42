#!/usr/bin/env bash
# Installs what Bellhop needs on a Debian 12 machine, only when missing:
#   nats-server (JetStream), PostgreSQL server binaries, a JDK >= 17, Node 18+ with npm, curl, Chromium,
#   tesseract, poppler's pdftoppm and DejaVu Sans Mono (OCR of uploaded documents and PDF scans, and
#   the specimens its tests render).
# Idempotent; when everything is present it only checks (no apt-get update).
set -euo pipefail

say() { printf '[deps] %s\n' "$*"; }
die() {
  printf '[deps] ERROR: %s\n' "$*" >&2
  exit 1
}

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root or sudo to run: $*"
  fi
}

find_nats() {
  local candidate
  for candidate in "$(command -v nats-server 2>/dev/null || true)" /usr/sbin/nats-server /usr/bin/nats-server; do
    if [[ -n $candidate && -x $candidate ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Directory holding pg_ctl, initdb and createdb (Debian keeps them off PATH).
find_pg_bin() {
  local candidate dir
  candidate=$(command -v pg_ctl 2>/dev/null || true)
  if [[ -n $candidate ]]; then
    dir=$(dirname "$(readlink -f "$candidate")")
    if [[ -x $dir/initdb && -x $dir/createdb ]]; then
      echo "$dir"
      return 0
    fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    if [[ -x $dir/pg_ctl && -x $dir/initdb && -x $dir/createdb ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

java_cmd() { echo "${JAVA_HOME:+$JAVA_HOME/bin/}java"; }

# Major version of the java that Maven and infra/run will use, or nothing.
java_major() {
  local java version
  java=$(java_cmd)
  command -v "$java" >/dev/null 2>&1 || return 0
  version=$("$java" -version 2>&1 | sed -n 's/.* version "\([0-9][0-9._]*\).*/\1/p' | head -n 1)
  [[ -n $version ]] || return 0
  if [[ $version == 1.* ]]; then
    version=${version#1.}
  fi
  echo "${version%%[._]*}"
}

has_javac() { command -v "${JAVA_HOME:+$JAVA_HOME/bin/}javac" >/dev/null 2>&1; }

packages=()

if nats=$(find_nats); then
  say "nats-server: present ($nats, $("$nats" --version 2>&1 | head -n 1))"
else
  say "nats-server: missing, will install"
  packages+=(nats-server)
fi

if pg_bin=$(find_pg_bin); then
  say "postgresql: present ($pg_bin)"
else
  say "postgresql: missing, will install"
  packages+=(postgresql)
fi

major=$(java_major)
if [[ -n $major && $major -ge 17 ]] && has_javac; then
  say "java: present ($(command -v "$(java_cmd)"), version $major)"
elif [[ -n ${JAVA_HOME:-} ]]; then
  die "JAVA_HOME=$JAVA_HOME is not a JDK >= 17 (java ${major:-missing}, javac $(has_javac && echo present || echo missing)); point it at a JDK 17+ or unset it"
elif [[ -n $major && $major -lt 17 ]]; then
  say "java: version $major is older than 17, will install openjdk-17-jdk-headless"
  packages+=(openjdk-17-jdk-headless)
else
  say "java: JDK missing (java ${major:-missing}, javac $(has_javac && echo present || echo missing)), will install openjdk-17-jdk-headless"
  packages+=(openjdk-17-jdk-headless)
fi

# Node 18+ and npm build and test the browser client (modules/web-client).
node_major=$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\).*/\1/p')
if [[ -n $node_major && $node_major -ge 18 ]] && command -v npm >/dev/null 2>&1; then
  say "node: present (v$node_major, npm $(npm --version 2>/dev/null))"
else
  say "node: missing or older than 18, will install nodejs and npm"
  packages+=(nodejs npm)
fi

# curl: infra/run's readiness check and the README's demo.
if command -v curl >/dev/null 2>&1; then
  say "curl: present"
else
  say "curl: missing, will install"
  packages+=(curl)
fi

# Debian's Chromium runs the browser end-to-end tests (playwright-core drives it; it cannot
# download its own browser here).
if command -v chromium >/dev/null 2>&1; then
  say "chromium: present ($(command -v chromium))"
else
  say "chromium: missing, will install"
  packages+=(chromium)
fi

# tesseract-ocr reads uploaded ID documents (Debian 12: 5.3.0 with the eng and osd models).
if command -v tesseract >/dev/null 2>&1; then
  say "tesseract: present ($(tesseract --version 2>&1 | head -n 1))"
else
  say "tesseract: missing, will install"
  packages+=(tesseract-ocr)
fi

# poppler-utils' pdftoppm renders the pages of uploaded PDFs for tesseract, which cannot read PDF.
if command -v pdftoppm >/dev/null 2>&1; then
  say "pdftoppm: present ($(pdftoppm -v 2>&1 | head -n 1))"
else
  say "pdftoppm: missing, will install"
  packages+=(poppler-utils)
fi

# DejaVu Sans Mono: the OCR tests render their specimen documents with it.
if [[ -r /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ]]; then
  say "DejaVu Sans Mono: present"
else
  say "DejaVu Sans Mono: missing, will install"
  packages+=(fonts-dejavu-core)
fi

if ((${#packages[@]} == 0)); then
  say "all present, nothing to do"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "no apt-get (not Debian?): install ${packages[*]} by hand"
say "apt-get update"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
say "apt-get install -y ${packages[*]}"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"

# Verify the result.
nats=$(find_nats) || die "nats-server still missing after install"
pg_bin=$(find_pg_bin) || die "PostgreSQL binaries still missing after install"
major=$(java_major)
if [[ -z $major || $major -lt 17 ]] || ! has_javac; then
  die "java on PATH is ${major:-missing} after installing openjdk-17-jdk-headless; select it with: update-alternatives --config java (and javac)"
fi
command -v chromium >/dev/null 2>&1 || die "chromium still missing after install"
command -v tesseract >/dev/null 2>&1 || die "tesseract still missing after install"
command -v pdftoppm >/dev/null 2>&1 || die "pdftoppm still missing after install"
say "installed: ${packages[*]} (nats-server at $nats, PostgreSQL at $pg_bin, java $major)"
