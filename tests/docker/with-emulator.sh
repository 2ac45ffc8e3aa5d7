#!/bin/sh
# Runs inside the container (mounted at /checks by run-checks.sh): starts the project's Discord
# emulator on the container's loopback, waits until it listens, then replaces itself with the bot,
# which thus stays PID 1 and receives `docker stop`'s SIGTERM exactly as in production.
set -eu
port="${EMULATOR_PORT:-8080}"
python -m bot.emulator --port "$port" >/tmp/emulator.log 2>&1 &
echo $! >/tmp/emulator.pid
i=0
until grep -q listening /tmp/emulator.log 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 300 ] || ! kill -0 "$(cat /tmp/emulator.pid)" 2>/dev/null; then
        echo "with-emulator.sh: the emulator did not start listening on port $port:" >&2
        cat /tmp/emulator.log >&2
        exit 1
    fi
    sleep 0.1
done
exec "$@"
