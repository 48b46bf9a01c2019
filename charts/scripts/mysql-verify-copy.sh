#!/usr/bin/env bash
# mysql-verify-copy.sh: prove again, read-only, that the new MySQL holds what the copy step COPY_STEP copied,
# and that the old one has not been written to since (what is written there after the copy is lost).
#
# The copy step (mysql-copy.sh) records in its evidence a manifest (lib/copy-manifest.sh): every table's row count
# and its checksum of every row (every row version of a system-versioned table), and the sha256 of the schema
# (tables, columns, indexes, foreign keys, views, routines, triggers, events). This step computes the same, with
# the same functions (lib/mysql-state.sh), on
#   * the target (TARGET_MYSQL_*): a table written to since the copy, a row missing or changed, fails the step
#     naming the table;
#   * the source (SOURCE_MYSQL_URL / SOURCE_MYSQL_*), when it answers within SOURCE_CONNECT_TIMEOUT seconds: a
#     table that differs there was written to after the copy (those writes are not on the new server). An old
#     server already stopped is not an error: the step says so and compares the target alone.
# Both sessions are read-only (SET SESSION TRANSACTION READ ONLY). The output names tables, counts and checksums
# only: no row and no credential.
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
evidence_init mysql-verify-copy

mysql_source_from_url
COPY_STEP="${COPY_STEP:-mysql-copy}"
SOURCE_MYSQL_HOST="${SOURCE_MYSQL_HOST:-}"
SOURCE_MYSQL_PORT="${SOURCE_MYSQL_PORT:-3306}"
SOURCE_MYSQL_USER="${SOURCE_MYSQL_USER:-root}"
SOURCE_MYSQL_PASSWORD="${SOURCE_MYSQL_PASSWORD:-}"
SOURCE_MYSQL_DATABASE="${SOURCE_MYSQL_DATABASE:-system}"
SOURCE_CONNECT_TIMEOUT="${SOURCE_CONNECT_TIMEOUT:-5}"
TARGET_MYSQL_PORT="${TARGET_MYSQL_PORT:-3306}"
TARGET_MYSQL_USER="${TARGET_MYSQL_USER:-root}"
TARGET_MYSQL_PASSWORD="${TARGET_MYSQL_PASSWORD:-}"
TARGET_MYSQL_DATABASE="${TARGET_MYSQL_DATABASE:-system}"
MYSQL_CONNECT_TIMEOUT="${MYSQL_CONNECT_TIMEOUT:-10}"

require_env TARGET_MYSQL_HOST COPY_STEP
require_int SOURCE_MYSQL_PORT
require_int TARGET_MYSQL_PORT
require_int SOURCE_CONNECT_TIMEOUT
require_int MYSQL_CONNECT_TIMEOUT
require_cmd mysql sha256sum gzip base64
unset MYSQL_PWD MYSQL_HOST MYSQL_TCP_PORT

SRC_DESC="$SOURCE_MYSQL_USER@$SOURCE_MYSQL_HOST:$SOURCE_MYSQL_PORT/$SOURCE_MYSQL_DATABASE"
TGT_DESC="$TARGET_MYSQL_USER@$TARGET_MYSQL_HOST:$TARGET_MYSQL_PORT/$TARGET_MYSQL_DATABASE"
# Read-only sessions: every statement of this step goes through these two.
ro_src() { src_mysql --init-command='SET SESSION TRANSACTION READ ONLY' "$@"; }
ro_tgt() { tgt_mysql --init-command='SET SESSION TRANSACTION READ ONLY' "$@"; }
WORK="$(make_workdir)"
INPUTS_CHECKSUM=""
trap verify_copy_on_exit EXIT

manifest_read "$COPY_STEP" "$WORK/recorded" ||
  die "the evidence of copy step $COPY_STEP holds no manifest of what it copied (not run yet, failed, or written by an older version): run copy-data first"
[ "$(manifest_value "$WORK/recorded" 'mode mysql')" = crc-v1 ] || die "the manifest of copy step $COPY_STEP is no MySQL manifest this step can compare (mode mysql crc-v1)"
INPUTS_CHECKSUM="$(sha256_of_lines "source=${SOURCE_MYSQL_HOST:+$SRC_DESC}" "target=$TGT_DESC" "manifest=$(sha256_of_file "$WORK/recorded")")"

# side_manifest FN DB: the manifest of one side, as the copy computed it.
side_manifest() {
  local sums schema
  sums="$(table_checksums "$1" "$2")" || return 1
  schema="$(schema_of "$1" "$2")" || return 1
  { printf 'mode mysql\tcrc-v1\n'; mysql_manifest "$sums" "$schema"; } | LC_ALL=C sort
}

FINDINGS="$WORK/findings"
: >"$FINDINGS"
if ! err="$(ro_tgt -e 'SELECT 1' 2>&1 >/dev/null)"; then
  die "cannot connect to target MySQL $TGT_DESC: $(printf '%s' "$err" | tr '\n' ' ')"
fi
side_manifest ro_tgt "$TARGET_MYSQL_DATABASE" >"$WORK/actual.tgt" 2>"$WORK/target.err" ||
  die "cannot read the state of target $TGT_DESC: $(tr '\n' ' ' <"$WORK/target.err" | cut -c1-300)"
manifest_findings "$WORK/recorded" "$WORK/actual.tgt" "target $TGT_DESC" >>"$FINDINGS"
tables="$(grep -c '^table .* rows	' "$WORK/actual.tgt" || true)"
log "target $TGT_DESC: $tables tables read, $(wc -l <"$FINDINGS") difference(s) from the copy"

SOURCE_WORD="not configured"
src_answers() { MYSQL_CONNECT_TIMEOUT="$SOURCE_CONNECT_TIMEOUT" ro_src -e 'SELECT 1' >/dev/null; }
src_manifest() { side_manifest ro_src "$SOURCE_MYSQL_DATABASE"; }
if [ -n "$SOURCE_MYSQL_HOST" ]; then
  verify_copy_source "$SRC_DESC" src_answers src_manifest "$WORK/recorded" "stopped at the cut-over?"
fi

verify_copy_finish "$FINDINGS" "target equals the copy of step $COPY_STEP: $tables tables (rows, checksum of each), schema; source: $SOURCE_WORD"
