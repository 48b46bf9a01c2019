#!/usr/bin/env bash
# check-targets.sh: the pre-connection check of managed targets (seed 6.2.4), from inside the cluster.
# For each target it tells apart what the vendor's one-liner cannot ("if the connection is unsuccessful,
# the command hangs"):
#
#   ok                connected, authenticated, answered
#   refused           nothing listens on host:port (TCP connection refused)
#   timeout           no answer within CONNECT_TIMEOUT_SECONDS (a firewall or security group drops the
#                     packets, or something accepts the connection and never speaks)
#   unresolved        the host name does not resolve (DNS)
#   auth-failed       the server answered and refused the credentials (or, PostgreSQL, the pg_hba rules
#                     refuse a connection without TLS)
#   unknown-database  PostgreSQL: the database does not exist and the user lacks CREATEDB (an absent database
#                     the user may create passes: the copy creates it, seed 5.2.4; MySQL: it creates it too)
#   empty             Redis: reachable, but the key LIVENESS_KEY is not there, i.e. the managed Redis was
#                     not seeded from the dump (or the dump is empty or corrupt)
#   error             anything else (the client's message is logged)
#
# Every target is checked; the step fails at the end when any failed. "empty" fails only with
# REQUIRE_LIVENESS_KEY=true (after the managed Redis was seeded); before that it is reported and passes.
# Nothing is written to any target: SQL runs SELECT 1, Redis runs PING and EXISTS.
#
# Env:
#   TARGETS                 space- or newline-separated NAME=KIND://HOST:PORT[/DATABASE], KIND postgresql,
#                           mysql or redis, e.g. "system-database=postgresql://db.example:5432/system"
#   USER_<NAME>, PASSWORD_<NAME>
#                           credentials of target NAME (upper-cased, '-' and '.' as '_'); from Secrets only
#   REQUIRE_LIVENESS_KEY    (false) Redis targets must hold LIVENESS_KEY
#   LIVENESS_KEY            (liveness-probe) written by the readiness probe of the 3scale Redis Deployments
#   LIVENESS_DB             (0) the Redis database that key is in
#   CONNECT_TIMEOUT_SECONDS (10) per target; the clients are also killed after it (plus 5 s)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init check-targets

TARGETS="${TARGETS:-}"
REQUIRE_LIVENESS_KEY="${REQUIRE_LIVENESS_KEY:-false}"
LIVENESS_KEY="${LIVENESS_KEY:-liveness-probe}"
LIVENESS_DB="${LIVENESS_DB:-0}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-10}"

[ -n "$TARGETS" ] || die "TARGETS is empty: nothing to check"
require_int LIVENESS_DB
require_int CONNECT_TIMEOUT_SECONDS
[ "$CONNECT_TIMEOUT_SECONDS" -ge 1 ] || die "CONNECT_TIMEOUT_SECONDS must be at least 1"
require_cmd timeout sha256sum
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD MYSQL_PWD REDISCLI_AUTH

WORK="$(make_workdir)"
trap 'rm -rf "$WORK"' EXIT
# The clients' own timeouts come first (they name the cause); this outer limit catches a client that
# waits anyway (redis-cli has no connect timeout, and a server that accepts and never speaks hangs it).
KILL_AFTER=$((CONNECT_TIMEOUT_SECONDS + 5))

# classify FILE EXIT_CODE: one outcome word from a client's exit code and messages.
classify() {
  local text rc="$2"
  text="$(tr '\n' ' ' <"$1")"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo timeout
    return
  fi
  case "$text" in
    # MariaDB's client with --connect-timeout connects non-blocking and reports a refusal as (115).
    *'Connection refused'* | *'(111)'* | *"Can't connect to server on"*'(115)'*) echo refused ;;
    *'timeout expired'* | *'timed out'* | *'Timeout'* | *'(110)'* | *'system error: 110'*) echo timeout ;;
    *'could not translate host name'* | *'Name or service not known'* | *'nodename nor servname'* | *'Unknown MySQL server host'* | *'Unknown server host'* | *'Temporary failure in name resolution'* | *'(-2)'* | *'(-3)'*) echo unresolved ;;
    *'password authentication failed'* | *'no pg_hba.conf entry'* | *'Access denied'* | *'WRONGPASS'* | *'NOAUTH'* | *'AUTH failed'* | *'invalid username-password'* | *'without any password configured'* | *'NOPERM'*) echo auth-failed ;;
    *'does not exist'*) echo unknown-database ;;
    *) echo error ;;
  esac
}

# run_client OUT ERR CMD...: the command under the outer time limit; prints its exit code. Credentials reach
# the client as variables assigned in front of the call (`PGPASSWORD=… run_client …`): bash exports them to
# the processes it starts, so they are in their environment and never in an argument list (`env X=…` or a
# client flag would show them in /proc/<pid>/cmdline to every user of the node).
run_client() {
  local out="$1" err="$2"
  shift 2
  set +e
  timeout -s KILL "$KILL_AFTER" "$@" >"$out" 2>"$err" </dev/null
  local rc=$?
  set -e
  echo "$rc"
}

check_postgresql() {
  local host="$1" port="$2" db="$3" user="$4" password="$5" rc
  # sslmode=disable: 3scale 2.15 connects without TLS, so the check must too (a server that only takes TLS
  # connections fails here, with the pg_hba message, instead of after the cut-over).
  rc="$(PGPASSWORD="$password" PGCONNECT_TIMEOUT="$CONNECT_TIMEOUT_SECONDS" PGSSLMODE=disable run_client "$WORK/out" "$WORK/err" \
    psql -X -w -q -At -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d "$db" -c 'SELECT 1')"
  if [ "$rc" -eq 0 ] && [ "$(cat "$WORK/out")" = "1" ]; then
    OUTCOME=ok DETAIL="database $db answers"
  elif [ "$rc" -eq 0 ]; then
    OUTCOME=error DETAIL="SELECT 1 gave no answer"
  else
    OUTCOME="$(classify "$WORK/err" "$rc")" DETAIL="$(tr '\n' ' ' <"$WORK/err" | cut -c1-300)"
    if [ "$OUTCOME" = unknown-database ]; then may_create_postgresql "$host" "$port" "$db" "$user" "$password"; fi
  fi
}

# may_create_postgresql HOST PORT DB USER PASSWORD: the database is absent; asks the maintenance database
# (postgres) whether the user may create databases, as the copy will (read-only: one SELECT on pg_roles).
may_create_postgresql() {
  local host="$1" port="$2" db="$3" user="$4" password="$5" rc
  rc="$(PGPASSWORD="$password" PGCONNECT_TIMEOUT="$CONNECT_TIMEOUT_SECONDS" PGSSLMODE=disable run_client "$WORK/out" "$WORK/err" \
    psql -X -w -q -At -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d postgres -c 'SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user')"
  if [ "$rc" -eq 0 ] && [ "$(cat "$WORK/out")" = t ]; then
    OUTCOME=ok DETAIL="database $db absent (the copy creates it: user $user may create databases)"
  elif [ "$rc" -eq 0 ]; then
    DETAIL="database $db does not exist and user $user lacks CREATEDB: grant it, or create the database first (seed 5.2.4)"
  else
    DETAIL="database $db does not exist, and whether user $user may create it is unknown: $(tr '\n' ' ' <"$WORK/err" | cut -c1-200)"
  fi
}

check_mysql() {
  local host="$1" port="$2" db="$3" user="$4" password="$5" rc exists
  # Without a default database: the copy creates the database when it is absent.
  rc="$(MYSQL_PWD="$password" run_client "$WORK/out" "$WORK/err" mysql --no-defaults --protocol=TCP --connect-timeout="$CONNECT_TIMEOUT_SECONDS" \
    -h "$host" -P "$port" -u "$user" -N -B -e "SELECT 1; SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$db'")"
  if [ "$rc" -eq 0 ] && [ "$(sed -n 1p "$WORK/out")" = "1" ]; then
    exists="$(sed -n 2p "$WORK/out")"
    OUTCOME=ok
    if [ "$exists" = "1" ]; then DETAIL="database $db exists"; else DETAIL="database $db absent (the copy creates it)"; fi
  elif [ "$rc" -eq 0 ]; then
    OUTCOME=error DETAIL="SELECT 1 gave no answer"
  else
    OUTCOME="$(classify "$WORK/err" "$rc")" DETAIL="$(tr '\n' ' ' <"$WORK/err" | cut -c1-300)"
  fi
}

check_redis() {
  local host="$1" port="$2" password="$3" rc answer
  # Exported for this function's clients only (REDISCLI_AUTH is unset above); no password, no AUTH.
  if [ -n "$password" ]; then local -x REDISCLI_AUTH="$password"; fi
  rc="$(run_client "$WORK/out" "$WORK/err" timeout -s KILL "$CONNECT_TIMEOUT_SECONDS" redis-cli -e -h "$host" -p "$port" PING)"
  # redis-cli prints connection errors on stdout or stderr depending on the version: look at both.
  cat "$WORK/out" >>"$WORK/err"
  if [ "$rc" -ne 0 ] || [ "$(tr -d '\r\n' <"$WORK/out")" != "PONG" ]; then
    OUTCOME="$(classify "$WORK/err" "$rc")" DETAIL="$(tr '\n' ' ' <"$WORK/err" | cut -c1-300)"
    return
  fi
  rc="$(run_client "$WORK/out" "$WORK/err" redis-cli -e -h "$host" -p "$port" -n "$LIVENESS_DB" EXISTS "$LIVENESS_KEY")"
  answer="$(tr -d '\r\n' <"$WORK/out")"
  if [ "$rc" -ne 0 ]; then
    cat "$WORK/out" >>"$WORK/err"
    OUTCOME="$(classify "$WORK/err" "$rc")" DETAIL="EXISTS $LIVENESS_KEY: $(tr '\n' ' ' <"$WORK/err" | cut -c1-300)"
  elif [ "$answer" = "1" ]; then
    OUTCOME=ok DETAIL="key $LIVENESS_KEY present in db $LIVENESS_DB"
  else
    OUTCOME=empty DETAIL="reachable, but the key $LIVENESS_KEY is not in db $LIVENESS_DB: the managed Redis was not seeded from the dump, or the dump is empty or corrupt"
  fi
}

FAILURES=()
RESULTS=()
CHECKED=()
for entry in $TARGETS; do
  [[ $entry =~ ^([A-Za-z0-9._-]+)=(postgresql|mysql|redis)://([^/:@]+):([0-9]+)(/([A-Za-z0-9_]*))?$ ]] ||
    die "TARGETS entry '$entry' is not NAME=KIND://HOST:PORT[/DATABASE] with KIND postgresql, mysql or redis"
  name="${BASH_REMATCH[1]}" kind="${BASH_REMATCH[2]}" host="${BASH_REMATCH[3]}" port="${BASH_REMATCH[4]}" db="${BASH_REMATCH[6]:-system}"
  suffix="$(printf '%s' "$name" | tr 'a-z.-' 'A-Z__')"
  user_var="USER_$suffix" pw_var="PASSWORD_$suffix"
  user="${!user_var:-}" password="${!pw_var:-}"
  if [ "$kind" != redis ] && [ -z "$user" ]; then die "target $name: $user_var is empty (the user comes from the credentials Secret)"; fi
  OUTCOME=error DETAIL=""
  case "$kind" in
    postgresql) check_postgresql "$host" "$port" "$db" "$user" "$password" ;;
    mysql) check_mysql "$host" "$port" "$db" "$user" "$password" ;;
    redis) check_redis "$host" "$port" "$password" ;;
  esac
  # The clients' messages name hosts and users, never passwords (those travel only in the environment).
  desc="$name ($kind $host:$port)"
  if [ "$OUTCOME" = ok ] || { [ "$OUTCOME" = empty ] && ! is_true "$REQUIRE_LIVENESS_KEY"; }; then
    log "$desc: $OUTCOME: $DETAIL"
  else
    log "FAILED: $desc: $OUTCOME: $DETAIL"
    FAILURES+=("$name=$OUTCOME")
  fi
  RESULTS+=("$name=$OUTCOME")
  CHECKED+=("$entry")
done

# Non-secret inputs only: the targets and what is required of them.
INPUTS_CHECKSUM="$(sha256_of_lines "${CHECKED[@]}" "requireKey=$REQUIRE_LIVENESS_KEY" "key=$LIVENESS_DB/$LIVENESS_KEY")"
if [ "${#FAILURES[@]}" -gt 0 ]; then
  evidence_write Failed "$INPUTS_CHECKSUM" "${#FAILURES[@]} target(s) failed: ${RESULTS[*]}" || true
  die "${#FAILURES[@]} of ${#RESULTS[@]} target(s) failed the pre-connection check: ${FAILURES[*]}"
fi
evidence_write Succeeded "$INPUTS_CHECKSUM" "${RESULTS[*]}" || die "could not write the evidence record"
log "all ${#RESULTS[@]} target(s) passed: ${RESULTS[*]}"
