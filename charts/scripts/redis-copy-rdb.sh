#!/usr/bin/env bash
# redis-copy-rdb.sh: fetch a point-in-time RDB snapshot of the old Redis over the network
# (redis-cli --rdb, i.e. the replication SYNC: the source forks and streams its dataset) straight into
# the data directory of the new Redis, which is not running yet (in the cluster the Job mounts the new
# Redis PVC at DATA_DIR), and place it there as the base file of a Redis 7 multi-part AOF:
#   appendonlydir/appendonly.aof.1.base.rdb  +  appendonlydir/appendonly.aof.manifest
# The new Redis then starts straight in persistence mode (appendonly yes, the save lines): it loads the
# base file, logs every later write to the incremental AOF it opens next to it, and a restart at any time
# reloads both. There is no restore mode in which a restart would bring back a stale dump.rdb, and no AOF
# rewrite to wait for.
#
# Verification: the RDB carries a CRC64 that Redis checks when it loads the file (rdbchecksum yes), so a
# damaged transfer makes the new Redis refuse it; the key counts per database 0-15 (and how many of them
# expire) of the source, read just before the snapshot, go into the evidence, and the load-redis check
# (redis-check-load.sh) compares the new server with them. Nothing is loaded here on a first copy: the
# window pays for the snapshot and the new server's one load only. The manifest (<step>.manifest) holds the
# sha256 and size of the bytes fetched, which are placed unchanged as the base file, and the source's write
# state (lib/redis-write-state.sh); redis-check-load.sh and redis-verify-copy.sh prove from them, with INFO
# only, that the new server loaded this base and was not written to since, nor the old one after the copy.
#
# Source fingerprint: DEBUG DIGEST (a sha1 mix of every key, type, value and whether it expires, in every
# database) of a snapshot without the key `liveness-probe` of db 0, which the old Redis's readiness probe
# rewrites every 30 s. Any write by 3scale changes it. It is computed when it is needed, on a rerun: a
# scratch redis-server inside the Job (unix socket only, no persistence, DEBUG allowed locally) loads the
# new snapshot, then the base file this step placed (while its sha256 is still the one recorded), each
# without the probe key. A DEBUG DIGEST of a million keys takes seconds the first copy need not spend.
#
# Idempotency: a marker file next to the data (.threescale-migrate-<step>) records the inputs checksum,
# the key counts and the sha256 of the placed base file. A rerun with the same inputs fetches a new
# snapshot and
#   * exits 0 ("already done") when the source fingerprint is unchanged (the placed data, and what the
#     new Redis has added to its incremental AOF since, stay);
#   * when the source changed since (a rollback of scale-down let 3scale write to it again), or the base
#     file is no longer the one placed (an AOF rewrite of the new Redis replaced it): replaces the data with
#     the new snapshot if TARGET_RESET=true (spec.jobs.resetTarget), otherwise refuses.
# Either way the evidence then records the fingerprint (<step>.sourceFingerprint).
# Redis data in DATA_DIR that this step did not place is refused unless TARGET_RESET=true.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
# shellcheck source=lib/redis-write-state.sh
. "$SCRIPT_DIR/lib/redis-write-state.sh"
# shellcheck source=lib/copy-manifest.sh
. "$SCRIPT_DIR/lib/copy-manifest.sh"
# shellcheck source=lib/progress.sh
. "$SCRIPT_DIR/lib/progress.sh"
evidence_init redis-copy-rdb

SOURCE_REDIS_PORT="${SOURCE_REDIS_PORT:-6379}"
SOURCE_REDIS_USER="${SOURCE_REDIS_USER:-}"
SOURCE_REDIS_PASSWORD="${SOURCE_REDIS_PASSWORD:-}"
DATA_DIR="${DATA_DIR:-/var/lib/redis/data}"
AOF_FILENAME="${AOF_FILENAME:-appendonly.aof}"
AOF_DIRNAME="${AOF_DIRNAME:-appendonlydir}"
# RDB_FILENAME set: export mode, for a managed Redis seeded outside the cluster: the snapshot is placed as
# that plain RDB file (checked with redis-check-rdb, as no Redis loads it here), not as an AOF base.
RDB_FILENAME="${RDB_FILENAME:-}"
TARGET_RESET="${TARGET_RESET:-false}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-60}"
SCRATCH_TIMEOUT_SECONDS="${SCRATCH_TIMEOUT_SECONDS:-3600}"
LIVENESS_KEY="${LIVENESS_KEY:-liveness-probe}"

require_env SOURCE_REDIS_HOST
require_int SOURCE_REDIS_PORT
require_int CONNECT_TIMEOUT_SECONDS
require_int SCRATCH_TIMEOUT_SECONDS
for name in AOF_FILENAME AOF_DIRNAME ${RDB_FILENAME:+RDB_FILENAME}; do
  case "${!name}" in */* | .* | '') die "$name must be a plain file name" ;; esac
done
require_cmd redis-cli redis-server sha256sum ${RDB_FILENAME:+redis-check-rdb}
unset REDISCLI_AUTH

SRC_DESC="$SOURCE_REDIS_HOST:$SOURCE_REDIS_PORT${SOURCE_REDIS_USER:+ (user $SOURCE_REDIS_USER)}"
AOF_DIR="$DATA_DIR/$AOF_DIRNAME"
BASE_NAME="$AOF_FILENAME.1.base.rdb"
if [ -n "$RDB_FILENAME" ]; then
  PLACED_DIR="$DATA_DIR"
  PLACED_NAME="$RDB_FILENAME"
else
  PLACED_DIR="$AOF_DIR"
  PLACED_NAME="$BASE_NAME"
fi
PARTIAL="$DATA_DIR/.threescale-migrate-snapshot.partial"
STAGING="$DATA_DIR/.threescale-migrate-$AOF_DIRNAME.partial"
MARKER="$DATA_DIR/.threescale-migrate-$EVIDENCE_STEP"
WORK="$(make_workdir)"
SCRATCH_PID=""
cleanup() {
  if [ -n "$SCRATCH_PID" ]; then kill "$SCRATCH_PID" 2>/dev/null || true; fi
  rm -rf "$WORK" "$STAGING"
  rm -f "$PARTIAL"
}
trap cleanup EXIT

src() { rcli "$SOURCE_REDIS_HOST" "$SOURCE_REDIS_PORT" "$SOURCE_REDIS_USER" "$SOURCE_REDIS_PASSWORD" "$@"; }
scratch() { env -u REDISCLI_AUTH redis-cli -e -s "$WORK/scratch.sock" "$@"; }

[ -d "$DATA_DIR" ] || die "DATA_DIR $DATA_DIR does not exist (is the new Redis volume mounted?)"
[ -w "$DATA_DIR" ] || die "DATA_DIR $DATA_DIR is not writable by uid $(id -u)"

INPUTS_CHECKSUM="$(sha256_of_lines "source=$SRC_DESC" "dataDir=$DATA_DIR" "placed=${RDB_FILENAME:-$AOF_DIRNAME/$AOF_FILENAME}")"

# marker_value KEY: a value from the marker file (empty when absent).
marker_value() {
  [ -r "$MARKER" ] || return 0
  sed -n "s/^$1=//p" "$MARKER" | head -n 1
}

# The Redis data found in DATA_DIR (dump.rdb, a 7.x AOF directory, a 6.x single AOF file), space-separated.
redis_data_found() {
  local f found=""
  for f in dump.rdb "$AOF_DIRNAME" "$AOF_FILENAME" $RDB_FILENAME; do
    if [ -e "$DATA_DIR/$f" ]; then found="$found$f "; fi
  done
  printf '%s' "${found% }"
}

# scratch_fingerprint FILE: FINGERPRINT, the source fingerprint of the RDB FILE. A redis-server on a unix socket
# in WORK loads FILE where it lies (no copy) and persists nothing (no save points, no AOF, SHUTDOWN NOSAVE);
# the probe key is deleted there, then DEBUG DIGEST.
scratch_fingerprint() {
  scratch_start "$1"
  scratch -n 0 DEL "$LIVENESS_KEY" >/dev/null
  FINGERPRINT="$(scratch DEBUG DIGEST)" || die "DEBUG DIGEST failed on the scratch Redis"
  scratch SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  wait "$SCRATCH_PID" 2>/dev/null || true
  SCRATCH_PID=""
}

scratch_start() {
  redis-server --port 0 --unixsocket "$WORK/scratch.sock" --unixsocketperm 700 --dir "$(dirname "$1")" \
    --dbfilename "$(basename "$1")" --save '' --appendonly no --databases 16 --enable-debug-command local \
    --logfile "$WORK/scratch.log" --daemonize no >/dev/null 2>&1 &
  SCRATCH_PID=$!
  if ! wait_until "$SCRATCH_TIMEOUT_SECONDS" 0.1 "the scratch Redis to load the snapshot" scratch_ready; then
    die "the scratch Redis did not finish loading the snapshot within ${SCRATCH_TIMEOUT_SECONDS}s"
  fi
}

scratch_ready() {
  if ! kill -0 "$SCRATCH_PID" 2>/dev/null; then
    SCRATCH_PID=""
    sed -n '1,40p' "$WORK/scratch.log" >&2
    die "a snapshot does not load into Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') (its log is above)"
  fi
  [ "$(scratch PING 2>/dev/null)" = PONG ] && [ "$(scratch INFO persistence 2>/dev/null | info_field loading)" = 0 ]
}

# keyspace_from INFO-KEYSPACE-OUTPUT: SNAPSHOT_KEYSPACE ("db0=12 db1=3") and SNAPSHOT_EXPIRES ("db0=1 db1=0").
keyspace_from() {
  SNAPSHOT_KEYSPACE="$(printf '%s' "$1" | keyspace_summary)"
  SNAPSHOT_EXPIRES="$(printf '%s' "$1" | tr -d '\r' | sed -n 's/^\(db[0-9]*\):keys=[0-9]*,expires=\([0-9]*\),.*/\1=\2/p' | tr '\n' ' ' | sed 's/ $//')"
}

# keyspace_with_expires: "db0=12:1,db1=3:0" from SNAPSHOT_KEYSPACE and SNAPSHOT_EXPIRES.
keyspace_with_expires() {
  local item out="" db
  for item in $SNAPSHOT_KEYSPACE; do
    db="${item%%=*}"
    out="$out${out:+,}$item:$(printf '%s' "$SNAPSHOT_EXPIRES" | tr ' ' '\n' | sed -n "s/^$db=//p")"
  done
  printf '%s' "$out"
}

# place_snapshot: the snapshot becomes the AOF base file, with a manifest naming it; the staging folder is
# renamed into place once complete, so the new Redis never sees half a layout. In export mode it becomes the
# plain RDB file RDB_FILENAME, after redis-check-rdb accepted it.
place_snapshot() {
  rm -f "$MARKER"
  if [ -n "$RDB_FILENAME" ]; then place_rdb_file; else place_aof_base; fi
  write_marker
  sync "$DATA_DIR" 2>/dev/null || sync
}

place_rdb_file() {
  if ! redis-check-rdb "$PARTIAL" >"$WORK/check.out" 2>&1; then
    sed -n '1,40p' "$WORK/check.out" >&2
    die "redis-check-rdb rejected the snapshot"
  fi
  chmod 0664 "$PARTIAL"
  sync "$PARTIAL" 2>/dev/null || sync
  mv -f "$PARTIAL" "$DATA_DIR/$RDB_FILENAME" # atomic: same directory, same filesystem
}

place_aof_base() {
  rm -rf "$STAGING"
  mkdir "$STAGING"
  mv -f "$PARTIAL" "$STAGING/$BASE_NAME"
  printf 'file %s seq 1 type b\n' "$BASE_NAME" >"$STAGING/$AOF_FILENAME.manifest"
  # Readable and writable for the Redis container, which may run under another uid (group 0 on OpenShift).
  chmod 0775 "$STAGING"
  chmod 0664 "$STAGING/$BASE_NAME" "$STAGING/$AOF_FILENAME.manifest"
  sync "$STAGING/$BASE_NAME" "$STAGING/$AOF_FILENAME.manifest" 2>/dev/null || sync
  rm -rf "${AOF_DIR:?}" "${DATA_DIR:?}/dump.rdb" "${DATA_DIR:?}/$AOF_FILENAME"
  mv "$STAGING" "$AOF_DIR"
}

write_marker() {
  {
    printf 'inputsChecksum=%s\n' "$INPUTS_CHECKSUM"
    printf 'sourceFingerprint=%s\n' "${SOURCE_FINGERPRINT:-}"
    printf 'keyspace=%s\n' "$(keyspace_with_expires)"
    printf 'baseSha256=%s\n' "$rdb_sha"
    printf 'baseFile=%s\n' "$PLACED_NAME"
    printf 'source=%s\n' "$SRC_DESC"
    printf 'copiedAt=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$MARKER.tmp"
  chmod 0664 "$MARKER.tmp"
  mv -f "$MARKER.tmp" "$MARKER"
}

# ---------------------------------------------------------------------------------------------------
rm -rf "$PARTIAL" "$STAGING" # leftovers of an interrupted run: always ours, never loaded by Redis

found="$(redis_data_found)"
ours=0
if [ -n "$found" ]; then
  if [ "$(marker_value inputsChecksum)" = "$INPUTS_CHECKSUM" ] && [ -e "$PLACED_DIR" ]; then
    ours=1
  elif is_true "$TARGET_RESET"; then
    log "TARGET_RESET=true: DATA_DIR $DATA_DIR holds Redis data ($found) that this step did not place; it will be replaced"
  else
    die "DATA_DIR $DATA_DIR already holds Redis data ($found) that this step did not copy from $SRC_DESC; refusing. Set spec.jobs.resetTarget: true in the plan (TARGET_RESET=true) to replace it"
  fi
fi

# Source reachable and authenticated? (PING answers LOADING while a restarted source reads its data.)
redis_wait_ping "$CONNECT_TIMEOUT_SECONDS" 2 "source Redis $SRC_DESC" src
src_version="$(src INFO server | info_field redis_version)"
src_info="$(src INFO keyspace)"
keyspace_from "$src_info"
snapshot_keys="$(keyspace_total "$SNAPSHOT_KEYSPACE")"
log "source $SRC_DESC: Redis $src_version, $snapshot_keys keys (${SNAPSHOT_KEYSPACE:-empty})"

# source_manifest: the manifest (lib/copy-manifest.sh) of the copy, for redis-check-load.sh and redis-verify-copy.sh
# (EVIDENCE_MANIFEST): the sha256 and size of the base file placed (the RDB bytes fetched, unchanged), the key counts
# per database read just before the snapshot, and the write state of the source then (lib/redis-write-state.sh),
# which the verify step compares with the old server's later one. Nothing is loaded for it.
# Not in export mode: no Redis of ours loads that file.
source_manifest() {
  [ -z "$RDB_FILENAME" ] || return 0
  {
    printf 'mode redis\tload-proof-v1\n'
    printf 'copy base sha256\t%s\ncopy base bytes\t%s\n' "$rdb_sha" "$rdb_size"
    printf '%s\n' "$src_info" | redis_keyspace_lines
    sed 's/^state /source state /' "$WORK/source.state"
  } | LC_ALL=C sort >"$WORK/manifest"
  EVIDENCE_MANIFEST="$WORK/manifest"
}

# Read before the snapshot: a write between this and the fork shows as a write after the copy (never the reverse).
redis_write_state src >"$WORK/source.state" || die "cannot read INFO and ACL CAT write of source $SRC_DESC"

log "fetching RDB snapshot from $SRC_DESC into $PARTIAL"
# Progress records while it streams (lib/progress.sh): the keys the source's fork has written into the
# snapshot, out of the source's keys read just above. Keys, not bytes: a diskless SYNC (Redis 7's default)
# streams the RDB without announcing its size, and no INFO field gives the size an RDB will have (used_memory
# counts memory, not the compact RDB encoding), whereas the fork counts the keys it has written.
src_fetch_keys() { redis_fetch_keys src; }
PROGRESS_ON_EXIT=cleanup
progress_start keys "$snapshot_keys" src_fetch_keys
if ! src --rdb "$PARTIAL" >"$WORK/rdb.out" 2>&1; then
  sed -n '1,20p' "$WORK/rdb.out" >&2
  die "redis-cli --rdb from $SRC_DESC failed"
fi
progress_finish
[ -s "$PARTIAL" ] || die "redis-cli --rdb produced an empty file"
rdb_sha="$(sha256_of_file "$PARTIAL")"
rdb_size="$(wc -c <"$PARTIAL" | tr -d ' ')"
log "snapshot: $rdb_size bytes, sha256 $rdb_sha"

SOURCE_FINGERPRINT=""
if [ "$ours" = 1 ]; then
  scratch_fingerprint "$PARTIAL"
  SOURCE_FINGERPRINT="$FINGERPRINT"
  placed="$PLACED_DIR/$(marker_value baseFile)"
  previous="$(marker_value sourceFingerprint)"
  if [ -z "$previous" ] && [ -f "$placed" ] && [ "$(sha256_of_file "$placed")" = "$(marker_value baseSha256)" ]; then
    scratch_fingerprint "$placed"
    previous="$FINGERPRINT"
  fi
  if [ -n "$previous" ] && [ "$previous" = "$SOURCE_FINGERPRINT" ]; then
    sed -i "s/^sourceFingerprint=.*/sourceFingerprint=$SOURCE_FINGERPRINT/" "$MARKER"
    EVIDENCE_SOURCE_FINGERPRINT="$SOURCE_FINGERPRINT"
    if [ -f "$placed" ]; then
      rdb_sha="$(sha256_of_file "$placed")"
      rdb_size="$(wc -c <"$placed" | tr -d ' ')"
    fi
    log "already done: the source is unchanged since this step placed its snapshot in $PLACED_DIR (fingerprint $SOURCE_FINGERPRINT); nothing to do"
    source_manifest
    evidence_write Succeeded "$INPUTS_CHECKSUM" "keyspace $(marker_value keyspace); source fingerprint $SOURCE_FINGERPRINT; unchanged since the copy" ||
      die "could not write the evidence record"
    exit 0
  fi
  then_="${previous:-unknown: the placed base file is no longer the one copied}"
  if ! is_true "$TARGET_RESET"; then
    die "the source $SRC_DESC changed since this step copied it (fingerprint $then_ then, $SOURCE_FINGERPRINT now): the new Redis would keep the earlier data; refusing. Set spec.jobs.resetTarget: true in the plan (TARGET_RESET=true) to replace it with a new copy"
  fi
  log "the source changed since the earlier copy (fingerprint $then_ then, $SOURCE_FINGERPRINT now) and TARGET_RESET=true: replacing $PLACED_DIR/$PLACED_NAME"
fi

source_manifest
place_snapshot
log "placed $PLACED_DIR/$PLACED_NAME (sha256 $rdb_sha)"

# The result starts with what redis-check-load.sh compares the new server with: keys and expiring keys per
# database ("keyspace db0=12:1,db1=3:0"; 512 characters at most in all). A rerun's fingerprint is also the
# evidence key <step>.sourceFingerprint.
EVIDENCE_SOURCE_FINGERPRINT="$SOURCE_FINGERPRINT"
# In export mode it ends with the file's sha256, which the user compares after copying the file out.
if [ -n "$RDB_FILENAME" ]; then placed_what="RDB $RDB_FILENAME"; else placed_what="AOF base"; fi
evidence_write Succeeded "$INPUTS_CHECKSUM" "keyspace $(keyspace_with_expires); $placed_what from Redis $src_version: $snapshot_keys keys, $rdb_size bytes${SOURCE_FINGERPRINT:+; source fingerprint $SOURCE_FINGERPRINT}${RDB_FILENAME:+; sha256 $rdb_sha}" ||
  die "could not write the evidence record"
log "done"
