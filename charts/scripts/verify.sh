#!/usr/bin/env bash
# verify.sh: read-only checks after the migration, against the NEW servers.
#   * System database (DB_KIND=postgresql|mysql): reachable, and `SELECT count(*) FROM accounts` works
#     and returns at least VERIFY_MIN_ACCOUNTS (a 3scale System DB always has the master account).
#     The session is read-only (PostgreSQL default_transaction_read_only, MySQL SET SESSION TRANSACTION
#     READ ONLY), so this step cannot change data even by mistake.
#   * Each Redis in REDIS_ENDPOINTS answers PING and holds the key `liveness-probe` (written by the
#     readiness probe of the 3scale Redis deployments; copied over with the data). Checked with EXISTS,
#     nothing is written.
# All checks run; the step fails at the end if any failed, listing them.
#
# REDIS_ENDPOINTS: space-separated NAME=HOST:PORT entries, e.g.
#   "backend-redis=backend-redis-service.redis.svc:6379 system-redis=system-redis-service.redis.svc:6379"
# The password of entry NAME comes from REDIS_PASSWORD_<NAME> (upper-cased, '-' and '.' as '_'), e.g.
# REDIS_PASSWORD_BACKEND_REDIS, else from REDIS_PASSWORD, else none. Likewise REDIS_USER_<NAME>.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init verify

DB_KIND="${DB_KIND:-postgresql}"
DB_NAME="${DB_NAME:-system}"
DB_USER="${DB_USER:-}"
DB_PASSWORD="${DB_PASSWORD:-}"
VERIFY_MIN_ACCOUNTS="${VERIFY_MIN_ACCOUNTS:-1}"
REDIS_ENDPOINTS="${REDIS_ENDPOINTS:-}"
LIVENESS_KEY="${LIVENESS_KEY:-liveness-probe}"
LIVENESS_DB="${LIVENESS_DB:-0}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-10}"

case "$DB_KIND" in
  postgresql)
    DB_PORT="${DB_PORT:-5432}"
    require_cmd psql
    ;;
  mysql)
    DB_PORT="${DB_PORT:-3306}"
    require_cmd mysql
    ;;
  none) DB_PORT="" ;;
  *) die "DB_KIND must be postgresql, mysql or none (got '$DB_KIND')" ;;
esac
if [ "$DB_KIND" != "none" ]; then
  require_env DB_HOST DB_USER
  require_int DB_PORT
fi
require_int VERIFY_MIN_ACCOUNTS
require_int LIVENESS_DB
require_int CONNECT_TIMEOUT_SECONDS
[ "$DB_KIND" != "none" ] || [ -n "$REDIS_ENDPOINTS" ] || die "nothing to verify: DB_KIND=none and REDIS_ENDPOINTS empty"
if [ -n "$REDIS_ENDPOINTS" ]; then require_cmd redis-cli; fi
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD MYSQL_PWD REDISCLI_AUTH

FAILURES=()
RESULTS=()
fail() {
  log "FAILED: $*"
  FAILURES+=("$*")
}

# --- System database ---------------------------------------------------------------------------------
if [ "$DB_KIND" != "none" ]; then
  DB_DESC="$DB_KIND $DB_USER@$DB_HOST:$DB_PORT/$DB_NAME"
  accounts=""
  if [ "$DB_KIND" = "postgresql" ]; then
    if accounts="$(PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT="$CONNECT_TIMEOUT_SECONDS" \
      PGOPTIONS='-c default_transaction_read_only=on' \
      psql -X -w -q -At -v ON_ERROR_STOP=1 -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" \
      -c 'SELECT count(*) FROM accounts' 2>&1)"; then :; else
      fail "System DB $DB_DESC: $(printf '%s' "$accounts" | tr '\n' ' ')"
      accounts=""
    fi
  else
    if accounts="$(MYSQL_PWD="$DB_PASSWORD" mysql --no-defaults --protocol=TCP --connect-timeout="$CONNECT_TIMEOUT_SECONDS" \
      -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" -N -B "$DB_NAME" \
      -e 'SET SESSION TRANSACTION READ ONLY; SELECT COUNT(*) FROM accounts' 2>&1)"; then :; else
      fail "System DB $DB_DESC: $(printf '%s' "$accounts" | tr '\n' ' ')"
      accounts=""
    fi
  fi
  if [ -n "$accounts" ]; then
    case "$accounts" in
      *[!0-9]*) fail "System DB $DB_DESC: unexpected answer to SELECT count(*) FROM accounts: $accounts" ;;
      *)
        if [ "$accounts" -lt "$VERIFY_MIN_ACCOUNTS" ]; then
          fail "System DB $DB_DESC: accounts has $accounts rows, expected at least $VERIFY_MIN_ACCOUNTS"
        else
          log "System DB $DB_DESC: reachable, accounts has $accounts rows"
          RESULTS+=("db accounts=$accounts")
        fi
        ;;
    esac
  fi
fi

# --- Redis -----------------------------------------------------------------------------------------
for entry in $REDIS_ENDPOINTS; do
  case "$entry" in
    *=*:*) ;;
    *) die "REDIS_ENDPOINTS entry '$entry' is not NAME=HOST:PORT" ;;
  esac
  name="${entry%%=*}"
  hostport="${entry#*=}"
  host="${hostport%:*}"
  port="${hostport##*:}"
  case "$port" in '' | *[!0-9]*) die "REDIS_ENDPOINTS entry '$entry': bad port" ;; esac
  suffix="$(printf '%s' "$name" | tr 'a-z.-' 'A-Z__')"
  case "$suffix" in '' | [!A-Z_]* | *[!A-Z0-9_]*) die "REDIS_ENDPOINTS entry '$entry': NAME must be [A-Za-z0-9._-]" ;; esac
  pw_var="REDIS_PASSWORD_$suffix"
  user_var="REDIS_USER_$suffix"
  password="${!pw_var:-${REDIS_PASSWORD:-}}"
  user="${!user_var:-${REDIS_USER:-}}"
  desc="Redis $name ($host:$port)"

  if ! out="$(rcli "$host" "$port" "$user" "$password" PING 2>&1)" || [ "$out" != "PONG" ]; then
    fail "$desc: PING failed: $(printf '%s' "$out" | tr '\n' ' ')"
    continue
  fi
  if ! out="$(rcli "$host" "$port" "$user" "$password" -n "$LIVENESS_DB" EXISTS "$LIVENESS_KEY" 2>&1)"; then
    fail "$desc: EXISTS $LIVENESS_KEY failed: $(printf '%s' "$out" | tr '\n' ' ')"
    continue
  fi
  if [ "$out" != "1" ]; then
    fail "$desc: key '$LIVENESS_KEY' missing in db $LIVENESS_DB (readiness probe never ran, or the data was not copied)"
    continue
  fi
  keys="$(keyspace_total "$(rcli "$host" "$port" "$user" "$password" INFO keyspace 2>/dev/null | keyspace_summary)")"
  log "$desc: answers, '$LIVENESS_KEY' present, $keys keys"
  RESULTS+=("$name keys=$keys")
done

# Non-secret inputs only: endpoints and the thresholds.
INPUTS_CHECKSUM="$(sha256_of_lines "db=$DB_KIND $DB_USER@${DB_HOST:-}:$DB_PORT/$DB_NAME" "redis=$REDIS_ENDPOINTS" \
  "minAccounts=$VERIFY_MIN_ACCOUNTS" "livenessKey=$LIVENESS_DB/$LIVENESS_KEY")"

if [ "${#FAILURES[@]}" -gt 0 ]; then
  log "${#FAILURES[@]} check(s) failed:"
  for f in "${FAILURES[@]}"; do log "  - $f"; done
  evidence_write Failed "$INPUTS_CHECKSUM" "${#FAILURES[@]} check(s) failed: ${FAILURES[0]}" || true
  exit 1
fi

evidence_write Succeeded "$INPUTS_CHECKSUM" "all checks passed: ${RESULTS[*]}" || die "could not write the evidence record"
log "all checks passed"
