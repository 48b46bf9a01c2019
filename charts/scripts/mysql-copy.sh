#!/usr/bin/env bash
# mysql-copy.sh: copy the 3scale System database from the old MySQL (system-mysql) to a new MySQL
# server over the network: mysqldump | DEFINER removal | mysql, inside the Job. No dump file is written.
#
# DEFINER removal: views, triggers, routines and events carry DEFINER=`user`@`host` of the old server
# (usually root@localhost or root@%). Creating such objects on another server requires that user to
# exist there and, for anybody but that user, SUPER / SET_USER_ID, which managed MySQL services do not
# grant. Without the clause the object's definer is the loading user. Only statement headers are
# edited (see strip_definers); table data passes through untouched, whatever text it contains.
#
# Safety and reruns work as in pg-copy.sh: a target database that already holds tables or views is
# refused unless the evidence says this step copied this same source (rerun: exit 0 when the row counts
# still match; restart when the earlier attempt did not finish) or TARGET_RESET=true (drop and recreate
# the target database with the source's character set and collation).
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init mysql-copy

# SOURCE_MYSQL_URL: the URL of the 3scale system-database Secret (mysql2://user:password@host[:port]/db),
# from a secretKeyRef. The internal MySQL's root password exists only there (the operator writes it into
# the URL, not into a key), and the vendor dumps as root (seed 4.2.3). Its parts fill in the SOURCE_MYSQL_*
# variables that are not set; user and password are percent-decoded.
url_decode() { printf '%b' "${1//%/\\x}"; }
if [ -n "${SOURCE_MYSQL_URL:-}" ]; then
  [[ $SOURCE_MYSQL_URL =~ ^mysql2?://([^:@/]*)(:([^@/]*))?@([^:/?]+)(:([0-9]+))?/([^?]+) ]] ||
    { printf 'ERROR: SOURCE_MYSQL_URL is not mysql2://user:password@host[:port]/database\n' >&2; exit 1; }
  SOURCE_MYSQL_USER="${SOURCE_MYSQL_USER:-$(url_decode "${BASH_REMATCH[1]}")}"
  SOURCE_MYSQL_PASSWORD="${SOURCE_MYSQL_PASSWORD:-$(url_decode "${BASH_REMATCH[3]}")}"
  SOURCE_MYSQL_HOST="${SOURCE_MYSQL_HOST:-${BASH_REMATCH[4]}}"
  SOURCE_MYSQL_PORT="${SOURCE_MYSQL_PORT:-${BASH_REMATCH[6]:-3306}}"
  SOURCE_MYSQL_DATABASE="${SOURCE_MYSQL_DATABASE:-${BASH_REMATCH[7]}}"
fi
unset SOURCE_MYSQL_URL
SOURCE_MYSQL_PORT="${SOURCE_MYSQL_PORT:-3306}"
SOURCE_MYSQL_USER="${SOURCE_MYSQL_USER:-root}"
SOURCE_MYSQL_PASSWORD="${SOURCE_MYSQL_PASSWORD:-}"
SOURCE_MYSQL_DATABASE="${SOURCE_MYSQL_DATABASE:-system}"
TARGET_MYSQL_PORT="${TARGET_MYSQL_PORT:-3306}"
TARGET_MYSQL_USER="${TARGET_MYSQL_USER:-root}"
TARGET_MYSQL_PASSWORD="${TARGET_MYSQL_PASSWORD:-}"
TARGET_MYSQL_DATABASE="${TARGET_MYSQL_DATABASE:-system}"
TARGET_RESET="${TARGET_RESET:-false}"
MYSQL_CONNECT_TIMEOUT="${MYSQL_CONNECT_TIMEOUT:-10}"
# Extra, non-secret client options for both sides, e.g. "--ssl-mode=REQUIRED" (split on spaces).
MYSQL_CLIENT_EXTRA_ARGS="${MYSQL_CLIENT_EXTRA_ARGS:-}"

require_env SOURCE_MYSQL_HOST TARGET_MYSQL_HOST
require_int SOURCE_MYSQL_PORT
require_int TARGET_MYSQL_PORT
require_int MYSQL_CONNECT_TIMEOUT
require_cmd mysql mysqldump sed sha256sum
case "$TARGET_MYSQL_DATABASE" in *'`'*) die "TARGET_MYSQL_DATABASE must not contain a backtick" ;; esac
# Only the SOURCE_*/TARGET_* variables count (no inherited password for the wrong side).
unset MYSQL_PWD MYSQL_HOST MYSQL_TCP_PORT

SRC_DESC="$SOURCE_MYSQL_USER@$SOURCE_MYSQL_HOST:$SOURCE_MYSQL_PORT/$SOURCE_MYSQL_DATABASE"
TGT_DESC="$TARGET_MYSQL_USER@$TARGET_MYSQL_HOST:$TARGET_MYSQL_PORT/$TARGET_MYSQL_DATABASE"

copy_step_init

# shellcheck disable=SC2206 # word splitting of the extra options is intended
EXTRA=($MYSQL_CLIENT_EXTRA_ARGS)
# Passwords go through MYSQL_PWD for one command at a time. --no-defaults keeps stray option files out.
src_mysql() {
  MYSQL_PWD="$SOURCE_MYSQL_PASSWORD" mysql --no-defaults "${EXTRA[@]}" --protocol=TCP --connect-timeout="$MYSQL_CONNECT_TIMEOUT" \
    -h "$SOURCE_MYSQL_HOST" -P "$SOURCE_MYSQL_PORT" -u "$SOURCE_MYSQL_USER" -N -B "$@"
}
tgt_mysql() {
  MYSQL_PWD="$TARGET_MYSQL_PASSWORD" mysql --no-defaults "${EXTRA[@]}" --protocol=TCP --connect-timeout="$MYSQL_CONNECT_TIMEOUT" \
    -h "$TARGET_MYSQL_HOST" -P "$TARGET_MYSQL_PORT" -u "$TARGET_MYSQL_USER" -N -B "$@"
}

# sql_string VALUE: VALUE as a single-quoted SQL string literal.
sql_string() {
  printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"
}

connect_check() {
  local who="$1" fn="$2" desc="$3" err
  if ! err="$("$fn" -e 'SELECT 1' 2>&1 >/dev/null)"; then
    die "cannot connect to $who MySQL $desc: $(printf '%s' "$err" | tr '\n' ' ')"
  fi
}

# row_counts FN DB: "table<TAB>rows" for every base table of DB, sorted, from one UNION ALL query.
row_counts() {
  local fn="$1" db="$2" tables query="" t
  tables="$("$fn" -e "SELECT TABLE_NAME FROM information_schema.TABLES
                        WHERE TABLE_SCHEMA = $(sql_string "$db") AND TABLE_TYPE = 'BASE TABLE'
                        ORDER BY TABLE_NAME")" || return 1
  [ -n "$tables" ] || return 0
  while IFS= read -r t; do
    [ -n "$query" ] && query="$query UNION ALL "
    # shellcheck disable=SC2016 # the backticks are SQL quoting, not shell
    query="${query}SELECT $(sql_string "$t"), COUNT(*) FROM \`$(printf '%s' "$db" | sed 's/`/``/g')\`.\`$(printf '%s' "$t" | sed 's/`/``/g')\`"
  done <<EOF
$tables
EOF
  "$fn" -e "$query" | LC_ALL=C sort
}

# The DEFINER filter. It edits only statement header lines, which mysqldump writes as
#   CREATE DEFINER=`u`@`h` PROCEDURE|FUNCTION ...                        (routines)
#   /*!50013 DEFINER=`u`@`h` SQL SECURITY DEFINER */                     (views)
#   /*!50003 CREATE*/ /*!50017 DEFINER=`u`@`h`*/ /*!50003 TRIGGER ...    (triggers)
#   /*!50106 CREATE*/ /*!50117 DEFINER=`u`@`h`*/ /*!50106 EVENT ...      (events)
# i.e. lines starting with "CREATE " or "/*!", and there only the first DEFINER=`user`@`host` (backticks
# inside names are doubled; MariaDB roles have no @host). Table data is never touched: MySQL writes an
# extended INSERT as one line starting with INSERT, MariaDB puts each row on its own line starting with
# "(", and newlines inside values are escaped, so a value can never begin a line.
strip_definers() {
  # shellcheck disable=SC2016 # backticks are literal
  sed -E '/^(CREATE |\/\*!)/s/ DEFINER=`(``|[^`])*`(@`(``|[^`])*`)?//'
}

mysqldump_args() {
  # (mysqldump has no --connect-timeout; connect_check has already proven the source reachable.)
  DUMP_ARGS=(--no-defaults "${EXTRA[@]}" --protocol=TCP
    -h "$SOURCE_MYSQL_HOST" -P "$SOURCE_MYSQL_PORT" -u "$SOURCE_MYSQL_USER"
    --single-transaction --routines --triggers --events
    --no-tablespaces --hex-blob --default-character-set=utf8mb4)
  local help
  help="$(mysqldump --help 2>/dev/null || true)"
  # MySQL's mysqldump (not MariaDB's): do not emit SET @@GLOBAL.GTID_PURGED (needs SUPER on the target)
  # and do not query column statistics (fails against servers without that table).
  case "$help" in *--set-gtid-purged*) DUMP_ARGS+=(--set-gtid-purged=OFF) ;; esac
  case "$help" in *--column-statistics*) DUMP_ARGS+=(--column-statistics=0) ;; esac
  DUMP_ARGS+=("$SOURCE_MYSQL_DATABASE")
}

# Character set and collation of a database ("utf8mb3 utf8mb3_unicode_ci"), empty if it does not exist.
db_charset() {
  "$1" -e "SELECT CONCAT(DEFAULT_CHARACTER_SET_NAME, ' ', DEFAULT_COLLATION_NAME) FROM information_schema.SCHEMATA
           WHERE SCHEMA_NAME = $(sql_string "$2")"
}

create_target_db() {
  local cs coll
  read -r cs coll <<EOF
$SRC_CHARSET
EOF
  log "creating target database \`$TARGET_MYSQL_DATABASE\` (CHARACTER SET $cs COLLATE $coll)"
  tgt_mysql -e "CREATE DATABASE \`$TARGET_MYSQL_DATABASE\` CHARACTER SET $cs COLLATE $coll" ||
    die "cannot create database $TARGET_MYSQL_DATABASE on $TGT_DESC"
}

reset_target() {
  log "resetting target: dropping and recreating database \`$TARGET_MYSQL_DATABASE\`"
  tgt_mysql -e "DROP DATABASE \`$TARGET_MYSQL_DATABASE\`" || die "cannot drop database $TARGET_MYSQL_DATABASE on $TGT_DESC"
  create_target_db
}

# ---------------------------------------------------------------------------------------------------
connect_check source src_mysql "$SRC_DESC"
connect_check target tgt_mysql "$TARGET_MYSQL_USER@$TARGET_MYSQL_HOST:$TARGET_MYSQL_PORT"

SRC_CHARSET="$(db_charset src_mysql "$SOURCE_MYSQL_DATABASE")" || die "cannot inspect source $SRC_DESC"
[ -n "$SRC_CHARSET" ] || die "source database $SOURCE_MYSQL_DATABASE does not exist on $SOURCE_MYSQL_HOST"
src_counts="$(row_counts src_mysql "$SOURCE_MYSQL_DATABASE")" || die "cannot count rows on source $SRC_DESC"
src_tables="$(count_tables "$src_counts")"
src_rows="$(count_rows "$src_counts")"
log "source $SRC_DESC: $src_tables tables, $src_rows rows"
INPUTS_CHECKSUM="$(sha256_of_lines "source=$SRC_DESC" "target=$TGT_DESC" "$src_counts")"

tgt_charset="$(db_charset tgt_mysql "$TARGET_MYSQL_DATABASE")" || die "cannot inspect target $TGT_DESC"
if [ -z "$tgt_charset" ]; then
  TARGET_TOUCHED=1
  create_target_db
else
  tgt_objects="$(tgt_mysql -e "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = $(sql_string "$TARGET_MYSQL_DATABASE"))
                                    + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = $(sql_string "$TARGET_MYSQL_DATABASE"))")" ||
    die "cannot inspect target $TGT_DESC"
  target_matches() { [ "$(row_counts tgt_mysql "$TARGET_MYSQL_DATABASE")" = "$src_counts" ]; }
  if [ "$tgt_objects" -gt 0 ]; then
    handle_nonempty_target "target database $TGT_DESC already holds $tgt_objects tables/views/routines" target_matches "drop and recreate the target database"
  fi

fi

TARGET_TOUCHED=1
evidence_write Running "$INPUTS_CHECKSUM" "load of $src_tables tables started" || die "could not write the evidence record"

log "copying $SRC_DESC -> $TGT_DESC (mysqldump | strip DEFINER | mysql)"
mysqldump_args
set +e
MYSQL_PWD="$SOURCE_MYSQL_PASSWORD" mysqldump "${DUMP_ARGS[@]}" 2>"$WORK/dump.err" |
  strip_definers |
  tgt_mysql --max-allowed-packet=1G --default-character-set=utf8mb4 "$TARGET_MYSQL_DATABASE" 2>"$WORK/load.err"
st=("${PIPESTATUS[@]}")
set -e
if [ "${st[2]}" -ne 0 ]; then
  sed -n '1,40p' "$WORK/load.err" >&2
  die "loading into $TGT_DESC failed (mysql exit ${st[2]})"
fi
if [ "${st[0]}" -ne 0 ]; then
  sed -n '1,40p' "$WORK/dump.err" >&2
  die "mysqldump from $SRC_DESC failed (exit ${st[0]})"
fi
[ "${st[1]}" -eq 0 ] || die "DEFINER filter failed (sed exit ${st[1]})"

tgt_counts="$(row_counts tgt_mysql "$TARGET_MYSQL_DATABASE")" || die "cannot count rows on target $TGT_DESC"
if [ "$tgt_counts" != "$src_counts" ]; then
  printf '%s\n' "$src_counts" >"$WORK/src.counts"
  printf '%s\n' "$tgt_counts" >"$WORK/tgt.counts"
  log "row count mismatch (first column: source only, second: target only):"
  comm -3 "$WORK/src.counts" "$WORK/tgt.counts" | sed -n '1,50p' >&2
  die "per-table row counts differ between source and target"
fi
log "row counts match on all $src_tables tables ($src_rows rows)"

evidence_write Succeeded "$INPUTS_CHECKSUM" "copied $src_tables tables, $src_rows rows; DEFINER clauses removed; row counts equal" ||
  die "could not write the evidence record"
log "done"
