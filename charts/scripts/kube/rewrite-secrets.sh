#!/usr/bin/env bash
# Cut-over: points the 3scale connection Secrets at the new servers (seed 3.2.7 and 3.4.8), after backing
# each Secret up in the cluster as `<name>-pre-migration` (kept if it already exists, so a rerun never
# overwrites the original with an already rewritten copy).
#
# Env (besides the on-cluster contract: MANAGED_BY_LABEL, BACKUP_OF_LABEL, BACKUP_SUFFIX):
# REWRITES: one rewrite per line, "<secret> <key> <template>". A template may use {KEY} for a key of
# the same Secret, or {other-secret/KEY} for a key of another Secret of the namespace (the credentials of a
# managed server), inserted percent-encoded (credentials stay in the cluster). A template that is one
# placeholder alone copies the value as it is (DB_USER, DB_PASSWORD); an empty template empties the key
# (the sentinel keys of a Redis that is no longer reached through sentinels).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ns=${NAMESPACE:?}
: "${REWRITES:?}" "${MANAGED_BY_LABEL:?}" "${BACKUP_OF_LABEL:?}" "${BACKUP_SUFFIX:?}"

# Decoded value of a key of a Secret, into a variable, without echoing it.
secret_value() { kubectl -n "$ns" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; }

backup() {
  local name=$1 copy="$1$BACKUP_SUFFIX"
  if kubectl -n "$ns" get secret "$copy" >/dev/null 2>&1; then
    log "backup $copy exists; keeping it"
    return
  fi
  # shellcheck disable=SC2016 # a go-template: kubectl expands its $variables, not bash
  kubectl -n "$ns" get secret "$name" -o go-template='{{- $sep := "" -}}
{"apiVersion":"v1","kind":"Secret","metadata":{"name":"{{.metadata.name}}'"$BACKUP_SUFFIX"'","labels":{'"$(label_json "$MANAGED_BY_LABEL")"',"'"$BACKUP_OF_LABEL"'":"{{.metadata.name}}"}},"type":"{{.type}}","data":{
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
  whole=''
  [[ $template =~ ^\{[^{}]+\}$ ]] && whole=1
  while [[ $value =~ \{(([a-z0-9.-]+)/)?([A-Za-z0-9_-]+)\} ]]; do
    placeholder=${BASH_REMATCH[0]} from=${BASH_REMATCH[2]:-$name} ref=${BASH_REMATCH[3]}
    raw=$(secret_value "$from" "$ref") || die "cannot read key $ref of Secret $ns/$from"
    [ -n "$raw" ] || die "Secret $ns/$from has no key $ref, needed by the $key template"
    if [ -n "$whole" ]; then value=$raw; break; fi
    value=${value//"$placeholder"/$(urlencode "$raw")}
  done
  printf '{"data":{"%s":"%s"}}' "$key" "$(printf '%s' "$value" | base64 -w0)" >"$WORK/patch.json"
  kubectl -n "$ns" patch secret "$name" --type merge --patch-file "$WORK/patch.json" >/dev/null
  if [ -n "$whole" ]; then log "Secret $name key $key copied from $template"
  elif [ -z "$template" ]; then log "Secret $name key $key emptied"
  else log "Secret $name key $key now points at ${template#*@}"; fi
  inputs+="$name $key $template;"
done <<<"$REWRITES"
rm -f "$WORK/patch.json"
record_evidence "rewrote the connection Secrets" "$(printf "%s" "$inputs" | checksum)"
