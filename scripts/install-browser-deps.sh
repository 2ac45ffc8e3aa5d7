#!/usr/bin/env bash
# What the browser tests need, installed from the usual places (never `playwright install`,
# which downloads browser builds): Debian's Chromium, axe-core from npm into .cache/browser,
# and the Python extra `browser` (Playwright) into the virtualenv given as $1.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV_PY="${1:-.venv/bin/python}"

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        echo "installing Chromium with apt-get..."
        apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    else
        echo "Chromium is missing: install Debian's chromium package (as root: apt-get install -y chromium)." >&2
        exit 1
    fi
fi

if [ ! -f .cache/browser/node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
            echo "installing npm with apt-get..."
            apt-get update -qq && apt-get install -y -qq npm >/dev/null
        else
            echo "npm is missing: install Node.js and npm (as root: apt-get install -y npm)." >&2
            exit 1
        fi
    fi
    echo "installing axe-core into .cache/browser..."
    npm install --prefix .cache/browser --no-audit --no-fund --silent axe-core@4
fi

"$VENV_PY" -m pip install --quiet --disable-pip-version-check -e ".[dev,browser]"
