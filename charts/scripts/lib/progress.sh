# shellcheck shell=bash
# Progress records: while a copy step runs, a sampler in the background writes every PROGRESS_INTERVAL
# seconds (default 5) how far the copy is, so `status --watch` can show it and estimate the time left.
#
# A record is three keys per step, beside the step's evidence record (lib/evidence.sh) and in the same sinks:
#   <step>.progress           "<done>/<total> <unit>" (integers; unit bytes, rows or keys); done never goes
#                             down between two records and equals total in the last one
#   <step>.progressStartedAt  UTC time stamp of the first record (the copy's start)
#   <step>.progressAt         UTC time stamp of this record
# and one log line per record ("progress: <done>/<total> <unit> (<percent>%)"), so the Job's log has it too.
# No value of a record comes from anything but counts and the clock: it cannot carry a secret.
#
# Sinks:
#   PROGRESS_FILE       a key=value file with the latest record (default: EVIDENCE_FILE.progress when
#                       EVIDENCE_FILE is set). Separate from EVIDENCE_FILE, so that the sampler never races
#                       evidence_write rewriting that file.
#   EVIDENCE_CONFIGMAP  the step's evidence ConfigMap, applied under its own field manager
#                       ("threescale-migrate-job.<step>.progress"): server-side apply then keeps the evidence
#                       keys of the step's own manager, and the other way round.
#
# Requires lib/common.sh and lib/evidence.sh (its evidence_init) to be sourced first; uses the step's EXIT
# trap (copy_step_init) and stops the sampler before it runs.

PROGRESS_INTERVAL="${PROGRESS_INTERVAL:-5}"
case "$PROGRESS_INTERVAL" in
  '' | *[!0-9.]* | .* | *.*.* | *.) die "PROGRESS_INTERVAL must be a number of seconds (got '$PROGRESS_INTERVAL')" ;;
esac

# progress_begin UNIT TOTAL: the first record (0 done) of a step that writes its records itself, in the
# foreground (progress_record), instead of a sampler.
progress_begin() {
  PROGRESS_UNIT="$1"
  PROGRESS_TOTAL="$(_progress_int "$2")"
  PROGRESS_STARTED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  PROGRESS_LAST=0
  _progress_write 0
}

# progress_record DONE: one record after progress_begin; DONE is kept between the last record's and the total.
progress_record() {
  local now
  now="$(_progress_int "$1")"
  [ "$now" -le "$PROGRESS_TOTAL" ] || now="$PROGRESS_TOTAL"
  [ "$now" -ge "$PROGRESS_LAST" ] || now="$PROGRESS_LAST"
  PROGRESS_LAST="$now"
  _progress_write "$now"
}

# progress_start UNIT TOTAL SAMPLE_FN: start the sampler. SAMPLE_FN prints the amount done so far (an
# integer); a sample that fails or prints anything else repeats the previous amount.
progress_start() {
  PROGRESS_UNIT="$1"
  PROGRESS_TOTAL="$(_progress_int "$2")"
  PROGRESS_STARTED_AT="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  _progress_write 0
  _progress_loop "$3" &
  PROGRESS_PID=$!
  trap _progress_on_exit EXIT
}

# progress_finish: stop the sampler and write the last record, done = total.
progress_finish() {
  _progress_stop
  _progress_write "$PROGRESS_TOTAL"
}

_progress_int() {
  case "$1" in
    '' | *[!0-9]*) printf '0' ;;
    *) printf '%s' "$((10#$1))" ;;
  esac
}

# _progress_loop FN: a sample every PROGRESS_INTERVAL seconds on a fixed schedule (the time a sample takes is
# not added to the interval).
_progress_loop() {
  local fn="$1" last=0 now parent="$$" next="$EPOCHREALTIME"
  while :; do
    next="$(awk -v n="$next" -v i="$PROGRESS_INTERVAL" 'BEGIN { printf "%.6f", n + i }')"
    sleep "$(awk -v n="$next" -v t="$EPOCHREALTIME" 'BEGIN { d = n - t; if (d < 0) d = 0; printf "%.3f", d }')" || exit 0
    kill -0 "$parent" 2>/dev/null || exit 0
    # A sample that fails (or waits on a lock past its timeout) repeats the last amount: a record still comes.
    now="$("$fn" 2>/dev/null)" || now="$last"
    case "$now" in '' | *[!0-9]*) now="$last" ;; esac
    now="$((10#$now))"
    [ "$now" -le "$PROGRESS_TOTAL" ] || now="$PROGRESS_TOTAL"
    [ "$now" -ge "$last" ] || now="$last"
    last="$now"
    _progress_write "$now"
  done
}

_progress_stop() {
  [ -n "${PROGRESS_PID:-}" ] || return 0
  kill "$PROGRESS_PID" 2>/dev/null || true
  wait "$PROGRESS_PID" 2>/dev/null || true
  PROGRESS_PID=""
}

_progress_on_exit() {
  local rc=$?
  _progress_stop
  # The step's own trap reads the exit status from $?: hand it on (errexit would end the trap here).
  set +e
  (exit "$rc")
  _copy_step_on_exit
}

# _progress_write DONE: write the record to every configured sink (a sink that fails is warned, never fatal).
_progress_write() {
  local done="$1" at pct value file
  at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  value="$done/$PROGRESS_TOTAL $PROGRESS_UNIT"
  pct=100
  [ "$PROGRESS_TOTAL" -eq 0 ] || pct="$((done * 100 / PROGRESS_TOTAL))"
  log "progress: $value ($pct%)"
  file="${PROGRESS_FILE:-${EVIDENCE_FILE:+$EVIDENCE_FILE.progress}}"
  if [ -n "$file" ]; then
    mkdir -p "$(dirname "$file")"
    if ! { printf '%s.progress=%s\n%s.progressStartedAt=%s\n%s.progressAt=%s\n' \
      "$EVIDENCE_STEP" "$value" "$EVIDENCE_STEP" "$PROGRESS_STARTED_AT" "$EVIDENCE_STEP" "$at" >"$file.tmp.$BASHPID" &&
      mv -f "$file.tmp.$BASHPID" "$file"; }; then
      warn "could not write the progress file $file"
    fi
  fi
  _progress_configmap "$value" "$at"
}

_progress_configmap() {
  _evidence_configmap_enabled || return 0
  local body out code
  body="$(mktemp)"
  out="$(mktemp)"
  printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%s,"namespace":%s},"data":{%s:%s,%s:%s,%s:%s}}\n' \
    "$(_json_string "$EVIDENCE_CONFIGMAP")" "$(_json_string "$NAMESPACE")" \
    "$(_json_string "$EVIDENCE_STEP.progress")" "$(_json_string "$1")" \
    "$(_json_string "$EVIDENCE_STEP.progressStartedAt")" "$(_json_string "$PROGRESS_STARTED_AT")" \
    "$(_json_string "$EVIDENCE_STEP.progressAt")" "$(_json_string "$2")" >"$body"
  code="$(_kube_curl PATCH "$(_configmap_url)?fieldManager=${EVIDENCE_FIELD_MANAGER}.progress&force=true" \
    "$out" "$body" 'application/apply-patch+yaml' || true)"
  case "$code" in
    200 | 201) ;;
    *) warn "could not apply the progress record to ConfigMap $NAMESPACE/$EVIDENCE_CONFIGMAP (HTTP ${code:-none})" ;;
  esac
  rm -f "$body" "$out"
}

# Measures for the copy steps (each prints an integer; FN is the step's client wrapper for one side).

# pg_table_bytes PSQL_FN: bytes of the user tables with their TOAST and indexes (pg_total_relation_size). The
# source's is the total, the target's grows as COPY writes (a relation's size is visible before its COPY
# commits) and then as the indexes are built, so the index build at the end is counted too. A bloated source
# makes the target's end short of the total; the last record says total all the same.
pg_table_bytes() {
  # lock_timeout: ALTER TABLE ... ADD PRIMARY KEY holds its table exclusively while it builds the index.
  "$1" -c "SET lock_timeout = '250ms'; SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%'"
}

# pg_copy_bytes PSQL_FN TOTAL STATE_FILE: pg_table_bytes of the target, and while a table is locked by an index
# build (ADD PRIMARY KEY, CREATE INDEX at the end of the copy, when sizes cannot be read) the bytes read before
# the lock plus the build's share of what is left: pg_stat_progress_create_index's scan of the table (blocks)
# as its first half, the load of the sorted tuples into the tree as its second. STATE_FILE keeps the amount
# last read without a lock (each sample runs in a subshell).
pg_copy_bytes() {
  local now base fraction
  if now="$(pg_table_bytes "$1" 2>/dev/null)" && [ -n "$now" ]; then
    printf '%s' "$now" >"$3"
    printf '%s' "$now"
    return 0
  fi
  base="$(cat "$3" 2>/dev/null)" || return 1
  fraction="$("$1" -c "SELECT coalesce(max(CASE
             WHEN phase LIKE 'building index: scanning table%' AND blocks_total > 0 THEN 0.5 * blocks_done / blocks_total
             WHEN phase LIKE 'building index: sorting%' THEN 0.5
             WHEN phase LIKE 'building index: loading tuples%' AND tuples_total > 0 THEN 0.5 + 0.5 * tuples_done / tuples_total
             WHEN phase LIKE 'building index%' THEN 0.5
             ELSE 0 END), 0)
        FROM pg_stat_progress_create_index WHERE datname = current_database()")" || return 1
  awk -v b="$base" -v t="$2" -v f="$fraction" 'BEGIN { if (t < b) t = b; printf "%d", b + f * (t - b) }'
}

# mysql_row_count MYSQL_FN DB: rows of DB's tables, exact (the source's, for the total).
mysql_row_count() {
  local fn="$1" db="$2" sum
  sum="$("$fn" -e "SET SESSION group_concat_max_len = 16777216; SELECT GROUP_CONCAT(CONCAT('(SELECT COUNT(*) FROM ', $(sql_string "$(sql_ident "$db")"), '.\`',
                                              REPLACE(TABLE_NAME, '\`', '\`\`'), '\`)') SEPARATOR ' + ')
                     FROM information_schema.TABLES
                    WHERE TABLE_SCHEMA = $(sql_string "$db") AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')")" || return 1
  case "$sum" in '' | NULL) printf '0'; return 0 ;; esac
  "$fn" -e "SELECT $sum"
}

# mysql_row_estimate MYSQL_FN DB: rows of DB's tables as InnoDB counts them while it inserts
# (information_schema.TABLES.TABLE_ROWS; an estimate, live). An exact COUNT(*) on the target would wait: the
# dump's LOCK TABLES ... WRITE holds each table while it loads.
mysql_row_estimate() {
  "$1" -e "SELECT IFNULL(SUM(TABLE_ROWS), 0) FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = $(sql_string "$2") AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')"
}

# redis_follow_load FN: while the Redis FN talks to loads its dataset (INFO persistence loading:1; it answers
# INFO but not PING then), a record every PROGRESS_INTERVAL seconds of the RDB bytes loaded out of the file's
# (loading_loaded_bytes / loading_total_bytes), and the last one at the total once it has loaded. Returns at
# once when it is not loading; stops following (without a last record) when INFO stops answering.
redis_follow_load() {
  local info
  info="$("$1" INFO persistence 2>/dev/null)" || return 0
  [ "$(printf '%s' "$info" | info_field loading)" = 1 ] || return 0
  log "Redis is loading its dataset: following the load"
  progress_begin bytes "$(printf '%s' "$info" | info_field loading_total_bytes)"
  while :; do
    sleep "$PROGRESS_INTERVAL"
    info="$("$1" INFO persistence 2>/dev/null)" || return 0
    case "$(printf '%s' "$info" | info_field loading)" in
      1) progress_record "$(printf '%s' "$info" | info_field loading_loaded_bytes)" ;;
      0) break ;;
      *) return 0 ;;
    esac
  done
  progress_record "$PROGRESS_TOTAL"
}
