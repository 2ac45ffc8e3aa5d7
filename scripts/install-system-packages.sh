#!/usr/bin/env bash
# Installs the system packages the test suites use, from Debian's packages, when missing:
# PostgreSQL's server (the PostgreSQL half) and any package named on the command line.
# Run as root (CI is); elsewhere it says what to install and exits 1.
set -euo pipefail
missing_postgresql=false
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing_postgresql=true
others=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || others+=("$pkg")
done
if ! $missing_postgresql && [ ${#others[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install these Debian packages first (as root):" \
       "$($missing_postgresql && echo postgresql) ${others[*]}" >&2
  exit 1
fi
apt-get update -qq
if $missing_postgresql; then
  echo "installing PostgreSQL (Debian package, first run only)..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if [ ${#others[@]} -gt 0 ]; then
  echo "installing ${others[*]} (Debian packages, first run only)..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${others[@]}" >/dev/null
fi
