#!/usr/bin/env bash
# Makes Zync create the routes of every tenant and service (template 2.5 -> 2.6, seed 2.9): runs
# `bundle exec rake zync:resync:domains` in a running system-sidekiq pod, as the seed does with `oc exec`,
# without a terminal. The rake task only enqueues events, so a rerun is harmless.
#
# Env: SIDEKIQ_SELECTOR (label selector of the system-sidekiq pods), NAMESPACE.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ns=${NAMESPACE:?}
# items[*], not items[0]: jsonpath fails on an index into an empty list, and no pod is an answer here.
pods=$(kubectl -n "$ns" get pods -l "${SIDEKIQ_SELECTOR:?}" --field-selector=status.phase=Running -o 'jsonpath={.items[*].metadata.name}')
pod=${pods%% *}
[ -n "$pod" ] || die "no running pod matches $SIDEKIQ_SELECTOR in $ns; expected system-sidekiq to be running on the 2.6 image"
log "resyncing Zync domains from $pod"
kubectl -n "$ns" exec "$pod" -c system-sidekiq -- bash -c 'bundle exec rake zync:resync:domains' >"$WORK/resync.log" 2>&1 || die "rake zync:resync:domains failed in $pod (last line: $(tail -n 1 "$WORK/resync.log"))"
record_evidence "resynced Zync domains from $pod" "$(printf '%s' "$SIDEKIQ_SELECTOR" | checksum)"
