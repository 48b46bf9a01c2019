#!/usr/bin/env bash
# pg-copy.sh: copy the 3scale System database from the old PostgreSQL to the new one, inside the
# cluster, with pg_dump (custom or directory format) and pg_restore. No dump file ever leaves the Job.
#
# Modes:
#   PARALLEL_JOBS=1 (default)  pg_dump -Fc streamed through a pipe into pg_restore. A pipe cannot be
#                              restored in parallel (pg_restore -j needs a seekable archive).
#   PARALLEL_JOBS=N (N > 1)    as pgcopydb does it: from one exported snapshot of the source, the schema
#                              without indexes and constraints (pg_dump --section=pre-data | pg_restore), then
#                              each table by COPY straight into the target, N at a time, largest first, then
#                              sequences and large objects, then indexes and constraints with pg_restore -j N
#                              from a post-data archive of a few kB. Nothing the size of the data is written.
#   The source's state (lib/pg-state.sh) is read while the copy runs when the target was empty.
#
# Before copying (nothing is written when one fails, each names its cause):
#   * TARGET_CREATE_DATABASE=true (managed targets): the target database is created when absent, through
#     TARGET_MAINTENANCE_DATABASE (postgres), in the source's encoding; a user without CREATEDB is refused
#     by name;
#   * both databases have the same encoding (a SQL_ASCII source would put unchecked bytes into a UTF8 target);
#   * no xml value of the source carries an XML declaration that PostgreSQL's text output drops;
#   * on-cluster (owners kept): every role that owns an object, holds a grant or has settings in the source
#     database exists on the target, and the target user may give objects to the owners.
# After the restore the target must EQUAL the source (lib/pg-state.sh): per-table sha256 of the ordered rows
# (the parallel copy takes each table's from the COPY stream that loaded it and leaves reading the target's back
# to pg-verify-copy.sh, which proves the target against this step's manifest before the cut-over changes anything),
# sequences, large objects, the schema dump, the database and role settings and comment (copied by this
# script: pg_restore without --create does not), and the grants. Managed mode (PG_RESTORE_NO_OWNER/NO_ACL):
# every object belongs to the target user; the grants are applied again from the source (so a REVOKE ... FROM
# PUBLIC is kept), and what cannot be (grants and settings of roles the target lacks) is printed as dropped.
#
# Safety and reruns (lib/evidence.sh handle_nonempty_target):
#   * A target holding any user object (relation, routine, type, schema, large object, extension, setting...)
#     is refused, unless the evidence record of this step with the same endpoints says
#       - Succeeded, and the source's fingerprint (the digest of its state above) is unchanged and the target
#         still equals it: exit 0 without touching anything;
#       - Succeeded but the source changed since (e.g. 3scale wrote to it again after a rollback): with
#         TARGET_RESET=true (spec.jobs.resetTarget) the target is reset and copied again, else refused;
#       - Running or Failed: that partial restore is ours, so the target is reset and the copy restarts.
#   * The reset removes only what this step created: the user objects whose catalog rows were written after
#     the transaction the evidence recorded before the first restore (targetBaseline). Anything older, or a
#     reset without such a record, is refused by name.
#   * pg_restore errors fail the step, except exactly `schema "public" already exists`, which archives
#     made by older pg_dump versions produce (they carry CREATE SCHEMA public) and which is harmless.
# The *_HOST variables come from the environment (require_env checks them).
# shellcheck disable=SC2153
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
# shellcheck source=lib/pg-state.sh
. "$SCRIPT_DIR/lib/pg-state.sh"
# shellcheck source=lib/pg-clients.sh
. "$SCRIPT_DIR/lib/pg-clients.sh"
# shellcheck source=lib/copy-manifest.sh
. "$SCRIPT_DIR/lib/copy-manifest.sh"
# shellcheck source=lib/progress.sh
. "$SCRIPT_DIR/lib/progress.sh"
# shellcheck source=lib/workers.sh
. "$SCRIPT_DIR/lib/workers.sh"
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
TARGET_RESET="${TARGET_RESET:-false}"
PG_RESTORE_NO_OWNER="${PG_RESTORE_NO_OWNER:-false}"
PG_RESTORE_NO_ACL="${PG_RESTORE_NO_ACL:-false}"
PG_ANALYZE="${PG_ANALYZE:-true}"
TARGET_CREATE_DATABASE="${TARGET_CREATE_DATABASE:-false}"
TARGET_MAINTENANCE_DATABASE="${TARGET_MAINTENANCE_DATABASE:-postgres}"
SCHEMA_COMPARE="${SCHEMA_COMPARE:-auto}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

require_env SOURCE_PGHOST TARGET_PGHOST
require_int SOURCE_PGPORT
require_int TARGET_PGPORT
require_int PARALLEL_JOBS
[ "$PARALLEL_JOBS" -ge 1 ] || die "PARALLEL_JOBS must be at least 1"
require_cmd pg_dump pg_restore psql sha256sum comm mkfifo tee

# Only the SOURCE_*/TARGET_* variables count: an inherited PG* variable must not leak one side's
# password or database into the other side's connection.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE

SRC_DESC="$SOURCE_PGUSER@$SOURCE_PGHOST:$SOURCE_PGPORT/$SOURCE_PGDATABASE"
TGT_DESC="$TARGET_PGUSER@$TARGET_PGHOST:$TARGET_PGPORT/$TARGET_PGDATABASE"

copy_step_init

# ensure_target_database: with TARGET_CREATE_DATABASE=true (a managed server, seed 5.2.4), create the target
# database when it is absent, in the source's encoding from template0 (as pg_dump --create would), through
# the maintenance database. Idempotent: an existing database is left as it is (a concurrent creation counts as
# existing). The name reaches the server as a psql variable (:'db' and :"db" quote it), never spliced into SQL.
ensure_target_database() {
  is_true "$TARGET_CREATE_DATABASE" || return 0
  local maint="$TARGET_PGUSER@$TARGET_PGHOST:$TARGET_PGPORT/$TARGET_MAINTENANCE_DATABASE" exists enc err
  maint_psql() {
    PGPASSWORD="$TARGET_PGPASSWORD" psql -X -w -q -v ON_ERROR_STOP=1 -At \
      -h "$TARGET_PGHOST" -p "$TARGET_PGPORT" -U "$TARGET_PGUSER" -d "$TARGET_MAINTENANCE_DATABASE" -v db="$TARGET_PGDATABASE" "$@"
  }
  exists="$(maint_psql -f - 2>"$WORK/maint.err" <<<"SELECT count(*) FROM pg_database WHERE datname = :'db';")" ||
    die "cannot look for database $TARGET_PGDATABASE on target PostgreSQL $maint: $(tr '\n' ' ' <"$WORK/maint.err" | cut -c1-300)"
  if [ "$exists" = 1 ]; then
    log "target database $TARGET_PGDATABASE exists"
    return 0
  fi
  enc="$(src_psql -c 'SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()')" ||
    die "cannot read the encoding of source $SRC_DESC"
  log "creating target database $TARGET_PGDATABASE (ENCODING $enc, TEMPLATE template0) on $maint"
  if ! maint_psql -v enc="$enc" -f - 2>"$WORK/maint.err" <<<"CREATE DATABASE :\"db\" TEMPLATE template0 ENCODING :'enc';"; then
    err="$(tr '\n' ' ' <"$WORK/maint.err" | cut -c1-300)"
    case "$err" in
      *'already exists'*) log "target database $TARGET_PGDATABASE was created meanwhile" ;;
      *'permission denied to create database'*)
        die "cannot create database $TARGET_PGDATABASE on target PostgreSQL $maint: user $TARGET_PGUSER lacks CREATEDB; grant it, or create the database first (seed 5.2.4: CREATE DATABASE)" ;;
      *) die "cannot create database $TARGET_PGDATABASE on target PostgreSQL $maint: $err" ;;
    esac
  fi
}

progress_sample() { pg_copy_progress tgt_psql "$WORK/progress"; }

# first_lines N < lines: at most N lines, joined by "; ", with "(and M more)".
first_lines() {
  awk -v n="$1" 'NR <= n { out = out (NR > 1 ? "; " : "") $0 } END { if (NR > n) out = out " (and " NR - n " more)"; print out }'
}

# target_objects: "<object>\t<t|f>" per user object of the target; t: written after the evidence's baseline.
target_objects() {
  pg_user_objects tgt_psql "$(evidence_get targetBaseline)"
}

# refuse_unproven_reset WHAT: TARGET_RESET=true, but no evidence record of this step for this target.
refuse_unproven_reset() {
  die "$1; TARGET_RESET=true, but no evidence record of this step shows it created them, so nothing is removed: $(target_objects | cut -f1 | first_lines 20). Remove them yourself or copy into an empty database"
}

# reset_target: remove what this step created in the target, after proving every user object is its own.
reset_target() {
  local baseline foreign
  baseline="$(evidence_get targetBaseline)"
  [ -n "$baseline" ] || die "the evidence record of this step has no targetBaseline (written by an older version), so it cannot prove which objects of $TGT_DESC it created; refusing to reset: $(target_objects | cut -f1 | first_lines 20)"
  foreign="$(target_objects | awk -F '\t' '$2 != "t" { print $1 }')" || die "cannot list the objects of target $TGT_DESC"
  if [ -n "$foreign" ]; then
    die "target $TGT_DESC holds objects older than this step's first restore (transaction $baseline), which it did not create; refusing to reset: $(printf '%s\n' "$foreign" | first_lines 20)"
  fi
  log "resetting target $TGT_DESC: every user object was created by this step (after transaction $baseline); dropping them, its large objects and database settings, and recreating schema public"
  tgt_psql <<'SQL'
DO $$
DECLARE s text;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_%'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  FOR s IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION %I CASCADE', s);
  END LOOP;
  PERFORM lo_unlink(oid) FROM pg_largeobject_metadata;
  FOR s IN SELECT r.rolname FROM pg_db_role_setting x JOIN pg_roles r ON r.oid = x.setrole
            WHERE x.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) LOOP
    EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET ALL', s, current_database());
  END LOOP;
  EXECUTE format('ALTER DATABASE %I RESET ALL', current_database());
  EXECUTE format('COMMENT ON DATABASE %I IS NULL', current_database());
  -- Recreate public as a fresh database would have it: owned by pg_database_owner where that role
  -- exists (PostgreSQL 14+), else by the current user; usable by everyone; its standard comment.
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_database_owner') THEN
    EXECUTE 'CREATE SCHEMA public AUTHORIZATION pg_database_owner';
  ELSE
    EXECUTE 'CREATE SCHEMA public';
  END IF;
  EXECUTE 'GRANT USAGE ON SCHEMA public TO PUBLIC';
  EXECUTE 'COMMENT ON SCHEMA public IS ''standard public schema''';
END
$$;
SQL
}

# check_encodings: the restore does not convert a SQL_ASCII source; differing encodings are refused.
check_encodings() {
  local enc_sql="SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()" src_enc tgt_enc
  src_enc="$(src_psql -c "$enc_sql")" || die "cannot read the encoding of source $SRC_DESC"
  tgt_enc="$(tgt_psql -c "$enc_sql")" || die "cannot read the encoding of target $TGT_DESC"
  if [ "$src_enc" != "$tgt_enc" ]; then
    die "source database $SRC_DESC has encoding $src_enc, target $TGT_DESC has $tgt_enc: pg_restore would store the source's text unconverted$([ "$src_enc" = SQL_ASCII ] && printf ' (SQL_ASCII bytes are never checked, so invalid %s could reach the target)' "$tgt_enc"); create the target database with ENCODING '$src_enc' or convert the source first"
  fi
}

# choose_schema_compare: servers of one major version compare their pg_dump texts; across versions (the old
# server is older) the servers print expressions differently, so the schema is compared as a catalog list.
# SCHEMA_COMPARE (auto, dump, catalog) overrides.
choose_schema_compare() {
  local v_sql="SELECT current_setting('server_version_num')::int / 10000" src_v tgt_v
  case "$SCHEMA_COMPARE" in
    dump | catalog) PG_STATE_SCHEMA="$SCHEMA_COMPARE" ;;
    auto)
      src_v="$(src_psql -c "$v_sql")" || die "cannot read the version of source $SRC_DESC"
      tgt_v="$(tgt_psql -c "$v_sql")" || die "cannot read the version of target $TGT_DESC"
      PG_STATE_SCHEMA=dump
      if [ "$src_v" != "$tgt_v" ]; then
        PG_STATE_SCHEMA=catalog
        log "source is PostgreSQL $src_v, target $tgt_v: the schemas are compared as catalog lists (relations, columns and types, constraints, triggers, routines, types), not as pg_dump texts, which differ between server versions"
      fi
      ;;
    *) die "SCHEMA_COMPARE must be auto, dump or catalog (got '$SCHEMA_COMPARE')" ;;
  esac
}

# check_xml_declarations: COPY prints xml through its output function, which drops an XML declaration of
# version 1.0 without standalone; such values would not arrive as stored.
check_xml_declarations() {
  local cols found=""
  cols="$(src_psql <<SQL
$PG_STATE_SESSION
SELECT format('SELECT %L || chr(9) || count(*) FROM %I.%I WHERE %I::text IS DISTINCT FROM format(''%%s'', %I);',
              format('%I.%I.%I', n.nspname, c.relname, a.attname), n.nspname, c.relname, a.attname, a.attname)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $PG_USER_NS AND c.relkind IN ('r', 'm') AND a.atttypid = 'xml'::regtype AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY 1;
SQL
)" || die "cannot list the xml columns of source $SRC_DESC"
  [ -n "$cols" ] || return 0
  found="$(printf '%s\n%s\n' "$PG_STATE_SESSION" "$cols" | src_psql | awk -F '\t' '$2 > 0 { print $1 " (" $2 " values)" }')" ||
    die "cannot read the xml columns of source $SRC_DESC"
  if [ -n "$found" ]; then
    die "xml values of source $SRC_DESC carry an XML declaration that pg_dump's COPY drops (PostgreSQL prints xml without a version-1.0 declaration), so they would not arrive as stored: $(printf '%s\n' "$found" | first_lines 10); remove the declarations on the source (they are optional) or keep this database where it is"
  fi
}

# check_roles: with owners kept, pg_restore needs every role the source's objects, grants and settings name.
check_roles() {
  local wanted have missing notmember
  wanted="$(src_psql -F "$(printf '\t')" <<SQL
$PG_STATE_SESSION
WITH refs AS (
  SELECT c.relowner AS r, 'owner' AS why FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $PG_USER_NS
  UNION SELECT p.proowner, 'owner' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE $PG_USER_NS
  UNION SELECT t.typowner, 'owner' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE $PG_USER_NS
  UNION SELECT n.nspowner, 'owner' FROM pg_namespace n WHERE $PG_USER_NS AND n.nspname <> 'public'
  UNION SELECT l.lomowner, 'owner' FROM pg_largeobject_metadata l
  UNION SELECT e.grantee, 'grant' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL aclexplode(c.relacl) e WHERE $PG_USER_NS
  UNION SELECT e.grantee, 'grant' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        CROSS JOIN LATERAL aclexplode(p.proacl) e WHERE $PG_USER_NS
  UNION SELECT e.grantee, 'grant' FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) e WHERE $PG_USER_NS
  UNION SELECT s.setrole, 'settings' FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
        WHERE d.datname = current_database() AND s.setrole <> 0
)
SELECT quote_ident(r.rolname), string_agg(DISTINCT refs.why, ', ') FROM refs JOIN pg_roles r ON r.oid = refs.r
 WHERE r.rolname NOT LIKE 'pg\_%' GROUP BY r.rolname ORDER BY 1;
SQL
)" || die "cannot list the roles source $SRC_DESC refers to"
  have="$(tgt_psql -F "$(printf '\t')" -c "SELECT quote_ident(rolname), pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles")" ||
    die "cannot list the roles of target $TGT_DESC"
  missing="$(printf '%s\n' "$wanted" | awk -F '\t' 'NR == FNR { have[$1] = 1; next } $1 != "" && !($1 in have) { print $1 " (" $2 ")" }' <(printf '%s\n' "$have") -)"
  notmember="$(printf '%s\n' "$wanted" | awk -F '\t' 'NR == FNR { if ($2 == "t") m[$1] = 1; has[$1] = 1; next } $2 ~ /owner/ && ($1 in has) && !($1 in m) { print $1 }' <(printf '%s\n' "$have") -)"
  if [ -n "$missing" ]; then
    die "target $TGT_DESC lacks roles the source's objects, grants or settings name: $(printf '%s\n' "$missing" | first_lines 20); create them on the new server first (CREATE ROLE ... NOLOGIN as its admin), or load as the managed mode does (owners and grants of missing roles dropped)"
  fi
  if [ -n "$notmember" ]; then
    die "target user $TARGET_PGUSER may not give objects to the roles that own them on the source: $(printf '%s\n' "$notmember" | first_lines 20); GRANT them to $TARGET_PGUSER on the new server, or load as the managed mode does"
  fi
}

# check_role_settings: ALTER ROLE ... IN DATABASE for another role needs CREATEROLE (or superuser) on the target.
check_role_settings() {
  local others may
  # Settings of roles the target lacks are dropped in managed mode (and refused on-cluster by check_roles).
  others="$(src_psql -v me="$TARGET_PGUSER" <<'SQL'
SELECT quote_ident(r.rolname) FROM pg_db_role_setting s
  JOIN pg_database d ON d.oid = s.setdatabase AND d.datname = current_database() JOIN pg_roles r ON r.oid = s.setrole
 WHERE r.rolname <> :'me' ORDER BY 1;
SQL
)" || die "cannot read the role settings of source $SRC_DESC"
  others="$(awk 'NR == FNR { have[$0] = 1; next } ($0 in have)' <(target_roles) <(printf '%s\n' "$others") | paste -sd, - | sed 's/,/, /g')"
  [ -n "$others" ] || return 0
  may="$(tgt_psql -c "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")" ||
    die "cannot read the attributes of target user $TARGET_PGUSER"
  if [ "$may" != "t" ]; then
    die "the source database has settings of roles $others (ALTER ROLE ... IN DATABASE), which target user $TARGET_PGUSER may not set (it needs CREATEROLE); give it CREATEROLE on the new server or set them there as its admin, then copy"
  fi
}

# target_roles: the target's role names as quote_ident prints them.
target_roles() {
  tgt_psql -c "SELECT quote_ident(rolname) FROM pg_roles"
}

# expected_state SRC_DIR OUT_DIR: what the target must equal. Managed mode drops grants to, and settings of,
# roles the target lacks; each dropped line is printed.
expected_state() {
  local src="$1" out="$2" roles
  mkdir -p "$out"
  cp "$src"/* "$out"/
  roles="$(target_roles)" || die "cannot list the roles of target $TGT_DESC"
  awk -F '\t' 'NR == FNR { have[$1] = 1; next } $2 == "OWNER" || $2 == "PUBLIC" || ($2 in have)' \
    <(printf '%s\n' "$roles") "$src/grants" >"$out/grants"
  awk 'NR == FNR { have[$0] = 1; next }
       /^ALTER ROLE / { r = $0; sub(/^ALTER ROLE /, "", r); sub(/ IN DATABASE .*/, "", r); if (!(r in have)) next }
       { print }' <(printf '%s\n' "$roles") "$src/settings" >"$out/settings"
}

# apply_settings SRC_DIR EXPECTED_DIR: the database-level settings and comment, which pg_restore without
# --create leaves out, then the grants of the database, and in managed mode every grant of the source again.
apply_settings() {
  local src="$1" exp="$2" dropped
  if [ -s "$exp/settings" ]; then
    log "applying $(wc -l <"$exp/settings") database and role settings and comment of the source"
    tgt_psql <"$exp/settings" 2>"$WORK/settings.err" ||
      die "applying the source's database settings to $TGT_DESC failed: $(tr '\n' ' ' <"$WORK/settings.err")"
  fi
  {
    if is_true "$PG_RESTORE_NO_ACL"; then cat "$exp/grants"; else grep '^DATABASE ' "$exp/grants" || true; fi
  } | awk -F '\t' '
      !($1 in seen) { seen[$1] = 1; print "REVOKE ALL ON " $1 " FROM PUBLIC;" }
      $2 != "OWNER" { print "GRANT " $3 " ON " $1 " TO " $2 ($4 == "t" ? " WITH GRANT OPTION" : "") ";" }' >"$WORK/grants.sql"
  if [ -s "$WORK/grants.sql" ]; then
    tgt_psql <"$WORK/grants.sql" 2>"$WORK/grants.err" ||
      die "applying the source's grants to $TGT_DESC failed: $(tr '\n' ' ' <"$WORK/grants.err")"
  fi
  if is_true "$PG_RESTORE_NO_OWNER" || is_true "$PG_RESTORE_NO_ACL"; then
    dropped="$(LC_ALL=C comm -23 <(LC_ALL=C sort "$src/grants") <(LC_ALL=C sort "$exp/grants") | awk -F '\t' '{ print "GRANT " $3 " ON " $1 " TO " $2 }'
      LC_ALL=C comm -23 <(LC_ALL=C sort "$src/settings") <(LC_ALL=C sort "$exp/settings"))"
    log "managed mode (PG_RESTORE_NO_OWNER/NO_ACL): every object belongs to $TARGET_PGUSER, as the managed admin can give objects to no other role; the grants of the source are applied again"
    if [ -n "$dropped" ]; then
      log "managed mode drops what names roles the target does not have:"
      printf '%s\n' "$dropped" | sed 's/^/  dropped: /' >&2
    fi
  fi
}

# compare_state EXPECTED_DIR: the target's state must equal the expected one; else name what differs.
compare_state() {
  local exp="$1" differ
  # The parallel copy loaded each table from a stream whose sha256 it took on the way (copy_table): the target's
  # tables are not read back here but by pg-verify-copy.sh at the cut-over, before anything of 3scale changes,
  # against the manifest recorded below. Everything else of the target (materialized views, sequences, large
  # objects, schema, settings, grants, row counts) is read here as in the streaming copy.
  local known=""
  if [ "$PARALLEL_JOBS" -gt 1 ]; then known="$WORK/copied.digests"; fi
  PG_STATE_KNOWN="$known" pg_state tgt_psql tgt_dump "$WORK/tgt" "$TARGET_PGDATABASE" "$PARALLEL_JOBS" || die "cannot read the state of target $TGT_DESC"
  differ="$(pg_state_differences "$exp" "$WORK/tgt")"
  [ -n "$differ" ] || return 0
  local part
  for part in $differ; do
    log "$part differs (first column: source only, second: target only):"
    LC_ALL=C comm -3 <(LC_ALL=C sort "$exp/$part") <(LC_ALL=C sort "$WORK/tgt/$part") | sed -n '1,40p' >&2
  done
  local hint=""
  if LC_ALL=C comm -23 <(LC_ALL=C sort "$exp/tables") <(LC_ALL=C sort "$WORK/tgt/tables") | grep -q '^materialized view '; then
    hint=" A materialized view differs: pg_restore refreshes materialized views, so a source view that is stale (not refreshed since its tables changed) comes back with other rows; REFRESH MATERIALIZED VIEW on the source and copy again."
  fi
  die "the target differs from the source after the restore in: $differ (was the source written to during the copy?).$hint"
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
  # A pg_dump that failed on its own (not killed by the broken pipe of a dying pg_restore, 141) is the cause:
  # pg_restore then only reports the end of its input.
  if [ "${st[0]}" -ne 0 ] && [ "${st[0]}" -ne 141 ]; then
    sed -n '1,40p' "$WORK/dump.err" >&2
    die "pg_dump from $SRC_DESC failed (exit ${st[0]}): $(grep -m1 'error:' "$WORK/dump.err" || head -n1 "$WORK/dump.err")"
  fi
  check_restore_errors "${st[1]}" "$WORK/restore.err"
  if [ "${st[0]}" -ne 0 ]; then
    sed -n '1,40p' "$WORK/dump.err" >&2
    die "pg_dump from $SRC_DESC failed (exit ${st[0]})"
  fi
}

# open_snapshot: a source session in REPEATABLE READ that exports its snapshot (SNAPSHOT) and holds it until
# close_snapshot, so every part of the parallel copy reads the same state of the source.
open_snapshot() {
  coproc SNAPSHOT_PSQL { PGPASSWORD="$SOURCE_PGPASSWORD" psql -X -w -q -At -v ON_ERROR_STOP=1 \
    -h "$SOURCE_PGHOST" -p "$SOURCE_PGPORT" -U "$SOURCE_PGUSER" -d "$SOURCE_PGDATABASE" 2>"$WORK/snapshot.err"; }
  printf '%s\n' 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;' 'SELECT pg_export_snapshot();' >&"${SNAPSHOT_PSQL[1]}"
  SNAPSHOT=""
  read -r -t 120 SNAPSHOT <&"${SNAPSHOT_PSQL[0]}" || true
  case "$SNAPSHOT" in
    '' | *[!0-9A-F-]*) die "cannot export a snapshot of source $SRC_DESC: $(tr '\n' ' ' <"$WORK/snapshot.err")" ;;
  esac
}
close_snapshot() {
  printf 'COMMIT;\n\\q\n' >&"${SNAPSHOT_PSQL[1]}"
  wait "$SNAPSHOT_PSQL_PID" || true
}

# dump_section SECTION [PG_DUMP_ARGS...]: pg_dump -Fc of one section, in the held snapshot, to stdout.
dump_section() {
  local section="$1"
  shift
  PGPASSWORD="$SOURCE_PGPASSWORD" pg_dump -w -Fc -Z0 --snapshot="$SNAPSHOT" --section="$section" "$@" \
    -h "$SOURCE_PGHOST" -p "$SOURCE_PGPORT" -U "$SOURCE_PGUSER" -d "$SOURCE_PGDATABASE" 2>"$WORK/dump-$section.err"
}

# restore_section SECTION [PG_DUMP_ARGS...]: pg_dump of SECTION | pg_restore, each failure named.
restore_section() {
  local section="$1" st
  set +e
  dump_section "$@" | PGPASSWORD="$TARGET_PGPASSWORD" pg_restore "${RESTORE_ARGS[@]}" 2>"$WORK/restore-$section.err"
  st=("${PIPESTATUS[@]}")
  set -e
  if [ "${st[0]}" -ne 0 ] && [ "${st[0]}" -ne 141 ]; then
    sed -n '1,40p' "$WORK/dump-$section.err" >&2
    die "pg_dump of the $section section from $SRC_DESC failed (exit ${st[0]}): $(grep -m1 'error:' "$WORK/dump-$section.err" || true)"
  fi
  check_restore_errors "${st[1]}" "$WORK/restore-$section.err"
}

# copy_table NAME N OID: COPY of one table from the held snapshot straight into the target (NAME quoted, qualified).
# Both sessions use the state's output settings (lib/pg-state.sh), so the stream is the one pg_state hashes: it
# is hashed on its way (tee), and that sha256 is the source's digest of the table, without reading it twice.
# The target loads it in one transaction that first empties the table, so COPY FREEZE writes the rows frozen:
# no later read (the proof, ANALYZE, the index builds) rewrites every page to set hint bits. Then, in the same
# worker, the table's own indexes and primary key, unique and exclusion constraints (build_table_indexes).
copy_table() {
  local name="$1" errs="$WORK/copy.$2.err" fifo="$WORK/copy.$2.fifo" st hash_pid digest
  mkfifo "$fifo"
  # shellcheck disable=SC2086 # the command and its options
  $PG_STATE_SHA256 <"$fifo" >"$WORK/copy.$2.sha" 2>>"$errs" &
  hash_pid=$!
  set +e
  printf '%s\nBEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSET TRANSACTION SNAPSHOT %s;\nCOPY %s TO STDOUT;\nCOMMIT;\n' "$PG_STATE_SESSION" "'$SNAPSHOT'" "$name" |
    src_psql 2>"$errs" | tee "$fifo" |
    tgt_psql -1 -c "$PG_STATE_SESSION" -c "TRUNCATE ONLY $name" -c "COPY $name FROM STDIN WITH (FREEZE)" >/dev/null 2>>"$errs"
  st=("${PIPESTATUS[@]}")
  wait "$hash_pid"
  st+=("$?")
  set -e
  rm -f "$fifo"
  if [ "${st[1]}" -ne 0 ] || [ "${st[3]}" -ne 0 ]; then
    printf '%s\n' "$name: $(tr '\n' ' ' <"$errs")" >>"$WORK/copy.failed"
    return 1
  fi
  digest="$(cut -c1-64 "$WORK/copy.$2.sha")"
  if [ "${st[2]}" -ne 0 ] || [ "${st[4]}" -ne 0 ] || [[ ! $digest =~ ^[0-9a-f]{64}$ ]]; then
    printf '%s\n' "$name: hashing the copied rows failed: $(tr '\n' ' ' <"$errs")" >>"$WORK/copy.failed"
    return 1
  fi
  printf 'table %s\t%s\n' "$name" "$digest" >"$WORK/copy.$2.digest"
  build_table_indexes "$name" "$3" "$errs" || return 1
  # Its planner statistics too, beside the other tables' copies (pgcopydb does the same).
  if is_true "$PG_ANALYZE" && ! tgt_psql -c "ANALYZE $name" 2>>"$errs"; then
    printf '%s\n' "$name: ANALYZE failed: $(tr '\n' ' ' <"$errs")" >>"$WORK/copy.failed"
    return 1
  fi
}

# plan_table_indexes: split the post-data archive's table of contents (pg_restore -l) into one list per table
# (post.<table oid>.list: the CREATE INDEX and ADD PRIMARY KEY/UNIQUE/EXCLUDE entries of that table, found by
# their catalog ids) and the rest (post-rest.list: foreign keys, triggers, rules, CHECK ... NOT VALID, index
# attachments, comments, materialized view refreshes...), which needs several tables or all of them. An entry
# that matches no table stays in the rest, so every entry is restored exactly once.
plan_table_indexes() {
  pg_restore -l "$WORK/post-data.dump" >"$WORK/post-data.toc" 2>"$WORK/post-data.toc.err" ||
    die "cannot list the post-data archive of $SRC_DESC: $(tr '\n' ' ' <"$WORK/post-data.toc.err")"
  src_psql >"$WORK/post-data.owners" <<SQL || die "cannot list the indexes of source $SRC_DESC"
SELECT i.indrelid || ' ' || 'pg_class'::regclass::oid || ' ' || i.indexrelid
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relkind = 'r'
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
UNION ALL
SELECT k.conrelid || ' ' || 'pg_constraint'::regclass::oid || ' ' || k.oid
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE c.relkind = 'r' AND k.contype IN ('p', 'u', 'x');
SQL
  awk -v dir="$WORK" 'NR == FNR { owner[$2 " " $3] = $1; next }
       /^;/ || NF < 4 { next }
       ($2 " " $3) in owner { print > (dir "/post." owner[$2 " " $3] ".list"); next }
       { print > (dir "/post-rest.list") }' "$WORK/post-data.owners" "$WORK/post-data.toc"
  touch "$WORK/post-rest.list"
}

# build_table_indexes NAME OID ERRS: restore the post-data entries of one table (plan_table_indexes) right after
# its COPY, as pgcopydb does: the table is still in the cache and the builds run beside other tables' copies.
build_table_indexes() {
  local list="$WORK/post.$2.list" rc
  [ -s "$list" ] || return 0
  set +e
  PGPASSWORD="$TARGET_PGPASSWORD" pg_restore "${RESTORE_ARGS[@]}" -L "$list" "$WORK/post-data.dump" 2>>"$3"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    printf '%s\n' "$1: building its indexes and constraints failed (pg_restore exit $rc): $(grep -m3 'error:' "$3" | tr '\n' ' ')" >>"$WORK/copy.failed"
    return 1
  fi
}

# copy_tables: what pgcopydb does, inside the Job: the schema without indexes and constraints (pre-data), the
# tables by COPY from the source straight into the target, PARALLEL_JOBS at a time, largest first, all from
# one exported snapshot, each followed in its worker by its own indexes and primary key (build_table_indexes);
# then sequences and large objects (the data section without table data), and the rest of a small post-data
# archive (foreign keys, triggers...) with pg_restore -j PARALLEL_JOBS.
copy_tables() {
  local tables n=0 name oid rc
  log "copying $SRC_DESC -> $TGT_DESC (schema, then COPY of the tables $PARALLEL_JOBS at a time, each followed by its indexes, then pg_restore -j $PARALLEL_JOBS of the other constraints and triggers; one snapshot)"
  restore_args
  open_snapshot
  restore_section pre-data
  dump_section post-data -f "$WORK/post-data.dump" ||
    die "pg_dump of the post-data section from $SRC_DESC failed: $(grep -m1 'error:' "$WORK/dump-post-data.err" || true)"
  plan_table_indexes
  tables="$(src_psql <<SQL
$PG_STATE_SESSION
SELECT c.oid || chr(9) || format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE $PG_USER_NS AND c.relkind = 'r' AND $(pg_not_dependent "'pg_class'::regclass" c.oid)
 ORDER BY pg_relation_size(c.oid) DESC, 1;
SQL
)" || die "cannot list the tables of source $SRC_DESC"
  : >"$WORK/copy.failed"
  progress_stage copy
  while IFS="$(printf '\t')" read -r oid name; do
    [ -n "$name" ] || continue
    # Only the copy jobs are waited for (the snapshot session and the state reader run beside them).
    job_slot_wait "$PARALLEL_JOBS"
    n=$((n + 1))
    copy_table "$name" "$n" "$oid" &
    JOBS_ACTIVE+=("$!")
  done <<TABLES
$tables
TABLES
  job_wait_all
  if [ -s "$WORK/copy.failed" ]; then
    die "copying table data from $SRC_DESC failed: $(first_lines 5 <"$WORK/copy.failed")"
  fi
  # Every table's data and indexes are in: the rest (sequences, large objects, foreign keys, triggers) has no
  # amount the records could count.
  progress_stage finish
  # The source's state from here, beside the rest of the copy: its tables' digests are those just taken.
  if [ "$n" -gt 0 ]; then cat "$WORK"/copy.*.digest; fi >"$WORK/copied.digests"
  if [ -z "${EVIDENCE_SOURCE_FINGERPRINT:-}" ]; then
    PG_STATE_KNOWN="$WORK/copied.digests" source_state &
    state_pid=$!
  fi
  log "$n tables copied with their indexes; now sequences and large objects, then the other constraints and triggers"
  # The data section without the tables just copied: the sequences' values and the large objects (a pattern
  # matching every table would drop the sequences too).
  local -a skip=()
  while IFS="$(printf '\t')" read -r oid name; do
    if [ -n "$name" ]; then skip+=(--exclude-table-data="$name"); fi
  done <<TABLES
$tables
TABLES
  restore_section data "${skip[@]}"
  close_snapshot
  set +e
  PGPASSWORD="$TARGET_PGPASSWORD" pg_restore "${RESTORE_ARGS[@]}" -j "$PARALLEL_JOBS" -L "$WORK/post-rest.list" "$WORK/post-data.dump" 2>"$WORK/restore-post-data.err"
  rc=$?
  set -e
  check_restore_errors "$rc" "$WORK/restore-post-data.err"
}

# ---------------------------------------------------------------------------------------------------
connect_check source src_psql "$SRC_DESC"
ensure_target_database
connect_check target tgt_psql "$TGT_DESC"
check_encodings
check_xml_declarations
choose_schema_compare

src_counts="$(src_psql -c "$COUNTS_SQL")" || die "cannot count rows on source $SRC_DESC"
src_tables="$(count_tables "$src_counts")"
src_rows="$(count_rows "$src_counts")"
log "source $SRC_DESC: $src_tables tables, $src_rows rows"

# The source's state (rows, sequences, large objects, schema, settings, grants): its digest is the fingerprint
# the evidence records, so a rerun sees any write since the copy.
# An empty target needs it only at the end, so then it is read while the copy runs.
# One session: it runs beside the copy's own sessions on the source (more made the copy slower in the benchmark).
source_state() {
  pg_state src_psql src_dump "$WORK/src" "$TARGET_PGDATABASE" 2>"$WORK/src-state.err"
}
source_fingerprint() {
  EVIDENCE_SOURCE_FINGERPRINT="sha256:$(pg_state_digest "$WORK/src")"
  log "source fingerprint $EVIDENCE_SOURCE_FINGERPRINT"
}
source_state_failed() {
  die "cannot read the state of source $SRC_DESC: $(tr '\n' ' ' <"$WORK/src-state.err" | cut -c1-500)"
}

# The non-secret inputs: both endpoints and the mode. The source's data is in the fingerprint.
INPUTS_CHECKSUM="$(sha256_of_lines "source=$SRC_DESC" "target=$TGT_DESC" "noOwner=$PG_RESTORE_NO_OWNER" "noAcl=$PG_RESTORE_NO_ACL")"

tgt_objects="$(pg_user_objects tgt_psql 0 | cut -f1)" || die "cannot inspect target $TGT_DESC"
target_matches() {
  expected_state "$WORK/src" "$WORK/expected"
  pg_state tgt_psql tgt_dump "$WORK/tgt" "$TARGET_PGDATABASE" || die "cannot read the state of target $TGT_DESC"
  [ -z "$(pg_state_differences "$WORK/expected" "$WORK/tgt")" ]
}
if [ -n "$tgt_objects" ]; then
  source_state || source_state_failed
  source_fingerprint
  handle_nonempty_target "target $TGT_DESC already holds $(printf '%s\n' "$tgt_objects" | wc -l) user objects ($(printf '%s\n' "$tgt_objects" | first_lines 5))" \
    target_matches "remove what this step copied there before and copy again"
fi
if ! is_true "$PG_RESTORE_NO_OWNER"; then check_roles; fi
check_role_settings

# From here on the target changes: record that first, with the transaction before the first write, so a
# rerun can prove which objects are ours.
TARGET_TOUCHED=1
EVIDENCE_TARGET_BASELINE="$(tgt_psql -c 'SELECT pg_current_xact_id()')" || die "cannot read the transaction id of target $TGT_DESC"
evidence_write Running "$INPUTS_CHECKSUM" "restore of $src_tables tables started" ||
  die "could not write the evidence record"

state_pid=""
# The streaming copy reads the source's state beside it; the parallel one hashes each table on its way and
# reads the rest after the tables (copy_tables).
if [ -z "${EVIDENCE_SOURCE_FINGERPRINT:-}" ] && [ "$PARALLEL_JOBS" -eq 1 ]; then
  source_state &
  state_pid=$!
fi
progress_plan="$(pg_progress_plan src_psql tgt_psql "$WORK/progress")" || die "cannot read the table and index sizes of source $SRC_DESC"
progress_start bytes "${progress_plan% *}" progress_sample "${progress_plan#* }"
if [ "$PARALLEL_JOBS" -gt 1 ]; then
  progress_stage setup
  copy_tables
else
  progress_stage copy
  copy_streaming
fi
progress_finish
if [ -n "$state_pid" ]; then
  wait "$state_pid" || source_state_failed
  source_fingerprint
fi

expected_state "$WORK/src" "$WORK/expected"
apply_settings "$WORK/src" "$WORK/expected"

tgt_counts="$(tgt_psql -c "$COUNTS_SQL")" || die "cannot count rows on target $TGT_DESC"
if [ "$tgt_counts" != "$src_counts" ]; then
  printf '%s\n' "$src_counts" | sort >"$WORK/src.counts"
  printf '%s\n' "$tgt_counts" | sort >"$WORK/tgt.counts"
  log "row count mismatch (first column: source only, second: target only):"
  comm -3 "$WORK/src.counts" "$WORK/tgt.counts" | sed -n '1,50p' >&2
  die "per-table row counts differ between source and target"
fi
# Planner statistics (pg_restore collects none; without them the first hours are slow) while the state is read.
# The parallel copy has analyzed each table after its load: what is left are partitioned tables (their statistics
# span the partitions) and materialized views, which the end of the restore filled.
analyze_sql() {
  if [ "$PARALLEL_JOBS" -eq 1 ]; then
    echo 'ANALYZE'
    return 0
  fi
  tgt_psql <<SQL
SELECT 'ANALYZE ' || string_agg(format('%I.%I', n.nspname, c.relname), ', ')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE $PG_USER_NS AND (c.relkind = 'p' OR (c.relkind = 'm' AND c.relispopulated)) HAVING count(*) > 0;
SQL
}
analyze_pid=""
if is_true "$PG_ANALYZE"; then
  { sql="$(analyze_sql)" && if [ -n "$sql" ]; then tgt_psql -c "$sql"; fi; } 2>"$WORK/analyze.err" &
  analyze_pid=$!
fi
compare_state "$WORK/expected"
ROWS_PROOF="rows (sha256 per table)"
if [ "$PARALLEL_JOBS" -gt 1 ]; then ROWS_PROOF="rows (sha256 per table of the COPY stream that loaded it; pg-verify-copy reads them back from the target before the cut-over)"; fi
log "row counts match on all $src_tables tables ($src_rows rows); the target equals the source: $ROWS_PROOF, sequences, $(wc -l <"$WORK/src/largeobjects") large objects, schema, settings, grants"

if [ -n "$analyze_pid" ]; then
  wait "$analyze_pid" || die "ANALYZE on target $TGT_DESC failed: $(tr '\n' ' ' <"$WORK/analyze.err")"
fi

# What the target was proven equal to, table by table, for pg-verify-copy.sh to prove again (<step>.manifest).
{
  printf 'mode schema\t%s\nmode noOwner\t%s\nmode noAcl\t%s\n' "$PG_STATE_SCHEMA" "$PG_RESTORE_NO_OWNER" "$PG_RESTORE_NO_ACL"
  # How the table digests were taken: "stream" (the parallel copy's COPY streams; the target's rows are first
  # read back by pg-verify-copy.sh) or "target" (read back from the target here).
  printf 'mode rows\t%s\n' "$([ "$PARALLEL_JOBS" -gt 1 ] && echo stream || echo target)"
  pg_manifest "$WORK/tgt" "$tgt_counts" ""
  pg_manifest "$WORK/src" "" "source " | grep '^source part '
} | LC_ALL=C sort >"$WORK/manifest"
EVIDENCE_MANIFEST="$WORK/manifest"
evidence_write Succeeded "$INPUTS_CHECKSUM" "copied $src_tables tables, $src_rows rows; equal: $ROWS_PROOF, sequences, large objects, schema, settings, grants" ||
  die "could not write the evidence record"
log "done"
