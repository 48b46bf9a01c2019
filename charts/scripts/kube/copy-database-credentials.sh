#!/usr/bin/env bash
# Copies DB_USER and DB_PASSWORD of the 3scale `system-database` Secret into the namespace of the new
# PostgreSQL server (seed 3.2.5 does it by hand when that namespace differs). The values are copied as the
# base64 the API returns; they are never decoded, printed or written to Git.
#
# Env: SOURCE_NAMESPACE, TARGET_NAMESPACE, SECRET_NAME (default system-database), KEYS (default "DB_USER DB_PASSWORD"),
# MANAGED_BY_LABEL (on-cluster contract, key=value): the label of the copy.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

src=${SOURCE_NAMESPACE:?} dst=${TARGET_NAMESPACE:?} name=${SECRET_NAME:-system-database}
keys=${KEYS:-DB_USER DB_PASSWORD}

data='' sep=''
for key in $keys; do
  value=$(kubectl -n "$src" get secret "$name" -o "jsonpath={.data.$key}") || die "cannot read Secret $src/$name"
  [ -n "$value" ] || die "Secret $src/$name has no key $key"
  data+="$sep\"$key\":\"$value\""
  sep=','
done
printf '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"%s","namespace":"%s","labels":{%s}},"type":"Opaque","data":{%s}}' \
  "$name" "$dst" "$(label_json "${MANAGED_BY_LABEL:?}")" "$data" >"$WORK/secret.json"
kubectl apply --server-side --field-manager=threescale-migrate --force-conflicts -f "$WORK/secret.json" >/dev/null
log "copied keys $keys of Secret $src/$name to $dst/$name"
record_evidence "copied $keys of $name to $dst" "$(printf "%s|%s|%s|%s" "$src" "$dst" "$name" "$keys" | checksum)"
