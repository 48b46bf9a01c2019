#!/usr/bin/env bash
# redis-aof-rewrite.sh: turn the dataset that the new Redis loaded from the copied dump.rdb (started in
# restore mode: `save ""`, `appendonly no`) into an append-only file, so that the Redis can then be
# restarted with the persistence config (the three `save` lines + `appendonly yes`) without losing data.
#
# Why this step exists (verified with Redis 7.0, see test/scripts/redis-aof-rewrite.test.ts):
#   * A Redis 7 started with `appendonly yes` and no AOF on disk starts EMPTY: it ignores dump.rdb, and
#     with save lines configured its next save overwrites dump.rdb with the empty dataset.
#   * The vendor sequence, BGREWRITEAOF while `appendonly no`, does write a usable AOF in Redis 7.0
#     (appendonlydir/ with a base RDB and a manifest), but only the dataset of that moment: any write
#     after it (for example the readiness probe's `SET liveness-probe`) is not logged and is lost when
#     the server restarts with `appendonly yes`.
#   * `CONFIG SET appendonly yes` at runtime starts the same rewrite and then keeps logging every later
#     write to the incremental AOF, so nothing between the rewrite and the restart is lost. That is the
#     default here (AOF_METHOD=auto); BGREWRITEAOF is the fallback when CONFIG is disabled/renamed, or
#     when AOF is already on.
# Either way the restart must wait until the rewrite has finished: this script polls INFO persistence
# until aof_rewrite_in_progress:0, aof_rewrite_scheduled:0 and aof_last_bgrewrite_status:ok.
#
# The runtime CONFIG SET is not persisted (the config file is a read-only ConfigMap): the switch to the
# persistence config and the restart stay with the orchestrator, as in the vendor procedure.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init redis-aof-rewrite

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_USER="${REDIS_USER:-}"
REDIS_PASSWORD="${REDIS_PASSWORD:-}"
EXPECTED_KEYS="${EXPECTED_KEYS:-}"
EXPECTED_KEYS_TOLERANCE="${EXPECTED_KEYS_TOLERANCE:-0}"
AOF_METHOD="${AOF_METHOD:-auto}"
TIMEOUT_SECONDS="${TIMEOUT_SECONDS:-600}"
POLL_INTERVAL_SECONDS="${POLL_INTERVAL_SECONDS:-2}"

require_env REDIS_HOST
require_int REDIS_PORT
require_int TIMEOUT_SECONDS
require_int POLL_INTERVAL_SECONDS
require_int EXPECTED_KEYS_TOLERANCE
if [ -n "$EXPECTED_KEYS" ]; then require_int EXPECTED_KEYS; fi
case "$AOF_METHOD" in auto | config-set | bgrewriteaof) ;; *) die "AOF_METHOD must be auto, config-set or bgrewriteaof" ;; esac
require_cmd redis-cli sha256sum
unset REDISCLI_AUTH

DESC="$REDIS_HOST:$REDIS_PORT${REDIS_USER:+ (user $REDIS_USER)}"
WORK="$(make_workdir)"
trap 'rm -rf "$WORK"' EXIT
START="$(date +%s)"

r() { rcli "$REDIS_HOST" "$REDIS_PORT" "$REDIS_USER" "$REDIS_PASSWORD" "$@"; }

# Seconds left of the overall TIMEOUT_SECONDS budget (at least 1).
remaining() {
  local left=$((TIMEOUT_SECONDS - ($(date +%s) - START)))
  [ "$left" -gt 0 ] || left=1
  printf '%s' "$left"
}

INPUTS_CHECKSUM="$(sha256_of_lines "redis=$DESC" "expectedKeys=$EXPECTED_KEYS" "tolerance=$EXPECTED_KEYS_TOLERANCE")"

# 1. Reachable. Authentication errors are final; connection refused and LOADING are waited out.
redis_wait_ping "$(remaining)" "$POLL_INTERVAL_SECONDS" "Redis $DESC" r

# 2. Dataset fully loaded from dump.rdb.
loaded() { [ "$(r INFO persistence 2>/dev/null | info_field loading)" = "0" ]; }
wait_until "$(remaining)" "$POLL_INTERVAL_SECONDS" "Redis $DESC to finish loading (loading:0)" loaded ||
  die "Redis $DESC is still loading its dataset"

version="$(r INFO server | info_field redis_version)"
keyspace="$(r INFO keyspace | keyspace_summary)"
keys="$(keyspace_total "$keyspace")"
log "Redis $DESC: version $version, $keys keys (${keyspace:-empty})"

# 3. Optional plausibility check against the source's key count.
if [ -n "$EXPECTED_KEYS" ]; then
  diff=$((keys - EXPECTED_KEYS))
  [ "$diff" -ge 0 ] || diff=$((-diff))
  if [ "$diff" -gt "$EXPECTED_KEYS_TOLERANCE" ]; then
    die "Redis $DESC holds $keys keys, expected $EXPECTED_KEYS (tolerance $EXPECTED_KEYS_TOLERANCE); was the right dump.rdb loaded?"
  fi
  log "key count $keys matches the expected $EXPECTED_KEYS (tolerance $EXPECTED_KEYS_TOLERANCE)"
fi

# 4. Start the rewrite.
persistence="$(r INFO persistence)"
aof_enabled="$(printf '%s' "$persistence" | info_field aof_enabled)"
rewrites_before="$(printf '%s' "$persistence" | info_field aof_rewrites)"
rewrites_before="${rewrites_before:-0}"

# A rewrite still running (or scheduled) from before would make BGREWRITEAOF answer with an error.
idle() {
  local p
  p="$(r INFO persistence 2>/dev/null)" || return 1
  [ "$(printf '%s' "$p" | info_field aof_rewrite_in_progress)" = "0" ] &&
    [ "$(printf '%s' "$p" | info_field aof_rewrite_scheduled)" = "0" ]
}
wait_until "$(remaining)" "$POLL_INTERVAL_SECONDS" "an earlier AOF rewrite on $DESC to finish" idle ||
  die "an earlier AOF rewrite on $DESC did not finish"

method="$AOF_METHOD"
if [ "$method" = "auto" ]; then
  if [ "$aof_enabled" = "0" ]; then method="config-set"; else method="bgrewriteaof"; fi
fi
if [ "$method" = "config-set" ]; then
  if [ "$aof_enabled" = "1" ]; then
    log "appendonly is already on; rewriting with BGREWRITEAOF"
    method="bgrewriteaof"
  elif out="$(r CONFIG SET appendonly yes 2>&1)" && [ "$out" = "OK" ]; then
    log "CONFIG SET appendonly yes: AOF switched on at runtime, initial rewrite started"
  elif [ "$AOF_METHOD" = "auto" ]; then
    warn "CONFIG SET appendonly yes refused ($(printf '%s' "$out" | tr '\n' ' ')); falling back to BGREWRITEAOF. Writes after the rewrite will NOT be in the AOF: keep the server idle until it restarts with appendonly yes"
    method="bgrewriteaof"
  else
    die "CONFIG SET appendonly yes failed on $DESC: $(printf '%s' "$out" | tr '\n' ' ')"
  fi
fi
if [ "$method" = "bgrewriteaof" ]; then
  out="$(r BGREWRITEAOF 2>&1)" || die "BGREWRITEAOF failed on $DESC: $(printf '%s' "$out" | tr '\n' ' ')"
  log "BGREWRITEAOF: $out"
  if [ "$aof_enabled" = "0" ]; then
    warn "appendonly is off: the AOF holds the dataset as of now; writes until the restart with appendonly yes are lost"
  fi
fi

# 5. Wait for it: started (aof_rewrites went up), no longer running or scheduled, and successful.
rewrite_done() {
  local p
  p="$(r INFO persistence 2>/dev/null)" || return 1
  printf '%s' "$p" >"$WORK/persistence"
  [ "$(info_field aof_rewrites <"$WORK/persistence")" -gt "$rewrites_before" ] &&
    [ "$(info_field aof_rewrite_in_progress <"$WORK/persistence")" = "0" ] &&
    [ "$(info_field aof_rewrite_scheduled <"$WORK/persistence")" = "0" ]
}
wait_until "$(remaining)" "$POLL_INTERVAL_SECONDS" "the AOF rewrite on $DESC (aof_rewrite_in_progress:0)" rewrite_done ||
  die "AOF rewrite on $DESC did not finish within ${TIMEOUT_SECONDS}s; do NOT restart it with appendonly yes yet"

status="$(info_field aof_last_bgrewrite_status <"$WORK/persistence")"
[ "$status" = "ok" ] || die "AOF rewrite on $DESC failed (aof_last_bgrewrite_status:$status); see the Redis log"
if [ "$method" = "config-set" ]; then
  [ "$(info_field aof_enabled <"$WORK/persistence")" = "1" ] || die "appendonly did not stay on after the rewrite on $DESC"
  write_status="$(info_field aof_last_write_status <"$WORK/persistence")"
  [ "$write_status" = "ok" ] || die "AOF writes failing on $DESC (aof_last_write_status:$write_status)"
fi

keys_after="$(keyspace_total "$(r INFO keyspace | keyspace_summary)")"
log "AOF rewrite finished (aof_last_bgrewrite_status:ok, method $method); $keys_after keys"
log "next: restart this Redis with the persistence config (save 900 1 / save 300 10 / save 60 10000, appendonly yes); it will load the AOF"

evidence_write Succeeded "$INPUTS_CHECKSUM" "AOF rewritten on Redis $version via $method: $keys_after keys; ready for restart with appendonly yes" ||
  die "could not write the evidence record"
log "done"
