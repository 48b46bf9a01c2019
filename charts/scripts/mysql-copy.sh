#!/usr/bin/env bash
# mysql-copy.sh: copy the 3scale System database from the old MySQL (system-mysql) to a new MySQL
# server over the network: mysqldump | DEFINER removal | mysql, inside the Job. No dump file is written.
#
# Two passes: tables, views and data first (PARALLEL_JOBS=N above 1: N streams at a time, largest table first, a
# table of SPLIT_MIN_ROWS rows or more split into ranges of its integer primary key, each range a SELECT | LOAD
# DATA LOCAL stream where its column types allow, else a mysqldump --where stream; then the views; see
# load_tables_parallel) (system-versioned tables with their history, --dump-history),
# then triggers, routines and events. Between them the FLOAT columns get their exact values (mysqldump writes
# a FLOAT with 6 significant digits: 16777216 becomes 16777200), one UPDATE per row by its key, before any
# trigger exists that it could fire; ON UPDATE columns keep their copied value. A FLOAT column in a table
# without a key on NOT NULL columns, or in a system-versioned table, is refused before anything is written.
#
# DEFINER removal: views, triggers, routines and events carry DEFINER=`user`@`host` of the old server
# (usually root@localhost or root@%). Creating such objects on another server requires that user to
# exist there and, for anybody but that user, SUPER / SET_USER_ID, which managed MySQL services do not
# grant. Without the clause the object's definer is the loading user. Only the statement headers of those
# objects are edited (see strip_definers); bodies, view definitions and table data pass through untouched.
#
# Checked after the load: per-table row counts (a system-versioned table: every row version) and the schema
# (columns, indexes, foreign keys, views, routines, triggers, events), source against target. The per-table
# checksums of every row of the source, read beside the load, go into the evidence manifest; the cut-over's
# mysql-verify-copy.sh reads the target's rows and compares them with it, before anything of 3scale changes
# (as pg-verify-copy.sh does for PostgreSQL). The server's load warnings are printed.
#
# Safety and reruns work as in pg-copy.sh (handle_nonempty_target in lib/evidence.sh): a target database
# that already holds tables or views is refused unless the evidence says this step copied this same source
# in this same state, or TARGET_RESET=true (spec.jobs.resetTarget: drop and recreate the target database
# with the source's character set and collation). The source fingerprint is a sha256 of the schema and the
# row checksums: any write to the source since the copy (3scale after a rollback of scale-down) changes
# it, and the rerun copies again into a reset target or refuses; unchanged, and the target's checksums
# still equal, the rerun exits 0; an earlier attempt that did not finish is restarted.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
# shellcheck source=lib/mysql-state.sh
. "$SCRIPT_DIR/lib/mysql-state.sh"
# shellcheck source=lib/copy-manifest.sh
. "$SCRIPT_DIR/lib/copy-manifest.sh"
# shellcheck source=lib/progress.sh
. "$SCRIPT_DIR/lib/progress.sh"
# shellcheck source=lib/workers.sh
. "$SCRIPT_DIR/lib/workers.sh"
evidence_init mysql-copy

mysql_source_from_url
SOURCE_MYSQL_PORT="${SOURCE_MYSQL_PORT:-3306}"
SOURCE_MYSQL_USER="${SOURCE_MYSQL_USER:-root}"
SOURCE_MYSQL_PASSWORD="${SOURCE_MYSQL_PASSWORD:-}"
SOURCE_MYSQL_DATABASE="${SOURCE_MYSQL_DATABASE:-system}"
TARGET_MYSQL_PORT="${TARGET_MYSQL_PORT:-3306}"
TARGET_MYSQL_USER="${TARGET_MYSQL_USER:-root}"
TARGET_MYSQL_PASSWORD="${TARGET_MYSQL_PASSWORD:-}"
TARGET_MYSQL_DATABASE="${TARGET_MYSQL_DATABASE:-system}"
TARGET_RESET="${TARGET_RESET:-false}"
PARALLEL_JOBS="${PARALLEL_JOBS:-1}"
# With PARALLEL_JOBS above 1: a table of at least this many rows (the server's estimate) is loaded by up to
# PARALLEL_JOBS streams at once, one per range of its primary key, when that key is one integer column.
SPLIT_MIN_ROWS="${SPLIT_MIN_ROWS:-100000}"
# The column types whose text form the server reads back as the same value (load_plan).
LOAD_DATA_TYPES="'tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'char', 'varchar', 'tinytext', 'text',
  'mediumtext', 'longtext', 'enum', 'set', 'date', 'datetime', 'timestamp', 'time', 'year'"
MYSQL_CONNECT_TIMEOUT="${MYSQL_CONNECT_TIMEOUT:-10}"
# Extra, non-secret client options for both sides, e.g. "--ssl-mode=REQUIRED" (split on spaces).
MYSQL_CLIENT_EXTRA_ARGS="${MYSQL_CLIENT_EXTRA_ARGS:-}"

require_env SOURCE_MYSQL_HOST TARGET_MYSQL_HOST
require_int SOURCE_MYSQL_PORT
require_int TARGET_MYSQL_PORT
require_int MYSQL_CONNECT_TIMEOUT
require_int PARALLEL_JOBS
require_int SPLIT_MIN_ROWS
[ "$PARALLEL_JOBS" -ge 1 ] || die "PARALLEL_JOBS must be at least 1"
require_cmd mysql mysqldump sed sha256sum
case "$TARGET_MYSQL_DATABASE" in *'`'*) die "TARGET_MYSQL_DATABASE must not contain a backtick" ;; esac
# Only the SOURCE_*/TARGET_* variables count (no inherited password for the wrong side).
unset MYSQL_PWD MYSQL_HOST MYSQL_TCP_PORT

SRC_DESC="$SOURCE_MYSQL_USER@$SOURCE_MYSQL_HOST:$SOURCE_MYSQL_PORT/$SOURCE_MYSQL_DATABASE"
TGT_DESC="$TARGET_MYSQL_USER@$TARGET_MYSQL_HOST:$TARGET_MYSQL_PORT/$TARGET_MYSQL_DATABASE"

copy_step_init

# The DEFINER filter. It removes DEFINER=`user`@`host` (backticks inside names doubled; MariaDB roles have
# no @host) only from the statement headers mysqldump writes for the objects that carry one:
#   CREATE DEFINER=`u`@`h` PROCEDURE|FUNCTION ...                        (routines)
#   /*!50001 CREATE ALGORITHM=... */ + next line /*!50013 DEFINER=`u`@`h` SQL SECURITY ... */   (views)
#   /*!50003 CREATE*/ /*!50017 DEFINER=`u`@`h`*/ /*!50003 TRIGGER ...    (triggers)
#   /*!50106 CREATE*/ /*!50117 DEFINER=`u`@`h`*/ /*!50106 EVENT ...      (events)
# A header is recognized only where a statement starts: after a line ending in the current delimiter
# (";" or, inside DELIMITER ;; blocks, ";;"). Lines of a routine or trigger body, a view's definition and
# table data are never edited, whatever text they hold (a body line starting with "CREATE DEFINER=" inside a
# string literal, a view selecting the literal ' DEFINER=`x`@`y`', a row of data).
strip_definers() {
  # shellcheck disable=SC2016 # backticks are literal
  awk -v acct='DEFINER=`([^`]|``)*`(@`([^`]|``)*`)?' '
    BEGIN { delim = ";"; start = 1; view = 0 }
    {
      line = $0
      if (view && match(line, "^/\\*!50013 " acct " SQL SECURITY ")) {
        sub("^/\\*!50013 " acct " ", "/*!50013 ", line)
      } else if (start) {
        if (match(line, "^CREATE " acct " (PROCEDURE|FUNCTION|AGGREGATE FUNCTION) ")) sub("^CREATE " acct " ", "CREATE ", line)
        else if (match(line, "^/\\*!50003 CREATE\\*/ /\\*!50017 " acct "\\*/ /\\*!50003 TRIGGER ")) sub(" /\\*!50017 " acct "\\*/", "", line)
        else if (match(line, "^/\\*!50106 CREATE\\*/ /\\*!50117 " acct "\\*/ /\\*!50106 EVENT ")) sub(" /\\*!50117 " acct "\\*/", "", line)
      }
      view = start && (line ~ /^\/\*!50001 CREATE ALGORITHM=[A-Z]+ \*\/$/)
      print line
      if (line ~ /^DELIMITER /) { delim = substr(line, 11); sub(/[ \t\r]+$/, "", delim); start = 1 }
      else if (line ~ /^(--.*)?[ \t\r]*$/) { }
      else start = (length(line) >= length(delim) && substr(line, length(line) - length(delim) + 1) == delim)
    }'
}

# mysqldump_args WHAT: DUMP_ARGS (the options; the caller names the database and tables) for one of the two passes: "tables" (tables, views and data, system-versioned
# tables with their history) or "programs" (triggers, routines and events only; after the FLOAT repair, so
# that no trigger fires on it).
mysqldump_args() {
  # (mysqldump has no --connect-timeout; connect_check has already proven the source reachable.)
  DUMP_ARGS=(--no-defaults "${EXTRA[@]}" --protocol=TCP
    -h "$SOURCE_MYSQL_HOST" -P "$SOURCE_MYSQL_PORT" -u "$SOURCE_MYSQL_USER"
    --single-transaction --no-tablespaces --hex-blob --default-character-set=utf8mb4)
  if [ "$1" = tables ]; then
    DUMP_ARGS+=(--skip-triggers)
    [ "$SRC_VERSIONED" -eq 0 ] || DUMP_ARGS+=(--dump-history)
  else
    DUMP_ARGS+=(--no-create-info --no-data --triggers --routines --events)
  fi
  # MySQL's mysqldump (not MariaDB's): do not emit SET @@GLOBAL.GTID_PURGED (needs SUPER on the target)
  # and do not query column statistics (fails against servers without that table).
  case "$DUMP_HELP" in *--set-gtid-purged*) DUMP_ARGS+=(--set-gtid-purged=OFF) ;; esac
  case "$DUMP_HELP" in *--column-statistics*) DUMP_ARGS+=(--column-statistics=0) ;; esac
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
  local err
  log "creating target database \`$TARGET_MYSQL_DATABASE\` (CHARACTER SET $cs COLLATE $coll)"
  # IF NOT EXISTS, as seed 5.2.4 does: a database created meanwhile is no error.
  err="$(tgt_mysql -e "CREATE DATABASE IF NOT EXISTS \`$TARGET_MYSQL_DATABASE\` CHARACTER SET $cs COLLATE $coll" 2>&1 >/dev/null)" ||
    die "cannot create database $TARGET_MYSQL_DATABASE on $TGT_DESC: $(printf '%s' "$err" | tr '\n' ' ' | cut -c1-300) (the user needs CREATE on it, or create the database first: seed 5.2.4)"
}

reset_target() {
  log "resetting target: dropping and recreating database \`$TARGET_MYSQL_DATABASE\`"
  tgt_mysql -e "DROP DATABASE \`$TARGET_MYSQL_DATABASE\`" || die "cannot drop database $TARGET_MYSQL_DATABASE on $TGT_DESC"
  create_target_db
}

progress_sample() { mysql_row_estimate tgt_mysql "$TARGET_MYSQL_DATABASE"; }

# float_tables: "table key-columns float-columns on-update-columns versioned", separated by the ASCII unit
# separator (\x1f, so that an empty field stays a field), the column lists comma-separated, one line
# per source table with a FLOAT column. The key is the primary key, else the first unique key
# whose columns are all NOT NULL (one row per key value).
float_tables() {
  src_mysql -e "
    SELECT CONCAT_WS(CHAR(31), c.TABLE_NAME,
           IFNULL((SELECT GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.SEQ_IN_INDEX) FROM information_schema.STATISTICS k
                    WHERE k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
                      AND k.INDEX_NAME = (SELECT u.INDEX_NAME FROM information_schema.STATISTICS u
                                           WHERE u.TABLE_SCHEMA = c.TABLE_SCHEMA AND u.TABLE_NAME = c.TABLE_NAME AND u.NON_UNIQUE = 0
                                           GROUP BY u.INDEX_NAME HAVING MAX(u.NULLABLE) = ''
                                           ORDER BY u.INDEX_NAME <> 'PRIMARY', u.INDEX_NAME LIMIT 1)), ''),
           GROUP_CONCAT(c.COLUMN_NAME ORDER BY c.ORDINAL_POSITION),
           IFNULL((SELECT GROUP_CONCAT(o.COLUMN_NAME) FROM information_schema.COLUMNS o
                    WHERE o.TABLE_SCHEMA = c.TABLE_SCHEMA AND o.TABLE_NAME = c.TABLE_NAME AND o.EXTRA LIKE '%on update%'), ''),
           (SELECT IF(t.TABLE_TYPE = 'SYSTEM VERSIONED', 1, 0) FROM information_schema.TABLES t
             WHERE t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME))
      FROM information_schema.COLUMNS c
      JOIN information_schema.TABLES tt ON tt.TABLE_SCHEMA = c.TABLE_SCHEMA AND tt.TABLE_NAME = c.TABLE_NAME
     WHERE c.TABLE_SCHEMA = $(sql_string "$SOURCE_MYSQL_DATABASE") AND c.DATA_TYPE = 'float'
       AND tt.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
     GROUP BY c.TABLE_NAME ORDER BY c.TABLE_NAME"
}

# check_source_supported: refuse, before anything is written, what this copy cannot carry over exactly.
check_source_supported() {
  local t key floats onupd versioned trx
  while IFS="$(printf '\037')" read -r t key floats onupd versioned; do
    [ -n "$t" ] || continue
    [ -n "$key" ] || die "table $t of $SRC_DESC has FLOAT column(s) $floats but no primary key or unique key on NOT NULL columns: mysqldump writes FLOAT with 6 significant digits and without a key the exact values cannot be put back; add a primary key or ALTER the column(s) to DOUBLE on the source"
    [ "$versioned" = 0 ] || die "table $t of $SRC_DESC is system-versioned and has FLOAT column(s) $floats: putting the exact values back would add row versions to its history; ALTER the column(s) to DOUBLE on the source"
  done <<EOF
$FLOAT_TABLES
EOF
  SRC_VERSIONED="$(printf '%s\n' "$SRC_TABLES" | awk -F'\t' '$2 == 1' | wc -l)"
  [ "$SRC_VERSIONED" -eq 0 ] && return 0
  case "$DUMP_HELP" in
    *--dump-history*) ;;
    *) die "$SRC_VERSIONED system-versioned table(s) in $SRC_DESC ($(printf '%s\n' "$SRC_TABLES" | awk -F'\t' '$2 == 1 { print $1 }' | paste -sd, -)) and this mysqldump has no --dump-history: their history would be lost; run the copy with MariaDB's client tools (10.11 or later)" ;;
  esac
  trx="$(src_mysql -e "SELECT GROUP_CONCAT(DISTINCT TABLE_NAME) FROM information_schema.COLUMNS
                       WHERE TABLE_SCHEMA = $(sql_string "$SOURCE_MYSQL_DATABASE") AND COLUMN_NAME = 'row_start'
                         AND DATA_TYPE = 'bigint'")" || die "cannot inspect source $SRC_DESC"
  [ -z "$trx" ] || [ "$trx" = NULL ] ||
    die "system-versioned table(s) $trx of $SRC_DESC are versioned by transaction id: mysqldump --dump-history keeps only timestamp-versioned history; their history would be lost"
  log "$SRC_VERSIONED system-versioned table(s): copied with their history (mysqldump --dump-history)"
}

# float_repair_sql TABLE KEY FLOATS ONUPDATE: prints, from the source, one UPDATE per row setting the FLOAT
# columns to their exact value (as DOUBLE text, which rounds back to the same FLOAT). Columns with ON UPDATE
# are assigned to themselves so that they keep their copied value.
float_repair_sql() {
  local t="$1" key="$2" floats="$3" onupd="$4" set="" where="" c old_ifs="$IFS"
  IFS=,
  for c in $floats; do
    set="$set${set:+, ', ', }'$(sql_ident "$c" | sed "s/'/''/g")=', IFNULL(CAST($(sql_ident "$c") AS DOUBLE), 'NULL')"
  done
  for c in $onupd; do set="$set, ', $(sql_ident "$c" | sed "s/'/''/g")=$(sql_ident "$c" | sed "s/'/''/g")'"; done
  for c in $key; do
    where="$where${where:+, ' AND ', }'$(sql_ident "$c" | sed "s/'/''/g") <=> ', QUOTE($(sql_ident "$c"))"
  done
  IFS="$old_ifs"
  src_mysql --default-character-set=utf8mb4 -r -e "SELECT CONCAT('UPDATE $(sql_ident "$TARGET_MYSQL_DATABASE" | sed "s/'/''/g").$(sql_ident "$t" | sed "s/'/''/g") SET ', $set, ' WHERE ', $where, ';')
    FROM $(sql_ident "$SOURCE_MYSQL_DATABASE").$(sql_ident "$t")"
}

# repair_floats: put the exact FLOAT values into the target (mysqldump wrote them with 6 significant digits).
repair_floats() {
  local t key floats onupd versioned n=0
  while IFS="$(printf '\037')" read -r t key floats onupd versioned; do
    [ -n "$t" ] || continue
    # One transaction: a commit per row would cost a log flush per row.
    { printf 'START TRANSACTION;\n'
      float_repair_sql "$t" "$key" "$floats" "$onupd" 2>"$WORK/float.err" || die "cannot read the FLOAT values of $t from $SRC_DESC: $(tr '\n' ' ' <"$WORK/float.err")"
      printf 'COMMIT;\n'; } |
      tgt_mysql --default-character-set=utf8mb4 2>"$WORK/float-load.err" ||
      die "cannot write the exact FLOAT values of $t into $TGT_DESC: $(tr '\n' ' ' <"$WORK/float-load.err")"
    n=$((n + 1))
  done <<EOF
$FLOAT_TABLES
EOF
  [ "$n" -eq 0 ] || log "FLOAT values written exactly in $n table(s) (mysqldump writes FLOAT with 6 significant digits)"
}

# stream_result N WHAT ST...: after a pipeline of a load stream whose first command read the source (WHAT names it)
# and whose last loaded the target, with their exit codes ST: returns 0, or writes one line naming the failing
# part to WORK/load.N.failed and returns 1 (a worker of load_tables_parallel cannot die for the script).
stream_result() {
  local n="$1" what="$2"
  shift 2
  local -a st=("$@")
  local last="${st[$((${#st[@]} - 1))]}" i
  if [ "$last" -ne 0 ]; then
    printf 'loading into %s failed (mysql exit %s): %s\n' "$TGT_DESC" "$last" "$(sed -n '1,5p' "$WORK/load.$n.err" | tr '\n' ' ')" >"$WORK/load.$n.failed"
  elif [ "${st[0]}" -ne 0 ]; then
    printf '%s from %s failed (exit %s): %s\n' "$what" "$SRC_DESC" "${st[0]}" "$(sed -n '1,5p' "$WORK/dump.$n.err" | tr '\n' ' ')" >"$WORK/load.$n.failed"
  else
    for ((i = 1; i < ${#st[@]} - 1; i++)); do
      [ "${st[$i]}" -eq 0 ] || { printf 'the filter between %s and mysql failed (exit %s)\n' "$what" "${st[$i]}" >"$WORK/load.$n.failed"; return 1; }
    done
    return 0
  fi
  return 1
}

# load_stream N [OPTIONS...] -- [TABLES...]: mysqldump with DUMP_ARGS, OPTIONS and the source database (only
# TABLES when given) | strip_definers | mysql on the target; the target's warnings go to WORK/load.N.out.
# Returns as stream_result.
load_stream() {
  local n="$1" st
  shift
  local -a opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  set +e
  MYSQL_PWD="$SOURCE_MYSQL_PASSWORD" mysqldump "${DUMP_ARGS[@]}" "${opts[@]}" -- "$SOURCE_MYSQL_DATABASE" "$@" 2>"$WORK/dump.$n.err" |
    strip_definers |
    tgt_mysql --max-allowed-packet=1G --default-character-set=utf8mb4 --show-warnings "$TARGET_MYSQL_DATABASE" \
      >"$WORK/load.$n.out" 2>"$WORK/load.$n.err"
  st=("${PIPESTATUS[@]}")
  set -e
  stream_result "$n" mysqldump "${st[@]}"
}

# load_range_data N TABLE COLUMNS WHERE: the rows of TABLE matching WHERE as text (SELECT in batch mode, which
# writes a backslash, tab, newline and NUL escaped, as LOAD DATA reads them back) into LOAD DATA LOCAL on the
# target, about a third less of the target server's time than the INSERT statements of mysqldump. COLUMNS:
# "column<TAB>YES|NO (nullable)<TAB>1|0 (AUTO_INCREMENT)" lines in table order. A nullable column travels with a flag (batch mode writes
# NULL and the text 'NULL' alike) and is set from both. Both sessions in UTC (TIMESTAMP values as stored), the
# target's in the SQL mode mysqldump's output sets (zero dates and a 0 in an AUTO_INCREMENT column load as they
# are). Only for tables load_plan found loadable. Returns as stream_result.
load_range_data() {
  local n="$1" t="$2" w="$4" sel="" into="" set="" col nullable auto i=0 st id
  while IFS="$(printf '\t')" read -r col nullable auto; do
    i=$((i + 1))
    id="$(sql_ident "$col")"
    if [ "$auto" = 1 ]; then
      # Assigned in SET: an AUTO_INCREMENT column loaded directly gets a new value for a 0 once the statement has
      # a SET clause (MariaDB 10.11), whatever the SQL mode.
      sel="$sel${sel:+, }$id"
      into="$into${into:+, }@v$i"
      set="$set${set:+, }$id = @v$i"
    elif [ "$nullable" = YES ]; then
      sel="$sel${sel:+, }$id, $id IS NULL"
      into="$into${into:+, }@v$i, @n$i"
      set="$set${set:+, }$id = IF(@n$i, NULL, @v$i)"
    else
      sel="$sel${sel:+, }$id"
      into="$into${into:+, }$id"
    fi
  done <<EOF
$3
EOF
  set +e
  src_mysql --quick --default-character-set=utf8mb4 -e "SET SESSION TRANSACTION READ ONLY; SET time_zone = '+00:00';
    SELECT $sel FROM $(sql_ident "$SOURCE_MYSQL_DATABASE").$(sql_ident "$t") WHERE $w" 2>"$WORK/dump.$n.err" |
    tgt_mysql --local-infile=1 --default-character-set=utf8mb4 --show-warnings "$TARGET_MYSQL_DATABASE" -e "
      SET time_zone = '+00:00', unique_checks = 0, foreign_key_checks = 0, sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
      LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE $(sql_ident "$t") CHARACTER SET utf8mb4 ($into)${set:+ SET $set}" \
      >"$WORK/load.$n.out" 2>"$WORK/load.$n.err"
  st=("${PIPESTATUS[@]}")
  set -e
  stream_result "$n" "SELECT" "${st[@]}"
}

# load_collect: the warnings of every stream into WORK/load.out; dies naming the first failed stream.
load_collect() {
  local f failed
  for f in "$WORK"/load.*.out; do
    [ -e "$f" ] || continue
    cat "$f" >>"$WORK/load.out"
    rm -f "$f"
  done
  failed="$(cat "$WORK"/load.*.failed 2>/dev/null | head -n 5 | paste -sd ';' -)" || true
  [ -n "$failed" ] || return 0
  show_load_warnings
  die "$failed"
}

# load_pass WHAT: one stream of pass WHAT (mysqldump_args), warnings kept and printed.
load_pass() {
  mysqldump_args "$1"
  load_stream "$1" -- || true
  load_collect
}

# load_plan: "table<TAB>estimated rows<TAB>loadable<TAB>key" for every table of the source, largest first. The key
# is the primary key's column when the table is an InnoDB base table (not system-versioned) whose primary key is
# one integer column, else empty: only such a table is split into key ranges. Loadable is 1 when every column has
# a type whose text the server reads back exactly (LOAD_DATA_TYPES; no FLOAT, DOUBLE, binary, bit or spatial
# type) and is no generated or invisible column: then its ranges go by load_range_data.
load_plan() {
  src_mysql -e "SELECT t.TABLE_NAME, IFNULL(t.TABLE_ROWS, 0),
                       (SELECT IF(SUM(c.DATA_TYPE NOT IN ($LOAD_DATA_TYPES) OR c.EXTRA REGEXP 'GENERATED|VIRTUAL|PERSISTENT|STORED|INVISIBLE'
                                      OR c.COLUMN_NAME REGEXP '[[:cntrl:]]' OR INSTR(c.COLUMN_NAME, CHAR(92)) > 0) = 0, 1, 0)
                          FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME),
                       IF(t.TABLE_TYPE = 'BASE TABLE' AND t.ENGINE = 'InnoDB',
                          IFNULL((SELECT MAX(c.COLUMN_NAME) FROM information_schema.STATISTICS k
                                    JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = k.TABLE_SCHEMA
                                         AND c.TABLE_NAME = k.TABLE_NAME AND c.COLUMN_NAME = k.COLUMN_NAME
                                   WHERE k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME AND k.INDEX_NAME = 'PRIMARY'
                                  HAVING COUNT(*) = 1 AND MAX(c.DATA_TYPE) IN ('tinyint', 'smallint', 'mediumint', 'int', 'bigint')), ''),
                          '')
                  FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = $(sql_string "$SOURCE_MYSQL_DATABASE")
                   AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
                 ORDER BY t.DATA_LENGTH + t.INDEX_LENGTH DESC, t.TABLE_NAME"
}

# key_ranges TABLE KEY PARTS: the WHERE conditions of up to PARTS ranges of the integer column KEY that together
# cover every value (the first and the last range are open), one a line; nothing when the table is empty or holds
# a single key value. The bounds split MIN..MAX of the source evenly, computed as DECIMAL by the server (exact for
# any BIGINT, signed or not, where the shell's arithmetic would overflow).
key_ranges() {
  local from k lo hi q="" i d
  from="$(sql_ident "$SOURCE_MYSQL_DATABASE").$(sql_ident "$1")"
  k="$(sql_ident "$2")"
  read -r lo hi < <(src_mysql -e "SELECT MIN($k), MAX($k) FROM $from") || return 1
  [ -n "$lo" ] && [ "$lo" != NULL ] || return 0
  d="CAST($lo AS DECIMAL(20,0))"
  for ((i = 1; i < $3; i++)); do
    q="$q${q:+ UNION ALL }SELECT $d + FLOOR((CAST($hi AS DECIMAL(20,0)) - $d) * $i / $3) AS b"
  done
  [ -n "$q" ] || return 0
  src_mysql -e "SELECT DISTINCT b FROM ($q) x WHERE b > $d ORDER BY b" | awk -v k="$k" '
    { if (NR == 1) print k " < " $1; else print k " >= " prev " AND " k " < " $1; prev = $1 }
    END { if (NR > 0) print k " >= " prev }'
}

# load_tables_parallel: the tables pass as PARALLEL_JOBS streams at a time, largest table first, then one stream
# of the views (they select from the tables). A table of at least SPLIT_MIN_ROWS estimated rows with a
# one-column integer primary key (load_plan) is created first, then loaded by up to PARALLEL_JOBS streams, each
# `mysqldump --where` one range of that key (key_ranges; without LOCK TABLES, so that they write at the same
# time); any other table is one stream. Consistency: each mysqldump reads in its own transaction
# (--single-transaction), so the tables and ranges are not read at one instant; that is sound because 3scale is
# scaled down in this phase (nothing writes to the source), and it is proven rather than assumed: the source's
# checksums, read beside the load, go into the manifest, and mysql-verify-copy.sh compares the target's rows and
# the source with it again before the cut-over. MariaDB's mysqldump cannot share a snapshot between processes,
# and FLUSH TABLES WITH READ LOCK held while each worker opened its snapshot would need the RELOAD privilege and
# wait for every running statement, to guard against writers that are not running.
load_tables_parallel() {
  local t rows loadable key n=0 split=0 views ranges w r plan local_infile cols how
  mysqldump_args tables
  plan="$(load_plan)" || die "cannot list the tables of source $SRC_DESC"
  local_infile="$(tgt_mysql -e 'SELECT @@GLOBAL.local_infile')" || die "cannot inspect target $TGT_DESC"
  while IFS="$(printf '\t')" read -r t rows loadable key; do
    [ -n "$t" ] || continue
    n=$((n + 1))
    ranges=""
    if [ -n "$key" ] && [ "$rows" -ge "$SPLIT_MIN_ROWS" ]; then
      ranges="$(key_ranges "$t" "$key" "$PARALLEL_JOBS")" || die "cannot read the key range of table $t of source $SRC_DESC"
    fi
    if [ -z "$ranges" ]; then
      job_slot_wait "$PARALLEL_JOBS"
      load_stream "table-$n" -- "$t" &
      JOBS_ACTIVE+=("$!")
      continue
    fi
    # The table without rows first (its CREATE), then its ranges beside each other.
    load_stream "table-$n" --no-data -- "$t" || continue
    split=$((split + 1))
    r=0
    cols=""
    how="mysqldump --where"
    if [ "$loadable" = 1 ] && [ "$local_infile" = 1 ]; then
      cols="$(src_mysql -e "SELECT COLUMN_NAME, IS_NULLABLE, IF(EXTRA LIKE '%auto_increment%', 1, 0) FROM information_schema.COLUMNS
                            WHERE TABLE_SCHEMA = $(sql_string "$SOURCE_MYSQL_DATABASE") AND TABLE_NAME = $(sql_string "$t")
                            ORDER BY ORDINAL_POSITION")" || die "cannot list the columns of table $t of source $SRC_DESC"
      how="SELECT | LOAD DATA"
    fi
    while IFS= read -r w; do
      job_slot_wait "$PARALLEL_JOBS"
      r=$((r + 1))
      if [ -n "$cols" ]; then
        load_range_data "table-$n.$r" "$t" "$cols" "$w" &
      else
        load_stream "table-$n.$r" --no-create-info --skip-add-locks --where="$w" -- "$t" &
      fi
      JOBS_ACTIVE+=("$!")
    done <<EOF
$ranges
EOF
    log "table $t: $r streams ($how), one per range of its primary key $key"
  done <<EOF
$plan
EOF
  job_wait_all
  load_collect
  views="$(src_mysql -e "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = $(sql_string "$SOURCE_MYSQL_DATABASE")
                         AND TABLE_TYPE = 'VIEW' ORDER BY TABLE_NAME")" || die "cannot list the views of source $SRC_DESC"
  if [ -n "$views" ]; then
    local -a names=()
    mapfile -t names <<<"$views"
    load_stream views -- "${names[@]}" || true
    load_collect
  fi
  log "$n tables loaded $PARALLEL_JOBS streams at a time ($split split into key ranges)$([ -n "$views" ] && printf ', then %s views' "$(printf '%s\n' "$views" | wc -l)")"
}

# show_load_warnings: the warnings and notes the target server gave while loading (mysql --show-warnings
# writes them to stdout), at most 50 lines; LOAD_WARNINGS counts them.
show_load_warnings() {
  LOAD_WARNINGS="$(grep -c '^\(Warning\|Note\|Error\) (Code ' "$WORK/load.out" || true)"
  [ "$LOAD_WARNINGS" -gt 0 ] || return 0
  warn "the target reported $LOAD_WARNINGS warning(s)/note(s) while loading:"
  grep '^\(Warning\|Note\|Error\) (Code ' "$WORK/load.out" | sed -n '1,50p' >&2
}

# compare LABEL SOURCE_LINES TARGET_LINES: die naming the first 50 differing lines.
compare() {
  [ "$2" = "$3" ] && return 0
  printf '%s\n' "$2" >"$WORK/src.lines"
  printf '%s\n' "$3" >"$WORK/tgt.lines"
  log "$1 differ (first column: source only, second: target only):"
  LC_ALL=C comm -3 "$WORK/src.lines" "$WORK/tgt.lines" | sed -n '1,50p' >&2
  die "$1 differ between source and target"
}

# ---------------------------------------------------------------------------------------------------
connect_check source src_mysql "$SRC_DESC"
connect_check target tgt_mysql "$TARGET_MYSQL_USER@$TARGET_MYSQL_HOST:$TARGET_MYSQL_PORT"
DUMP_HELP="$(mysqldump --help 2>/dev/null || true)"

SRC_CHARSET="$(db_charset src_mysql "$SOURCE_MYSQL_DATABASE")" || die "cannot inspect source $SRC_DESC"
[ -n "$SRC_CHARSET" ] || die "source database $SOURCE_MYSQL_DATABASE does not exist on $SOURCE_MYSQL_HOST"
SRC_TABLES="$(tables_of src_mysql "$SOURCE_MYSQL_DATABASE")" || die "cannot inspect source $SRC_DESC"
FLOAT_TABLES="$(float_tables)" || die "cannot inspect source $SRC_DESC"
check_source_supported
INPUTS_CHECKSUM="$(sha256_of_lines "source=$SRC_DESC" "target=$TGT_DESC")"

# source_state_start: the per-table checksums and the schema of the source, read in the background into
# WORK (a first copy reads them beside its load: both only read the source, which 3scale does not write in
# the window; had it written, the comparison with the target fails). source_state_wait collects them.
source_state_start() {
  { table_checksums src_mysql "$SOURCE_MYSQL_DATABASE" >"$WORK/src.sums" &&
    schema_of src_mysql "$SOURCE_MYSQL_DATABASE" >"$WORK/src.schema"; } 2>"$WORK/src.state.err" &
  SOURCE_STATE_PID=$!
}

# source_state_wait: src_sums, src_schema, the counts and the source fingerprint (evidence
# <step>.sourceFingerprint: changes with any write to a table, its checksum, or to the schema); once.
source_state_wait() {
  [ -z "${EVIDENCE_SOURCE_FINGERPRINT:-}" ] || return 0
  wait "$SOURCE_STATE_PID" || die "cannot checksum the tables or read the schema of source $SRC_DESC: $(tr '\n' ' ' <"$WORK/src.state.err")"
  src_sums="$(cat "$WORK/src.sums")"
  src_schema="$(cat "$WORK/src.schema")"
  src_counts="$(row_counts_of "$src_sums")"
  src_tables="$(count_tables "$src_counts")"
  src_rows="$(count_rows "$src_counts")"
  EVIDENCE_SOURCE_FINGERPRINT="$(sha256_of_lines "$src_schema" "$src_sums")"
  log "source $SRC_DESC: $src_tables tables, $src_rows rows, fingerprint $EVIDENCE_SOURCE_FINGERPRINT"
}

source_state_start
tgt_charset="$(db_charset tgt_mysql "$TARGET_MYSQL_DATABASE")" || die "cannot inspect target $TGT_DESC"
if [ -z "$tgt_charset" ]; then
  TARGET_TOUCHED=1
  create_target_db
else
  tgt_objects="$(tgt_mysql -e "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = $(sql_string "$TARGET_MYSQL_DATABASE"))
                                    + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = $(sql_string "$TARGET_MYSQL_DATABASE"))")" ||
    die "cannot inspect target $TGT_DESC"
  target_matches() { [ "$(table_checksums tgt_mysql "$TARGET_MYSQL_DATABASE")" = "$src_sums" ]; }
  if [ "$tgt_objects" -gt 0 ]; then
    # A rerun decides on the source's state: wait for it here.
    source_state_wait
    handle_nonempty_target "target database $TGT_DESC already holds $tgt_objects tables/views/routines" target_matches "drop and recreate the target database"
  fi
fi

TARGET_TOUCHED=1
evidence_write Running "$INPUTS_CHECKSUM" "load of $(count_tables "$SRC_TABLES") tables started" || die "could not write the evidence record"

log "copying $SRC_DESC -> $TGT_DESC (mysqldump | strip DEFINER | mysql: tables and data$([ "$PARALLEL_JOBS" -gt 1 ] && printf ', %s streams at a time, large tables in key ranges' "$PARALLEL_JOBS"), then triggers, routines and events)"
: >"$WORK/load.out"
progress_start rows "$(mysql_row_count src_mysql "$SOURCE_MYSQL_DATABASE")" progress_sample
if [ "$PARALLEL_JOBS" -gt 1 ]; then load_tables_parallel; else load_pass tables; fi
progress_finish
repair_floats
load_pass programs
show_load_warnings
source_state_wait

# The target's rows are read back at the cut-over (mysql-verify-copy.sh compares their checksums with the manifest
# below, before anything of 3scale changes); here its row counts and schema.
tgt_counts="$(row_counts tgt_mysql "$TARGET_MYSQL_DATABASE")" || die "cannot count the rows of target $TGT_DESC"
compare "per-table row counts" "$src_counts" "$tgt_counts"
compare "schemas (tables, columns, indexes, foreign keys, views, routines, triggers, events)" "$src_schema" "$(schema_of tgt_mysql "$TARGET_MYSQL_DATABASE")"
log "row counts and schema match on all $src_tables tables ($src_rows rows); the rows' checksums are recorded for the cut-over's verify"

# What the target was proven equal to, table by table, for mysql-verify-copy.sh to prove again (<step>.manifest).
{ printf 'mode mysql\tcrc-v1\n'; mysql_manifest "$src_sums" "$src_schema"; } | LC_ALL=C sort >"$WORK/manifest"
EVIDENCE_MANIFEST="$WORK/manifest"
evidence_write Succeeded "$INPUTS_CHECKSUM" "copied $src_tables tables, $src_rows rows; DEFINER clauses removed; row counts, checksums and schema equal; $LOAD_WARNINGS load warning(s)" ||
  die "could not write the evidence record"
log "done"
