# shellcheck shell=bash
# pg-clients.sh: the PostgreSQL clients of the source and the target (pg-copy.sh, pg-verify-copy.sh). Sourced,
# never executed. Reads SOURCE_PG* and TARGET_PG* (host, port, database, user, password) and, for the state
# dumps, PG_RESTORE_NO_OWNER/PG_RESTORE_NO_ACL.

# Client wrappers: the password travels in PGPASSWORD for that one command only.
# -X: ignore any psqlrc; -w: never prompt (a Job has no terminal); ON_ERROR_STOP: fail on SQL errors.
src_psql() {
  PGPASSWORD="$SOURCE_PGPASSWORD" psql -X -w -q -v ON_ERROR_STOP=1 -At \
    -h "$SOURCE_PGHOST" -p "$SOURCE_PGPORT" -U "$SOURCE_PGUSER" -d "$SOURCE_PGDATABASE" "$@"
}
tgt_psql() {
  PGPASSWORD="$TARGET_PGPASSWORD" psql -X -w -q -v ON_ERROR_STOP=1 -At \
    -h "$TARGET_PGHOST" -p "$TARGET_PGPORT" -U "$TARGET_PGUSER" -d "$TARGET_PGDATABASE" "$@"
}

# Tables to compare: ordinary and partitioned tables in user schemas, not owned by an extension
# (extension tables are recreated by CREATE EXTENSION, not by the dump's data).
USER_TABLES_SQL="
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_%'
    AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"

# One line per table, "schema.table<TAB>rows", sorted. query_to_xml runs a count per table inside a
# single statement (works from PostgreSQL 10 on, no dynamic SQL round trips).
# shellcheck disable=SC2034 # read by the scripts that source this file
COUNTS_SQL="SELECT format('%s.%s', n.nspname, c.relname) || chr(9) ||
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                                            false, true, '')))[1]::text
  $USER_TABLES_SQL AND c.relkind IN ('r', 'p')
  ORDER BY 1"

# connect_check WHO FUNC: run SELECT 1 and turn a connection failure into one clear message.
connect_check() {
  local who="$1" fn="$2" desc="$3" err
  if ! err="$("$fn" -c 'SELECT 1' 2>&1 >/dev/null)"; then
    die "cannot connect to $who PostgreSQL $desc: $(printf '%s' "$err" | tr '\n' ' ')"
  fi
}

# Dump clients for the state of each side: the same pg_dump options on both, without owners and grants in
# managed mode (the grants part compares those there).
state_dump_args() {
  if is_true "$PG_RESTORE_NO_OWNER"; then printf '%s\n' --no-owner; fi
  if is_true "$PG_RESTORE_NO_ACL"; then printf '%s\n' --no-acl; fi
}
src_dump() {
  local opts
  mapfile -t opts < <(state_dump_args)
  PGPASSWORD="$SOURCE_PGPASSWORD" pg_dump -w -h "$SOURCE_PGHOST" -p "$SOURCE_PGPORT" -U "$SOURCE_PGUSER" -d "$SOURCE_PGDATABASE" "${opts[@]}" "$@"
}
tgt_dump() {
  local opts
  mapfile -t opts < <(state_dump_args)
  PGPASSWORD="$TARGET_PGPASSWORD" pg_dump -w -h "$TARGET_PGHOST" -p "$TARGET_PGPORT" -U "$TARGET_PGUSER" -d "$TARGET_PGDATABASE" "${opts[@]}" "$@"
}
