# shellcheck shell=bash
# Shared helpers for the threescale-migrate data Jobs. Sourced, never executed.
#
# Rules every script follows:
#   * secrets (database and Redis passwords, the service account token) come in through environment
#     variables and go to the client tools through their own environment variables (PGPASSWORD,
#     MYSQL_PWD, REDISCLI_AUTH) or stdin, never as command-line arguments (those are visible in ps and
#     /proc/<pid>/cmdline) and never into a log line;
#   * all logging goes to stderr with a UTC timestamp and the step name, so stdout stays free for data.

# Name of the running step; the scripts set it before sourcing evidence.sh (EVIDENCE_STEP overrides).
TSM_STEP="${TSM_STEP:-threescale-migrate}"

log() {
  printf '%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$TSM_STEP" "$*" >&2
}

warn() {
  log "WARNING: $*"
}

# die MESSAGE: log and exit 1. The message is kept in TSM_LAST_ERROR for an EXIT trap (evidence).
die() {
  # shellcheck disable=SC2034 # read by the EXIT traps of the scripts
  TSM_LAST_ERROR="$*"
  log "ERROR: $*"
  exit 1
}

# is_true VALUE: true for true/yes/1/on (any case).
is_true() {
  case "${1:-}" in
    [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | 1 | [Oo][Nn]) return 0 ;;
    *) return 1 ;;
  esac
}

# require_env NAME...: fail with a clear message when a mandatory variable is unset or empty.
require_env() {
  local name missing=()
  for name in "$@"; do
    if [ -z "${!name:-}" ]; then
      missing+=("$name")
    fi
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    die "missing required environment variable(s): ${missing[*]}"
  fi
}

# require_int NAME: the variable must hold a non-negative integer.
require_int() {
  case "${!1:-}" in
    '' | *[!0-9]*) die "$1 must be a non-negative integer (got '${!1:-}')" ;;
  esac
}

# require_cmd CMD...: fail early when a client tool is missing from the image.
require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "required command '$c' not found in PATH"
  done
}

# retry ATTEMPTS DELAY_SECONDS CMD...: run CMD until it succeeds, at most ATTEMPTS times.
retry() {
  local attempts="$1" delay="$2" n=1
  shift 2
  while true; do
    if "$@"; then
      return 0
    fi
    if [ "$n" -ge "$attempts" ]; then
      return 1
    fi
    n=$((n + 1))
    sleep "$delay"
  done
}

# wait_until TIMEOUT_SECONDS INTERVAL_SECONDS DESCRIPTION CMD...: poll CMD until it succeeds or the
# timeout passes (then return 1). Progress is logged at most every 30 s to keep Job logs short.
wait_until() {
  local timeout="$1" interval="$2" what="$3"
  shift 3
  local start now last_log
  start="$(date +%s)"
  last_log="$start"
  while true; do
    if "$@"; then
      return 0
    fi
    now="$(date +%s)"
    if [ $((now - start)) -ge "$timeout" ]; then
      log "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    if [ $((now - last_log)) -ge 30 ]; then
      log "still waiting for: $what ($((now - start))s)"
      last_log="$now"
    fi
    sleep "$interval"
  done
}

# sha256_of_lines LINE...: sha256 (hex) of the given lines joined by newlines.
sha256_of_lines() {
  printf '%s\n' "$@" | sha256sum | cut -d' ' -f1
}

# sha256_of_file FILE
sha256_of_file() {
  sha256sum "$1" | cut -d' ' -f1
}

# make_workdir: private scratch directory removed on exit (the caller installs the trap).
make_workdir() {
  mktemp -d "${TMPDIR:-/tmp}/threescale-migrate.XXXXXX"
}

# ---------------------------------------------------------------------------------------------------
# Redis helpers.
#
# Passwords reach redis-cli only through REDISCLI_AUTH (never -a, which shows in ps and makes redis-cli
# print a warning); the ACL user name, which is not secret, goes through --user.

# rcli HOST PORT USER PASSWORD ARGS...: redis-cli with -e, so that an error reply (NOAUTH, WRONGPASS,
# LOADING, ...) gives a non-zero exit status instead of a zero exit and an error text on stdout. With
# RCLI_TIMEOUT set, the command is ended after that many seconds (a server that does not answer).
rcli() {
  local host="$1" port="$2" user="$3" password="$4"
  shift 4
  local args=(-e -h "$host" -p "$port") limit=()
  if [ -n "$user" ]; then
    args+=(--user "$user")
  fi
  if [ -n "${RCLI_TIMEOUT:-}" ]; then
    limit=(timeout "$RCLI_TIMEOUT")
  fi
  if [ -n "$password" ]; then
    REDISCLI_AUTH="$password" "${limit[@]}" redis-cli "${args[@]}" "$@"
  else
    env -u REDISCLI_AUTH "${limit[@]}" redis-cli "${args[@]}" "$@"
  fi
}

# url_decode TEXT: %XX escapes of a URL's user and password decoded; a literal backslash or '+' stays as is
# (printf %b would read a backslash as an escape).
url_decode() {
  local s="${1//\\/%5C}"
  s="${s//+/%2B}"
  printf '%b' "${s//%/\\x}"
}

# parse_url URL DEFAULT_PORT: sets U_SCHEME U_USER U_PASSWORD U_HOST U_PORT U_PATH; returns 1 when URL is not
# scheme://[user[:password]@]host[:port][/path]. The password is never printed.
# shellcheck disable=SC2034 # the U_* variables are parse_url's results, read by the scripts that call it
parse_url() {
  local url="$1" rest userinfo hostport
  U_SCHEME="" U_USER="" U_PASSWORD="" U_HOST="" U_PORT="$2" U_PATH=""
  case "$url" in *://*) ;; *) return 1 ;; esac
  U_SCHEME="${url%%://*}"
  rest="${url#*://}"
  rest="${rest%%\?*}"
  # The last '@' ends the user information: a password may contain '@' only escaped, but be lenient.
  if [[ "$rest" == *@* ]]; then
    userinfo="${rest%@*}"
    rest="${rest##*@}"
    U_USER="$(url_decode "${userinfo%%:*}")"
    if [[ "$userinfo" == *:* ]]; then U_PASSWORD="$(url_decode "${userinfo#*:}")"; fi
  fi
  hostport="${rest%%/*}"
  if [[ "$rest" == */* ]]; then U_PATH="${rest#*/}"; fi
  if [[ "$hostport" == \[*\]* ]]; then
    U_HOST="${hostport%%]*}"
    U_HOST="${U_HOST#[}"
    hostport="${hostport#*]}"
    if [[ "$hostport" == :* ]]; then U_PORT="${hostport#:}"; fi
  elif [[ "$hostport" == *:* ]]; then
    U_HOST="${hostport%%:*}"
    U_PORT="${hostport#*:}"
  else
    U_HOST="$hostport"
  fi
  [ -n "$U_HOST" ] || return 1
  case "$U_PORT" in '' | *[!0-9]*) return 1 ;; esac
  return 0
}

# info_field NAME < INFO output: the value of one INFO field (INFO lines end in CRLF).
info_field() {
  tr -d '\r' | sed -n "s/^$1://p" | head -n 1
}

# keyspace_summary < INFO keyspace output: prints "db0=12 db1=3" (empty for an empty server).
keyspace_summary() {
  tr -d '\r' | sed -n 's/^\(db[0-9]*\):keys=\([0-9]*\),.*/\1=\2/p' | tr '\n' ' ' | sed 's/ $//'
}

# keyspace_total "db0=12 db1=3": prints 15.
keyspace_total() {
  local total=0 item
  for item in $1; do
    total=$((total + ${item#*=}))
  done
  printf '%s' "$total"
}

# count_tables "<table>\t<rows>" lines: prints how many tables the per-table counts list.
count_tables() {
  printf '%s\n' "$1" | sed '/^$/d' | wc -l
}

# count_rows "<table>\t<rows>" lines: prints the sum of the row counts.
count_rows() {
  local total=0 n
  while IFS="$(printf '\t')" read -r _ n; do
    [ -n "${n:-}" ] && total=$((total + n))
  done <<EOF
$1
EOF
  printf '%s' "$total"
}

# _redis_ping_ok FN ERRFILE DESC: one PING through the client function FN. Authentication errors are
# final (die at once); anything else (connection refused, LOADING) just means "not yet".
_redis_ping_ok() {
  local out
  if out="$("$1" PING 2>"$2")" && [ "$out" = "PONG" ]; then
    return 0
  fi
  if [ -n "$(sed -n '/WRONGPASS\|NOAUTH\|NOPERM\|AUTH failed/p' "$2")" ]; then
    die "authentication to $3 failed: $(tr '\n' ' ' <"$2")"
  fi
  return 1
}

# redis_wait_ping TIMEOUT INTERVAL DESC FN: wait until FN PING answers PONG, or die with the last error.
redis_wait_ping() {
  local errfile
  errfile="$(mktemp)"
  if wait_until "$1" "$2" "$3 to answer PING" _redis_ping_ok "$4" "$errfile" "$3"; then
    rm -f "$errfile"
    return 0
  fi
  local reason
  reason="$(tr '\n' ' ' <"$errfile")"
  rm -f "$errfile"
  die "cannot reach $3: $reason"
}
