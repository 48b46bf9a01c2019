#!/usr/bin/env bash
# Puts objects back as the backup Job copied them (rollbacks of the template 2.5 -> 2.6 upgrade): an
# object that exists is replaced (no resourceVersion in the copy, so the update is unconditional), one a
# phase deleted is created again. A missing backup stops the Job before anything is changed for that object.
#
# Env: OBJECTS ("<resource> <name>" per line), BACKUP_PREFIX, NAMESPACE.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

prefix=${BACKUP_PREFIX:?} ns=${NAMESPACE:?}
replaced=0 recreated=0
while read -r resource name; do
  [ -n "${resource:-}" ] || continue
  target="$prefix-${resource%%.*}-$name"
  if [ "$resource" = secret ]; then
    kubectl -n "$ns" get secret "$target" --ignore-not-found -o 'jsonpath={.data.object\.json}' | base64 -d >"$WORK/object.json"
  else
    kubectl -n "$ns" get configmap "$target" --ignore-not-found -o 'jsonpath={.data.object\.json}' >"$WORK/object.json"
  fi
  [ -s "$WORK/object.json" ] || die "no backup $target of $resource/$name in $ns; expected the backup phase to have run"
  if [ -n "$(kubectl -n "$ns" get "$resource" "$name" --ignore-not-found -o name)" ]; then
    kubectl -n "$ns" replace -f "$WORK/object.json" >/dev/null || die "cannot replace $resource/$name from $target"
    replaced=$((replaced + 1))
  else
    kubectl -n "$ns" create -f "$WORK/object.json" >/dev/null || die "cannot create $resource/$name from $target"
    recreated=$((recreated + 1))
  fi
  rm -f "$WORK/object.json"
  log "restored $resource/$name from $target"
done <<<"${OBJECTS:?}"
log "replaced $replaced objects, recreated $recreated"
record_evidence "replaced $replaced objects, recreated $recreated" "$(printf '%s' "$OBJECTS" | checksum)"
