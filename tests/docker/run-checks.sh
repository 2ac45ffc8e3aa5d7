#!/usr/bin/env bash
# make test-docker: build the project's Docker image with a real Docker engine and check it.
#
# STAND-IN BASE IMAGE. The machines this runs on reach Debian's and PyPI's servers but no container
# registry, so `FROM python:3.11-slim-bookworm` cannot be pulled. This script builds a stand-in with
# the same Debian release (bookworm) and Python minor (3.11) using debootstrap, and tags it
# python:3.11-slim-bookworm in a private Docker daemon. The checks therefore prove the Dockerfile's
# own steps (install, non-root user, entry point, volume, health check, signal handling), not the
# official image itself. See ../../../shared/notes/docker-check.md.
#
# What it does:
#   1. installs docker.io (and debootstrap when the base is not cached) with apt-get if missing;
#   2. starts a private dockerd (own socket, data and exec roots under a temporary folder;
#      --iptables=false --ip-forward=false --bridge=none: the host's firewall and forwarding are
#      left alone; every container runs with --network none);
#   3. builds the stand-in base once, cached as a tarball in $CACHE (see below);
#   4. downloads a wheelhouse on the host (build backend + [project].dependencies from
#      pyproject.toml, cached by their hash) and builds the image with --network none,
#      PIP_NO_INDEX=1 and PIP_FIND_LINKS pointing at it (DOCKER_BUILDKIT=0, legacy builder);
#   5. runs the checks below, printing PASS/FAIL lines and a summary;
#   6. starts a throwaway PostgreSQL server on the host (its unix socket bind-mounted into the
#      containers) and checks the same image on it: migrate, connect, store, stop, backup advice.
#
# If the engine cannot start here, it prints "docker checks SKIPPED: <why>" and exits 0. After the
# engine is up, every failure fails the run (exit 1). The trap removes containers, the volume, the
# daemon and its mounts, and the temporary wheelhouse in build/wheelhouse, whatever happens.
#
# Environment: XDG_CACHE_HOME (cache at ${XDG_CACHE_HOME:-$HOME/.cache}/rocky-bot-docker),
# ROCKY_DEBIAN_MIRROR (debootstrap mirror, default: debootstrap's own), KEEP_WORKDIR=1 (debugging).

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHECKS_DIR="$ROOT/tests/docker"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/rocky-bot-docker"
BASE_IMAGE=python:3.11-slim-bookworm
BASE_TAR="$CACHE/stand-in-python3.11-bookworm.tar"
IMAGE=rocky-bot:docker-check
TAG="rocky-check-$$"
WHEELHOUSE="$ROOT/build/wheelhouse"
IMAGE_UID=10001
STOP_LIMIT=5 # seconds docker stop may take (Docker's grace period is 10 s)
HEALTH_ARGS=(--health-interval 1s --health-timeout 10s --health-retries 1 --health-start-period 0s)
BOT_ENV=(
    -e DISCORD_TOKEN=docker-check-token
    -e DISCORD_API_BASE=http://127.0.0.1:8080/api/v10
    -e DISCORD_GATEWAY_URL=ws://127.0.0.1:8080/gateway
    -e ROCKY_TEST_GUILD_READY_TIMEOUT=0.2
)

W=""
DOCKERD_PID=""
DOCKER=""
ROOTFS=""
APT_LOG=""
POLICY_MADE=""
WHEELHOUSE_MADE=""
ENGINE_UP=""
PASSED=0
FAILED=0
T0=$SECONDS

exec 3>&1 # progress lines go here even from inside a redirected function call
say() { printf '%s\n' "$*" >&3; }
pass() { PASSED=$((PASSED + 1)); say "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); say "FAIL: $*"; }
indent() { sed 's/^/    | /'; }
dk() { "$DOCKER" "$@"; }

summary() {
    say "docker checks: $PASSED passed, $FAILED failed ($((SECONDS - T0)) s; stand-in base image)"
    if [ "$FAILED" -gt 0 ]; then exit 1; fi
    exit 0
}

# A failure that makes the remaining checks meaningless.
abort() {
    fail "$1"
    if [ -n "${2:-}" ] && [ -f "$2" ]; then tail -n 40 "$2" | indent; fi
    summary
}

skip() {
    say "docker checks SKIPPED: $*"
    exit 0
}

unmount_under() { # unmount everything mounted below $1, deepest first
    local dir=$1 m
    [ -n "$dir" ] || return 0
    awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

stop_dockerd() { # by its PID (SIGTERM, then SIGKILL after 20 s), then release its mounts
    if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
        kill -TERM "$DOCKERD_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$DOCKERD_PID" 2>/dev/null
        wait "$DOCKERD_PID" 2>/dev/null
    fi
    DOCKERD_PID=""
    if [ -n "$W" ]; then
        umount "$W/exec/netns/default" 2>/dev/null
        unmount_under "$W"
    fi
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$ENGINE_UP" ]; then
        local ids
        ids=$(dk ps -aq --filter "label=$TAG" 2>/dev/null)
        [ -n "$ids" ] && dk rm -f $ids >/dev/null 2>&1
        dk volume rm -f "$TAG-data" >/dev/null 2>&1
    fi
    stop_dockerd
    if [ -n "${PG_STARTED:-}" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
    fi
    if [ -n "$W" ]; then
        if [ -n "${KEEP_WORKDIR:-}" ]; then say "work folder kept: $W"; else rm -rf --one-file-system "$W"; fi
    fi
    if [ -n "$ROOTFS" ]; then
        unmount_under "$ROOTFS"
        rm -rf --one-file-system "$ROOTFS"
    fi
    [ -n "$WHEELHOUSE_MADE" ] && rm -rf "$WHEELHOUSE"
    rm -f "$APT_LOG"
    [ -n "$POLICY_MADE" ] && rm -f /usr/sbin/policy-rc.d
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

say "docker checks: building and running the image with a real Docker engine on a STAND-IN base"
say "  ($BASE_IMAGE rebuilt here with debootstrap: bookworm + Python 3.11; no registry access)"

# --- 1. the engine -------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || skip "a private Docker daemon needs root (running as uid $(id -u))"
apt_install() { # $@ = packages; no system-wide daemon is started by the install (policy-rc.d)
    local rc
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d &&
            POLICY_MADE=1
    fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$APT_LOG" 2>&1
    rc=$?
    [ -n "$POLICY_MADE" ] && rm -f /usr/sbin/policy-rc.d && POLICY_MADE=""
    return $rc
}
APT_LOG=$(mktemp /tmp/rocky-docker-apt.XXXXXX)
if ! command -v dockerd >/dev/null 2>&1; then
    say "installing docker.io with apt-get (about 15 s)..."
    if ! apt_install docker.io; then
        reason=$(tail -n 1 "$APT_LOG")
        rm -f "$APT_LOG"
        skip "docker.io could not be installed with apt-get ($reason)"
    fi
fi
# The client from the same installation as dockerd (a newer client elsewhere on PATH may lack the
# legacy builder); any docker client otherwise.
DOCKER=$(dirname "$(dirname "$(command -v dockerd)")")/bin/docker
[ -x "$DOCKER" ] || DOCKER=$(command -v docker) || skip "dockerd is installed but no docker client"

W=$(mktemp -d /tmp/rocky-docker.XXXXXX)
export DOCKER_HOST="unix://$W/docker.sock"
export DOCKER_BUILDKIT=0
echo '{}' >"$W/daemon.json"

start_dockerd() { # $1 = storage driver; returns 0 once `docker info` answers
    local driver=$1
    mkdir -p "$W/data" "$W/exec"
    dockerd --config-file "$W/daemon.json" --storage-driver "$driver" \
        --iptables=false --ip-forward=false --ip-masq=false --bridge=none --userland-proxy=false \
        --data-root "$W/data" --exec-root "$W/exec" --pidfile "$W/dockerd.pid" \
        --containerd-namespace "$TAG" --containerd-plugins-namespace "$TAG-plugins" \
        -H "$DOCKER_HOST" --log-level warn >"$W/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 1 150); do
        dk info >/dev/null 2>&1 && return 0
        kill -0 "$DOCKERD_PID" 2>/dev/null || break
        sleep 0.2
    done
    stop_dockerd
    rm -rf --one-file-system "$W/data" "$W/exec"
    return 1
}

say "starting a private Docker daemon..."
if ! start_dockerd overlay2; then
    why=$(grep -iE 'error|fail' "$W/dockerd.log" | tail -n 1 | cut -c1-300)
    if ! grep -qi overlay <<<"$why"; then
        skip "the Docker daemon did not start: ${why:-no answer on $DOCKER_HOST within 30 s}"
    fi
    say "  overlay2 storage failed ($why); trying vfs (slow, about 3 GB)..."
    if ! start_dockerd vfs; then
        why=$(grep -iE 'error|fail' "$W/dockerd.log" | tail -n 1 | cut -c1-300)
        skip "the Docker daemon did not start: ${why:-no answer on $DOCKER_HOST within 30 s}"
    fi
fi
ENGINE_UP=1
say "  engine up: $(dk version -f 'Docker {{.Server.Version}}' 2>/dev/null), storage $(dk info -f '{{.Driver}}' 2>/dev/null)"

# --- 2. the stand-in base image ------------------------------------------------------------------
mkdir -p "$CACHE"
if [ ! -s "$BASE_TAR" ]; then
    say "building stand-in base (about 45 s)..."
    if ! command -v debootstrap >/dev/null 2>&1; then
        apt_install debootstrap || abort "apt-get could not install debootstrap" "$APT_LOG"
    fi
    ROOTFS=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip \
        bookworm "$ROOTFS" ${ROCKY_DEBIAN_MIRROR:+"$ROCKY_DEBIAN_MIRROR"} >"$W/debootstrap.log" 2>&1 ||
        abort "debootstrap could not build the stand-in base" "$W/debootstrap.log"
    unmount_under "$ROOTFS"
    ln -sf python3 "$ROOTFS/usr/bin/python"
    rm -f "$ROOTFS"/usr/lib/python3.*/EXTERNALLY-MANAGED
    rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
    tar --numeric-owner -C "$ROOTFS" -cf "$BASE_TAR.tmp" . || abort "could not pack the stand-in base"
    mv "$BASE_TAR.tmp" "$BASE_TAR"
    rm -rf --one-file-system "$ROOTFS"
    ROOTFS=""
else
    say "stand-in base: cached $BASE_TAR"
fi
say "importing the stand-in base as $BASE_IMAGE..."
dk import \
    -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV LANG=C.UTF-8' -c 'CMD ["python3"]' \
    "$BASE_TAR" "$BASE_IMAGE" >"$W/import.log" 2>&1 || abort "docker import of the stand-in base" "$W/import.log"
base_py=$(dk run --rm --pull never --network none --label "$TAG" "$BASE_IMAGE" \
    python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>&1)
[ "$base_py" = "3.11" ] || abort "the stand-in base runs Python 3.11 (got: $base_py)"

# --- 3. the wheelhouse (made on the host, the only step that uses the network) -------------------
PYTHON=""
for candidate in "$ROOT/.venv/bin/python" python3; do
    if "$candidate" -c 'import sys, tomllib, pip; assert sys.version_info >= (3, 11)' >/dev/null 2>&1; then
        PYTHON=$candidate
        break
    fi
done
if [ -z "$PYTHON" ]; then
    apt_install python3-pip || abort "apt-get could not install python3-pip (for the wheelhouse)" "$APT_LOG"
    PYTHON=python3
fi
# The build backend and the runtime dependencies, read from pyproject.toml so this stays in sync.
"$PYTHON" - "$ROOT/pyproject.toml" >"$W/requirements.txt" <<'EOF' || abort "read the requirements from pyproject.toml"
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    meta = tomllib.load(f)
print("\n".join(meta["build-system"]["requires"] + meta["project"].get("dependencies", [])))
EOF
PLATFORM_ARGS=(--only-binary=:all: --python-version 3.11 --implementation cp --abi cp311
    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64)
key=$( (cat "$W/requirements.txt"; echo "${PLATFORM_ARGS[*]}") | sha256sum | cut -c1-16)
WHEEL_CACHE="$CACHE/wheels-$key"
if [ ! -f "$WHEEL_CACHE/.complete" ]; then
    say "downloading the wheelhouse on the host ($(paste -sd' ' "$W/requirements.txt"))..."
    rm -rf "$WHEEL_CACHE"
    "$PYTHON" -m pip download --disable-pip-version-check -q -d "$WHEEL_CACHE" "${PLATFORM_ARGS[@]}" \
        -r "$W/requirements.txt" >"$W/pip.log" 2>&1 || abort "pip download of the wheelhouse" "$W/pip.log"
    touch "$WHEEL_CACHE/.complete"
    find "$CACHE" -maxdepth 1 -name 'wheels-*' ! -name "wheels-$key" -exec rm -rf {} + # stale sets
else
    say "wheelhouse: cached $WHEEL_CACHE"
fi
if [ -e "$WHEELHOUSE" ]; then
    abort "$WHEELHOUSE already exists (another run, or left by hand); remove it and run again"
fi
mkdir -p "$(dirname "$WHEELHOUSE")"
WHEELHOUSE_MADE=1
cp -r "$WHEEL_CACHE" "$WHEELHOUSE"
rm -f "$WHEELHOUSE/.complete"

# --- 4. the offline build ------------------------------------------------------------------------
say "building the image offline (--network none, PIP_NO_INDEX=1, PIP_FIND_LINKS=/src/build/wheelhouse)..."
t=$SECONDS
if dk build --network none --build-arg PIP_NO_INDEX=1 --build-arg PIP_FIND_LINKS=/src/build/wheelhouse \
    --label "$TAG" -t "$IMAGE" "$ROOT" >"$W/build.log" 2>&1; then
    pass "the image builds with no network from the wheelhouse ($((SECONDS - t)) s)"
else
    abort "the offline image build (docker build --network none)" "$W/build.log"
fi
rm -rf "$WHEELHOUSE"
WHEELHOUSE_MADE=""

# --- 5. checks -----------------------------------------------------------------------------------
run() { dk run --pull never --network none --label "$TAG" "$@"; }

# The image's own settings.
cfg=$(dk image inspect -f '{{.Config.User}}|{{json .Config.Volumes}}|{{json .Config.Healthcheck.Test}}|{{json .Config.Entrypoint}}|{{range .Config.Env}}{{.}} {{end}}' "$IMAGE")
IFS='|' read -r img_user img_volumes img_health img_entry img_env <<<"$cfg"
problems=()
case "$img_user" in "" | 0 | 0:* | root | root:*) problems+=("runs as root (USER '$img_user')") ;; esac
[[ "$img_volumes" == *'"/data"'* ]] || problems+=("no /data volume ($img_volumes)")
[[ "$img_health" == *'"rocky-bot","health"'* ]] || problems+=("HEALTHCHECK is not rocky-bot health ($img_health)")
[[ "$img_entry" == '["rocky-bot"]' ]] || problems+=("ENTRYPOINT is not the exec form [\"rocky-bot\"] ($img_entry)")
[[ " $img_env" == *" DATABASE_PATH=/data/rocky.db "* ]] || problems+=("DATABASE_PATH is not /data/rocky.db")
if [ ${#problems[@]} -eq 0 ]; then
    pass "image settings: USER $img_user, VOLUME /data, HEALTHCHECK rocky-bot health, exec-form entry point"
else
    fail "image settings: $(IFS=';'; echo "${problems[*]}")"
fi

# .dockerignore, tried on a throwaway context holding one canary of each kind it must keep out.
ctx="$W/ignore-context"
mkdir -p "$ctx"/{.git,tests,.venv/bin,bot/__pycache__,.pytest_cache,.ruff_cache,data,build/lib,build/wheelhouse,dist}
for f in .env .env.local .git/config tests/test_x.py .venv/bin/python bot/__pycache__/x.cpython-311.pyc \
    .pytest_cache/README.md .ruff_cache/x data/rocky.db data/rocky.db-wal data/rocky.db.heartbeat \
    build/lib/x.py dist/x.whl bot.log; do echo canary >"$ctx/$f"; done
echo keep >"$ctx/bot/keep.py"
echo keep >"$ctx/build/wheelhouse/keep.whl"
cp "$ROOT/.dockerignore" "$ctx/.dockerignore"
printf 'FROM %s\nCOPY . /ctx\n' "$BASE_IMAGE" >"$ctx/Dockerfile"
if dk build --network none --label "$TAG" -q -t "$TAG-ignore" "$ctx" >"$W/ignore-build.log" 2>&1; then
    leaked=$(run --rm --entrypoint sh "$TAG-ignore" -c 'cd /ctx && find . -type f | sort' 2>&1 | grep -v -e '^./bot/keep.py$' -e '^./build/wheelhouse/keep.whl$')
    kept=$(run --rm --entrypoint sh "$TAG-ignore" -c 'ls /ctx/bot/keep.py /ctx/build/wheelhouse/keep.whl' 2>&1 | wc -l)
    if [ -z "$leaked" ] && [ "$kept" = 2 ]; then
        pass ".dockerignore keeps .env, .git, tests, .venv, caches, databases and build output out of the context"
    else
        fail ".dockerignore: these reached the build context: ${leaked:-none}; sources/wheelhouse kept: $kept of 2"
    fi
    dk rmi -f "$TAG-ignore" >/dev/null 2>&1
else
    fail ".dockerignore check: the throwaway build failed"
    tail -n 20 "$W/ignore-build.log" | indent
fi

# Nothing secret or unneeded in the final image: no sources, wheelhouse, .env or VCS data.
found=$(run --rm --entrypoint sh "$IMAGE" -c \
    'find / -xdev \( -name .env -o -name .git -o -name wheelhouse -o -path /src -o -path "/opt/*.whl" \) -print 2>/dev/null; ls -A /data' 2>&1)
if [ -z "$found" ]; then
    pass "the final image holds no sources, wheels, .env or .git, and /data starts empty"
else
    fail "the final image holds files it should not: $(echo "$found" | head -n 5 | paste -sd' ')"
fi

# No token, no terminal: exit 2 and one sentence naming DISCORD_TOKEN.
out=$(run --rm "$IMAGE" 2>&1)
rc=$?
if [ "$rc" = 2 ] && grep -q DISCORD_TOKEN <<<"$out"; then
    pass "no token: exit 2 with \"$(grep -m1 DISCORD_TOKEN <<<"$out" | cut -c1-160)\""
else
    fail "no token: expected exit 2 and a sentence naming DISCORD_TOKEN, got exit $rc"
    echo "$out" | tail -n 10 | indent
fi

# The bundled content packs validate inside the image.
out=$(run --rm "$IMAGE" content check 2>&1)
rc=$?
if [ "$rc" = 0 ]; then
    pass "rocky-bot content check passes inside the image ($(echo "$out" | tail -n 1 | cut -c1-120))"
else
    fail "rocky-bot content check inside the image: exit $rc"
    echo "$out" | tail -n 15 | indent
fi

# The database: created on the volume by the non-root user.
VOL="$TAG-data"
dk volume create --label "$TAG" "$VOL" >/dev/null
out=$(run --name "$TAG-migrate" -v "$VOL:/data" "$IMAGE" db migrate 2>&1)
rc=$?
owner=$(run --rm -v "$VOL:/data" --entrypoint stat "$IMAGE" -c '%u:%g %a %n' /data/rocky.db 2>&1)
if [ "$rc" = 0 ] && [[ "$owner" == "$IMAGE_UID:$IMAGE_UID "* ]]; then
    pass "rocky-bot db migrate creates /data/rocky.db on the volume, owned by uid $IMAGE_UID ($owner)"
else
    fail "database on the volume: db migrate exit $rc, file: $owner"
    echo "$out" | tail -n 10 | indent
fi

# Snapshot of the database: every table's rows, as a digest and per-table counts.
snapshot() { # $1 = path inside the volume
    run --rm -v "$VOL:/data" --entrypoint python "$IMAGE" -c '
import hashlib, sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
tables = [r[0] for r in con.execute("select name from sqlite_master where type = \"table\" order by name")]
counts = {t: con.execute("select count(*) from \"%s\"" % t).fetchone()[0] for t in tables}
digest = hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()[:12]
print(digest, sum(counts.values()), " ".join("%s=%d" % kv for kv in counts.items() if kv[1]))
' "$1" 2>&1
}

wait_health() { # $1 container, $2 wanted status, $3 timeout (s); says the state when it gives up
    local name=$1 want=$2 limit=$3 state
    for _ in $(seq 1 $((limit * 5))); do
        state=$(dk inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$name" 2>/dev/null)
        [ "$state" = "running $want" ] && return 0
        [[ "$state" == running* ]] || break
        sleep 0.2
    done
    say "    container state: ${state:-gone}"
    return 1
}
last_health() { # the latest health check: exit code and output
    dk inspect -f '{{with .State.Health}}{{range .Log}}{{.ExitCode}}: {{json .Output}}{{"\n"}}{{end}}{{end}}' "$1" 2>/dev/null |
        awk 'NF { last = $0 } END { print last }' | sed -e 's/\\n"$/"/' | cut -c1-200
}
container_logs() { dk logs --tail 25 "$1" 2>&1 | indent; }

# The bot against the emulator on the container's loopback, with the image's own HEALTHCHECK
# (only its timing shortened) and the bot as PID 1 (with-emulator.sh execs it).
start_live() { # $1 container name
    run -d --name "$1" -v "$VOL:/data" -v "$CHECKS_DIR:/checks:ro" "${BOT_ENV[@]}" "${HEALTH_ARGS[@]}" \
        --entrypoint /bin/sh "$IMAGE" /checks/with-emulator.sh rocky-bot run >/dev/null
}

LIVE="$TAG-live"
if start_live "$LIVE" && wait_health "$LIVE" healthy 60; then
    pass "healthy once the bot is connected to the emulator ($(last_health "$LIVE"))"
    status=$(dk exec "$LIVE" cat /proc/1/status 2>&1)
    cmd=$(dk exec "$LIVE" cat /proc/1/cmdline 2>&1 | tr '\0' ' ')
    uid=$(awk '/^Uid:/ { print $2 }' <<<"$status")
    if [ "$uid" = "$IMAGE_UID" ] && [[ "$cmd" == *rocky-bot* ]]; then
        pass "the bot runs as PID 1 under the non-root uid $uid ($cmd)"
    else
        fail "the bot process: PID 1 is '$cmd' with uid '${uid:-?}' (expected rocky-bot as $IMAGE_UID)"
    fi
    t=$(date +%s.%N)
    dk stop "$LIVE" >/dev/null 2>&1
    took=$(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    code=$(dk inspect -f '{{.State.ExitCode}}' "$LIVE")
    if [ "$code" = 0 ] && awk -v s="$took" -v l="$STOP_LIMIT" 'BEGIN { exit !(s < l) }'; then
        pass "docker stop: the bot exits 0 after SIGTERM in $took s (grace period 10 s)"
    else
        fail "docker stop: exit code $code after $took s (want 0 within $STOP_LIMIT s)"
        container_logs "$LIVE"
    fi
else
    fail "healthy once connected: the container never became healthy ($(last_health "$LIVE"))"
    container_logs "$LIVE"
    dk exec "$LIVE" cat /tmp/emulator.log 2>/dev/null | tail -n 10 | indent
fi

# Connection lost: stop the emulator under the running bot; the health check must turn unhealthy.
LOST="$TAG-lost"
if start_live "$LOST" && wait_health "$LOST" healthy 60; then
    dk exec "$LOST" sh -c 'kill "$(cat /tmp/emulator.pid)"' >/dev/null 2>&1
    t=$SECONDS
    if wait_health "$LOST" unhealthy 120; then
        pass "unhealthy $((SECONDS - t)) s after the connection is lost, bot still running ($(last_health "$LOST"))"
    else
        fail "unhealthy without a connection: still '$(dk inspect -f '{{.State.Health.Status}}' "$LOST")' 120 s after the emulator stopped"
        container_logs "$LOST"
    fi
    dk stop "$LOST" >/dev/null 2>&1
    code=$(dk inspect -f '{{.State.ExitCode}}' "$LOST")
    if [ "$code" = 0 ]; then
        pass "docker stop while disconnected: the bot exits 0"
    else
        fail "docker stop while disconnected: exit code $code (want 0)"
        container_logs "$LOST"
    fi
else
    fail "unhealthy without a connection: could not bring a second bot up to disconnect it"
    container_logs "$LOST"
fi

# The data outlives the containers: remove them all, start a new one on the same volume.
before=$(snapshot /data/rocky.db)
ids=$(dk ps -aq --filter "label=$TAG")
[ -n "$ids" ] && dk rm -f $ids >/dev/null
out=$(run --rm -v "$VOL:/data" "$IMAGE" db backup /data/backup.db 2>&1)
rc=$?
after=$(snapshot /data/rocky.db)
copy=$(snapshot /data/backup.db)
rows=$(awk '{ print $2 }' <<<"$before")
if [ "$rc" = 0 ] && [ "$before" = "$after" ] && [ "$after" = "$copy" ] && [ "${rows:-0}" -gt 0 ] 2>/dev/null; then
    pass "the database and its data survive removing the containers (rows: $(cut -d' ' -f3- <<<"$after")); db backup copies them"
else
    fail "data on the volume after the containers were removed: before [$before] after [$after] backup [$copy] (db backup exit $rc)"
    echo "$out" | tail -n 5 | indent
fi


# --- 6. the same image on PostgreSQL -------------------------------------------------------------
# A throwaway PostgreSQL server on the host, reached by the containers through its unix socket in
# a bind-mounted folder (the containers keep --network none).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PG_BIN" ]; then
    bash "$ROOT/scripts/install-system-packages.sh" >"$W/pg-install.log" 2>&1
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$PG_BIN" ]; then
    fail "PostgreSQL: no server could be installed for the PostgreSQL checks"
    summary
fi
PG_DIR="$W/postgres"
mkdir -p "$PG_DIR/data" "$PG_DIR/sock"
chown -R postgres "$PG_DIR" && chmod 755 "$W" "$PG_DIR" "$PG_DIR/sock"
pg() { runuser -u postgres -- "$@"; }
if pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U rocky --no-sync >"$W/pg.log" 2>&1 &&
    pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-k $PG_DIR/sock -c listen_addresses=''" start >>"$W/pg.log" 2>&1 &&
    pg "$PG_BIN/createdb" -h "$PG_DIR/sock" -U rocky rocky >>"$W/pg.log" 2>&1; then
    PG_STARTED=1
else
    abort "PostgreSQL: the throwaway server did not start" "$W/pg.log"
fi
psql_q() { pg psql -h "$PG_DIR/sock" -U rocky -d rocky -tAc "$1" 2>&1; }
PG_ENV=(-v "$PG_DIR/sock:/pgsock" -e DATABASE_PATH= -e "DATABASE_URL=postgresql://rocky@/rocky?host=/pgsock")

out=$(run --rm "${PG_ENV[@]}" "$IMAGE" db migrate 2>&1)
rc=$?
tables=$(psql_q "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$rc" = 0 ] && [ "${tables:-0}" -gt 10 ] 2>/dev/null; then
    pass "PostgreSQL: db migrate in the image creates the schema ($tables tables; $(echo "$out" | tail -n 1 | cut -c1-100))"
else
    fail "PostgreSQL: db migrate exit $rc, tables: $tables"
    echo "$out" | tail -n 10 | indent
fi

PGLIVE="$TAG-pg-live"
if run -d --name "$PGLIVE" "${PG_ENV[@]}" -v "$VOL:/data" -v "$CHECKS_DIR:/checks:ro" "${BOT_ENV[@]}" \
    "${HEALTH_ARGS[@]}" --entrypoint /bin/sh "$IMAGE" /checks/with-emulator.sh rocky-bot run >/dev/null &&
    wait_health "$PGLIVE" healthy 60; then
    guilds=$(psql_q "SELECT COUNT(*) FROM guilds")
    if [ "${guilds:-0}" -gt 0 ] 2>/dev/null; then
        pass "PostgreSQL: the bot in the image connects, turns healthy and stores its servers there ($guilds)"
    else
        fail "PostgreSQL: healthy, but no server stored in PostgreSQL ($guilds)"
        container_logs "$PGLIVE"
    fi
    dk stop "$PGLIVE" >/dev/null 2>&1
    code=$(dk inspect -f '{{.State.ExitCode}}' "$PGLIVE")
    if [ "$code" = 0 ]; then
        pass "PostgreSQL: docker stop, the bot exits 0"
    else
        fail "PostgreSQL: docker stop, exit code $code (want 0)"
        container_logs "$PGLIVE"
    fi
else
    fail "PostgreSQL: the bot never became healthy ($(last_health "$PGLIVE"))"
    container_logs "$PGLIVE"
fi

out=$(run --rm "${PG_ENV[@]}" "$IMAGE" db backup /data/x.db 2>&1)
rc=$?
if [ "$rc" = 2 ] && grep -q pg_dump <<<"$out"; then
    pass "PostgreSQL: db backup says to use pg_dump instead (exit 2)"
else
    fail "PostgreSQL: db backup exit $rc: $(echo "$out" | tail -n 1)"
fi

summary
