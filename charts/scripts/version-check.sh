#!/usr/bin/env bash
# version-check.sh: read-only; asks each server 3scale uses for its version, the way the 3scale operator's
# own upgrade preflights do (`SELECT version()`, `SELECT VERSION()`, `INFO server`), compares it with the
# minimum of 3scale 2.16 and records what it found as evidence.
#
# Servers come from the connection URLs 3scale itself uses (the system-database, backend-redis and
# system-redis Secrets), so after the cut-over the same Job measures the new servers:
#   DATABASE_URL 🔒      postgresql:// | postgres:// | mysql2:// | mysql:// | oracle-enhanced:// (not checked)
#                        reported as entry `system-database`; unset: no System database check
#   REDIS_SERVERS        space-separated names, e.g. "backend-redis-storage backend-redis-queues system-redis";
#                        the URL of NAME comes from REDIS_URL_<NAME> 🔒 (upper-cased, '-' and '.' as '_')
#   REQUIRED_POSTGRESQL  minimum PostgreSQL version (15.0)
#   REQUIRED_MYSQL       minimum MySQL version (8.0.0)
#   REQUIRED_REDIS       minimum Redis version (7.2)
#   MARIADB_ACCEPTED     a MariaDB server passes the MySQL minimum by number (false: MariaDB is refused)
#   REQUIREMENTS         name of the requirements table, for the record (vendor)
#   RECORD_ONLY          names whose version is recorded but does not fail the step (servers the plan replaces)
#   CONNECT_TIMEOUT_SECONDS (10)
#
# The evidence result is one line the `diff` command parses:
#   requirements <table> (postgresql>=V mysql>=V redis>=V): <name>=<kind>:<version>:<verdict> ...
# with kind postgresql|mysql|mariadb|redis|oracle and verdict ok|below|refused|unreachable|not-checked.
# The step fails when a server outside RECORD_ONLY is below, refused or unreachable.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init version-check

DATABASE_URL="${DATABASE_URL:-}"
REDIS_SERVERS="${REDIS_SERVERS:-}"
REQUIRED_POSTGRESQL="${REQUIRED_POSTGRESQL:-15.0}"
REQUIRED_MYSQL="${REQUIRED_MYSQL:-8.0.0}"
REQUIRED_REDIS="${REQUIRED_REDIS:-7.2}"
MARIADB_ACCEPTED="${MARIADB_ACCEPTED:-false}"
REQUIREMENTS="${REQUIREMENTS:-vendor}"
RECORD_ONLY="${RECORD_ONLY:-}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-10}"
require_int CONNECT_TIMEOUT_SECONDS
[ -n "$DATABASE_URL" ] || [ -n "$REDIS_SERVERS" ] || die "nothing to check: DATABASE_URL and REDIS_SERVERS are both empty"
case "$REQUIREMENTS" in '' | *[!a-z-]*) die "REQUIREMENTS must be a table name such as vendor or operator (got '$REQUIREMENTS')" ;; esac
for v in REQUIRED_POSTGRESQL REQUIRED_MYSQL REQUIRED_REDIS; do
  case "${!v}" in '' | [!0-9]* | *[!0-9.]*) die "$v must be a version such as 15.0 (got '${!v}')" ;; esac
done
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD MYSQL_PWD REDISCLI_AUTH

# version_ge FOUND MINIMUM: true when the leading major.minor.patch of FOUND is at least MINIMUM's
# (missing parts count as 0; text after the numbers is ignored, as the operator's tolerant comparison does).
version_ge() {
  local a b i
  read -r -a a <<<"$(printf '%s' "$1" | sed -E 's/^v?([0-9]+)(\.([0-9]+))?(\.([0-9]+))?.*/\1 \3 \5/;t;s/.*/x/')"
  read -r -a b <<<"$(printf '%s' "$2" | sed -E 's/^v?([0-9]+)(\.([0-9]+))?(\.([0-9]+))?.*/\1 \3 \5/;t;s/.*/x/')"
  [ "${a[0]}" != x ] && [ "${b[0]}" != x ] || return 1
  for i in 0 1 2; do
    if [ "${a[$i]:-0}" -gt "${b[$i]:-0}" ]; then return 0; fi
    if [ "${a[$i]:-0}" -lt "${b[$i]:-0}" ]; then return 1; fi
  done
  return 0
}

ENTRIES=()
FAILURES=()
INPUTS=("requirements=$REQUIREMENTS postgresql>=$REQUIRED_POSTGRESQL mysql>=$REQUIRED_MYSQL redis>=$REQUIRED_REDIS mariadb=$MARIADB_ACCEPTED" "recordOnly=$RECORD_ONLY")

is_record_only() {
  local n
  for n in $RECORD_ONLY; do [ "$n" = "$1" ] && return 0; done
  return 1
}

# record NAME KIND VERSION VERDICT DETAIL: one entry of the evidence result, and a failure unless the server
# is only recorded (or fine).
record() {
  local name="$1" kind="$2" version="$3" verdict="$4" detail="$5"
  ENTRIES+=("$name=$kind:$version:$verdict")
  case "$verdict" in
    ok | not-checked) log "$name: $detail" ;;
    unreachable)
      log "FAILED: $name: $detail"
      FAILURES+=("$name $detail")
      ;;
    *)
      if is_record_only "$name"; then
        log "$name: $detail (recorded only: the migration replaces this server)"
      else
        log "FAILED: $name: $detail"
        FAILURES+=("$name $detail")
      fi
      ;;
  esac
}

# --- System database -------------------------------------------------------------------------------
if [ -n "$DATABASE_URL" ]; then
  scheme="${DATABASE_URL%%://*}"
  case "$scheme" in
    postgresql | postgres) default_port=5432 ;;
    mysql2 | mysql) default_port=3306 ;;
    oracle-enhanced) default_port=1521 ;;
    *) default_port=0 ;;
  esac
  if [ "$default_port" -eq 0 ] || ! parse_url "$DATABASE_URL" "$default_port"; then
    # Say what is wrong without echoing the URL: it holds the password.
    die "DATABASE_URL is not a postgresql://, mysql2:// or oracle-enhanced:// URL with a host (scheme '$(printf '%s' "$scheme" | cut -c1-20)')"
  fi
  db="${U_PATH%%/*}"
  INPUTS+=("database=$U_SCHEME $U_USER@$U_HOST:$U_PORT/$db")
  desc="$U_SCHEME $U_USER@$U_HOST:$U_PORT/$db"
  case "$U_SCHEME" in
    oracle-enhanced)
      record system-database oracle "" not-checked "Oracle at $U_HOST:$U_PORT: not version-checked (3scale 2.16 does not support Oracle)"
      ;;
    postgresql | postgres)
      require_cmd psql
      if out="$(PGPASSWORD="$U_PASSWORD" PGCONNECT_TIMEOUT="$CONNECT_TIMEOUT_SECONDS" PGOPTIONS='-c default_transaction_read_only=on' \
        psql -X -w -q -At -v ON_ERROR_STOP=1 -h "$U_HOST" -p "$U_PORT" -U "$U_USER" -d "${db:-postgres}" -c 'SELECT version()' 2>&1)"; then
        version="$(printf '%s' "$out" | sed -n -E 's/^PostgreSQL ([0-9][0-9.]*).*/\1/p' | head -n 1)"
        if [ -z "$version" ]; then
          record system-database postgresql "" unreachable "$desc: unexpected answer to SELECT version(): $(printf '%s' "$out" | head -c 120)"
        elif version_ge "$version" "$REQUIRED_POSTGRESQL"; then
          record system-database postgresql "$version" ok "$desc: PostgreSQL $version, at least $REQUIRED_POSTGRESQL"
        else
          record system-database postgresql "$version" below "$desc: found PostgreSQL $version, needed $REQUIRED_POSTGRESQL or later ($REQUIREMENTS requirements)"
        fi
      else
        record system-database postgresql "" unreachable "$desc: $(printf '%s' "$out" | tr '\n' ' ' | head -c 300)"
      fi
      ;;
    *)
      require_cmd mysql
      if out="$(MYSQL_PWD="$U_PASSWORD" mysql --no-defaults --protocol=TCP --connect-timeout="$CONNECT_TIMEOUT_SECONDS" \
        -h "$U_HOST" -P "$U_PORT" -u "$U_USER" -N -B ${db:+"$db"} -e 'SELECT VERSION()' 2>&1)"; then
        version="$(printf '%s' "$out" | head -n 1 | tr -d '\r')"
        case "$version" in *[Mm]aria[Dd][Bb]*) kind=mariadb ;; *) kind=mysql ;; esac
        number="$(printf '%s' "$version" | sed -n -E 's/^([0-9]+(\.[0-9]+)*).*/\1/p')"
        if [ -z "$number" ]; then
          record system-database mysql "" unreachable "$desc: unexpected answer to SELECT VERSION(): $(printf '%s' "$out" | head -c 120)"
        elif [ "$kind" = mariadb ] && ! is_true "$MARIADB_ACCEPTED"; then
          record system-database mariadb "$number" refused "$desc: found MariaDB $number, needed MySQL $REQUIRED_MYSQL or later ($REQUIREMENTS requirements: MariaDB is not MySQL)"
        elif version_ge "$number" "$REQUIRED_MYSQL"; then
          record system-database "$kind" "$number" ok "$desc: $([ "$kind" = mariadb ] && echo MariaDB || echo MySQL) $number, at least $REQUIRED_MYSQL"
        else
          record system-database "$kind" "$number" below "$desc: found MySQL $number, needed $REQUIRED_MYSQL or later ($REQUIREMENTS requirements)"
        fi
      else
        record system-database mysql "" unreachable "$desc: $(printf '%s' "$out" | tr '\n' ' ' | head -c 300)"
      fi
      ;;
  esac
fi

# --- Redis -----------------------------------------------------------------------------------------
if [ -n "$REDIS_SERVERS" ]; then require_cmd redis-cli; fi
for name in $REDIS_SERVERS; do
  suffix="$(printf '%s' "$name" | tr 'a-z.-' 'A-Z__')"
  case "$suffix" in '' | [!A-Z_]* | *[!A-Z0-9_]*) die "REDIS_SERVERS entry '$name': names must be [A-Za-z0-9._-]" ;; esac
  url_var="REDIS_URL_$suffix"
  url="${!url_var:-}"
  [ -n "$url" ] || die "REDIS_SERVERS names $name but $url_var is empty"
  case "$url" in redis://* | rediss://*) ;; *) die "$url_var is not a redis:// URL" ;; esac
  parse_url "$url" 6379 || die "$url_var is not a redis://[user:password@]host[:port][/db] URL"
  INPUTS+=("redis $name=$U_HOST:$U_PORT")
  desc="$U_HOST:$U_PORT"
  tls=()
  if [ "$U_SCHEME" = rediss ]; then tls=(--tls); fi
  if out="$(rcli "$U_HOST" "$U_PORT" "$U_USER" "$U_PASSWORD" "${tls[@]}" INFO server 2>&1)"; then
    version="$(printf '%s\n' "$out" | info_field redis_version)"
    if [ -z "$version" ]; then
      record "$name" redis "" unreachable "$desc: no redis_version in INFO server"
    elif version_ge "$version" "$REQUIRED_REDIS"; then
      record "$name" redis "$version" ok "$desc: Redis $version, at least $REQUIRED_REDIS"
    else
      record "$name" redis "$version" below "$desc: found Redis $version, needed $REQUIRED_REDIS or later ($REQUIREMENTS requirements)"
    fi
  else
    record "$name" redis "" unreachable "$desc: $(printf '%s' "$out" | tr '\n' ' ' | head -c 300)"
  fi
done

INPUTS_CHECKSUM="$(sha256_of_lines "${INPUTS[@]}")"
RESULT="requirements $REQUIREMENTS (postgresql>=$REQUIRED_POSTGRESQL mysql>=$REQUIRED_MYSQL redis>=$REQUIRED_REDIS): ${ENTRIES[*]}"
if [ "${#FAILURES[@]}" -gt 0 ]; then
  log "${#FAILURES[@]} server(s) do not meet the 3scale 2.16 requirements or cannot be asked:"
  for f in "${FAILURES[@]}"; do log "  - $f"; done
  evidence_write Failed "$INPUTS_CHECKSUM" "$RESULT" || true
  exit 1
fi
evidence_write Succeeded "$INPUTS_CHECKSUM" "$RESULT" || die "could not write the evidence record"
log "versions recorded: ${ENTRIES[*]}"
