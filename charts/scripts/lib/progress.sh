# shellcheck shell=bash
# Progress records: while a copy step runs, a sampler in the background writes every PROGRESS_INTERVAL
# seconds (default 5) how far the copy is, so `status --watch` can show it and estimate the time left.
#
# A record is three keys per step, beside the step's evidence record (lib/evidence.sh) and in the same sinks:
#   <step>.progress           "<done>/<total> <unit>" (integers; unit bytes, rows or keys); done never goes
#                             down between two records and equals total in the last one
#   <step>.progressStartedAt  UTC time stamp of the first record (the copy's start)
#   <step>.progressAt         UTC time stamp of this record (both ISO 8601 to the millisecond)
# and, for a copy that builds indexes beside or after its data (pg-copy.sh), the part of done and total that
# are index bytes, and the seconds the index builds have taken so far, summed over the sessions that build them,
# so that the estimate weighs them at their own rate; and the same for the data bytes, with the seconds the
# sessions loading data have taken (summed too: parallel loads count once each):
#   <step>.progressIndexes    "<index done>/<index total> <unit> <seconds>s" (done and total included in
#                             <step>.progress; seconds with one decimal)
#   <step>.progressData       "<data done>/<data total> <unit> <seconds>s" (the rest of <step>.progress)
# and, for a copy that names its stages (progress_stage), where it is, so that the estimate knows what remains
# once the amounts are all done:
#   <step>.progressStage      "<stage> <setup seconds>s <seconds in the stage>s": stage setup (schema and
#                             plan, before any amount moves), copy (the amounts move) or finish (every amount
#                             is done; what is left has none: sequences, constraints, triggers); setup seconds
#                             is the time the setup stage took (so far, while in it; 0.0 without one)
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
# trap (copy_step_init, or the function named by PROGRESS_ON_EXIT) and stops the sampler before it runs.

PROGRESS_INTERVAL="${PROGRESS_INTERVAL:-5}"
case "$PROGRESS_INTERVAL" in
  '' | *[!0-9.]* | .* | *.*.* | *.) die "PROGRESS_INTERVAL must be a number of seconds (got '$PROGRESS_INTERVAL')" ;;
esac

# progress_begin UNIT TOTAL: the first record (0 done) of a step that writes its records itself, in the
# foreground (progress_record), instead of a sampler.
progress_begin() {
  PROGRESS_UNIT="$1"
  PROGRESS_TOTAL="$(_progress_int "$2")"
  PROGRESS_INDEX_TOTAL=""
  PROGRESS_STARTED_AT="$(_progress_time)"
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

# progress_start UNIT TOTAL SAMPLE_FN [INDEX_TOTAL]: start the sampler. SAMPLE_FN prints the amount done so
# far (an integer), and with INDEX_TOTAL (the part of TOTAL that index builds write) also the index part of it
# and the seconds the index builds have taken, and optionally the seconds the data loads have taken
# ("<done> <index done> <index seconds> [<data seconds>]"); a sample that fails or prints anything else repeats
# the previous amounts.
progress_start() {
  PROGRESS_UNIT="$1"
  PROGRESS_TOTAL="$(_progress_int "$2")"
  PROGRESS_INDEX_TOTAL="${4:+$(_progress_int "$4")}"
  PROGRESS_STARTED_AT="$(_progress_time)"
  PROGRESS_START_US="$(_progress_us)"
  PROGRESS_INDEX_SECONDS=0.0
  PROGRESS_DATA_SECONDS=""
  PROGRESS_INDEX_FILE="$(mktemp "${TMPDIR:-/tmp}/threescale-migrate-progress.XXXXXX")"
  PROGRESS_STAGE_FILE="$PROGRESS_INDEX_FILE.stage"
  : >"$PROGRESS_STAGE_FILE"
  _progress_write 0 0
  _progress_loop "$3" &
  PROGRESS_PID=$!
  trap _progress_on_exit EXIT
}

# progress_stage NAME: the copy's stage from now on (setup, copy or finish; see the header), in the records the
# sampler writes from its next one on. In the finish stage the sampler takes no sample: every amount is done.
progress_stage() {
  local now prev="" setup="-"
  [ -n "${PROGRESS_STAGE_FILE:-}" ] || return 0
  now="$(_progress_us)"
  if [ -s "$PROGRESS_STAGE_FILE" ]; then read -r prev _ setup <"$PROGRESS_STAGE_FILE" || true; fi
  # The setup's microseconds: counted at each record while it lasts ("-"), fixed when it ends, 0 without one.
  if [ "$1" = setup ]; then
    setup="-"
  elif [ "$prev" = setup ]; then
    setup="$((now - PROGRESS_START_US))"
  elif [ -z "$prev" ] || [ "$setup" = "-" ]; then
    setup=0
  fi
  printf '%s %s %s\n' "$1" "$now" "$setup" >"$PROGRESS_STAGE_FILE.tmp" && mv -f "$PROGRESS_STAGE_FILE.tmp" "$PROGRESS_STAGE_FILE"
}

# progress_finish: stop the sampler and write the last record, done = total (the index and data seconds of the
# last sample: the sampler keeps them in PROGRESS_INDEX_FILE).
progress_finish() {
  _progress_stop
  if [ -n "${PROGRESS_INDEX_TOTAL:-}" ] && [ -s "$PROGRESS_INDEX_FILE" ]; then
    read -r PROGRESS_INDEX_SECONDS PROGRESS_DATA_SECONDS <"$PROGRESS_INDEX_FILE" || true
  fi
  _progress_write "$PROGRESS_TOTAL" "${PROGRESS_INDEX_TOTAL:-0}"
  rm -f "${PROGRESS_INDEX_FILE:-}" "${PROGRESS_STAGE_FILE:-}"
}

# _progress_time: the UTC time stamp of a record, to the millisecond (2026-12-07T22:13:52.890Z; ISO 8601 as
# before, which only gained the fraction: the estimate of the time left divides by the time elapsed).
_progress_time() {
  local t="$EPOCHREALTIME"
  TZ=UTC printf '%(%Y-%m-%dT%H:%M:%S)T.%.3sZ' "${t%[.,]*}" "${t#*[.,]}"
}

_progress_int() {
  case "$1" in
    '' | *[!0-9]*) printf '0' ;;
    *) printf '%s' "$((10#$1))" ;;
  esac
}

# _progress_us: the clock in microseconds since the epoch (bash's EPOCHREALTIME; no fork).
_progress_us() {
  local t="${EPOCHREALTIME//[!0-9]/}"
  printf '%s' "$((10#$t))"
}

# _progress_seconds MICROSECONDS: as a decimal number of seconds (for sleep and read -t).
_progress_seconds() {
  local us="$1"
  [ "$us" -gt 0 ] || us=0
  printf '%d.%06d' "$((us / 1000000))" "$((us % 1000000))"
}

# _progress_sample_line FN: FN's amount on one line (an empty line when FN fails), for the loop to read.
_progress_sample_line() {
  local out
  out="$("$1" 2>/dev/null)" || out=""
  printf '%s\n' "$out"
}

# _progress_loop FN: records at most PROGRESS_INTERVAL seconds apart whatever a sample costs (a sample that
# waits on a lock or on a busy server must not push the next record back). Samples start on a fixed schedule,
# every 0.9 x PROGRESS_INTERVAL less the sample budget (a quarter of the interval, at most 0.5 s); a record is
# written as soon as its sample answers, or when the budget is spent with the last amount, and the sample that
# was late serves the next record instead of a new one. So two records are at most 0.9 x PROGRESS_INTERVAL
# apart, the tenth left for the machine's own scheduling delays.
_progress_loop() {
  local fn="$1" last=0 now ix secs dsecs last_ix=0 parent="$$" fd="" spid="" slp="" rc interval budget period next wait stage
  interval="$(awk -v i="$PROGRESS_INTERVAL" 'BEGIN { printf "%d", i * 1000000 }')"
  budget="$((interval / 4))"
  [ "$budget" -le 500000 ] || budget=500000
  period="$((interval * 9 / 10 - budget))"
  # On TERM (progress_stop) end at once (sleep runs in the background for that) and end the pending sample and
  # the sleep too: a sleep left behind would hold the script's stdout and stderr open for up to an interval
  # after the script itself ended (whoever reads them, a test or `kubectl logs -f`, would wait for it).
  trap '[ -z "$spid" ] || kill "$spid" 2>/dev/null; [ -z "$slp" ] || kill "$slp" 2>/dev/null; exit 0' TERM
  next="$(_progress_us)"
  while :; do
    next="$((next + period))"
    wait="$((next - $(_progress_us)))"
    if [ "$wait" -gt 0 ]; then
      sleep "$(_progress_seconds "$wait")" &
      slp="$!"
      wait "$slp" || exit 0
      slp=""
    fi
    kill -0 "$parent" 2>/dev/null || exit 0
    # In the finish stage every amount is done: no sample, the totals (the records go on, on the schedule).
    stage=""
    if [ -s "$PROGRESS_STAGE_FILE" ]; then read -r stage _ <"$PROGRESS_STAGE_FILE" || stage=""; fi
    if [ "$stage" = finish ]; then
      last="$PROGRESS_TOTAL" last_ix="${PROGRESS_INDEX_TOTAL:-0}"
      _progress_write "$last" "$last_ix"
      continue
    fi
    if [ -z "$fd" ]; then
      exec {fd}< <(_progress_sample_line "$fn")
      spid="$!"
    fi
    # A sample that fails (or waits on a lock past its timeout) repeats the last amount: a record still comes.
    now="" ix="" secs="" dsecs=""
    IFS=' ' read -r -t "$(_progress_seconds "$budget")" now ix secs dsecs <&"$fd" && rc=0 || rc=$?
    if [ "$rc" -le 128 ]; then
      exec {fd}<&-
      fd=""
      spid=""
    else
      now=""
    fi
    case "$now" in '' | *[!0-9]*) now="$last" ix="$last_ix" secs="" dsecs="" ;; esac
    now="$((10#$now))"
    [ "$now" -le "$PROGRESS_TOTAL" ] || now="$PROGRESS_TOTAL"
    [ "$now" -ge "$last" ] || now="$last"
    last="$now"
    if [ -n "${PROGRESS_INDEX_TOTAL:-}" ]; then
      case "$ix" in '' | *[!0-9]*) ix="$last_ix" ;; esac
      ix="$((10#$ix))"
      [ "$ix" -le "$now" ] || ix="$now"
      [ "$ix" -ge "$last_ix" ] || ix="$last_ix"
      last_ix="$ix"
      case "$secs" in
        [0-9]*.[0-9])
          PROGRESS_INDEX_SECONDS="$secs"
          case "$dsecs" in [0-9]*.[0-9]) PROGRESS_DATA_SECONDS="$dsecs" ;; esac
          printf '%s %s\n' "$PROGRESS_INDEX_SECONDS" "$PROGRESS_DATA_SECONDS" >"$PROGRESS_INDEX_FILE"
          ;;
      esac
    fi
    _progress_write "$now" "$ix"
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
  rm -f "${PROGRESS_INDEX_FILE:-}" "${PROGRESS_STAGE_FILE:-}"
  # The step's own trap reads the exit status from $?: hand it on (errexit would end the trap here).
  set +e
  (exit "$rc")
  "${PROGRESS_ON_EXIT:-_copy_step_on_exit}"
}

# _progress_write DONE [INDEX_DONE]: write the record to every configured sink (a sink that fails is warned,
# never fatal).
_progress_write() {
  local done="$1" at pct value file stage
  local -a extra=()
  at="$(_progress_time)"
  value="$done/$PROGRESS_TOTAL $PROGRESS_UNIT"
  if [ -n "${PROGRESS_INDEX_TOTAL:-}" ]; then
    extra+=(progressIndexes "${2:-0}/$PROGRESS_INDEX_TOTAL $PROGRESS_UNIT ${PROGRESS_INDEX_SECONDS:-0.0}s")
    if [ -n "${PROGRESS_DATA_SECONDS:-}" ]; then
      extra+=(progressData "$((done - ${2:-0}))/$((PROGRESS_TOTAL - PROGRESS_INDEX_TOTAL)) $PROGRESS_UNIT ${PROGRESS_DATA_SECONDS}s")
    fi
  fi
  if [ -s "${PROGRESS_STAGE_FILE:-}" ]; then
    _progress_stage_value stage
    extra+=(progressStage "$stage")
  fi
  pct=100
  [ "$PROGRESS_TOTAL" -eq 0 ] || pct="$((done * 100 / PROGRESS_TOTAL))"
  log "progress: $value ($pct%)"
  file="${PROGRESS_FILE:-${EVIDENCE_FILE:+$EVIDENCE_FILE.progress}}"
  if [ -n "$file" ]; then
    mkdir -p "$(dirname "$file")"
    if ! { printf '%s.progress=%s\n%s.progressStartedAt=%s\n%s.progressAt=%s\n' \
      "$EVIDENCE_STEP" "$value" "$EVIDENCE_STEP" "$PROGRESS_STARTED_AT" "$EVIDENCE_STEP" "$at" >"$file.tmp.$BASHPID" &&
      _progress_extra_lines "${extra[@]}" >>"$file.tmp.$BASHPID" &&
      mv -f "$file.tmp.$BASHPID" "$file"; }; then
      warn "could not write the progress file $file"
    fi
  fi
  _progress_configmap "$value" "$at" "${extra[@]}"
}

# _progress_extra_lines [KEY VALUE]...: "<step>.KEY=VALUE" lines.
_progress_extra_lines() {
  while [ "$#" -ge 2 ]; do
    printf '%s.%s=%s\n' "$EVIDENCE_STEP" "$1" "$2"
    shift 2
  done
}

# _progress_stage_value VAR: sets VAR to "<stage> <setup seconds>s <seconds in the stage>s" from
# PROGRESS_STAGE_FILE (no fork: a record is written on a schedule).
_progress_stage_value() {
  local _st _start _setup _now _a _b
  read -r _st _start _setup <"$PROGRESS_STAGE_FILE" || true
  _now="${EPOCHREALTIME//[!0-9]/}"
  _now="$((10#$_now))"
  [ "$_setup" != "-" ] || _setup="$((_now - PROGRESS_START_US))"
  _progress_tenths _a "$_setup"
  _progress_tenths _b "$((_now - _start))"
  printf -v "$1" '%s %ss %ss' "$_st" "$_a" "$_b"
}

# _progress_tenths VAR MICROSECONDS: sets VAR to the seconds with one decimal (0.0 for a negative or missing amount).
_progress_tenths() {
  local _us="${2:-0}"
  case "$_us" in '' | *[!0-9]*) _us=0 ;; esac
  printf -v "$1" '%d.%d' "$((_us / 1000000))" "$((_us % 1000000 / 100000))"
}

# _progress_configmap VALUE AT [KEY VALUE]...: the record applied to the evidence ConfigMap.
_progress_configmap() {
  _evidence_configmap_enabled || return 0
  local body out code value="$1" at="$2" more=""
  shift 2
  while [ "$#" -ge 2 ]; do
    more="$more,$(_json_string "$EVIDENCE_STEP.$1"):$(_json_string "$2")"
    shift 2
  done
  body="$(mktemp)"
  out="$(mktemp)"
  printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%s,"namespace":%s},"data":{%s:%s,%s:%s,%s:%s%s}}\n' \
    "$(_json_string "$EVIDENCE_CONFIGMAP")" "$(_json_string "$NAMESPACE")" \
    "$(_json_string "$EVIDENCE_STEP.progress")" "$(_json_string "$value")" \
    "$(_json_string "$EVIDENCE_STEP.progressStartedAt")" "$(_json_string "$PROGRESS_STARTED_AT")" \
    "$(_json_string "$EVIDENCE_STEP.progressAt")" "$(_json_string "$at")" "$more" >"$body"
  code="$(_kube_curl PATCH "$(_configmap_url)?fieldManager=${EVIDENCE_FIELD_MANAGER}.progress&force=true" \
    "$out" "$body" 'application/apply-patch+yaml' || true)"
  case "$code" in
    200 | 201) ;;
    *) warn "could not apply the progress record to ConfigMap $NAMESPACE/$EVIDENCE_CONFIGMAP (HTTP ${code:-none})" ;;
  esac
  rm -f "$body" "$out"
}

# Measures for the copy steps (each prints the amount done, an integer; FN is the step's client wrapper for one
# side).

# pg_progress_plan SRC_PSQL_FN TGT_PSQL_FN DIR: what a PostgreSQL copy will write, read once before it starts:
# prints "<total> <index total>" (bytes: the user tables of the source with their TOAST and indexes, and of that
# the bytes of its indexes), and keeps in DIR the source's table and index sizes (plan) and the target
# database's size (baseline).
pg_progress_plan() {
  local dir="$3"
  mkdir -p "$dir"
  "$1" -F "$(printf '\t')" -c "SELECT 'table', '', '', pg_table_size(c.oid)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm') AND $PG_PROGRESS_USER_NS
           UNION ALL
           SELECT 'index', format('%I.%I', n.nspname, c.relname), format('%I.%I', n.nspname, i.relname), pg_total_relation_size(i.oid)
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm') AND $PG_PROGRESS_USER_NS" >"$dir/plan" || return 1
  "$2" -c 'SELECT pg_database_size(current_database())' >"$dir/baseline" || return 1
  awk -F '\t' '{ all += $4 } $1 == "index" { ix += $4 } END { printf "%d %d\n", all, ix }' "$dir/plan"
}
PG_PROGRESS_USER_NS="n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"

# pg_copy_progress PSQL_FN DIR: one sample of a PostgreSQL copy planned by pg_progress_plan, without waiting on
# any lock (an index build holds its table exclusively, and the parallel copy's TRUNCATE ... COPY does too):
# prints "<done> <index done> <index seconds> <data seconds>".
#   index done     the source's bytes of the indexes the target has (committed), plus for each build under way
#                  (pg_stat_progress_create_index) its fraction of the size of the table's indexes still to
#                  build, by the share of a build's time each phase took in the copy-progress bench (PostgreSQL
#                  15, a bigint primary key of 4.7 million rows): the scan of the table (blocks) 45 %, the sort
#                  20 % (no progress inside: counted half done), the load of the sorted tuples into the tree 35 %;
#   done           index done plus the data bytes: the growth of the target database (pg_database_size, which
#                  reads file sizes and takes no lock) less its finished indexes, at most the source's data;
#   index seconds  the time the index builds have taken, summed over the builds (parallel builds count once
#   data seconds   each), and the same for the sessions loading data (COPY ... FROM STDIN), by the server's
#                  clock from each statement's start (pg_stat_activity.query_start) to the sample that last saw
#                  it, and for one that has ended since, to half-way between that sample and the next (DIR/busy
#                  keeps them; a statement that began and ended between two samples is not seen).
pg_copy_progress() {
  local dir="$2" sample
  sample="$("$1" -F "$(printf '\t')" -c "SELECT 'db', pg_database_size(current_database())::text, '', '', ''
           UNION ALL SELECT 'now', extract(epoch FROM clock_timestamp())::text, '', '', ''
           UNION ALL SELECT 'have', format('%I.%I', n.nspname, i.relname), '', '', ''
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE x.indisvalid AND c.relkind IN ('r', 'm') AND $PG_PROGRESS_USER_NS
           UNION ALL SELECT 'build', format('%I.%I', n.nspname, c.relname),
             (CASE WHEN p.phase LIKE 'building index: scanning table%' AND p.blocks_total > 0 THEN 0.45 * p.blocks_done / p.blocks_total
                   WHEN p.phase LIKE 'building index: sorting%' THEN 0.55
                   WHEN p.phase LIKE 'building index: loading tuples%' AND p.tuples_total > 0 THEN 0.65 + 0.35 * p.tuples_done / p.tuples_total
                   WHEN p.phase LIKE 'building index: loading%' THEN 0.65
                   ELSE 0 END)::text,
             coalesce(extract(epoch FROM a.query_start), extract(epoch FROM clock_timestamp()))::text, p.pid::text
             FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid
             JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_activity a ON a.pid = p.pid
            WHERE p.datname = current_database()
           UNION ALL SELECT 'load', '', '', extract(epoch FROM a.query_start)::text, a.pid::text
             FROM pg_stat_activity a
            WHERE a.datname = current_database() AND a.state = 'active' AND a.pid <> pg_backend_pid()
              AND a.query ILIKE 'copy %' AND a.query NOT ILIKE '% to stdout%'")" || return 1
  touch "$dir/busy"
  printf '%s\n' "$sample" | awk -F '\t' -v base="$(cat "$dir/baseline")" -v plan="$dir/plan" -v busyfile="$dir/busy" '
    FILENAME == plan { if ($1 == "table") data += $4; if ($1 == "index") { size[$3] = $4; table[$3] = $2 }; next }
    FILENAME == busyfile { nk++; kind[nk] = $1; key[nk] = $2; st[nk] = $3; last[nk] = $4; open[nk] = $5; next }
    $1 == "db" { db = $2 } $1 == "now" { now = $2 } $1 == "have" { have[$2] = 1 }
    $1 == "build" { nb++; btab[nb] = $2; bfrac[nb] = $3; seen["ix " $5 "@" $4] = $4 }
    $1 == "load" { seen["data " $5 "@" $4] = $4 }
    END {
      for (i in size) if (i in have) { built += size[i] } else { left[table[i]] += size[i]; nleft[table[i]]++ }
      ix = built
      for (b = 1; b <= nb; b++) if (nleft[btab[b]] > 0) ix += bfrac[b] * left[btab[b]] / nleft[btab[b]]
      d = db - base - built; if (d < 0) d = 0; if (d > data) d = data
      # The statements seen before: still running (seen now), or ended since the last sample that saw them.
      printf "" > (busyfile ".new")
      for (k = 1; k <= nk; k++) {
        id = kind[k] " " key[k]
        if (id in seen) { last[k] = now; open[k] = 1; delete seen[id] }
        else if (open[k] == 1) { last[k] = (last[k] + now) / 2; open[k] = 0 }
      }
      for (id in seen) { nk++; kind[nk] = substr(id, 1, index(id, " ") - 1); key[nk] = substr(id, index(id, " ") + 1); st[nk] = seen[id]; last[nk] = now; open[nk] = 1 }
      for (k = 1; k <= nk; k++) {
        if (last[k] > st[k]) busy[kind[k]] += last[k] - st[k]
        printf "%s\t%s\t%.6f\t%.6f\t%d\n", kind[k], key[k], st[k], last[k], open[k] > (busyfile ".new")
      }
      printf "%d %d %.1f %.1f\n", d + ix, ix, busy["ix"], busy["data"]
    }' "$dir/plan" "$dir/busy" - && mv -f "$dir/busy.new" "$dir/busy" 2>/dev/null
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

# redis_fetch_keys FN: keys the source Redis's fork has written into the snapshot it streams (INFO persistence
# current_save_keys_processed, Redis 6.2 and later; the fork counts them about every second). It is 0 before
# the fork starts (the SYNC may wait for more replicas) and after it ends; the sampler never lets a record go
# down, and progress_finish writes the total.
redis_fetch_keys() {
  local n
  n="$("$1" INFO persistence | info_field current_save_keys_processed)"
  [ -n "$n" ] || return 1
  printf '%s' "$n"
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
