#!/usr/bin/env bash
# check-images.sh: preflight of a fresh install, run INSIDE the cluster, so it sees what the nodes see (the
# cluster's DNS and egress), not what a workstation sees. Read-only. For every image of IMAGES:
#   * the registry host resolves through the cluster's DNS (the field report's "lookup registry.redhat.com
#     ... no such host", found only after the ImageStreams failed);
#   * the registry has a manifest for the image, and, for every architecture of ARCHITECTURES, a manifest
#     list entry (or a single-architecture config) for linux/<arch> (the report's "no matching manifest for
#     linux/arm64/v8"; here checked against the nodes' architectures, not a workstation's).
# All checks run; the step fails at the end if any failed, listing them.
#
# Env: IMAGES (required; one reference per line or space-separated), ARCHITECTURES (amd64),
#   REGISTRY_AUTH_FILE (a .dockerconfigjson, e.g. the mounted pull secret; optional),
#   REGISTRY_SCHEME (https; http only for a mirror served without TLS), CONNECT_TIMEOUT_SECONDS (10).
# Credentials of REGISTRY_AUTH_FILE and the registry tokens reach curl only through config on stdin, never
# the command line or the log.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/evidence.sh
. "$SCRIPT_DIR/lib/evidence.sh"
evidence_init check-images

require_env IMAGES
require_cmd curl getent
ARCHITECTURES="${ARCHITECTURES:-amd64}"
REGISTRY_SCHEME="${REGISTRY_SCHEME:-https}"
CONNECT_TIMEOUT_SECONDS="${CONNECT_TIMEOUT_SECONDS:-10}"
require_int CONNECT_TIMEOUT_SECONDS
WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT

ACCEPT='application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
FAILURES=()
RESULTS=()
fail() {
  log "FAILED: $*"
  FAILURES+=("$*")
}

# split_ref REF: sets host, repo and reference (tag or digest; default tag latest).
split_ref() {
  local ref=$1 rest
  host=${ref%%/*}
  rest=${ref#*/}
  if [[ $rest == *@* ]]; then
    repo=${rest%@*}
    reference=${rest#*@}
  elif [[ ${rest##*/} == *:* ]]; then
    repo=${rest%:*}
    reference=${rest##*:}
  else
    repo=$rest
    reference=latest
  fi
}

# compact FILE: the JSON on one line without insignificant blanks, for the greps below.
compact() { tr -d '\n\r\t ' <"$1"; }

# json_strings KEY FILE: every string value of KEY in the JSON file, one per line.
json_strings() { compact "$2" | grep -o "\"$1\":\"[^\"]*\"" | sed "s/^\"$1\":\"//; s/\"\$//" || true; }

# registry_auth HOST: the base64 user:password of HOST in REGISTRY_AUTH_FILE, or nothing.
registry_auth() {
  [ -n "${REGISTRY_AUTH_FILE:-}" ] && [ -r "$REGISTRY_AUTH_FILE" ] || return 0
  compact "$REGISTRY_AUTH_FILE" | grep -o "\"$1\":{[^}]*}" | grep -o '"auth":"[^"]*"' | head -n1 | sed 's/^"auth":"//; s/"$//' || true
}

# http_get URL OUT [HEADER]: GET with the Accept header of manifests, an optional extra header line given
# through curl's stdin config (so a credential never shows in the process list); prints the status code
# and keeps the response headers in $WORK_DIR/headers.
http_get() {
  local url=$1 out=$2 header=${3:-}
  { [ -z "$header" ] || printf 'header = "%s"\n' "$header"; } | curl -sS -K - -o "$out" -D "$WORK_DIR/headers" -w '%{http_code}' \
    --connect-timeout "$CONNECT_TIMEOUT_SECONDS" -H "Accept: $ACCEPT" "$url" 2>"$WORK_DIR/curl.err" || echo 000
}

# bearer_token REPO: a pull token from the realm the last 401 named, with the pull secret's credentials.
bearer_token() {
  local challenge realm service auth
  challenge=$(grep -i '^www-authenticate: *bearer' "$WORK_DIR/headers" | tr -d '\r' || true)
  [ -n "$challenge" ] || return 1
  realm=$(printf '%s' "$challenge" | grep -o 'realm="[^"]*"' | sed 's/^realm="//; s/"$//')
  service=$(printf '%s' "$challenge" | grep -o 'service="[^"]*"' | sed 's/^service="//; s/"$//' || true)
  auth=$(registry_auth "$host")
  local header=''
  [ -z "$auth" ] || header="Authorization: Basic $auth"
  local code
  code=$(http_get "$realm?service=$service&scope=repository:$1:pull" "$WORK_DIR/token.json" "$header")
  [ "$code" = 200 ] || return 1
  json_strings token "$WORK_DIR/token.json" | head -n1 | grep . || json_strings access_token "$WORK_DIR/token.json" | head -n1
}

# fetch PATH OUT: GET $REGISTRY_SCHEME://$host/v2/<PATH>, answering a Bearer challenge once; prints the status.
fetch() {
  local url="$REGISTRY_SCHEME://$host/v2/$1" code token
  code=$(http_get "$url" "$2" "${AUTH_HEADER:-}")
  if [ "$code" = 401 ] && token=$(bearer_token "$repo"); then
    AUTH_HEADER="Authorization: Bearer $token"
    code=$(http_get "$url" "$2" "$AUTH_HEADER")
  fi
  printf '%s' "$code"
}

# architectures_of MANIFEST: the architectures a manifest offers, one per line (an index lists them per
# entry; a single image names its own in its config blob, fetched here).
architectures_of() {
  if compact "$1" | grep -q '"manifests":\['; then
    json_strings architecture "$1" | sort -u
    return
  fi
  local config
  config=$(compact "$1" | grep -o '"config":{[^}]*}' | grep -o '"digest":"[^"]*"' | sed 's/^"digest":"//; s/"$//' | head -n1)
  [ -n "$config" ] || return 0
  [ "$(fetch "$repo/blobs/$config" "$WORK_DIR/config.json")" = 200 ] || return 0
  json_strings architecture "$WORK_DIR/config.json" | head -n1
}

declare -A resolved=()
for ref in $IMAGES; do
  split_ref "$ref"
  AUTH_HEADER=''
  name=${host%%:*}
  if [ -z "${resolved[$name]:-}" ]; then
    if getent hosts "$name" >/dev/null 2>&1; then resolved[$name]=yes; else resolved[$name]=no; fi
    [ "${resolved[$name]}" = yes ] && log "registry $name resolves from inside the cluster"
  fi
  if [ "${resolved[$name]}" = no ]; then
    fail "$ref: registry host $name does not resolve through the cluster's DNS (mirror the images, or fix DNS or egress)"
    continue
  fi
  code=$(fetch "$repo/manifests/$reference" "$WORK_DIR/manifest.json")
  case "$code" in
    200) ;;
    401 | 403) fail "$ref: the registry refused access (HTTP $code); check the pull secret"; continue ;;
    404) fail "$ref: no such image in $host (HTTP 404)"; continue ;;
    000) fail "$ref: $host resolves but cannot be reached: $(head -c 200 "$WORK_DIR/curl.err" | tr '\n' ' ')"; continue ;;
    *) fail "$ref: the registry answered HTTP $code"; continue ;;
  esac
  offered=$(architectures_of "$WORK_DIR/manifest.json" | tr '\n' ' ')
  offered=${offered% }
  unoffered=''
  for arch in $ARCHITECTURES; do
    [[ " $offered " == *" $arch "* ]] || unoffered+="$arch "
  done
  if [ -n "$unoffered" ]; then
    fail "$ref: no manifest for linux/${unoffered% } (the image offers: ${offered:-nothing})"
    continue
  fi
  log "$ref: manifest found for $ARCHITECTURES"
  RESULTS+=("$ref")
done

INPUTS_CHECKSUM="$(sha256_of_lines "images=$IMAGES" "architectures=$ARCHITECTURES" "scheme=$REGISTRY_SCHEME")"
if [ "${#FAILURES[@]}" -gt 0 ]; then
  log "${#FAILURES[@]} check(s) failed:"
  for f in "${FAILURES[@]}"; do log "  - $f"; done
  evidence_write Failed "$INPUTS_CHECKSUM" "${#FAILURES[@]} check(s) failed: ${FAILURES[0]}" || true
  exit 1
fi
evidence_write Succeeded "$INPUTS_CHECKSUM" "${#RESULTS[@]} image(s) available for $ARCHITECTURES" || die "could not write the evidence record"
log "all checks passed"
