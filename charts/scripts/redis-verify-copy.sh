#!/usr/bin/env bash
# redis-verify-copy.sh: prove again, read-only, that the new Redis holds what the copy step COPY_STEP copied,
# and that the old one has not been written to since.
#
# The copy step (redis-copy-rdb.sh) records in its evidence a manifest (lib/copy-manifest.sh) of the snapshot it
# copied, per database 0-15: the number of keys without a TTL and DEBUG DIGEST of them (lib/redis-digest.sh,
# in a scratch redis-server of the Job). This step takes a snapshot (redis-cli --rdb, the replication SYNC: the
# server forks and streams it; nothing is written to it) and computes the same on
#   * the target (TARGET_REDIS_HOST): a key missing, added or changed fails the step naming its database;
#   * the source (SOURCE_REDIS_HOST), when set and answering within SOURCE_CONNECT_TIMEOUT seconds: a database
#     that differs there was written to after the copy (those writes are not on the new server). A stopped old
#     server (load-redis stops it) is not an error: the step says so.
# Keys with a TTL are left out of the digest (they may expire at any time); the readiness probe's key too.
# Only PING, INFO and SYNC are sent. The output names databases, counts and shortened digests only: no key, no
# value, no credential.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
# shellcheck source=lib/redis-digest.sh
. "$SCRIPT_DIR/lib/redis-digest.sh"
# shellcheck source=lib/copy-manifest.sh
. "$SCRIPT_DIR/lib/copy-manifest.sh"
evidence_init redis-verify-copy

COPY_STEP="${COPY_STEP:-redis-copy-rdb}"
TARGET_REDIS_PORT="${TARGET_REDIS_PORT:-6379}"
TARGET_REDIS_USER="${TARGET_REDIS_USER:-}"
TARGET_REDIS_PASSWORD="${TARGET_REDIS_PASSWORD:-}"
SOURCE_REDIS_HOST="${SOURCE_REDIS_HOST:-}"
SOURCE_REDIS_PORT="${SOURCE_REDIS_PORT:-6379}"
SOURCE_REDIS_USER="${SOURCE_REDIS_USER:-}"
SOURCE_REDIS_PASSWORD="${SOURCE_REDIS_PASSWORD:-}"
SOURCE_CONNECT_TIMEOUT="${SOURCE_CONNECT_TIMEOUT:-5}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-60}"

require_env TARGET_REDIS_HOST COPY_STEP
require_int TARGET_REDIS_PORT
require_int SOURCE_REDIS_PORT
require_int SOURCE_CONNECT_TIMEOUT
require_int CONNECT_TIMEOUT_SECONDS
require_cmd redis-cli redis-server sha256sum gzip base64
unset REDISCLI_AUTH

TGT_DESC="$TARGET_REDIS_HOST:$TARGET_REDIS_PORT${TARGET_REDIS_USER:+ (user $TARGET_REDIS_USER)}"
SRC_DESC="$SOURCE_REDIS_HOST:$SOURCE_REDIS_PORT${SOURCE_REDIS_USER:+ (user $SOURCE_REDIS_USER)}"
tgt() { rcli "$TARGET_REDIS_HOST" "$TARGET_REDIS_PORT" "$TARGET_REDIS_USER" "$TARGET_REDIS_PASSWORD" "$@"; }
src() { rcli "$SOURCE_REDIS_HOST" "$SOURCE_REDIS_PORT" "$SOURCE_REDIS_USER" "$SOURCE_REDIS_PASSWORD" "$@"; }

WORK="$(make_workdir)"
INPUTS_CHECKSUM=""
trap verify_copy_on_exit EXIT

manifest_read "$COPY_STEP" "$WORK/recorded" ||
  die "the evidence of copy step $COPY_STEP holds no manifest of what it copied (not run yet, failed, or written by an older version): run copy-data first"
[ "$(manifest_value "$WORK/recorded" 'mode redis')" = debug-digest-v1 ] || die "the manifest of copy step $COPY_STEP is no Redis manifest this step can compare (mode redis debug-digest-v1)"
INPUTS_CHECKSUM="$(sha256_of_lines "source=${SOURCE_REDIS_HOST:+$SRC_DESC}" "target=$TGT_DESC" "manifest=$(sha256_of_file "$WORK/recorded")")"

# side_manifest FN NAME: the manifest of the server FN reaches, from a snapshot of it in WORK/NAME.rdb.
side_manifest() {
  "$1" --rdb "$WORK/$2.rdb" >"$WORK/$2.rdb.out" 2>&1 || { sed -n '1,20p' "$WORK/$2.rdb.out" >&2; return 1; }
  { printf 'mode redis\tdebug-digest-v1\n'; redis_snapshot_manifest "$WORK/$2.rdb" "$WORK"; } | LC_ALL=C sort || return 1
  rm -f "$WORK/$2.rdb"
}

FINDINGS="$WORK/findings"
: >"$FINDINGS"
redis_wait_ping "$CONNECT_TIMEOUT_SECONDS" 2 "Redis $TGT_DESC" tgt
side_manifest tgt target >"$WORK/actual.tgt" || die "cannot take a snapshot of target $TGT_DESC or compute its manifest"
manifest_findings "$WORK/recorded" "$WORK/actual.tgt" "target $TGT_DESC" >>"$FINDINGS"
keys="$(awk -F '\t' '$1 ~ / keys$/ { n += $2 } END { print n + 0 }' "$WORK/actual.tgt")"
log "target $TGT_DESC: $keys keys without a TTL read, $(wc -l <"$FINDINGS") difference(s) from the copy"

SOURCE_WORD="not configured"
src_answers() { [ "$(RCLI_TIMEOUT="$SOURCE_CONNECT_TIMEOUT" src PING)" = PONG ]; }
src_manifest() { side_manifest src source; }
if [ -n "$SOURCE_REDIS_HOST" ]; then
  verify_copy_source "$SRC_DESC" src_answers src_manifest "$WORK/recorded" "stopped at load-redis?"
fi

verify_copy_finish "$FINDINGS" "target equals the copy of step $COPY_STEP: $keys keys without a TTL (count and digest per database); source: $SOURCE_WORD"
