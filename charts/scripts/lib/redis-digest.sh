# shellcheck shell=bash
# redis-digest.sh: a digest of the data of a running Redis, per database, that a remote client can compute
# (DEBUG DIGEST is refused to remote clients from Redis 7 on). Sourced, never executed; needs lib/common.sh.
#
#   redis_manifest FN   the manifest lines (lib/copy-manifest.sh) of the server that client function FN reaches:
#     "redis db<N> keys\t<count>"      keys without a TTL, per database 0-15 that has any key
#     "redis db<N> digest\tsha256:<h>" sha256 over the sorted per-key sha1 of those keys
#     "mode redis db<N> expiring\t<n>" keys with a TTL: counted only (they may expire at any moment)
#   The key `liveness-probe` of db 0 (LIVENESS_KEY), which the readiness probes rewrite, is left out.
#
# Per key, a Lua script run on the server (EVAL, a SCAN page of SCAN_COUNT keys at a time, so the server is
# never blocked for long) returns sha1 of: the type, the name, and the value in a canonical form, every piece
# prefixed with its length: a string's bytes; a list's elements in order; a set's members, a hash's fields
# with their values and a sorted set's members with their scores, each as a sha1, sorted; a stream's entries
# (id, fields and values) in order. Scores are printed by the script (%.17g), so servers of different versions,
# which print doubles differently, agree. A key SCAN returns twice is counted once (sort -u).

SCAN_COUNT="${SCAN_COUNT:-1000}"
LIVENESS_KEY="${LIVENESS_KEY:-liveness-probe}"

# The script: ARGV[1] cursor, ARGV[2] count, ARGV[3] a key name to leave out ('' none). Returns the next
# cursor, then one sha1 per key without a TTL, then "ttl" for each key with one.
# shellcheck disable=SC2016 # Lua, not shell
REDIS_DIGEST_LUA='
local function piece(s) return #s .. ":" .. s end
local function sorted_sha(list) table.sort(list) return table.concat(list) end
local r = redis.call("SCAN", ARGV[1], "COUNT", ARGV[2])
local out = { r[1] }
for _, k in ipairs(r[2]) do
  if k ~= ARGV[3] then
    local ttl = redis.call("PTTL", k)
    if ttl == -1 then
      local t = redis.call("TYPE", k)["ok"]
      local body = ""
      if t == "string" then
        body = piece(redis.call("GET", k))
      elseif t == "list" then
        local parts = {}
        for _, v in ipairs(redis.call("LRANGE", k, 0, -1)) do parts[#parts + 1] = piece(v) end
        body = table.concat(parts)
      elseif t == "set" then
        local parts = {}
        for _, v in ipairs(redis.call("SMEMBERS", k)) do parts[#parts + 1] = redis.sha1hex(piece(v)) end
        body = sorted_sha(parts)
      elseif t == "hash" then
        local parts, kv = {}, redis.call("HGETALL", k)
        for i = 1, #kv, 2 do parts[#parts + 1] = redis.sha1hex(piece(kv[i]) .. piece(kv[i + 1])) end
        body = sorted_sha(parts)
      elseif t == "zset" then
        local parts, kv = {}, redis.call("ZRANGE", k, 0, -1, "WITHSCORES")
        for i = 1, #kv, 2 do parts[#parts + 1] = redis.sha1hex(piece(kv[i]) .. piece(string.format("%.17g", tonumber(kv[i + 1])))) end
        body = sorted_sha(parts)
      elseif t == "stream" then
        local parts = {}
        for _, e in ipairs(redis.call("XRANGE", k, "-", "+")) do
          parts[#parts + 1] = piece(e[1])
          for _, v in ipairs(e[2]) do parts[#parts + 1] = piece(v) end
        end
        body = table.concat(parts)
      end
      out[#out + 1] = redis.sha1hex(piece(t) .. piece(k) .. body)
    elseif ttl >= 0 then
      out[#out + 1] = "ttl"
    end
  end
end
return out'

# redis_db_hashes FN DB OUT: the per-key lines of database DB into OUT (unsorted).
redis_db_hashes() {
  local fn="$1" db="$2" out="$3" cursor=0 skip="" page
  if [ "$db" = 0 ]; then skip="$LIVENESS_KEY"; fi
  : >"$out"
  page="$(mktemp)"
  while true; do
    if ! "$fn" -n "$db" EVAL "$REDIS_DIGEST_LUA" 0 "$cursor" "$SCAN_COUNT" "$skip" >"$page"; then
      rm -f "$page"
      return 1
    fi
    cursor="$(head -n 1 "$page")"
    tail -n +2 "$page" >>"$out"
    [ "$cursor" != 0 ] || break
  done
  rm -f "$page"
}

# redis_manifest FN: the manifest lines of every database 0-15 that holds a key.
redis_manifest() {
  local fn="$1" db dbs tmp
  dbs="$("$fn" INFO keyspace | tr -d '\r' | sed -n 's/^db\([0-9]*\):keys=.*/\1/p')" || return 1
  tmp="$(mktemp)"
  for db in $dbs; do
    redis_db_hashes "$fn" "$db" "$tmp" || { rm -f "$tmp"; return 1; }
    printf 'mode redis db%s expiring\t%s\n' "$db" "$(grep -c '^ttl$' "$tmp" || true)"
    grep -v '^ttl$' "$tmp" | LC_ALL=C sort -u >"$tmp.sorted" || true
    if [ -s "$tmp.sorted" ]; then
      printf 'redis db%s keys\t%s\n' "$db" "$(wc -l <"$tmp.sorted" | tr -d ' ')"
      printf 'redis db%s digest\tsha256:%s\n' "$db" "$(sha256sum <"$tmp.sorted" | cut -c1-64)"
    fi
  done
  rm -f "$tmp" "$tmp.sorted"
}
