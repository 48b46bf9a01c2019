#!/usr/bin/env bash
# Backs up objects inside the cluster (template 2.5 -> 2.6, seed 2.1): each listed object is read, stripped
# of what the server maintains (uid, resourceVersion, managedFields, status, ...) and stored as
# `object.json` in ConfigMap <BACKUP_PREFIX>-<resource>-<name> of the same namespace; a Secret goes into a
# Secret of that name, so its values never leave Secrets. An existing backup is never overwritten: a rerun
# after later phases ran must not replace the 2.5 copy with an upgraded one. An object that is absent is
# skipped and logged (the plan lists what discovery found).
#
# Env: OBJECTS ("<resource> <name>" per line), BACKUP_PREFIX, NAMESPACE.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

prefix=${BACKUP_PREFIX:?} ns=${NAMESPACE:?}
created=0 kept=0 absent=0
strip='{"metadata":{"uid":null,"resourceVersion":null,"generation":null,"creationTimestamp":null,"managedFields":null,"selfLink":null},"status":null}'
while read -r resource name; do
  [ -n "${resource:-}" ] || continue
  target="$prefix-${resource%%.*}-$name"
  store=configmap
  [ "$resource" = secret ] && store=secret
  if [ -n "$(kubectl -n "$ns" get "$store" "$target" --ignore-not-found -o name)" ]; then
    kept=$((kept + 1))
    continue
  fi
  kubectl -n "$ns" get "$resource" "$name" --ignore-not-found -o json >"$WORK/object.raw.json" || die "cannot read $resource/$name in $ns"
  if [ ! -s "$WORK/object.raw.json" ]; then
    log "$resource/$name is absent, nothing to back up"
    absent=$((absent + 1))
    continue
  fi
  kubectl patch --local -f "$WORK/object.raw.json" --type merge -p "$strip" -o json >"$WORK/object.json" || die "cannot clean $resource/$name"
  if [ "$store" = secret ]; then
    kubectl -n "$ns" create secret generic "$target" --from-file=object.json="$WORK/object.json" >/dev/null || die "cannot create Secret $target"
  else
    kubectl -n "$ns" create configmap "$target" --from-file=object.json="$WORK/object.json" >/dev/null || die "cannot create ConfigMap $target"
  fi
  rm -f "$WORK/object.raw.json" "$WORK/object.json"
  log "backed up $resource/$name as $store/$target"
  created=$((created + 1))
done <<<"${OBJECTS:?}"
log "backed up $created objects, $kept backups kept, $absent absent"
record_evidence "backed up $created objects, $kept backups kept, $absent absent" "$(printf '%s' "$OBJECTS" | checksum)"
