#!/usr/bin/env bash
# Cut-over: points the 3scale connection Secrets at the new servers (seed 3.2.7 and 3.4.8), after backing
# each Secret up in the cluster as `<name>-pre-migration` (kept if it already exists, so a rerun never
# overwrites the original with an already rewritten copy).
#
# Env: REWRITES: one rewrite per line, "<secret> <key> <url template>". A template may use {KEY} for a
# key of the same Secret, inserted percent-encoded (credentials stay in the cluster).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ns=${NAMESPACE:?}
: "${REWRITES:?}"

# Decoded value of a key of a Secret, into a variable, without echoing it.
secret_value() { kubectl -n "$ns" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; }

backup() {
  local name=$1 copy="$1-pre-migration"
  if kubectl -n "$ns" get secret "$copy" >/dev/null 2>&1; then
    log "backup $copy exists; keeping it"
    return
  fi
  kubectl -n "$ns" get secret "$name" -o go-template='{{- $sep := "" -}}
{"apiVersion":"v1","kind":"Secret","metadata":{"name":"{{.metadata.name}}-pre-migration","labels":{"app.kubernetes.io/managed-by":"threescale-migrate","threescale-migrate.3scale.net/backup-of":"{{.metadata.name}}"}},"type":"{{.type}}","data":{
{{- range $k, $v := .data}}{{$sep}}"{{$k}}":"{{$v}}"{{$sep = ","}}{{end -}}
}}' >"$WORK/backup.json"
  kubectl -n "$ns" create -f "$WORK/backup.json" >/dev/null
  log "backed up Secret $name as $copy"
}

declare -A done_backup=()
inputs=''
while read -r name key template; do
  [ -n "${name:-}" ] || continue
  if [ -z "${done_backup[$name]:-}" ]; then backup "$name"; done_backup[$name]=1; fi
  value=$template
  while [[ $value =~ \{([A-Z_]+)\} ]]; do
    ref=${BASH_REMATCH[1]}
    raw=$(secret_value "$name" "$ref") || die "cannot read key $ref of Secret $ns/$name"
    [ -n "$raw" ] || die "Secret $ns/$name has no key $ref, needed by the $key template"
    value=${value//\{$ref\}/$(urlencode "$raw")}
  done
  printf '{"data":{"%s":"%s"}}' "$key" "$(printf '%s' "$value" | base64 -w0)" >"$WORK/patch.json"
  kubectl -n "$ns" patch secret "$name" --type merge --patch-file "$WORK/patch.json" >/dev/null
  log "Secret $name key $key now points at ${template#*@}"
  inputs+="$name $key $template;"
done <<<"$REWRITES"
rm -f "$WORK/patch.json"
record_evidence "rewrote the connection Secrets" "$(printf "%s" "$inputs" | checksum)"
