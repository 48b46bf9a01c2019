#!/usr/bin/env bash
# pg-verify-copy.sh: prove again, read-only, that the new PostgreSQL holds what the copy step COPY_STEP copied,
# and that the old one has not been written to since (what is written there after the copy is lost).
#
# The copy step (pg-copy.sh) records in its evidence a manifest (lib/copy-manifest.sh) of what it proved equal:
# the sha256 of the rows of every table, materialized view and sequence, every table's row count, the large
# objects, the schema, the database and role settings and the grants. This step computes the same, with the
# same functions (lib/pg-state.sh), on
#   * the target (TARGET_PG*): always; a table written to since the copy, a row missing or changed, a setting or
#     grant changed, fails the step naming it;
#   * the source (SOURCE_PG*), when SOURCE_PGHOST is set and the server answers within SOURCE_CONNECT_TIMEOUT
#     seconds: a table of the source that differs from the copy means 3scale (or someone) wrote to the old
#     server after the copy, and those writes are not on the new one. An old server already stopped is not an
#     error: the step says so and compares the target alone.
# Both sessions are read-only (default_transaction_read_only). The output names tables, counts and shortened
# digests only: no row and no credential.
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
evidence_init pg-verify-copy

COPY_STEP="${COPY_STEP:-pg-copy}"
SOURCE_PGHOST="${SOURCE_PGHOST:-}"
SOURCE_PGPORT="${SOURCE_PGPORT:-5432}"
SOURCE_PGDATABASE="${SOURCE_PGDATABASE:-system}"
SOURCE_PGUSER="${SOURCE_PGUSER:-system}"
SOURCE_PGPASSWORD="${SOURCE_PGPASSWORD:-}"
SOURCE_CONNECT_TIMEOUT="${SOURCE_CONNECT_TIMEOUT:-5}"
TARGET_PGPORT="${TARGET_PGPORT:-5432}"
TARGET_PGDATABASE="${TARGET_PGDATABASE:-system}"
TARGET_PGUSER="${TARGET_PGUSER:-system}"
TARGET_PGPASSWORD="${TARGET_PGPASSWORD:-}"
PARALLEL_JOBS="${PARALLEL_JOBS:-1}"
export PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"

require_env TARGET_PGHOST COPY_STEP
require_int SOURCE_PGPORT
require_int TARGET_PGPORT
require_int SOURCE_CONNECT_TIMEOUT
require_int PARALLEL_JOBS
[ "$PARALLEL_JOBS" -ge 1 ] || die "PARALLEL_JOBS must be at least 1"
require_cmd pg_dump psql sha256sum gzip base64
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE
# Every session of this step is read-only, pg_dump's included.
export PGOPTIONS='-c default_transaction_read_only=on'

SRC_DESC="$SOURCE_PGUSER@$SOURCE_PGHOST:$SOURCE_PGPORT/$SOURCE_PGDATABASE"
TGT_DESC="$TARGET_PGUSER@$TARGET_PGHOST:$TARGET_PGPORT/$TARGET_PGDATABASE"
WORK="$(make_workdir)"
INPUTS_CHECKSUM=""
trap verify_copy_on_exit EXIT

manifest_read "$COPY_STEP" "$WORK/recorded" ||
  die "the evidence of copy step $COPY_STEP holds no manifest of what it copied (not run yet, failed, or written by an older version): run copy-data first"
PG_STATE_SCHEMA="$(manifest_value "$WORK/recorded" 'mode schema')"
PG_RESTORE_NO_OWNER="$(manifest_value "$WORK/recorded" 'mode noOwner')"
PG_RESTORE_NO_ACL="$(manifest_value "$WORK/recorded" 'mode noAcl')"
case "$PG_STATE_SCHEMA" in dump | catalog) ;; *) die "the manifest of copy step $COPY_STEP names no schema comparison mode" ;; esac
INPUTS_CHECKSUM="$(sha256_of_lines "source=${SOURCE_PGHOST:+$SRC_DESC}" "target=$TGT_DESC" "manifest=$(sha256_of_file "$WORK/recorded")")"

# side_manifest PSQL_FN DUMP_FN DIR PART_PREFIX: the manifest of one side, as the copy computed it.
side_manifest() {
  local counts
  pg_state "$1" "$2" "$3" "$TARGET_PGDATABASE" "$PARALLEL_JOBS" || return 1
  counts="$("$1" -c "$COUNTS_SQL")" || return 1
  pg_manifest "$3" "$counts" "$4" | LC_ALL=C sort
}

FINDINGS="$WORK/findings"
: >"$FINDINGS"
connect_check target tgt_psql "$TGT_DESC"
# The target is read while the source is (two servers): its state goes to a file, compared once both are read.
side_manifest tgt_psql tgt_dump "$WORK/tgt" "" >"$WORK/actual.tgt" 2>"$WORK/target.err" &
target_pid=$!

SOURCE_WORD="not configured"
src_answers() { PGCONNECT_TIMEOUT="$SOURCE_CONNECT_TIMEOUT" src_psql -c 'SELECT 1' >/dev/null; }
src_manifest() { side_manifest src_psql src_dump "$WORK/src" "source "; }
if [ -n "$SOURCE_PGHOST" ]; then
  grep -v '^part ' "$WORK/recorded" >"$WORK/recorded.src" || true
  verify_copy_source "$SRC_DESC" src_answers src_manifest "$WORK/recorded.src" "stopped at the cut-over?"
fi

wait "$target_pid" || die "cannot read the state of target $TGT_DESC: $(tr '\n' ' ' <"$WORK/target.err" | cut -c1-300)"
grep -v '^source part ' "$WORK/recorded" >"$WORK/recorded.tgt" || true
# The target's differences first: they are what 3scale would be pointed at.
{ manifest_findings "$WORK/recorded.tgt" "$WORK/actual.tgt" "target $TGT_DESC"; cat "$FINDINGS"; } >"$WORK/findings.all"
mv -f "$WORK/findings.all" "$FINDINGS"
tables="$(grep -c '^table .* rows	' "$WORK/actual.tgt" || true)"
log "target $TGT_DESC: $tables tables read"

verify_copy_finish "$FINDINGS" "target equals the copy of step $COPY_STEP: $tables tables (rows, sha256 of each), sequences, large objects, schema, settings, grants; source: $SOURCE_WORD"
