#!/usr/bin/env bash
# Builds the container image and checks it the way a deployment uses it:
#   1. finds a working container engine (docker, else podman);
#   2. builds the image from ./Dockerfile (or takes KOERSBORD_IMAGE as it is);
#   3. runs it on a new volume, published on a random 127.0.0.1 port only;
#   4. waits (bounded) for its HEALTHCHECK (`koersbord healthcheck`) to report healthy;
#   5. probes /healthz and / (the board's index.html), creates a session (POST /api/sessions)
#      and takes a backup while it runs (`koersbord backup --to`);
#   6. stops it (the image's STOPSIGNAL, SIGTERM) and expects exit status 0 within STOP_TIMEOUT;
#   7. runs `koersbord check` on the volume, checks the database file's owner and mode;
#   8. starts a new container on the same volume and finds the session again by its join code
#      (POST /api/join-code);
#   9. removes every container, the volume and (unless KEEP_IMAGE=1 or KOERSBORD_IMAGE was given)
#      the image it made. BuildKit's cache mounts stay, so the next build is quick.
#
# Every request this script sends goes to 127.0.0.1. (Building the image downloads the base images,
# crates and the wasm target: that is the engine's and cargo's traffic.)
#
# Settings (environment):
#   CONTAINER_ENGINE        docker or podman (default: the first of them that answers `info`)
#   CONTAINER_ENGINE_ARGS   global engine options, e.g. "--runtime runc" for podman
#   CONTAINER_BUILD_ARGS    extra `build` options, e.g. "--ulimit nofile=1024:1024"
#   CONTAINER_RUN_ARGS      extra `run` options, e.g. "--ulimit nofile=1024:1024"
#   KOERSBORD_IMAGE         check this image instead of building one (it is not removed)
#   KEEP_IMAGE=1            keep the image this script built
#   HEALTH_TIMEOUT          seconds to wait for healthy (default 90)
#   STOP_TIMEOUT            seconds SIGTERM may take before the engine kills (default 30)
#
# Exit status: 0 all checks passed; 1 a check failed; 2 no working container engine or no curl.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-90}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
RUN_ID="koersbord-check-$$-${RANDOM}"
VOLUME="${RUN_ID}-data"

# Word-split on purpose: these hold several options.
read -r -a ENGINE_ARGS <<<"${CONTAINER_ENGINE_ARGS:-}"
read -r -a BUILD_ARGS <<<"${CONTAINER_BUILD_ARGS:-}"
read -r -a RUN_ARGS <<<"${CONTAINER_RUN_ARGS:-}"

ENGINE=""
BUILT_IMAGE=""
VOLUME_MADE=""
CONTAINERS=()
LAST_CONTAINER=""
BASE=""
HTTP_STATUS=""
HTTP_BODY=""

log() { printf 'container-check: %s\n' "$*"; }

# Prints the last container's log (if any), then the message, and exits 1. The trap cleans up.
fail() {
    if [[ -n "$LAST_CONTAINER" ]]; then
        printf 'container-check: last log lines of %s:\n' "$LAST_CONTAINER" >&2
        engine logs --tail 40 "$LAST_CONTAINER" >&2 2>&1 || true
    fi
    printf 'container-check: FAIL: %s\n' "$*" >&2
    exit 1
}

with_timeout() {
    local secs=$1
    shift
    if command -v timeout >/dev/null 2>&1; then
        timeout "$secs" "$@"
    else
        "$@"
    fi
}

engine() {
    "$ENGINE" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} "$@"
}

cleanup() {
    local status=$?
    set +e
    local c
    for c in ${CONTAINERS[@]+"${CONTAINERS[@]}"}; do
        engine rm -f "$c" >/dev/null 2>&1 && log "removed container $c"
    done
    if [[ -n "$VOLUME_MADE" ]]; then
        engine volume rm -f "$VOLUME" >/dev/null 2>&1 && log "removed volume $VOLUME"
    fi
    if [[ -n "$BUILT_IMAGE" && "${KEEP_IMAGE:-}" != 1 ]]; then
        engine rmi -f "$BUILT_IMAGE" >/dev/null 2>&1 && log "removed image $BUILT_IMAGE"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the engine ----------------------------------------------------------------------------------

find_engine() {
    local candidates=(docker podman) tried=() e out reason
    if [[ -n "${CONTAINER_ENGINE:-}" ]]; then
        candidates=("$CONTAINER_ENGINE")
    fi
    for e in "${candidates[@]}"; do
        if ! command -v "$e" >/dev/null 2>&1; then
            tried+=("$e: not installed")
            continue
        fi
        if out=$(with_timeout 30 "$e" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} info 2>&1); then
            ENGINE=$e
            return 0
        fi
        reason=$(printf '%s\n' "$out" | grep -m1 -iE 'error|cannot|denied|permission|failed' || true)
        [[ -n "$reason" ]] || reason=$(printf '%s\n' "$out" | tail -n 1)
        [[ -n "$reason" ]] || reason="\`$e info\` timed out or failed"
        tried+=("$e: $reason")
    done
    {
        echo "container-check: no working container engine; tried:"
        printf '  - %s\n' "${tried[@]}"
        echo "Install Docker (with its daemon running, and buildx for BuildKit) or Podman, or set"
        echo "CONTAINER_ENGINE. Nothing was built or run."
    } >&2
    exit 2
}

# --- HTTP on loopback ----------------------------------------------------------------------------

# request METHOD PATH [JSON]: sets HTTP_STATUS and HTTP_BODY; fails the check if curl does.
request() {
    local method=$1 path=$2 json=${3-} out
    local args=(-sS --max-time 10 -X "$method" -w '\n%{http_code}')
    if [[ -n "$json" ]]; then
        args+=(-H 'Content-Type: application/json' --data "$json")
    fi
    out=$(curl "${args[@]}" "$BASE$path") || fail "$method $path: curl failed"
    HTTP_STATUS=${out##*$'\n'}
    HTTP_BODY=${out%$'\n'*}
}

expect_status() {
    local want=$1 what=$2
    [[ "$HTTP_STATUS" == "$want" ]] ||
        fail "$what: expected HTTP $want, got $HTTP_STATUS: ${HTTP_BODY:0:300}"
}

# json_string FIELD TEXT: the value of a string field of a flat JSON object.
json_string() {
    sed -nE 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p' <<<"$2"
}

# --- containers ----------------------------------------------------------------------------------

# start_container NAME: runs the image on the volume and sets BASE to its loopback address.
start_container() {
    local name=$1 addr
    local opts=(-d --name "$name" -v "$VOLUME:/data" -p "127.0.0.1::8080")
    if [[ "$ENGINE" == docker ]]; then
        # The image's own check, run more often than its 30 s so this script does not wait.
        opts+=(--health-interval 2s --health-timeout 5s --health-retries 3 --health-start-period 5s)
    fi
    CONTAINERS+=("$name")
    LAST_CONTAINER=$name
    engine run "${opts[@]}" ${RUN_ARGS[@]+"${RUN_ARGS[@]}"} "$IMAGE" >/dev/null ||
        fail "could not start a container from $IMAGE"
    addr=$(engine port "$name" 8080/tcp | head -n 1)
    [[ "$addr" == 127.0.0.1:* ]] || fail "port 8080 is published as '$addr', not on 127.0.0.1"
    BASE="http://$addr"
    log "started $name on $BASE"
}

# wait_healthy NAME: until the engine reports the image's HEALTHCHECK healthy, or HEALTH_TIMEOUT.
# Podman runs health checks from systemd timers; without systemd they never run by themselves, so
# this runs the image's check itself with `podman healthcheck run`.
wait_healthy() {
    local name=$1 state health="starting" deadline=$((SECONDS + HEALTH_TIMEOUT))
    while :; do
        state=$(engine inspect -f '{{.State.Status}}' "$name" 2>/dev/null || echo gone)
        [[ "$state" == running ]] || fail "$name is '$state' before it became healthy"
        if [[ "$ENGINE" == podman ]]; then
            if engine healthcheck run "$name" >/dev/null 2>&1; then
                health=healthy
            else
                health=unhealthy
            fi
        else
            health=$(engine inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$name")
        fi
        case "$health" in
            healthy)
                log "$name is healthy after $((HEALTH_TIMEOUT - (deadline - SECONDS))) s"
                return 0
                ;;
            none) fail "$name has no health check: the image lost its HEALTHCHECK" ;;
            unhealthy) [[ "$ENGINE" == podman ]] || fail "$name reports unhealthy" ;;
        esac
        ((SECONDS < deadline)) || fail "$name not healthy within ${HEALTH_TIMEOUT} s (last: $health)"
        sleep 1
    done
}

# stop_container NAME: the image's STOPSIGNAL (SIGTERM); the server must exit 0 on its own.
stop_container() {
    local name=$1 started=$SECONDS code
    engine stop --time "$STOP_TIMEOUT" "$name" >/dev/null || fail "could not stop $name"
    code=$(engine inspect -f '{{.State.ExitCode}}' "$name")
    [[ "$code" == 0 ]] ||
        fail "$name exited with status $code after SIGTERM (137: killed after ${STOP_TIMEOUT} s)"
    log "$name stopped on SIGTERM with status 0 in $((SECONDS - started)) s"
}

# run_once ARGS...: the image's binary with ARGS on the volume, in a throw-away container.
run_once() {
    engine run --rm -v "$VOLUME:/data" ${RUN_ARGS[@]+"${RUN_ARGS[@]}"} "$@"
}

# --- the check -----------------------------------------------------------------------------------

command -v curl >/dev/null 2>&1 || {
    echo "container-check: curl is needed to probe the container (apt-get install curl)" >&2
    exit 2
}

find_engine
log "engine: $ENGINE ($(engine --version 2>/dev/null | head -n 1))"

if [[ -n "${KOERSBORD_IMAGE:-}" ]]; then
    IMAGE=$KOERSBORD_IMAGE
    log "checking the given image $IMAGE (not built, not removed)"
else
    IMAGE="localhost/koersbord:${RUN_ID}"
    log "building $IMAGE from ./Dockerfile (cargo xtask dist inside; the first build takes long)"
    BUILT_IMAGE=$IMAGE
    if [[ "$ENGINE" == podman ]]; then
        # The docker format keeps HEALTHCHECK; podman's default OCI format drops it.
        engine build --format docker ${BUILD_ARGS[@]+"${BUILD_ARGS[@]}"} -t "$IMAGE" . || fail "the image did not build"
    else
        DOCKER_BUILDKIT=1 engine build ${BUILD_ARGS[@]+"${BUILD_ARGS[@]}"} -t "$IMAGE" . || fail "the image did not build"
    fi
fi

healthcheck=$(engine image inspect -f '{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}' "$IMAGE")
[[ "$healthcheck" == *koersbord*healthcheck* ]] ||
    fail "the image's HEALTHCHECK is '${healthcheck:-none}', not koersbord healthcheck"
user=$(engine image inspect -f '{{.Config.User}}' "$IMAGE")
[[ -n "$user" && "$user" != 0* && "$user" != root* ]] || fail "the image runs as root ('$user')"

engine volume create "$VOLUME" >/dev/null || fail "could not create volume $VOLUME"
VOLUME_MADE=1

# First life: serve, create a session, back it up.
start_container "${RUN_ID}-1"
wait_healthy "${RUN_ID}-1"

request GET /healthz
expect_status 200 "GET /healthz"
log "GET /healthz: 200 ${HTTP_BODY:0:20}"

request GET /
expect_status 200 "GET /"
grep -qi '<html' <<<"$HTTP_BODY" || fail "GET / is not the board's page: ${HTTP_BODY:0:300}"
log "GET /: 200, the board's index.html (${#HTTP_BODY} bytes)"

request POST /api/sessions '{"title": "container-check"}'
expect_status 201 "POST /api/sessions"
room=$(json_string room "$HTTP_BODY")
code=$(json_string join_code "$HTTP_BODY")
[[ -n "$room" && -n "$code" ]] || fail "POST /api/sessions answered without room or join_code"
log "POST /api/sessions: 201, room $room"

engine exec "${RUN_ID}-1" koersbord backup --to /data/check-backup.sqlite3 >/dev/null ||
    fail "koersbord backup --to failed while the server runs"
log "koersbord backup --to /data/check-backup.sqlite3: done while serving"

stop_container "${RUN_ID}-1"

# Between lives: the stored data, offline.
run_once "$IMAGE" check >/dev/null || fail "koersbord check found a problem in the database"
log "koersbord check: the database is sound"
listing=$(run_once --entrypoint ls "$IMAGE" -ln /data/koersbord.sqlite3) ||
    fail "no database file at /data/koersbord.sqlite3 on the volume"
read -r mode _ owner group _ <<<"$listing"
[[ "$mode" == -rw------- && "$owner" == 10001 ]] ||
    fail "the database file is $mode owned by $owner:$group (want -rw------- 10001)"
log "database file: $mode, owner $owner:$group"

# Second life on the same volume: the session is still there.
start_container "${RUN_ID}-2"
wait_healthy "${RUN_ID}-2"
request POST /api/join-code "{\"code\": \"$code\"}"
expect_status 200 "POST /api/join-code after the restart"
[[ "$(json_string room "$HTTP_BODY")" == "$room" ]] ||
    fail "the join code found another room after the restart: ${HTTP_BODY:0:300}"
log "POST /api/join-code after the restart: 200, room $room"
stop_container "${RUN_ID}-2"

LAST_CONTAINER=""
log "all checks passed"
