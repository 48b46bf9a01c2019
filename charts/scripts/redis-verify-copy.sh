#!/usr/bin/env bash
# redis-verify-copy.sh: prove again, read-only and without a snapshot, that the new Redis holds what the copy step
# COPY_STEP copied, and that the old one has not been written to since.
#
# The chain of records (lib/copy-manifest.sh manifests in the evidence):
#   * COPY_STEP (redis-copy-rdb.sh): the sha256 and size of the RDB it fetched and placed, unchanged, as the AOF
#     base file, the key counts per database, and the source's write state just before the snapshot;
#   * CHECK_STEP (redis-check-load.sh): the new server loaded a base file of that size, no write since, and its
#     write state and key counts then (lib/redis-write-state.sh).
# This step reads the new server's write state now: the same run_id (not restarted), the same AOF base and no
# rewrite, no write command counted since CHECK_STEP but the readiness probe's SET of its key (matched to the
# byte in the AOF growth) and the deletions of expired keys, and the key counts of CHECK_STEP (less the keys
# expired since, plus the probe key in db 0). Any other write fails the step naming it (a command, a database's
# key count, a restart, a rewrite). The old server (SOURCE_REDIS_HOST), when set and answering within
# SOURCE_CONNECT_TIMEOUT seconds, is held to the state COPY_STEP recorded the same way: a write there after the
# copy is one the new server lacks. A stopped old server (load-redis stops it) is not an error: the step says so.
# Only PING, INFO and ACL CAT are sent. The output names databases, counts, commands and shortened ids only:
# no key, no value, no credential.
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
evidence_init redis-verify-copy

COPY_STEP="${COPY_STEP:-redis-copy-rdb}"
# copy-<role>-redis is checked by check-load-<role>-redis (charts/jobs/redis-jobs.ts); the scripts' own names pair too.
CHECK_STEP="${CHECK_STEP:-$(printf '%s' "$COPY_STEP" | sed 's/^copy-\(.*\)$/check-load-\1/; s/^redis-copy-rdb$/redis-check-load/')}"
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
require_cmd redis-cli sha256sum gzip base64
unset REDISCLI_AUTH

TGT_DESC="$TARGET_REDIS_HOST:$TARGET_REDIS_PORT${TARGET_REDIS_USER:+ (user $TARGET_REDIS_USER)}"
SRC_DESC="$SOURCE_REDIS_HOST:$SOURCE_REDIS_PORT${SOURCE_REDIS_USER:+ (user $SOURCE_REDIS_USER)}"
tgt() { rcli "$TARGET_REDIS_HOST" "$TARGET_REDIS_PORT" "$TARGET_REDIS_USER" "$TARGET_REDIS_PASSWORD" "$@"; }
src() { rcli "$SOURCE_REDIS_HOST" "$SOURCE_REDIS_PORT" "$SOURCE_REDIS_USER" "$SOURCE_REDIS_PASSWORD" "$@"; }

WORK="$(make_workdir)"
INPUTS_CHECKSUM=""
trap verify_copy_on_exit EXIT

manifest_read "$COPY_STEP" "$WORK/copy" ||
  die "the evidence of copy step $COPY_STEP holds no manifest of what it copied (not run yet, failed, or written by an older version): run copy-data first"
[ "$(manifest_value "$WORK/copy" 'mode redis')" = load-proof-v1 ] || die "the manifest of copy step $COPY_STEP is no Redis manifest this step can compare (mode redis load-proof-v1): run copy-data again"
{ manifest_read "$CHECK_STEP" "$WORK/loaded" && [ "$(manifest_value "$WORK/loaded" 'mode redis')" = load-state-v1 ]; } ||
  die "the evidence of step $CHECK_STEP holds no state of the new Redis at its load (not run yet, failed, or written by an older version): run load-redis first"
INPUTS_CHECKSUM="$(sha256_of_lines "source=${SOURCE_REDIS_HOST:+$SRC_DESC}" "target=$TGT_DESC" "copy=$(sha256_of_file "$WORK/copy")" "loaded=$(sha256_of_file "$WORK/loaded")")"

# keyspace_findings LOADED NOW EXPIRED SIDE: a line per database whose key count left what LOADED recorded: at most
# EXPIRED fewer (keys whose TTL ran out since), in db 0 one more (the readiness probe's key, once written).
keyspace_findings() {
  LC_ALL=C awk -F '\t' -v expired="$3" -v side="$4" '
    $1 ~ /^redis db[0-9]+ keys$/ { db = $1; sub(/^redis db/, "", db); sub(/ keys$/, "", db); if (NR == FNR) rec[db] = $2; else act[db] = $2; seen[db] = 1 }
    END {
      for (db = 0; db < 16; db++) {
        if (!(db in seen)) continue
        r = rec[db] + 0; a = act[db] + 0; high = r + (db == 0 ? 1 : 0)
        if (a < r - expired || a > high) print side ": redis db" db " keys: " r " at the load, " a " now"
      }
    }' "$1" "$2"
}

FINDINGS="$WORK/findings"
: >"$FINDINGS"
redis_wait_ping "$CONNECT_TIMEOUT_SECONDS" 2 "Redis $TGT_DESC" tgt
redis_write_state tgt >"$WORK/now.tgt" || die "cannot read INFO and ACL CAT write of target $TGT_DESC"
tgt INFO keyspace | redis_keyspace_lines >>"$WORK/now.tgt" || die "cannot read INFO keyspace of target $TGT_DESC"
redis_writes_since "$WORK/loaded" "$WORK/now.tgt" "target $TGT_DESC" "the load checked by $CHECK_STEP" >>"$FINDINGS"
expired=$(($(_state expired_keys "$WORK/now.tgt") - $(_state expired_keys "$WORK/loaded")))
keyspace_findings "$WORK/loaded" "$WORK/now.tgt" "$expired" "target $TGT_DESC" >>"$FINDINGS"
keys="$(awk -F '\t' '$1 ~ / keys$/ { n += $2 } END { print n + 0 }' "$WORK/now.tgt")"
log "target $TGT_DESC: $keys keys, $expired expired since the load, $(wc -l <"$FINDINGS") difference(s) from the copy"

SOURCE_WORD="not configured"
src_answers() { [ "$(RCLI_TIMEOUT="$SOURCE_CONNECT_TIMEOUT" src PING)" = PONG ]; }
if [ -n "$SOURCE_REDIS_HOST" ]; then
  sed -n 's/^source state /state /p' "$WORK/copy" >"$WORK/copy.src"
  src_findings() { redis_write_state src >"$WORK/now.src" && redis_writes_since "$WORK/copy.src" "$WORK/now.src" "source $SRC_DESC (written to after the copy: those writes are not on the target)" "the copy"; }
  if ! src_answers 2>"$WORK/source.err"; then
    log "source $SRC_DESC does not answer (stopped at load-redis?): $(tr '\n' ' ' <"$WORK/source.err" | cut -c1-200); only the target is compared"
    SOURCE_WORD="not reachable"
  else
    before="$(wc -l <"$FINDINGS")"
    src_findings >>"$FINDINGS" 2>"$WORK/source.err" || die "cannot read the state of source $SRC_DESC: $(tr '\n' ' ' <"$WORK/source.err" | cut -c1-300)"
    SOURCE_WORD="unchanged"
    [ "$(wc -l <"$FINDINGS")" -eq "$before" ] || SOURCE_WORD="changed"
  fi
fi

verify_copy_finish "$FINDINGS" "target equals the copy of step $COPY_STEP: $keys keys, no write since the load of its base file (sha256 $(manifest_value "$WORK/copy" 'copy base sha256' | cut -c1-12)…) but the readiness probe's and $expired expiries; source: $SOURCE_WORD"
