# shellcheck shell=bash
# redis-digest.sh: the manifest (lib/copy-manifest.sh) of a Redis data set, per database, computed from an RDB
# snapshot in a scratch redis-server inside the Job: a unix socket only, no persistence, DEBUG allowed there
# (DEBUG is refused to remote clients from Redis 7 on, so a live server cannot be asked; its snapshot can).
# Sourced, never executed; needs lib/common.sh.
#
#   redis_snapshot_manifest RDB WORKDIR   the manifest lines of the snapshot file RDB:
#     "mode redis db<N> expiring\t<n>"   keys with a TTL, per database: counted only, then left out (they may
#                                        expire at any moment between a copy and its verification)
#     "redis db<N> keys\t<count>"        keys without a TTL, per database 0-15 that has any
#     "redis db<N>-15 digest\t<sha1>"    DEBUG DIGEST (every key, type and value) of databases N to 15, taken
#                                        after emptying the databases below N: a change in database M changes
#                                        the lines of N <= M and no other, so the highest differing line names it
#   The key `liveness-probe` of db 0 (LIVENESS_KEY), which the readiness probes rewrite, is left out.
#   Keys with a TTL are removed from the scratch copy at C speed: maxmemory 1 with the volatile-random policy
#   evicts every key with a TTL and nothing else; done when INFO keyspace shows no expires.
#   Both sides are computed by the same redis-server (the Job's image), so the digests compare whatever version
#   wrote the snapshot.

LIVENESS_KEY="${LIVENESS_KEY:-liveness-probe}"
SCRATCH_TIMEOUT_SECONDS="${SCRATCH_TIMEOUT_SECONDS:-3600}"

# redis_snapshot_manifest RDB WORKDIR
redis_snapshot_manifest() {
  local file="$1" work="$2" db keyspace rc=0
  _MANIFEST_SOCK="$work/manifest.sock"
  rm -f "$_MANIFEST_SOCK"
  redis-server --port 0 --unixsocket "$_MANIFEST_SOCK" --unixsocketperm 700 --dir "$(dirname "$file")" \
    --dbfilename "$(basename "$file")" --save '' --appendonly no --databases 16 --enable-debug-command local \
    --logfile "$work/manifest-redis.log" --daemonize no >/dev/null 2>&1 &
  _MANIFEST_PID=$!
  if ! wait_until "$SCRATCH_TIMEOUT_SECONDS" 0.1 "the scratch Redis to load the snapshot" _manifest_ready || ! kill -0 "$_MANIFEST_PID" 2>/dev/null; then
    log "the scratch Redis did not load the snapshot; its log:"
    sed -n '1,20p' "$work/manifest-redis.log" >&2
    kill "$_MANIFEST_PID" 2>/dev/null || true
    return 1
  fi
  {
    _manifest_scratch -n 0 DEL "$LIVENESS_KEY" >/dev/null &&
      keyspace="$(_manifest_scratch INFO keyspace | tr -d '\r')" &&
      printf '%s\n' "$keyspace" | sed -n 's/^db\([0-9]*\):keys=[0-9]*,expires=\([0-9]*\),.*/mode redis db\1 expiring\t\2/p' &&
      _manifest_scratch CONFIG SET maxmemory-policy volatile-random >/dev/null &&
      _manifest_scratch CONFIG SET maxmemory 1 >/dev/null &&
      wait_until "$SCRATCH_TIMEOUT_SECONDS" 0.05 "the keys with a TTL to be evicted from the scratch Redis" _manifest_no_expires &&
      _manifest_scratch CONFIG SET maxmemory 0 >/dev/null &&
      keyspace="$(_manifest_scratch INFO keyspace | tr -d '\r')" &&
      for db in $(printf '%s\n' "$keyspace" | sed -n 's/^db\([0-9]*\):keys=.*/\1/p'); do
        printf 'redis db%s keys\t%s\n' "$db" "$(printf '%s\n' "$keyspace" | sed -n "s/^db$db:keys=\([0-9]*\),.*/\1/p")"
        printf 'redis db%s-15 digest\tsha1:%s\n' "$db" "$(_manifest_scratch DEBUG DIGEST)"
        _manifest_scratch -n "$db" FLUSHDB >/dev/null
      done
  } || rc=1
  _manifest_scratch SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  wait "$_MANIFEST_PID" 2>/dev/null || true
  return "$rc"
}

# _manifest_scratch ARGS...: redis-cli on the scratch Redis's socket.
_manifest_scratch() {
  env -u REDISCLI_AUTH redis-cli -e -s "$_MANIFEST_SOCK" "$@"
}

# _manifest_ready: the scratch Redis has loaded the snapshot, or has exited (the caller checks which).
_manifest_ready() {
  kill -0 "$_MANIFEST_PID" 2>/dev/null || return 0
  [ "$(_manifest_scratch PING 2>/dev/null)" = PONG ] && [ "$(_manifest_scratch INFO persistence 2>/dev/null | info_field loading)" = 0 ]
}

# _manifest_no_expires: no database of the scratch Redis holds a key with a TTL (each PING lets it evict more).
_manifest_no_expires() {
  _manifest_scratch PING >/dev/null 2>&1 || true
  ! _manifest_scratch INFO keyspace | grep -q 'expires=[1-9]'
}
