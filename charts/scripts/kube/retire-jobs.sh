#!/usr/bin/env bash
# Retires Jobs another folder ran, so that applying that folder again runs them again. Rendered in every rollback
# folder (the Jobs of the forward phases it undoes) and in every forward phase that has one (the Jobs of its
# rollback folder): without it a GitOps engine that does not rerun Complete Jobs (Flux, prune off) would apply
# the same Jobs again, never run them, and `status` would read their old evidence as done. Argo CD never applies
# it (argocd.argoproj.io/hook: Skip).
# For each Job: delete it (pods in the background), and mark its evidence record `<step>.phase=Undone`,
# `<step>.result=undone by <UNDONE_BY>`, keeping its other keys (the copy steps' source fingerprints).
#
# Env: JOBS: one Job per line, "<namespace> <name>"; UNDONE_BY: the folder it is rendered in, e.g. rollback/05-x.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

by=${UNDONE_BY:?}
cm=${EVIDENCE_CONFIGMAP:?}
while read -r ns job; do
  [ -n "${ns:-}" ] || continue
  kubectl -n "$ns" delete job "$job" --ignore-not-found --cascade=background --wait=false >/dev/null
  phase=$(kubectl -n "$ns" get configmap "$cm" --ignore-not-found -o "go-template={{with .data}}{{with index . \"$job.phase\"}}{{.}}{{end}}{{end}}")
  if [ -n "$phase" ] && [ "$phase" != Undone ]; then
    printf '{"data":{"%s.phase":"Undone","%s.result":"undone by %s"}}' "$job" "$job" "$by" >"$WORK/undone.json"
    kubectl -n "$ns" patch configmap "$cm" --type merge --patch-file "$WORK/undone.json" >/dev/null
    log "retired $ns job/$job: its evidence record ($phase) now reads Undone"
  else
    log "retired $ns job/$job (no evidence record to mark)"
  fi
done <<<"${JOBS:?}"
record_evidence "retired the Jobs that applying $by makes stale" "$(printf '%s\n%s' "$JOBS" "$by" | checksum)"
