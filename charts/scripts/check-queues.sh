#!/usr/bin/env bash
# check-queues.sh: read-only; before the scale-down, are 3scale's background jobs processed? (seed 6.1:
# "let 3scale components process all the jobs in the background before fully scaling the instance"; the seed
# gives no command, so this reads the queues where the two job systems keep them:)
#   Sidekiq (system-sidekiq)   in the Redis of Secret system-redis URL: set `queues` names the queues, list
#                              `queue:<name>` holds the waiting jobs; zsets `schedule` and `retry` hold jobs
#                              due later (recorded, not waited for: they are data, copied with the Redis)
#   Resque (backend-worker)    in the Redis of Secret backend-redis REDIS_QUEUES_URL: set `resque:queues`, lists
#                              `resque:queue:<name>`; list `resque:failed` (recorded)
# The queue names are read and counted inside Redis by one EVAL of read commands only (SMEMBERS, TYPE, LLEN,
# ZCARD), so no key name, however hostile, passes through the shell; names appear in the record with every
# character outside [A-Za-z0-9._-] as '?', cut at 40.
#
# It samples every POLL_SECONDS until both job systems have no waiting job, for at most WAIT_SECONDS:
#   drained                      no waiting job: Succeeded
#   workers stopped              the worker Deployments (WORKERS) are already at 0 replicas (an engine that
#                                applies the whole folder at once): waiting cannot help; the figure is
#                                recorded, Succeeded (the waiting jobs are in the Redis data copy-data copies)
#   not drained                  still waiting jobs after WAIT_SECONDS while the workers run: Failed, so an
#                                engine that orders the folder (Argo CD waves) scales nothing
#   unreachable                  a Redis cannot be read: Failed
#
# Env:
#   SIDEKIQ_REDIS_URL 🔒, RESQUE_REDIS_URL 🔒   redis://[user:password@]host[:port][/db]; at least one
#   WAIT_SECONDS (300), POLL_SECONDS (5), CONNECT_TIMEOUT_SECONDS (10)
#   WORKERS        "<group/version> <resource> <name>..." of the worker objects in NAMESPACE, e.g.
#                  "apps/v1 deployments system-sidekiq backend-worker"; read with the Job's token (get only);
#                  without a token they count as running
#
# The evidence result: `queued sidekiq=<n> backend=<n>; later scheduled=<n> retry=<n> failed=<n>; <verdict>`
# followed by the non-empty queues, e.g. `[sidekiq default=3 mailers=1] [backend priority=2]`.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init check-queues

SIDEKIQ_REDIS_URL="${SIDEKIQ_REDIS_URL:-}"
RESQUE_REDIS_URL="${RESQUE_REDIS_URL:-}"
WAIT_SECONDS="${WAIT_SECONDS:-300}"
POLL_SECONDS="${POLL_SECONDS:-5}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-10}"
WORKERS="${WORKERS:-}"
require_int WAIT_SECONDS
require_int POLL_SECONDS
require_int CONNECT_TIMEOUT_SECONDS
[ "$POLL_SECONDS" -ge 1 ] || die "POLL_SECONDS must be at least 1"
[ -n "$SIDEKIQ_REDIS_URL" ] || [ -n "$RESQUE_REDIS_URL" ] || die "nothing to check: SIDEKIQ_REDIS_URL and RESQUE_REDIS_URL are both empty"
require_cmd redis-cli timeout
unset REDISCLI_AUTH

# Counts one job system inside Redis. ARGV: the set naming the queues, the prefix of a queue's list, then
# keys counted as "later" (a zset or a list each). Returns {waiting, "name=n ...", later1, later2, ...}.
# shellcheck disable=SC2016 # Lua, not shell
COUNT_LUA='
local names = {}
local t = redis.call("TYPE", ARGV[1])["ok"]
if t == "set" then names = redis.call("SMEMBERS", ARGV[1]) elseif t ~= "none" then return redis.error_reply(ARGV[1] .. " is a " .. t .. ", not a set") end
table.sort(names)
local total, parts = 0, {}
for _, q in ipairs(names) do
  local key = ARGV[2] .. q
  local n = 0
  if redis.call("TYPE", key)["ok"] == "list" then n = redis.call("LLEN", key) end
  if n > 0 then
    total = total + n
    local safe = (string.gsub(q, "[^%w%._-]", "?"))
    parts[#parts + 1] = string.sub(safe, 1, 40) .. "=" .. n
  end
end
local out = {total, table.concat(parts, " ")}
for i = 3, #ARGV do
  local k = redis.call("TYPE", ARGV[i])["ok"]
  local n = 0
  if k == "zset" then n = redis.call("ZCARD", ARGV[i]) elseif k == "list" then n = redis.call("LLEN", ARGV[i]) end
  out[#out + 1] = n
end
return out'

WORK="$(make_workdir)"
trap 'rm -rf "$WORK"' EXIT

# count_jobs WHO URL SETKEY PREFIX LATER...: sets C_WAITING C_QUEUES C_LATER (array); returns 1 (C_ERROR set)
# when the server cannot be read.
count_jobs() {
  local who="$1" url="$2" setkey="$3" prefix="$4"
  shift 4
  C_WAITING=0 C_QUEUES="" C_LATER=() C_ERROR=""
  case "$url" in redis://*) ;; *) die "$who: the URL is not a redis:// URL" ;; esac
  parse_url "$url" 6379 || die "$who: the URL is not redis://[user:password@]host[:port][/db]"
  local db="${U_PATH%%/*}"
  db="${db:-0}"
  case "$db" in *[!0-9]*) die "$who: the URL's database '$db' is not a number" ;; esac
  local -a lines args=(-e -h "$U_HOST" -p "$U_PORT" -n "$db")
  [ -z "$U_USER" ] || args+=(--user "$U_USER")
  # The password reaches redis-cli in its environment only; redis-cli has no connect timeout, so the outer
  # one ends a server that accepts and never answers.
  local rc=0
  if [ -n "$U_PASSWORD" ]; then
    REDISCLI_AUTH="$U_PASSWORD" timeout -s KILL "$CONNECT_TIMEOUT_SECONDS" redis-cli "${args[@]}" EVAL "$COUNT_LUA" 0 "$setkey" "$prefix" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || rc=$?
  else
    timeout -s KILL "$CONNECT_TIMEOUT_SECONDS" redis-cli "${args[@]}" EVAL "$COUNT_LUA" 0 "$setkey" "$prefix" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || rc=$?
  fi
  if [ "$rc" -ne 0 ]; then
    C_ERROR="$(cat "$WORK/out" "$WORK/err" | tr '\n' ' ' | cut -c1-300)"
    C_ERROR="${C_ERROR:-no answer within ${CONNECT_TIMEOUT_SECONDS}s}"
    return 1
  fi
  mapfile -t lines <"$WORK/out"
  case "${lines[0]:-}" in '' | *[!0-9]*)
    C_ERROR="$(tr '\n' ' ' <"$WORK/out" | cut -c1-300)"
    return 1
    ;;
  esac
  C_WAITING="${lines[0]}" C_QUEUES="$(printf '%s' "${lines[1]:-}" | tr -cd 'A-Za-z0-9._?= -')" C_LATER=("${lines[@]:2}")
  return 0
}

# workers_state: running | stopped | unknown, from the replicas of the worker objects (spec.replicas, and
# status.replicas for pods still terminating).
workers_state() {
  if [ -z "$WORKERS" ] || [ ! -r "$KUBE_TOKEN_FILE" ]; then
    echo unknown
    return
  fi
  local gv resource name code spec live base
  read -r gv resource _ <<<"$WORKERS"
  case "$gv" in */*) base="${KUBE_API%/}/apis/$gv" ;; *) base="${KUBE_API%/}/api/$gv" ;; esac
  for name in $(printf '%s' "$WORKERS" | cut -d' ' -f3-); do
    code="$(_kube_curl GET "$base/namespaces/$NAMESPACE/$resource/$name" "$WORK/worker.json" || true)"
    [ "$code" = 200 ] || {
      echo unknown
      return
    }
    spec="$(tr -d ' \n' <"$WORK/worker.json" | sed -n 's/.*"spec":{[^}]*"replicas":\([0-9]*\).*/\1/p' | head -n 1)"
    live="$(tr -d ' \n' <"$WORK/worker.json" | sed -n 's/.*"status":{.*"replicas":\([0-9]*\).*/\1/p' | head -n 1)"
    if [ "${spec:-1}" != 0 ] || [ "${live:-0}" != 0 ]; then
      echo running
      return
    fi
  done
  echo stopped
}

INPUTS=("wait=$WAIT_SECONDS" "workers=$WORKERS")
[ -z "$SIDEKIQ_REDIS_URL" ] || { parse_url "$SIDEKIQ_REDIS_URL" 6379 && INPUTS+=("sidekiq=$U_HOST:$U_PORT/$U_PATH"); } || true
[ -z "$RESQUE_REDIS_URL" ] || { parse_url "$RESQUE_REDIS_URL" 6379 && INPUTS+=("resque=$U_HOST:$U_PORT/$U_PATH"); } || true
INPUTS_CHECKSUM="$(sha256_of_lines "${INPUTS[@]}")"

# sample: one reading of both job systems into S_* (returns 1 when a server cannot be read).
sample() {
  S_SIDEKIQ=0 S_BACKEND=0 S_SCHEDULED=0 S_RETRY=0 S_FAILED=0 S_QUEUES=""
  if [ -n "$SIDEKIQ_REDIS_URL" ]; then
    count_jobs sidekiq "$SIDEKIQ_REDIS_URL" queues queue: schedule retry || {
      S_ERROR="Sidekiq Redis (Secret system-redis URL) $U_HOST:$U_PORT: $C_ERROR"
      return 1
    }
    S_SIDEKIQ="$C_WAITING" S_SCHEDULED="${C_LATER[0]:-0}" S_RETRY="${C_LATER[1]:-0}"
    [ -z "$C_QUEUES" ] || S_QUEUES="[sidekiq $C_QUEUES]"
  fi
  if [ -n "$RESQUE_REDIS_URL" ]; then
    count_jobs backend "$RESQUE_REDIS_URL" resque:queues resque:queue: resque:failed || {
      S_ERROR="backend queues Redis (Secret backend-redis REDIS_QUEUES_URL) $U_HOST:$U_PORT: $C_ERROR"
      return 1
    }
    S_BACKEND="$C_WAITING" S_FAILED="${C_LATER[0]:-0}"
    [ -z "$C_QUEUES" ] || S_QUEUES="${S_QUEUES:+$S_QUEUES }[backend $C_QUEUES]"
  fi
  return 0
}

figure() {
  printf 'queued sidekiq=%s backend=%s; later scheduled=%s retry=%s failed=%s; %s%s' \
    "$S_SIDEKIQ" "$S_BACKEND" "$S_SCHEDULED" "$S_RETRY" "$S_FAILED" "$1" "${S_QUEUES:+ $S_QUEUES}"
}

start=$SECONDS
while :; do
  if ! sample; then
    log "FAILED: cannot read the queues: $S_ERROR"
    evidence_write Failed "$INPUTS_CHECKSUM" "unreachable: $S_ERROR" || true
    exit 1
  fi
  waited=$((SECONDS - start))
  if [ "$((S_SIDEKIQ + S_BACKEND))" -eq 0 ]; then
    RESULT="$(figure "drained after ${waited}s")"
    log "$RESULT"
    evidence_write Succeeded "$INPUTS_CHECKSUM" "$RESULT" || die "could not write the evidence record"
    exit 0
  fi
  workers="$(workers_state)"
  if [ "$workers" = stopped ]; then
    RESULT="$(figure "workers stopped, not waited for: the jobs stay in the Redis data")"
    log "$RESULT"
    evidence_write Succeeded "$INPUTS_CHECKSUM" "$RESULT" || die "could not write the evidence record"
    exit 0
  fi
  if [ "$waited" -ge "$WAIT_SECONDS" ]; then
    RESULT="$(figure "not drained after ${waited}s while the workers run")"
    log "FAILED: $RESULT"
    evidence_write Failed "$INPUTS_CHECKSUM" "$RESULT" || true
    exit 1
  fi
  log "$(figure "waiting (${waited}s of ${WAIT_SECONDS}s, workers $workers)")"
  sleep "$POLL_SECONDS"
done
