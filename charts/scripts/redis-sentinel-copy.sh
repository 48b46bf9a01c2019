#!/usr/bin/env bash
# redis-sentinel-copy.sh: copy the databases 3scale uses from the old Redis into the master the sentinels
# name (lib/sentinel.sh: the sentinels must agree and reach their quorum, the master must answer as master).
# The old server pushes the keys itself with MIGRATE ... COPY REPLACE (values, types and TTLs as they are;
# the old server keeps its keys), in batches found by SCAN, so no dump travels through this Job. A target
# database that already holds keys is refused unless it holds as many as the source (a rerun of this copy).
# Afterwards each target database must hold the source's key count, less at most its keys with a TTL.
# Passwords reach redis-cli through REDISCLI_AUTH or its stdin only.
#
# Env:
#   SOURCE_REDIS_HOST, SOURCE_REDIS_PORT (6379), SOURCE_REDIS_PASSWORD (empty: no AUTH)   the old server
#   COPIES     space-separated SRCDB:NAME/DSTDB, e.g. "0:backend-storage/0 1:backend-queues/1"
#   SENTINEL_HOSTS, SENTINEL_PASSWORD, REDIS_PASSWORD, CONNECT_TIMEOUT_SECONDS           see lib/sentinel.sh
#   BATCH      (500) keys per SCAN and MIGRATE
#   MIGRATE_TIMEOUT_MS (60000) MIGRATE's own timeout per batch
# The *_HOST variables and COPIES come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
# shellcheck source=lib/sentinel.sh
. "$SCRIPT_DIR/lib/sentinel.sh"
evidence_init redis-sentinel-copy

SOURCE_REDIS_PORT="${SOURCE_REDIS_PORT:-6379}"
BATCH="${BATCH:-500}"
MIGRATE_TIMEOUT_MS="${MIGRATE_TIMEOUT_MS:-60000}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-10}"
require_env SOURCE_REDIS_HOST SENTINEL_HOSTS COPIES
require_int SOURCE_REDIS_PORT
require_int BATCH
require_int MIGRATE_TIMEOUT_MS
require_int CONNECT_TIMEOUT_SECONDS
require_cmd redis-cli timeout
unset REDISCLI_AUTH

WORK="$(make_workdir)"
SENTINEL_WORK="$WORK"
INPUTS_CHECKSUM="$(sha256_of_lines "source=$SOURCE_REDIS_HOST:$SOURCE_REDIS_PORT" "sentinels=$SENTINEL_HOSTS" "copies=$COPIES")"
trap 'rm -rf "$WORK"; [ -n "${RESULT:-}" ] || evidence_write Failed "$INPUTS_CHECKSUM" "${TSM_LAST_ERROR:-failed}" || true' EXIT

src() { rcli "$SOURCE_REDIS_HOST" "$SOURCE_REDIS_PORT" "" "${SOURCE_REDIS_PASSWORD:-}" "$@"; }
dst() { rcli "$SENTINEL_MASTER_HOST" "$SENTINEL_MASTER_PORT" "" "${REDIS_PASSWORD:-}" "$@"; }

# quoted TEXT: TEXT in the double-quoted form redis-cli reads from its stdin.
quoted() {
  local t="${1//\\/\\\\}"
  t="${t//\"/\\\"}"
  t="${t//$'\n'/\\n}"
  printf '"%s"' "${t//$'\r'/\\r}"
}

# keyspace_of DB: "KEYS EXPIRES" of one database of the old server.
keyspace_of() {
  local line
  line="$(src INFO keyspace | tr -d '\r' | sed -n "s/^db$1:keys=\([0-9]*\),expires=\([0-9]*\),.*/\1 \2/p")"
  printf '%s' "${line:-0 0}"
}

# migrate_batch SRCDB DSTDB KEYFILE: one MIGRATE of the keys in KEYFILE (redis-cli's quoted form, one a line).
migrate_batch() {
  local auth="" reply
  [ -z "${REDIS_PASSWORD:-}" ] || auth="AUTH $(quoted "$REDIS_PASSWORD") "
  {
    printf 'MIGRATE %s %s "" %s %s COPY REPLACE %sKEYS ' "$SENTINEL_MASTER_HOST" "$SENTINEL_MASTER_PORT" "$2" "$MIGRATE_TIMEOUT_MS" "$auth"
    tr '\n' ' ' <"$3"
    printf '\n'
  } >"$WORK/migrate"
  reply="$(src -n "$1" <"$WORK/migrate" 2>&1 | tr -d '\r')" || true
  rm -f "$WORK/migrate"
  case "$reply" in
    OK | NOKEY) ;;
    *WRONGPASS* | *NOAUTH* | *'AUTH failed'*) die "the master $SENTINEL_MASTER_HOST:$SENTINEL_MASTER_PORT refused the password when the old server pushed the keys (auth-failed)" ;;
    *) die "MIGRATE from the old server to $SENTINEL_MASTER_HOST:$SENTINEL_MASTER_PORT database $2 failed: $(printf '%s' "$reply" | head -c 300 | tr '\n' ' ')" ;;
  esac
}

# copy_db SRCDB NAME DSTDB: the whole database SRCDB into database DSTDB of the master of NAME.
copy_db() {
  local from="$1" name="$2" to="$3" cursor=0 keys expires before after
  sentinel_master "$name"
  read -r keys expires <<<"$(keyspace_of "$from")"
  before="$(dst -n "$to" DBSIZE)"
  if [ "$before" -gt 0 ] && [ "$before" -ne "$keys" ]; then
    die "database $to of the master '$name' ($SENTINEL_MASTER_HOST:$SENTINEL_MASTER_PORT) already holds $before keys and the old database $from holds $keys; expected it empty (the copy would mix two data sets)"
  fi
  while :; do
    src -n "$from" --no-raw SCAN "$cursor" COUNT "$BATCH" >"$WORK/scan"
    cursor="$(sed -n '1s/^1) "\([0-9]*\)"$/\1/p' "$WORK/scan")"
    [ -n "$cursor" ] || die "unexpected SCAN reply from the old server: $(head -c 200 "$WORK/scan")"
    sed -n '2,$p' "$WORK/scan" | sed -E 's/^(2\) )?[[:space:]]*[0-9]+\) //' | sed '/^(empty array)$/d' >"$WORK/keys"
    [ ! -s "$WORK/keys" ] || migrate_batch "$from" "$to" "$WORK/keys"
    [ "$cursor" != 0 ] || break
  done
  after="$(dst -n "$to" DBSIZE)"
  if [ "$after" -gt "$keys" ] || [ "$after" -lt $((keys - expires)) ]; then
    die "database $to of the master '$name' holds $after keys after the copy, the old database $from $keys ($expires with a TTL); expected the same count"
  fi
  COPIED+=("db$from->$name/$to=$after")
}

COPIED=()
for entry in $COPIES; do
  from="${entry%%:*}"
  rest="${entry#*:}"
  require_int from
  to="${rest##*/}"
  require_int to
  copy_db "$from" "${rest%/*}" "$to"
done
RESULT="copied into the sentinels' masters: ${COPIED[*]}"
log "$RESULT"
evidence_write Succeeded "$INPUTS_CHECKSUM" "$RESULT" || die "could not write the evidence record"
