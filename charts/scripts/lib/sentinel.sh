# shellcheck shell=bash
# Asking Redis Sentinels for the master of a name, as 3scale does on every (re)connection. Sourced after
# common.sh, never executed.
#
# Env:
#   SENTINEL_HOSTS     the sentinels, host:port separated by spaces, commas or newlines
#   SENTINEL_PASSWORD  the sentinels' own password (requirepass of the sentinels); empty: none
#   REDIS_PASSWORD     the master's password; empty: no AUTH
#   CONNECT_TIMEOUT_SECONDS (10) per question to one server
#   SENTINEL_WORK      a scratch folder of the calling script

# sentinel_valid_name NAME: a master name is the host part of the URL 3scale reads: letters, digits, . _ -
sentinel_valid_name() {
  case "$1" in
    '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._-]*) die "master name '$1' is not a valid Sentinel master name: expected letters, digits, '.', '_' and '-' (it is the host part of the URL 3scale reads)" ;;
  esac
}

# _sentinel_ask HOST:PORT NAME: prints "ip:port" the sentinel names as master of NAME, or nothing when it
# does not know NAME; fails (its message in $SENTINEL_WORK/err) when it does not answer.
_sentinel_ask() {
  local host="${1%:*}" port="${1##*:}" out
  out="$(RCLI_TIMEOUT="${CONNECT_TIMEOUT_SECONDS:-10}" rcli "$host" "$port" "" "${SENTINEL_PASSWORD:-}" SENTINEL get-master-addr-by-name "$2" 2>"$SENTINEL_WORK/err")" || return 1
  printf '%s' "$out" | tr -d '\r' | sed '/^$/d' | paste -sd: -
}

# sentinel_master NAME: sets SENTINEL_MASTER_HOST and SENTINEL_MASTER_PORT to the master every answering sentinel names for NAME, after
# the sentinels confirmed they can reach their quorum and the master answered as master. Dies with one
# sentence when no sentinel answers, none knows NAME, two name different masters, the quorum is not
# reached, or the named master does not answer, refuses the password or is not a master.
sentinel_master() {
  local name="$1" hp addr agreed="" first="" answered=() silent=() unknown=() msg role
  sentinel_valid_name "$name"
  for hp in ${SENTINEL_HOSTS//,/ }; do
    if ! addr="$(_sentinel_ask "$hp" "$name")"; then
      msg="$(tr '\n' ' ' <"$SENTINEL_WORK/err")"
      case "$msg" in
        *WRONGPASS* | *NOAUTH* | *'AUTH failed'* | *'without any password configured'*) die "sentinel $hp refused the sentinel password (auth-failed): $msg" ;;
      esac
      silent+=("$hp")
      warn "sentinel $hp did not answer: ${msg:-no reply}"
      continue
    fi
    if [ -z "$addr" ]; then
      unknown+=("$hp")
      continue
    fi
    answered+=("$hp=$addr")
    if [ -z "$agreed" ]; then
      agreed="$addr"
      first="$hp"
    elif [ "$addr" != "$agreed" ]; then
      die "the sentinels disagree on the master of '$name': $first names $agreed, $hp names $addr; expected one master (fix the sentinels' configuration, or wait for the failover to settle)"
    fi
  done
  [ -n "$agreed" ] || {
    [ "${#unknown[@]}" -gt 0 ] && die "no sentinel knows a master named '$name' (asked ${unknown[*]}${silent[*]:+; no answer from ${silent[*]}}); expected the name of a monitored master"
    die "none of the sentinels answered (${SENTINEL_HOSTS//$'\n'/ }); expected at least one reachable sentinel"
  }
  [ "${#unknown[@]}" -eq 0 ] || die "the sentinels disagree on the master of '$name': ${unknown[*]} know no such master, $first names $agreed"
  if ! msg="$(RCLI_TIMEOUT="${CONNECT_TIMEOUT_SECONDS:-10}" rcli "${first%:*}" "${first##*:}" "" "${SENTINEL_PASSWORD:-}" SENTINEL ckquorum "$name" 2>&1)"; then
    die "the sentinels cannot reach their quorum for '$name' (asked $first): $(printf '%s' "$msg" | tr '\n' ' ')"
  fi
  SENTINEL_MASTER_HOST="${agreed%:*}"
  SENTINEL_MASTER_PORT="${agreed##*:}"
  if ! role="$(RCLI_TIMEOUT="${CONNECT_TIMEOUT_SECONDS:-10}" rcli "$SENTINEL_MASTER_HOST" "$SENTINEL_MASTER_PORT" "" "${REDIS_PASSWORD:-}" ROLE 2>"$SENTINEL_WORK/err" | head -n 1)" || [ -z "$role" ]; then
    msg="$(tr '\n' ' ' <"$SENTINEL_WORK/err")"
    case "$msg" in
      *WRONGPASS* | *NOAUTH* | *'AUTH failed'* | *'without any password configured'*) die "the master $agreed of '$name' refused the password (auth-failed): $msg" ;;
    esac
    die "the sentinels name $agreed as master of '$name', and it does not answer: ${msg:-no reply}"
  fi
  [ "$role" = master ] || die "the sentinels name $agreed as master of '$name', and it answers as $role; expected a master (a failover in progress?)"
  log "master of '$name': $agreed (sentinels ${answered[*]})"
}
