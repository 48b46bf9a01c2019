# shellcheck shell=bash
# redis-write-state.sh: whether a live Redis 7 has been written to since a moment recorded earlier, read from
# INFO alone (no snapshot, no DEBUG, nothing loaded): the cheap proof behind redis-check-load.sh and
# redis-verify-copy.sh. Sourced, never executed; needs lib/common.sh.
#
#   redis_write_state FN     manifest lines (lib/copy-manifest.sh) "state <name>\t<value>" of the server FN reaches:
#     run_id                   INFO server: a new value after every start (a restart reloads base + incremental AOF)
#     aof_enabled, aof_rewrites, aof_base_size, aof_current_size
#                              INFO persistence. In Redis 7 (multi-part AOF) aof_base_size is the size of the base
#                              file loaded at startup or written by the last rewrite, aof_current_size that plus every
#                              byte appended since: each write is appended as the RESP text of the command, preceded by
#                              SELECT when its database differs from the previous one (aof.c feedAppendOnlyFile,
#                              catAppendOnlyGenericCommand); deletions of expired keys are appended as DEL/UNLINK
#                              (db.c propagateDeletion). https://redis.io/docs/management/persistence/ ,
#                              https://github.com/redis/redis/blob/7.0/src/aof.c
#     expired_keys, evicted_keys  INFO stats
#     cmd <name> calls         INFO commandstats, for every command of the ACL category @write (ACL CAT write,
#                              Redis 6 and 7, so an old Redis 6 source answers too): counted by call() for commands sent directly, in
#                              MULTI and from scripts (server.c call). https://redis.io/commands/info/
#
#   redis_writes_since RECORDED ACTUAL SIDE WHEN   one line per reason why ACTUAL shows a write since RECORDED
#     ("<SIDE>: <reason> since <WHEN>"), nothing when it shows none. Tolerated: the readiness probe of 3scale's
#     Redis Deployments, `redis-cli set liveness-probe "`date`"` (a 28-character date: 69 bytes in the AOF, plus
#     SELECT 0, 23 bytes, when the previous write was in another database), and the deletion of keys whose TTL ran
#     out. Limit, stated: while keys expire, their DELs take a number of AOF bytes this cannot know (the key
#     names), so a SET of another key could hide among them; without expiries the byte count is exact, and a SET
#     whose key and value take other than 14 + 28 bytes never matches the probe's.
PROBE_SET_BYTES=69
SELECT_BYTES=23
MIN_DEL_BYTES=20

# redis_write_state FN
redis_write_state() {
  local fn="$1" server persistence stats commands
  server="$("$fn" INFO server)" && persistence="$("$fn" INFO persistence)" && stats="$("$fn" INFO stats)" &&
    commands="$("$fn" ACL CAT write)" || return 1
  printf 'state run_id\t%s\n' "$(printf '%s' "$server" | info_field run_id)"
  for f in aof_enabled aof_rewrites aof_base_size aof_current_size; do
    printf 'state %s\t%s\n' "$f" "$(printf '%s' "$persistence" | info_field "$f")"
  done
  for f in expired_keys evicted_keys; do printf 'state %s\t%s\n' "$f" "$(printf '%s' "$stats" | info_field "$f")"; done
  "$fn" INFO commandstats | tr -d '\r' | awk -v list="$(printf '%s' "$commands" | tr -d '\r' | tr '\n' ' ')" '
    BEGIN { n = split(list, w, " "); for (i = 1; i <= n; i++) write[tolower(w[i])] = 1 }
    /^cmdstat_/ {
      name = substr($0, 9, index($0, ":") - 9); base = name; sub(/\|.*/, "", base)
      if (!(base in write)) next
      calls = $0; sub(/.*:calls=/, "", calls); sub(/,.*/, "", calls)
      printf "state cmd %s calls\t%s\n", name, calls
    }'
}

# _state NAME FILE: a state value of FILE (0 when absent: a command never called).
_state() {
  local v
  v="$(awk -F '\t' -v k="state $1" '$1 == k { print $2; exit }' "$2")"
  printf '%s' "${v:-0}"
}

# redis_writes_since RECORDED ACTUAL SIDE WHEN
redis_writes_since() {
  local rec="$1" act="$2" side="$3" when="$4" f a b set_calls expired residual
  if [ "$(_state run_id "$rec")" != "$(_state run_id "$act")" ]; then
    printf '%s: restarted since %s (run_id %.12s then, %.12s now): it reloaded its files, which cannot be compared from here\n' "$side" "$when" "$(_state run_id "$rec")" "$(_state run_id "$act")"
    return 0
  fi
  for f in aof_rewrites aof_base_size; do
    a="$(_state "$f" "$rec")"
    b="$(_state "$f" "$act")"
    [ "$a" = "$b" ] || printf '%s: AOF rewritten since %s (%s %s then, %s now)\n' "$side" "$when" "$f" "$a" "$b"
  done
  a="$(_state evicted_keys "$rec")"
  b="$(_state evicted_keys "$act")"
  [ "$a" = "$b" ] || printf '%s: %s keys evicted (maxmemory) since %s\n' "$side" "$((b - a))" "$when"
  # Every write command but SET: any call is a write (or an attempt, which the proof cannot tell apart).
  awk -F '\t' '$1 ~ /^state cmd .* calls$/ { k = $1; sub(/^state cmd /, "", k); sub(/ calls$/, "", k); print k }' "$rec" "$act" |
    LC_ALL=C sort -u | while IFS= read -r f; do
    [ "$f" != set ] || continue
    a="$(_state "cmd $f calls" "$rec")"
    b="$(_state "cmd $f calls" "$act")"
    [ "$a" = "$b" ] || printf '%s: %s called %s time(s) since %s\n' "$side" "${f^^}" "$((b - a))" "$when"
  done
  set_calls=$(($(_state 'cmd set calls' "$act") - $(_state 'cmd set calls' "$rec")))
  expired=$(($(_state expired_keys "$act") - $(_state expired_keys "$rec")))
  if [ "$(_state aof_enabled "$act")" != 1 ] || [ "$(_state aof_enabled "$rec")" != 1 ]; then
    [ "$set_calls" -eq 0 ] ||
      printf '%s: SET called %s time(s) since %s, and with appendonly no the readiness probe cannot be told from a write\n' "$side" "$set_calls" "$when"
    return 0
  fi
  residual=$(($(_state aof_current_size "$act") - $(_state aof_current_size "$rec") - set_calls * PROBE_SET_BYTES))
  if [ "$expired" -eq 0 ]; then
    if [ "$residual" -ne 0 ] && { [ "$set_calls" -eq 0 ] || [ "$residual" -ne "$SELECT_BYTES" ]; }; then
      printf '%s: %s AOF bytes appended since %s, which %s SET call(s) of the readiness probe (SET liveness-probe <date>, %s bytes each) do not account for\n' "$side" "$(($(_state aof_current_size "$act") - $(_state aof_current_size "$rec")))" "$when" "$set_calls" "$PROBE_SET_BYTES"
    fi
  elif [ "$residual" -lt $((expired * MIN_DEL_BYTES)) ]; then
    printf '%s: %s AOF bytes appended since %s, fewer than %s SET call(s) of the readiness probe and the DELs of %s expired key(s) take\n' "$side" "$(($(_state aof_current_size "$act") - $(_state aof_current_size "$rec")))" "$when" "$set_calls" "$expired"
  fi
  return 0
}

# redis_keyspace_lines < INFO-KEYSPACE: "redis db<N> keys\t<count>" and "redis db<N> expiring\t<count>" per database
# that has keys.
redis_keyspace_lines() {
  tr -d '\r' |
    sed -n 's/^db\([0-9]*\):keys=\([0-9]*\),expires=\([0-9]*\),.*/redis db\1 keys\t\2\nredis db\1 expiring\t\3/p'
}
