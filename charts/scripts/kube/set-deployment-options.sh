#!/usr/bin/env bash
# Sets the deployment option of 3scale services through the Account Management API (template 2.5 -> 2.6,
# seed 2.9 step 1): `PUT <tenant>/admin/api/services/<id>.json` with deployment_option. The access token
# comes from a Secret (ACCESS_TOKEN) and is only ever written to a file in $WORK that curl reads, never to
# a command line or a log; response bodies are not printed. Setting the same option again is harmless.
#
# Env: SERVICES ("<tenant admin URL> <service id> <hosted|self_managed>" per line), ACCESS_TOKEN 🔒,
# CURL_CONNECT_TIMEOUT (10).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${ACCESS_TOKEN:?ACCESS_TOKEN must come from the Secret named in spec.routes.accessTokenSecret}"
printf 'access_token=%s' "$(urlencode "$ACCESS_TOKEN")" >"$WORK/token.form"
unset ACCESS_TOKEN
count=0
while read -r tenant id option; do
  [ -n "${tenant:-}" ] || continue
  case $option in hosted | self_managed) ;; *) die "service $id of $tenant: deployment option \"$option\" is not hosted or self_managed" ;; esac
  code=$(curl -sS -o /dev/null -w '%{http_code}' --connect-timeout "${CURL_CONNECT_TIMEOUT:-10}" -X PUT \
    "$tenant/admin/api/services/$id.json" --data "deployment_option=$option" --data "@$WORK/token.form") || die "cannot reach $tenant"
  case $code in
    200) log "service $id of $tenant: deployment_option $option" ;;
    401 | 403) die "service $id of $tenant: the access token was refused (HTTP $code); expected a token with Account Management API read-write scope" ;;
    404) die "service $id of $tenant: not found (HTTP 404); expected an existing service id" ;;
    *) die "service $id of $tenant: HTTP $code" ;;
  esac
  count=$((count + 1))
done <<<"${SERVICES:?}"
rm -f "$WORK/token.form"
record_evidence "set the deployment option of $count services" "$(printf '%s' "$SERVICES" | checksum)"
