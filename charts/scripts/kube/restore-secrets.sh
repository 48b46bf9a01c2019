#!/usr/bin/env bash
# Rollback of the cut-over: puts back the data of each connection Secret from its in-cluster backup
# `<name>-pre-migration` (seed 3.2.11 restores from a file on a laptop instead). The JSON patch `add` on
# /data replaces the data whole, and also works when the live Secret has no data field at all.
#
# Env: SECRETS: the Secret names, separated by spaces; BACKUP_SUFFIX (on-cluster contract): the backup's name suffix.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ns=${NAMESPACE:?}
for name in ${SECRETS:?}; do
  copy="$name${BACKUP_SUFFIX:?}"
  kubectl -n "$ns" get secret "$copy" >/dev/null 2>&1 || die "backup Secret $ns/$copy is missing; the cut-over never ran or the backup was deleted"
  # shellcheck disable=SC2016 # a go-template: kubectl expands its $variables, not bash
  kubectl -n "$ns" get secret "$copy" -o go-template='{{- $sep := "" -}}
[{"op":"add","path":"/data","value":{
{{- range $k, $v := .data}}{{$sep}}"{{$k}}":"{{$v}}"{{$sep = ","}}{{end -}}
}}]' >"$WORK/restore.json"
  kubectl -n "$ns" patch secret "$name" --type json --patch-file "$WORK/restore.json" >/dev/null
  log "restored Secret $name from $copy"
done
rm -f "$WORK/restore.json"
record_evidence "restored $SECRETS" "$(printf "%s" "$SECRETS" | checksum)"
