#!/usr/bin/env bash
# pg-copy.sh: copy the 3scale System database from the old PostgreSQL to the new one, inside the
# cluster, with pg_dump (custom or directory format) and pg_restore. No dump file ever leaves the Job.
#
# Modes:
#   PARALLEL_JOBS=1 (default)  pg_dump -Fc streamed through a pipe into pg_restore. A pipe cannot be
#                              restored in parallel (pg_restore -j needs a seekable archive).
#   PARALLEL_JOBS=N (N > 1)    pg_dump -Fd -j N into SCRATCH_DIR (an emptyDir in the cluster, sized for
#                              the compressed dump), then pg_restore -j N from there.
#
# Safety and reruns:
#   * A target that already holds relations is refused, unless
#       - the evidence record says this step succeeded with the same inputs and the per-table row
#         counts still match: exit 0 without touching anything;
#       - the evidence record says an earlier attempt with the same inputs started writing (phase
#         Running or Failed): that partial restore is ours, so the schema is reset and the copy restarts;
#       - TARGET_RESET=true: every user schema is dropped and schema public recreated (destructive).
#   * pg_restore errors fail the step, except exactly `schema "public" already exists`, which archives
#     made by older pg_dump versions produce (they carry CREATE SCHEMA public) and which is harmless.
#   * After the restore the per-table row counts of source and target must be equal.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init pg-copy

SOURCE_PGPORT="${SOURCE_PGPORT:-5432}"
SOURCE_PGDATABASE="${SOURCE_PGDATABASE:-system}"
SOURCE_PGUSER="${SOURCE_PGUSER:-system}"
SOURCE_PGPASSWORD="${SOURCE_PGPASSWORD:-}"
TARGET_PGPORT="${TARGET_PGPORT:-5432}"
TARGET_PGDATABASE="${TARGET_PGDATABASE:-system}"
TARGET_PGUSER="${TARGET_PGUSER:-system}"
TARGET_PGPASSWORD="${TARGET_PGPASSWORD:-}"
PARALLEL_JOBS="${PARALLEL_JOBS:-1}"
SCRATCH_DIR="${SCRATCH_DIR:-${TMPDIR:-/tmp}}"
TARGET_RESET="${TARGET_RESET:-false}"
PG_RESTORE_NO_OWNER="${PG_RESTORE_NO_OWNER:-false}"
PG_RESTORE_NO_ACL="${PG_RESTORE_NO_ACL:-false}"
PG_ANALYZE="${PG_ANALYZE:-true}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

require_env SOURCE_PGHOST TARGET_PGHOST
require_int SOURCE_PGPORT
require_int TARGET_PGPORT
require_int PARALLEL_JOBS
[ "$PARALLEL_JOBS" -ge 1 ] || die "PARALLEL_JOBS must be at least 1"
require_cmd pg_dump pg_restore psql sha256sum

# Only the SOURCE_*/TARGET_* variables count: an inherited PG* variable must not leak one side's
# password or database into the other side's connection.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE

SRC_DESC="$SOURCE_PGUSER@$SOURCE_PGHOST:$SOURCE_PGPORT/$SOURCE_PGDATABASE"
TGT_DESC="$TARGET_PGUSER@$TARGET_PGHOST:$TARGET_PGPORT/$TARGET_PGDATABASE"

copy_step_init

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
COUNTS_SQL="SELECT format('%s.%s', n.nspname, c.relname) || chr(9) ||
       (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                                            false, true, '')))[1]::text
  $USER_TABLES_SQL AND c.relkind IN ('r', 'p')
  ORDER BY 1"

# Relations of any kind that would collide with the restore (tables, views, sequences, ...).
RELATIONS_SQL="SELECT count(*) $USER_TABLES_SQL AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"

# connect_check WHO FUNC: run SELECT 1 and turn a connection failure into one clear message.
connect_check() {
  local who="$1" fn="$2" desc="$3" err
  if ! err="$("$fn" -c 'SELECT 1' 2>&1 >/dev/null)"; then
    die "cannot connect to $who PostgreSQL $desc: $(printf '%s' "$err" | tr '\n' ' ')"
  fi
}

# reset_target: drop every user schema of the target database and recreate an empty schema public.
reset_target() {
  log "resetting target $TGT_DESC: dropping all user schemas and recreating schema public"
  tgt_psql <<'SQL'
DO $$
DECLARE s text;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_%'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  -- Recreate public as a fresh database would have it: owned by pg_database_owner where that role
  -- exists (PostgreSQL 14+), else by the current user; usable by everyone.
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_database_owner') THEN
    EXECUTE 'CREATE SCHEMA public AUTHORIZATION pg_database_owner';
  ELSE
    EXECUTE 'CREATE SCHEMA public';
  END IF;
  EXECUTE 'GRANT USAGE ON SCHEMA public TO PUBLIC';
END
$$;
SQL
}

# check_restore_errors RC STDERR_FILE: pg_restore exits 1 as soon as any statement failed ("errors
# ignored on restore: N"). Accept that only when every reported error is the known harmless one.
check_restore_errors() {
  local rc="$1" errfile="$2" tolerated others ignored
  tolerated="$(sed -n '/^pg_restore: error: could not execute query: ERROR:  schema "public" already exists$/p' "$errfile" | wc -l)"
  others="$(sed -n '/^pg_restore: error:/p' "$errfile" |
    sed '/^pg_restore: error: could not execute query: ERROR:  schema "public" already exists$/d')"
  ignored="$(sed -n 's/^pg_restore: warning: errors ignored on restore: \([0-9]*\)$/\1/p' "$errfile")"
  if [ "$rc" -eq 0 ] && [ -z "$others" ]; then
    return 0
  fi
  if [ -n "$others" ] || [ "$tolerated" -eq 0 ] || [ "${ignored:-x}" != "$tolerated" ]; then
    log "pg_restore failed (exit $rc). Its messages:"
    sed -n '1,60p' "$errfile" >&2
    die "pg_restore reported errors other than the harmless 'schema \"public\" already exists'"
  fi
  log "pg_restore reported only the harmless 'schema \"public\" already exists' error ($tolerated); treated as success"
}

restore_args() {
  RESTORE_ARGS=(-w -h "$TARGET_PGHOST" -p "$TARGET_PGPORT" -U "$TARGET_PGUSER" -d "$TARGET_PGDATABASE")
  if is_true "$PG_RESTORE_NO_OWNER"; then RESTORE_ARGS+=(--no-owner); fi
  if is_true "$PG_RESTORE_NO_ACL"; then RESTORE_ARGS+=(--no-acl); fi
}

copy_streaming() {
  log "copying $SRC_DESC -> $TGT_DESC (streaming pg_dump -Fc | pg_restore)"
  restore_args
  local st
  # -Z0: the pipe is local, compressing it would only burn CPU.
  set +e
  PGPASSWORD="$SOURCE_PGPASSWORD" pg_dump -w -Fc -Z0 \
    -h "$SOURCE_PGHOST" -p "$SOURCE_PGPORT" -U "$SOURCE_PGUSER" -d "$SOURCE_PGDATABASE" 2>"$WORK/dump.err" |
    PGPASSWORD="$TARGET_PGPASSWORD" pg_restore "${RESTORE_ARGS[@]}" 2>"$WORK/restore.err"
  st=("${PIPESTATUS[@]}")
  set -e
  # pg_restore's verdict first: when it dies, pg_dump only sees a broken pipe (exit 141).
  check_restore_errors "${st[1]}" "$WORK/restore.err"
  if [ "${st[0]}" -ne 0 ]; then
    sed -n '1,40p' "$WORK/dump.err" >&2
    die "pg_dump from $SRC_DESC failed (exit ${st[0]})"
  fi
}

copy_parallel() {
  local dumpdir="${SCRATCH_DIR%/}/threescale-migrate-pg-dump" rc
  log "copying $SRC_DESC -> $TGT_DESC (pg_dump -Fd -j $PARALLEL_JOBS into $dumpdir, pg_restore -j $PARALLEL_JOBS)"
  mkdir -p "$SCRATCH_DIR"
  # pg_dump -Fd insists on a new directory; a leftover is from an earlier failed attempt.
  rm -rf "$dumpdir"
  set +e
  PGPASSWORD="$SOURCE_PGPASSWORD" pg_dump -w -Fd -j "$PARALLEL_JOBS" -f "$dumpdir" \
    -h "$SOURCE_PGHOST" -p "$SOURCE_PGPORT" -U "$SOURCE_PGUSER" -d "$SOURCE_PGDATABASE" 2>"$WORK/dump.err"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    sed -n '1,40p' "$WORK/dump.err" >&2
    rm -rf "$dumpdir"
    die "pg_dump -Fd from $SRC_DESC failed (exit $rc)"
  fi
  log "dump written ($(du -sh "$dumpdir" | cut -f1)); restoring"
  restore_args
  set +e
  PGPASSWORD="$TARGET_PGPASSWORD" pg_restore "${RESTORE_ARGS[@]}" -Fd -j "$PARALLEL_JOBS" "$dumpdir" 2>"$WORK/restore.err"
  rc=$?
  set -e
  rm -rf "$dumpdir"
  check_restore_errors "$rc" "$WORK/restore.err"
}

# ---------------------------------------------------------------------------------------------------
connect_check source src_psql "$SRC_DESC"
connect_check target tgt_psql "$TGT_DESC"

src_counts="$(src_psql -c "$COUNTS_SQL")" || die "cannot count rows on source $SRC_DESC"
src_tables="$(count_tables "$src_counts")"
src_rows="$(count_rows "$src_counts")"
log "source $SRC_DESC: $src_tables tables, $src_rows rows"

# The non-secret inputs: both endpoints and the source's per-table row counts. A rerun against the same,
# unchanged source yields the same checksum.
INPUTS_CHECKSUM="$(sha256_of_lines "source=$SRC_DESC" "target=$TGT_DESC" "$src_counts")"

tgt_relations="$(tgt_psql -c "$RELATIONS_SQL")" || die "cannot inspect target $TGT_DESC"
target_counts() { tgt_psql -c "$COUNTS_SQL"; }
if [ "$tgt_relations" -gt 0 ]; then
  handle_nonempty_target "target $TGT_DESC already holds $tgt_relations relations" target_counts "drop the target's user schemas and copy again"
fi

# From here on the target changes: record that first, so a rerun knows any leftovers are ours.
TARGET_TOUCHED=1
evidence_write Running "$INPUTS_CHECKSUM" "restore of $src_tables tables started" ||
  die "could not write the evidence record"

if [ "$PARALLEL_JOBS" -gt 1 ]; then
  copy_parallel
else
  copy_streaming
fi

tgt_counts="$(tgt_psql -c "$COUNTS_SQL")" || die "cannot count rows on target $TGT_DESC"
if [ "$tgt_counts" != "$src_counts" ]; then
  printf '%s\n' "$src_counts" | sort >"$WORK/src.counts"
  printf '%s\n' "$tgt_counts" | sort >"$WORK/tgt.counts"
  log "row count mismatch (first column: source only, second: target only):"
  comm -3 "$WORK/src.counts" "$WORK/tgt.counts" | sed -n '1,50p' >&2
  die "per-table row counts differ between source and target"
fi
log "row counts match on all $src_tables tables ($src_rows rows)"

if is_true "$PG_ANALYZE"; then
  # pg_restore does not collect planner statistics; without them the first hours are slow.
  tgt_psql -c 'ANALYZE' || die "ANALYZE on target failed"
fi

evidence_write Succeeded "$INPUTS_CHECKSUM" "copied $src_tables tables, $src_rows rows; row counts equal" ||
  die "could not write the evidence record"
log "done"
