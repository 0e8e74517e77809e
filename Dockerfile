# syntax=docker/dockerfile:1
#
# koersbord as one container: the server binary with the client embedded, SQLite on a volume.
#   docker build -t koersbord .                (BuildKit: the default builder of Docker 23+)
#   podman build --format docker -t koersbord .  (keeps the HEALTHCHECK; OCI images drop it)
# Run it behind a TLS proxy: compose.yaml (Caddy) and docs/DEPLOY.md.

# ---- build: `cargo xtask dist` -> target/release/koersbord (client embedded) --------------------
# The workspace's rust-version is 1.95; keep this in step with Cargo.toml. Names are fully
# qualified so podman (no short-name search by default) finds them too.
ARG RUST_VERSION=1.95
FROM docker.io/library/rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src

# Its own layer, so the target is not downloaded again for every source change (xtask would add it
# itself when missing).
RUN rustup target add wasm32-unknown-unknown

COPY . .

# The registry, git checkouts and the target directory are BuildKit cache mounts: a rebuild after
# a source change recompiles only what changed. A cache mount is not part of the image, so the
# binary is copied out of it to /out.
RUN --mount=type=cache,id=koersbord-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=koersbord-cargo-git,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,id=koersbord-target,target=/src/target,sharing=locked \
    cargo xtask dist \
 && install -D -m 0755 target/release/koersbord /out/koersbord

# ---- runtime: glibc (as in the build image), no shell tools needed ----------------------------
FROM docker.io/library/debian:bookworm-slim AS runtime

# A fixed uid/gid, so a bind-mounted /data can be prepared on the host (chown 10001:10001).
# /data belongs to it before VOLUME: a new named volume starts with this owner and mode.
RUN groupadd --system --gid 10001 koersbord \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin koersbord \
 && install -d -o 10001 -g 10001 -m 0700 /data

COPY --from=build /out/koersbord /usr/local/bin/koersbord

ENV KOERSBORD_DB=/data/koersbord.sqlite3 \
    KOERSBORD_BIND=0.0.0.0 \
    KOERSBORD_PORT=8080 \
    RUST_LOG=info

VOLUME ["/data"]
WORKDIR /data
USER 10001:10001
EXPOSE 8080

# The server closes its sockets with 1001, lets rooms finish their commits and drains the
# database writer on SIGTERM.
STOPSIGNAL SIGTERM

# `koersbord healthcheck` GETs http://127.0.0.1:$KOERSBORD_PORT/healthz and exits 0 on 200: no curl
# in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["koersbord", "healthcheck"]

# No arguments: serve. Subcommands run the same binary on the same volume, e.g.
#   docker compose exec koersbord koersbord backup --to /data/backup.sqlite3
ENTRYPOINT ["koersbord"]
