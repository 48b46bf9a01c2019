#!/usr/bin/env bash
# Applies the RFC 6902 patch steps rendered by synth (MySQL kept in place: remove the APIManager
# ownerReference and the 3scale labels; template 2.5 -> 2.6: service account, environment variables,
# triggers, ImageStream tags, Secret keys). Each step carries `test` operations holding what discovery saw,
# so the API server refuses a step whose object changed since. Before patching, a probe of the live object
# says where the step stands: already done -> skipped (a rerun after success changes nothing); as
# discovered -> patched; anything else -> refused, for what a `test` cannot guard (that a variable or a
# key is still absent).
#
# Env: PATCH_DIR (the mounted patches), TARGET_NAMESPACE. $PATCH_DIR/steps lists
# "<resource> <name> <step-file> <probe output before, or * for any> <probe output once done, - for empty> <kubectl -o format>".
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

dir=${PATCH_DIR:?} ns=${TARGET_NAMESPACE:?}
applied=0 skipped=0
while read -r resource name file before wanted format; do
  [ -n "${resource:-}" ] || continue
  [ "$wanted" = "-" ] && wanted=''
  [ "$before" = "-" ] && before=''
  current=$(kubectl -n "$ns" get "$resource" "$name" -o "$format") || die "cannot read $resource/$name in $ns"
  if [ "$current" = "$wanted" ]; then
    skipped=$((skipped + 1))
    continue
  fi
  if [ "$before" != "*" ] && [ "$current" != "$before" ]; then
    die "step $file on $resource/$name was refused: the live object is neither as discovered nor as the step leaves it (probe: \"$current\", discovered: \"$before\", done: \"$wanted\"); rerun discover"
  fi
  if ! out=$(kubectl -n "$ns" patch "$resource" "$name" --type json --patch-file "$dir/$file" 2>&1); then
    die "patch $file on $resource/$name was refused (its test guard failed: the live value is not the one discovered): $out"
  fi
  applied=$((applied + 1))
done <"$dir/steps"
log "applied $applied patch steps, $skipped already done"
record_evidence "applied $applied patch steps, $skipped already done" "$(checksum <"$dir/steps")"
