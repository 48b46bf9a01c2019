#!/usr/bin/env bash
# redis-sentinel-check.sh: a Sentinel-managed Redis as 3scale will reach it. For each master name the
# sentinels are asked for the master (lib/sentinel.sh: they must agree and reach their quorum, the master
# must answer as master with the password); then the master answers PING in each database 3scale uses.
# Before the copy (prepare) nothing more is expected; with REQUIRE_KEYS=true (verify, after the copy) each
# database must hold at least MIN_KEYS_<DB> keys, or at least one key. Read-only: PING, DBSIZE, ROLE.
#
# Env:
#   SENTINEL_HOSTS, SENTINEL_PASSWORD, REDIS_PASSWORD, CONNECT_TIMEOUT_SECONDS   see lib/sentinel.sh
#   MASTERS        space-separated NAME/DB, e.g. "backend-storage/0 backend-queues/1"
#   REQUIRE_KEYS   (false) each database must hold data
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
# shellcheck source=lib/sentinel.sh
. "$SCRIPT_DIR/lib/sentinel.sh"
evidence_init redis-sentinel-check

REQUIRE_KEYS="${REQUIRE_KEYS:-false}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-10}"
require_env SENTINEL_HOSTS MASTERS
require_int CONNECT_TIMEOUT_SECONDS
require_cmd redis-cli timeout
unset REDISCLI_AUTH

WORK="$(make_workdir)"
SENTINEL_WORK="$WORK"
INPUTS_CHECKSUM="$(sha256_of_lines "sentinels=$SENTINEL_HOSTS" "masters=$MASTERS" "requireKeys=$REQUIRE_KEYS")"
trap 'rm -rf "$WORK"; [ -n "${RESULT:-}" ] || evidence_write Failed "$INPUTS_CHECKSUM" "${TSM_LAST_ERROR:-failed}" || true' EXIT

found=()
for entry in $MASTERS; do
  name="${entry%/*}"
  db="${entry##*/}"
  require_int db
  sentinel_master "$name"
  pong="$(RCLI_TIMEOUT="$CONNECT_TIMEOUT_SECONDS" rcli "$SENTINEL_MASTER_HOST" "$SENTINEL_MASTER_PORT" "" "${REDIS_PASSWORD:-}" -n "$db" PING 2>&1)" || die "the master $SENTINEL_MASTER_HOST:$SENTINEL_MASTER_PORT of '$name' does not answer in database $db: $pong"
  keys="$(RCLI_TIMEOUT="$CONNECT_TIMEOUT_SECONDS" rcli "$SENTINEL_MASTER_HOST" "$SENTINEL_MASTER_PORT" "" "${REDIS_PASSWORD:-}" -n "$db" DBSIZE)"
  if is_true "$REQUIRE_KEYS" && [ "$keys" -lt 1 ]; then
    die "database $db of the master '$name' ($SENTINEL_MASTER_HOST:$SENTINEL_MASTER_PORT) is empty; expected the copied data (did copy-data run?)"
  fi
  found+=("$name=$SENTINEL_MASTER_HOST:$SENTINEL_MASTER_PORT/$db keys=$keys")
done
RESULT="ok: ${found[*]}"
log "$RESULT"
evidence_write Succeeded "$INPUTS_CHECKSUM" "$RESULT" || die "could not write the evidence record"
