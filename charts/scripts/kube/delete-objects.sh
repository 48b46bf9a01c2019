#!/usr/bin/env bash
# Deletes objects listed by synth. Rendered only for the explicit cleanup phase (plan
# `spec.cleanup.enabled: true`) and for the rollback of prepare (which deletes only the new servers).
#
# Env: OBJECTS: one object per line, "<namespace> <resource>/<name>".
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

while read -r ns ref; do
  [ -n "${ns:-}" ] || continue
  kubectl -n "$ns" delete "$ref" --ignore-not-found --wait=false >/dev/null
  log "deleted $ns $ref (or it was already gone)"
done <<<"${OBJECTS:?}"
record_evidence "deleted the listed objects" "$(printf "%s" "$OBJECTS" | checksum)"
