#!/usr/bin/env bash
# Fresh install: creates the connection Secrets of the on-cluster databases (system-database, backend-redis,
# system-redis) before the APIManager exists, with a password generated here, in the cluster, so it is never
# in Git, in the Job spec or in a log. A key that already exists is never overwritten (a rerun, or a value
# you set yourself, wins), as the operator itself only adds missing keys.
#
# Env: SECRETS: one key per line, "<namespace> <secret> <key> <value template>". {PASSWORD} in a template is
#   the Secret's password: the DB_PASSWORD that Secret already holds in any namespace listed, else one
#   generated once per Secret name (so the copy the database server reads and the URL 3scale reads agree).
#   LABELS: "k=v,k=v" labels of a created Secret.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
: "${SECRETS:?}"

declare -A password=()

# existing_key NAMESPACE SECRET KEY: the base64 value of a key, empty when the Secret or the key is absent.
existing_key() { kubectl -n "$1" get secret "$2" -o "jsonpath={.data.$3}" 2>/dev/null || true; }

# ensure_password SECRET: sets password[SECRET] to an existing DB_PASSWORD of SECRET in a listed namespace,
# else to a new one. Not run in a subshell, so the value is shared by every later key of that Secret.
ensure_password() {
  local name=$1 ns found
  if [ -z "${password[$name]:-}" ]; then
    for ns in $(printf '%s\n' "$SECRETS" | awk -v s="$name" '$2 == s { print $1 }' | uniq); do
      found=$(existing_key "$ns" "$name" DB_PASSWORD)
      if [ -n "$found" ]; then password[$name]=$(printf '%s' "$found" | base64 -d); break; fi
    done
    # 24 characters of [A-Za-z0-9]: safe in URLs without encoding, and for every client.
    [ -n "${password[$name]:-}" ] || password[$name]=$(head -c 64 /dev/urandom | base64 -w0 | LC_ALL=C tr -dc 'A-Za-z0-9' | cut -c1-24)
  fi
}

labels_json() {
  local out='' sep='' pair
  IFS=',' read -ra pairs <<<"${LABELS:?}"
  for pair in "${pairs[@]}"; do out+="$sep$(label_json "$pair")"; sep=','; done
  printf '{%s}' "$out"
}

inputs='' created=0 kept=0
while read -r ns name key template; do
  [ -n "${ns:-}" ] || continue
  inputs+="$ns $name $key $template;"
  if [ -n "$(existing_key "$ns" "$name" "$key")" ]; then
    log "Secret $ns/$name already has $key; kept"
    kept=$((kept + 1))
    continue
  fi
  value=$template
  if [[ $value == *'{PASSWORD}'* ]]; then
    ensure_password "$name"
    value=${value//\{PASSWORD\}/${password[$name]}}
  fi
  b64=$(printf '%s' "$value" | base64 -w0)
  if kubectl -n "$ns" get secret "$name" >/dev/null 2>&1; then
    printf '{"data":{"%s":"%s"}}' "$key" "$b64" >"$WORK/patch.json"
    kubectl -n "$ns" patch secret "$name" --type merge --patch-file "$WORK/patch.json" >/dev/null
  else
    printf '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"%s","namespace":"%s","labels":%s},"type":"Opaque","data":{"%s":"%s"}}' \
      "$name" "$ns" "$(labels_json)" "$key" "$b64" >"$WORK/patch.json"
    kubectl -n "$ns" create -f "$WORK/patch.json" >/dev/null
  fi
  log "Secret $ns/$name: wrote $key"
  created=$((created + 1))
done <<<"$SECRETS"
rm -f "$WORK/patch.json"
record_evidence "wrote $created key(s), kept $kept existing" "$(printf '%s' "$inputs" | checksum)"
