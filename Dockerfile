# Rocky bot image.
#
#   docker build -t rocky-bot .
#   docker run -d --env-file .env -v rocky-data:/data rocky-bot       (or: docker compose up -d)
#
# Offline / air-gapped build: put wheels for the dependencies and the build backend (setuptools,
# wheel) in build/wheelhouse/ inside this folder, then
#   docker build --network none --build-arg PIP_NO_INDEX=1 \
#       --build-arg PIP_FIND_LINKS=/src/build/wheelhouse -t rocky-bot .
# pip reads PIP_* variables from the environment, so without these arguments the build uses PyPI.
# tests/docker/run-checks.sh (make test-docker) builds and checks this image that way.

FROM python:3.11-slim-bookworm AS build
ARG PIP_NO_INDEX
ARG PIP_FIND_LINKS
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
# The context is filtered by .dockerignore: no .env, .git, tests or caches get here.
COPY . /src
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install /src


# Only the virtual environment leaves the build stage: no sources, wheels or pip caches.
FROM python:3.11-slim-bookworm
LABEL org.opencontainers.image.title="rocky-bot" \
      org.opencontainers.image.description="A self-hosted Discord bot for Rocky fan communities." \
      org.opencontainers.image.licenses="MIT"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_PATH=/data/rocky.db
# A fixed, non-root uid/gid (10001) so a bind-mounted host folder can be chowned to match.
RUN groupadd --system --gid 10001 rocky \
 && useradd --system --uid 10001 --gid rocky --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin rocky \
 && install -d -o rocky -g rocky -m 0750 /data
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /data
# The SQLite database, its WAL files and the heartbeat live here.
VOLUME ["/data"]
# Healthy only while the bot is connected to the Discord gateway: `rocky-bot health` checks that
# the heartbeat file the connected bot rewrites every few seconds is fresh.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["rocky-bot", "health"]
# Exec form: the bot is PID 1 and gets SIGTERM from `docker stop` itself; it finishes pending
# writes, closes the database and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["rocky-bot"]
CMD ["run"]
