# shellcheck shell=bash
# mysql-state.sh: the MySQL clients of the source and the target and what mysql-copy.sh and mysql-verify-copy.sh
# read of a database: per-table row counts and checksums, the schema. Sourced, never executed. Reads SOURCE_MYSQL_*
# and TARGET_MYSQL_* (host, port, user, password), MYSQL_CONNECT_TIMEOUT and MYSQL_CLIENT_EXTRA_ARGS.

# mysql_source_from_url: SOURCE_MYSQL_URL is the URL of the 3scale system-database Secret
# (mysql2://user:password@host[:port]/db), from a secretKeyRef. The internal MySQL's root password exists only
# there (the operator writes it into the URL, not into a key), and the vendor dumps as root (seed 4.2.3). Its
# parts fill in the SOURCE_MYSQL_* variables that are not set; user and password are percent-decoded. The URL
# itself is unset (the message of a malformed one does not repeat it).
url_decode() { printf '%b' "${1//%/\\x}"; }
mysql_source_from_url() {
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
}

# shellcheck disable=SC2206 # word splitting of the extra options is intended
EXTRA=(${MYSQL_CLIENT_EXTRA_ARGS:-})
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

# sql_ident NAME: NAME as a backtick-quoted identifier.
sql_ident() {
  # shellcheck disable=SC2016 # backticks are SQL quoting
  printf '`%s`' "$(printf '%s' "$1" | sed 's/`/``/g')"
}

# tables_of FN DB: "table<TAB>versioned" for every table of DB (base and system-versioned), sorted.
# MariaDB lists a system-versioned table as TABLE_TYPE 'SYSTEM VERSIONED', not 'BASE TABLE'.
tables_of() {
  "$1" -e "SELECT TABLE_NAME, IF(TABLE_TYPE = 'SYSTEM VERSIONED', 1, 0) FROM information_schema.TABLES
           WHERE TABLE_SCHEMA = $(sql_string "$2") AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
           ORDER BY TABLE_NAME" | LC_ALL=C sort
}

# columns_of FN DB: "table<TAB>column<TAB>data_type" for every column of DB's tables, in column order.
columns_of() {
  "$1" -e "SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE FROM information_schema.COLUMNS c
           JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
           WHERE c.TABLE_SCHEMA = $(sql_string "$2") AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
           ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION"
}

# table_checksum_sql DB TABLE VERSIONED COLUMNS: one SELECT printing "table<TAB>rows<TAB>sum1<TAB>sum2": the
# row count and two CRC32 of every row (of its bytes, and of its length and bytes reversed: 64 bits a row),
# summed (order-independent, duplicate-sensitive; an MD5 a row costs three times as much on MariaDB).
# Every column goes in as bytes with a NULL flag; FLOAT through DOUBLE, whose text is exact (a FLOAT's own
# text has 6 significant digits). A system-versioned table counts every row version with its period.
table_checksum_sql() {
  local db="$1" t="$2" versioned="$3" cols="$4" exprs="" flags="" col type e
  while IFS="$(printf '\t')" read -r col type; do
    [ -n "$col" ] || continue
    e="$(sql_ident "$col")"
    [ "$type" = "float" ] && e="CAST($e AS DOUBLE)"
    exprs="$exprs, CAST($e AS BINARY)"
    flags="$flags, ISNULL($e)"
  done <<EOF
$cols
EOF
  local from
  from="$(sql_ident "$db").$(sql_ident "$t")"
  if [ "$versioned" = 1 ]; then
    exprs="$exprs, CAST(ROW_START AS BINARY), CAST(ROW_END AS BINARY)"
    from="$from FOR SYSTEM_TIME ALL"
  fi
  local row="CONCAT_WS('#'$exprs, CONCAT(''$flags))"
  printf "SELECT %s, COUNT(*), COALESCE(SUM(CRC32(%s)), 0), COALESCE(SUM(CRC32(CONCAT(LENGTH(%s), '#', REVERSE(%s)))), 0) FROM %s" \
    "$(sql_string "$t")" "$row" "$row" "$row" "$from"
}

# table_checksums FN DB: "table<TAB>rows<TAB>sum1<TAB>sum2" for every table of DB, sorted by table.
table_checksums() {
  local fn="$1" db="$2" tables cols query="" t versioned
  tables="$(tables_of "$fn" "$db")" || return 1
  [ -n "$tables" ] || return 0
  cols="$(columns_of "$fn" "$db")" || return 1
  while IFS="$(printf '\t')" read -r t versioned; do
    [ -n "$query" ] && query="$query UNION ALL "
    query="$query$(table_checksum_sql "$db" "$t" "$versioned" "$(printf '%s\n' "$cols" | awk -F'\t' -v t="$t" '$1 == t { print $2 "\t" $3 }')")"
  done <<EOF
$tables
EOF
  "$fn" -e "$query" | LC_ALL=C sort
}

# row_counts FN DB: "table<TAB>rows" for every table of DB, sorted by table (a system-versioned table: every row
# version), as row_counts_of prints them from table_checksums' output, without reading every row's bytes.
row_counts() {
  local fn="$1" db="$2" tables query="" t versioned from
  tables="$(tables_of "$fn" "$db")" || return 1
  [ -n "$tables" ] || return 0
  while IFS="$(printf '\t')" read -r t versioned; do
    from="$(sql_ident "$db").$(sql_ident "$t")"
    [ "$versioned" = 1 ] && from="$from FOR SYSTEM_TIME ALL"
    query="$query${query:+ UNION ALL }SELECT $(sql_string "$t"), COUNT(*) FROM $from"
  done <<EOF
$tables
EOF
  "$fn" -e "$query" | LC_ALL=C sort
}

# row_counts_of CHECKSUMS: the "table<TAB>rows" part of table_checksums' output.
row_counts_of() {
  printf '%s\n' "$1" | cut -f1,2 | sed '/^$/d'
}

# schema_of FN DB: the schema as sorted lines (tables, columns, indexes, foreign keys, views, routines,
# triggers, events), the database name cut out of the definitions and no DEFINER (the copy sets it to the
# loading user): what must be equal on both sides.
schema_of() {
  local fn="$1" db s
  db="$(sql_string "$2")"
  s="TABLE_SCHEMA = $db"
  "$fn" -e "
    SELECT 'table', TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS FROM information_schema.TABLES WHERE $s
    UNION ALL SELECT 'column', TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE,
           CONCAT_WS('|', IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '<none>'), EXTRA, CHARACTER_SET_NAME, COLLATION_NAME)
      FROM information_schema.COLUMNS WHERE $s
    UNION ALL SELECT 'index', TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, CONCAT_WS('|', NON_UNIQUE, IFNULL(SUB_PART, ''))
      FROM information_schema.STATISTICS WHERE $s
    UNION ALL SELECT 'foreign key', TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE
      FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = $db
    UNION ALL SELECT 'view', TABLE_NAME, SECURITY_TYPE, CHECK_OPTION, IS_UPDATABLE, REPLACE(VIEW_DEFINITION, '\n', '\\\\n')
      FROM information_schema.VIEWS WHERE $s
    UNION ALL SELECT 'routine', ROUTINE_NAME, ROUTINE_TYPE, SECURITY_TYPE, DTD_IDENTIFIER, REPLACE(ROUTINE_DEFINITION, '\n', '\\\\n')
      FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = $db
    UNION ALL SELECT 'trigger', TRIGGER_NAME, EVENT_OBJECT_TABLE, CONCAT(ACTION_TIMING, ' ', EVENT_MANIPULATION), ACTION_ORDER,
           REPLACE(ACTION_STATEMENT, '\n', '\\\\n')
      FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = $db
    UNION ALL SELECT 'event', EVENT_NAME, STATUS, CONCAT_WS(' ', INTERVAL_VALUE, INTERVAL_FIELD), EVENT_TYPE,
           REPLACE(EVENT_DEFINITION, '\n', '\\\\n')
      FROM information_schema.EVENTS WHERE EVENT_SCHEMA = $db" |
    awk -v q="$(sql_ident "$2")." '{ while ((i = index($0, q)) > 0) $0 = substr($0, 1, i - 1) substr($0, i + length(q)); print }' |
    LC_ALL=C sort
}

# mysql_manifest SUMS SCHEMA: the manifest lines (lib/copy-manifest.sh) of table_checksums' and schema_of's output:
# each table's row count and checksum, the schema's sha256.
mysql_manifest() {
  printf '%s\n' "$1" | awk -F '\t' 'NF == 4 { print "table " $1 " rows\t" $2; print "table " $1 " checksum\tcrc:" $3 ":" $4 }'
  printf 'part schema\tsha256:%s\n' "$(printf '%s\n' "$2" | sha256sum | cut -c1-64)"
}
