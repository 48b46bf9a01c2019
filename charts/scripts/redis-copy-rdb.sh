#!/usr/bin/env bash
# redis-copy-rdb.sh: fetch a point-in-time RDB snapshot of the old Redis over the network
# (redis-cli --rdb, i.e. the replication SYNC: the source forks and streams its dataset) straight into
# the data directory of the new Redis, which is not running yet (in the cluster the Job mounts the new
# Redis PVC at DATA_DIR). The file is verified with redis-check-rdb and only then renamed to dump.rdb,
# so the new Redis never sees a partial file.
#
# Idempotency: a marker file next to dump.rdb (.threescale-migrate-<step>) records the inputs checksum
# and the sha256 of the dump.rdb that was placed. A rerun with the same inputs exits 0 when that exact
# dump.rdb is still there, or when the new Redis has already taken the data over into its AOF
# (appendonlydir). Any other Redis data in DATA_DIR is refused unless TARGET_RESET=true.
#
# The inputs checksum covers the endpoints and paths, not the live key counts: keys with a TTL keep
# expiring on the (stopped, but running) source, so counts are reported in the result, not compared.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init redis-copy-rdb

SOURCE_REDIS_PORT="${SOURCE_REDIS_PORT:-6379}"
SOURCE_REDIS_USER="${SOURCE_REDIS_USER:-}"
SOURCE_REDIS_PASSWORD="${SOURCE_REDIS_PASSWORD:-}"
DATA_DIR="${DATA_DIR:-/var/lib/redis/data}"
RDB_FILENAME="${RDB_FILENAME:-dump.rdb}"
AOF_DIRNAME="${AOF_DIRNAME:-appendonlydir}"
TARGET_RESET="${TARGET_RESET:-false}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-60}"

require_env SOURCE_REDIS_HOST
require_int SOURCE_REDIS_PORT
require_int CONNECT_TIMEOUT_SECONDS
case "$RDB_FILENAME" in */* | .* | '') die "RDB_FILENAME must be a plain file name" ;; esac
require_cmd redis-cli redis-check-rdb sha256sum
unset REDISCLI_AUTH

SRC_DESC="$SOURCE_REDIS_HOST:$SOURCE_REDIS_PORT${SOURCE_REDIS_USER:+ (user $SOURCE_REDIS_USER)}"
RDB="$DATA_DIR/$RDB_FILENAME"
PARTIAL="$DATA_DIR/.$RDB_FILENAME.partial"
MARKER="$DATA_DIR/.threescale-migrate-$EVIDENCE_STEP"
WORK="$(make_workdir)"
trap 'rm -rf "$WORK"; rm -f "$PARTIAL"' EXIT

src() { rcli "$SOURCE_REDIS_HOST" "$SOURCE_REDIS_PORT" "$SOURCE_REDIS_USER" "$SOURCE_REDIS_PASSWORD" "$@"; }

[ -d "$DATA_DIR" ] || die "DATA_DIR $DATA_DIR does not exist (is the new Redis volume mounted?)"
[ -w "$DATA_DIR" ] || die "DATA_DIR $DATA_DIR is not writable by uid $(id -u)"

INPUTS_CHECKSUM="$(sha256_of_lines "source=$SRC_DESC" "dataDir=$DATA_DIR" "rdb=$RDB_FILENAME")"

# marker_value KEY: a value from the marker file (empty when absent).
marker_value() {
  [ -r "$MARKER" ] || return 0
  sed -n "s/^$1=//p" "$MARKER" | head -n 1
}

# Is there a Redis dataset in DATA_DIR? (dump.rdb, a 7.x AOF directory or a 6.x single AOF file)
has_redis_data() {
  [ -e "$RDB" ] || [ -e "$DATA_DIR/$AOF_DIRNAME" ] || [ -e "$DATA_DIR/appendonly.aof" ]
}

# ---------------------------------------------------------------------------------------------------
rm -f "$PARTIAL" # leftover of an interrupted transfer: always ours, never loaded by Redis

if has_redis_data; then
  if [ "$(marker_value inputsChecksum)" = "$INPUTS_CHECKSUM" ]; then
    if [ -f "$RDB" ] && [ "$(sha256_of_file "$RDB")" = "$(marker_value rdbSha256)" ]; then
      log "already done: $RDB is the snapshot this step copied from $SRC_DESC (sha256 matches); nothing to do"
      exit 0
    fi
    if [ -e "$DATA_DIR/$AOF_DIRNAME" ]; then
      log "already done: the snapshot copied from $SRC_DESC has been taken over into the AOF ($AOF_DIRNAME); nothing to do"
      exit 0
    fi
  fi
  if ! is_true "$TARGET_RESET"; then
    found=""
    for f in "$RDB_FILENAME" "$AOF_DIRNAME" appendonly.aof; do
      if [ -e "$DATA_DIR/$f" ]; then found="$found$f "; fi
    done
    die "DATA_DIR $DATA_DIR already holds Redis data (${found% }) that this step did not copy from $SRC_DESC; refusing. Set TARGET_RESET=true to replace it"
  fi
  log "TARGET_RESET=true: removing existing Redis data in $DATA_DIR"
  rm -rf "${RDB:?}" "${DATA_DIR:?}/$AOF_DIRNAME" "$DATA_DIR/appendonly.aof" "$MARKER"
fi

# Source reachable and authenticated? (PING answers LOADING while a restarted source reads its data.)
redis_wait_ping "$CONNECT_TIMEOUT_SECONDS" 2 "source Redis $SRC_DESC" src
src_version="$(src INFO server | info_field redis_version)"
src_keyspace="$(src INFO keyspace | keyspace_summary)"
src_keys="$(keyspace_total "$src_keyspace")"
log "source $SRC_DESC: Redis $src_version, ${src_keys} keys (${src_keyspace:-empty})"

log "fetching RDB snapshot from $SRC_DESC into $PARTIAL"
if ! src --rdb "$PARTIAL" >"$WORK/rdb.out" 2>&1; then
  sed -n '1,20p' "$WORK/rdb.out" >&2
  die "redis-cli --rdb from $SRC_DESC failed"
fi
[ -s "$PARTIAL" ] || die "redis-cli --rdb produced an empty file"

if ! redis-check-rdb "$PARTIAL" >"$WORK/check.out" 2>&1; then
  sed -n '1,40p' "$WORK/check.out" >&2
  die "redis-check-rdb rejected the snapshot"
fi
rdb_keys="$(sed -n 's/.*\[info\] \([0-9]*\) keys read.*/\1/p' "$WORK/check.out" | head -n 1)"
rdb_sha="$(sha256_of_file "$PARTIAL")"
rdb_size="$(wc -c <"$PARTIAL" | tr -d ' ')"
log "redis-check-rdb: RDB looks OK, ${rdb_keys:-?} keys, $rdb_size bytes"
if [ -n "$rdb_keys" ] && [ "$rdb_keys" != "$src_keys" ]; then
  # Not fatal: keys with a TTL may expire between INFO and the snapshot.
  warn "snapshot holds $rdb_keys keys, INFO keyspace said $src_keys just before"
fi

# Make the file readable for the Redis container, which may run under another uid (group 0 on OpenShift).
chmod 0664 "$PARTIAL"
sync "$PARTIAL" 2>/dev/null || sync
mv -f "$PARTIAL" "$RDB" # atomic: same directory, same filesystem
{
  printf 'inputsChecksum=%s\n' "$INPUTS_CHECKSUM"
  printf 'rdbSha256=%s\n' "$rdb_sha"
  printf 'keys=%s\n' "${rdb_keys:-}"
  printf 'source=%s\n' "$SRC_DESC"
  printf 'copiedAt=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$MARKER.tmp"
chmod 0664 "$MARKER.tmp"
mv -f "$MARKER.tmp" "$MARKER"
sync "$DATA_DIR" 2>/dev/null || sync
log "placed $RDB (sha256 $rdb_sha)"

evidence_write Succeeded "$INPUTS_CHECKSUM" "copied RDB of Redis $src_version from $SRC_DESC: ${rdb_keys:-?} keys, $rdb_size bytes, sha256 $rdb_sha" ||
  die "could not write the evidence record"
log "done"
