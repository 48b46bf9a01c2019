#!/usr/bin/env bash
# redis-check-load.sh: check that a new Redis, started in persistence mode on the AOF base file that
# redis-copy-rdb.sh placed, has loaded the copied data and logs its writes:
#   * it answers PING and has finished loading (loading:0);
#   * AOF is on (aof_enabled:1) and writing (aof_last_write_status:ok), so a restart at any time reloads
#     the copy plus every write since;
#   * every database 0-15 holds the key count of the copied snapshot, less at most its keys with a TTL
#     (they may expire in between), plus at most the readiness probe's `liveness-probe` key in db 0.
# The expected counts come from EXPECTED_KEYSPACE ("db0=12:1,db1=3:0", keys:expiring per database) or,
# in the cluster, from the evidence record of the copy step COPY_STEP (its result starts with them).
#   * it loaded the copied base file: aof_base_size equals the size of the RDB the copy fetched and placed
#     (the copy's manifest holds its size and sha256), and nothing was written since the load but the
#     readiness probe's key and the deletions of expired keys (lib/redis-write-state.sh: run_id, AOF sizes,
#     write commands counted by INFO commandstats);
#   * its write state and key counts then go into this step's manifest (<step>.manifest), from which the
#     cut-over's redis-verify-copy.sh proves "no write since this check" without a snapshot or a digest.
# While it is still loading, progress records (lib/progress.sh, PROGRESS_INTERVAL) give the RDB bytes loaded
# out of the file's, for `status --watch`.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
# shellcheck source=lib/copy-manifest.sh
. "$SCRIPT_DIR/lib/copy-manifest.sh"
# shellcheck source=lib/redis-write-state.sh
. "$SCRIPT_DIR/lib/redis-write-state.sh"
evidence_init redis-check-load
# shellcheck source=lib/progress.sh
. "$SCRIPT_DIR/lib/progress.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_USER="${REDIS_USER:-}"
REDIS_PASSWORD="${REDIS_PASSWORD:-}"
EXPECTED_KEYSPACE="${EXPECTED_KEYSPACE:-}"
COPY_STEP="${COPY_STEP:-}"
TIMEOUT_SECONDS="${TIMEOUT_SECONDS:-600}"
POLL_INTERVAL_SECONDS="${POLL_INTERVAL_SECONDS:-2}"
LIVENESS_KEY="${LIVENESS_KEY:-liveness-probe}"

require_env REDIS_HOST
require_int REDIS_PORT
require_int TIMEOUT_SECONDS
require_int POLL_INTERVAL_SECONDS
require_cmd redis-cli sha256sum
unset REDISCLI_AUTH

DESC="$REDIS_HOST:$REDIS_PORT${REDIS_USER:+ (user $REDIS_USER)}"
START="$(date +%s)"
WORK="$(make_workdir)"
trap 'rm -rf "$WORK"' EXIT

r() { rcli "$REDIS_HOST" "$REDIS_PORT" "$REDIS_USER" "$REDIS_PASSWORD" "$@"; }

# Seconds left of the overall TIMEOUT_SECONDS budget (at least 1).
remaining() {
  local left=$((TIMEOUT_SECONDS - ($(date +%s) - START)))
  [ "$left" -gt 0 ] || left=1
  printf '%s' "$left"
}

# The expected "db0=12:1,db1=3:0": given, or read from the copy step's evidence record.
if [ -z "$EXPECTED_KEYSPACE" ]; then
  [ -n "$COPY_STEP" ] || die "set EXPECTED_KEYSPACE or COPY_STEP (the copy step whose evidence holds the key counts)"
  copy_result="$(EVIDENCE_STEP="$COPY_STEP" evidence_get result)"
  [ -n "$copy_result" ] || die "no evidence record of step $COPY_STEP: run copy-data first"
  EXPECTED_KEYSPACE="$(printf '%s' "$copy_result" | sed -n 's/^keyspace \([^;]*\);.*/\1/p')"
  case "$copy_result" in
    'keyspace ;'*) ;;
    *) [ -n "$EXPECTED_KEYSPACE" ] || die "the evidence of step $COPY_STEP holds no key counts (was it written by an older version of the copy?)" ;;
  esac
fi
case "$EXPECTED_KEYSPACE" in
  *[!a-z0-9=:,]*) die "EXPECTED_KEYSPACE must look like db0=12:1,db1=3:0 (got '$EXPECTED_KEYSPACE')" ;;
esac
INPUTS_CHECKSUM="$(sha256_of_lines "redis=$DESC" "expected=$EXPECTED_KEYSPACE")"

# 1. Reachable (authentication errors are final) and done loading the AOF.
# A Redis that loads the copy answers INFO, not PING (LOADING): progress records follow the load in RDB bytes
# until it answers PING or refuses the credentials; then the usual wait says why it cannot be reached, if so.
loaded_and_answering() {
  redis_follow_load r
  local out
  out="$(r PING 2>&1)" || true
  [ "$out" = PONG ] || [ -n "$(printf '%s' "$out" | sed -n '/WRONGPASS\|NOAUTH\|NOPERM\|AUTH failed/p')" ]
}
wait_until "$(remaining)" "$POLL_INTERVAL_SECONDS" "Redis $DESC to load its dataset and answer PING" loaded_and_answering || true
redis_wait_ping "$(remaining)" "$POLL_INTERVAL_SECONDS" "Redis $DESC" r
loaded() { [ "$(r INFO persistence 2>/dev/null | info_field loading)" = "0" ]; }
wait_until "$(remaining)" "$POLL_INTERVAL_SECONDS" "Redis $DESC to finish loading (loading:0)" loaded ||
  die "Redis $DESC is still loading its dataset"

# 2. Persistence on.
persistence="$(r INFO persistence)"
[ "$(printf '%s' "$persistence" | info_field aof_enabled)" = 1 ] ||
  die "Redis $DESC runs with appendonly no: its writes would not survive a restart (is redis-config-external in persistence mode?)"
write_status="$(printf '%s' "$persistence" | info_field aof_last_write_status)"
[ "$write_status" = ok ] || die "Redis $DESC cannot write its AOF (aof_last_write_status:$write_status)"

# 3. Keys per database.
version="$(r INFO server | info_field redis_version)"
keyspace="$(r INFO keyspace | keyspace_summary)"
log "Redis $version at $DESC: $(keyspace_total "$keyspace") keys (${keyspace:-empty}); copied snapshot: ${EXPECTED_KEYSPACE:-empty}"
expected_of() { printf '%s' "$EXPECTED_KEYSPACE" | tr ',' '\n' | sed -n "s/^db$1=//p"; }
found_of() { printf '%s' "$keyspace" | tr ' ' '\n' | sed -n "s/^db$1=//p"; }
bad=""
for db in $(seq 0 15); do
  exp="$(expected_of "$db")"
  keys="${exp%%:*}"
  expiring="${exp#*:}"
  keys="${keys:-0}"
  [ -n "$exp" ] || expiring=0
  got="$(found_of "$db")"
  got="${got:-0}"
  low=$((keys - expiring))
  high="$keys"
  if [ "$db" = 0 ]; then high=$((keys + 1)); fi
  if [ "$got" -lt "$low" ] || [ "$got" -gt "$high" ]; then
    bad="$bad db$db: $got keys, the copy held $keys ($expiring with a TTL);"
  fi
done
[ -z "$bad" ] || die "Redis $DESC does not hold the copied data:$bad was it started on the AOF base file of copy-data?"
if [ "$(r -n 0 EXISTS "$LIVENESS_KEY")" = 0 ]; then
  warn "db 0 has no $LIVENESS_KEY key yet (the readiness probe writes it)"
fi

# 4. The copied base file loaded, nothing written since: the state at the load is the one now with no command
# counted, no key expired or evicted and no AOF byte beyond the base.
redis_write_state r >"$WORK/state" || die "cannot read INFO and ACL CAT write of Redis $DESC"
{
  printf 'state run_id\t%s\nstate aof_enabled\t1\nstate aof_rewrites\t0\n' "$(_state run_id "$WORK/state")"
  printf 'state aof_base_size\t%s\nstate aof_current_size\t%s\n' "$(_state aof_base_size "$WORK/state")" "$(_state aof_base_size "$WORK/state")"
} >"$WORK/loaded"
proof="no copy manifest"
if [ -n "$COPY_STEP" ] && manifest_read "$COPY_STEP" "$WORK/copy" && [ "$(manifest_value "$WORK/copy" 'mode redis')" = load-proof-v1 ]; then
  copied_bytes="$(manifest_value "$WORK/copy" 'copy base bytes')"
  base_bytes="$(_state aof_base_size "$WORK/state")"
  [ "$base_bytes" = "$copied_bytes" ] ||
    die "Redis $DESC did not start on the base file copy-data placed: aof_base_size $base_bytes bytes, the copied RDB $copied_bytes bytes (sha256 $(manifest_value "$WORK/copy" 'copy base sha256' | cut -c1-12)…)"
  redis_writes_since "$WORK/loaded" "$WORK/state" "Redis $DESC" "the load" >"$WORK/writes"
  [ ! -s "$WORK/writes" ] || die "$(head -n 1 "$WORK/writes")$([ "$(wc -l <"$WORK/writes")" -gt 1 ] && printf ' (and %s more)' "$(($(wc -l <"$WORK/writes") - 1))"): the copy is no longer all it holds"
  proof="base file of $base_bytes bytes loaded (sha256 $(manifest_value "$WORK/copy" 'copy base sha256' | cut -c1-12)… at the copy), no write since"
fi
{
  printf 'mode redis\tload-state-v1\n'
  r INFO keyspace | redis_keyspace_lines
  cat "$WORK/state"
} | LC_ALL=C sort >"$WORK/manifest"
EVIDENCE_MANIFEST="$WORK/manifest"

log "key counts of all 16 databases match the copied snapshot; AOF on (aof_last_write_status:ok); $proof"
evidence_write Succeeded "$INPUTS_CHECKSUM" "Redis $version loaded the copy in persistence mode: keyspace ${keyspace// /,}; AOF on; $proof" ||
  die "could not write the evidence record"
log "done"
