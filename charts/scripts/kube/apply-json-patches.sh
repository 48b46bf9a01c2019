#!/usr/bin/env bash
# Applies the RFC 6902 patches rendered by synth (MySQL kept in place: remove the APIManager
# ownerReference and the 3scale labels). Each step is one `test` + `remove` pair, so the API server refuses
# to remove anything whose value is not the one discovery saw. A step whose path is already gone is
# skipped: a rerun after success changes nothing.
#
# Env: PATCH_DIR (the mounted patches), TARGET_NAMESPACE. $PATCH_DIR/steps lists
# "<resource> <name> <step-file> <kubectl jsonpath that is empty once the step is done>".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${PATCH_DIR:?} ns=${TARGET_NAMESPACE:?}
applied=0 skipped=0
while read -r resource name file jsonpath; do
  [ -n "${resource:-}" ] || continue
  current=$(kubectl -n "$ns" get "$resource" "$name" -o "jsonpath=$jsonpath") || die "cannot read $resource/$name in $ns"
  if [ -z "$current" ]; then
    skipped=$((skipped + 1))
    continue
  fi
  if ! out=$(kubectl -n "$ns" patch "$resource" "$name" --type json --patch-file "$dir/$file" 2>&1); then
    die "patch $file on $resource/$name was refused (its test guard failed: the live value is not the one discovered): $out"
  fi
  applied=$((applied + 1))
done <"$dir/steps"
log "applied $applied patch steps, $skipped already done"
record_evidence "applied $applied patch steps, $skipped already done" "$(checksum <"$dir/steps")"
