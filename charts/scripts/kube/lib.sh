# shellcheck shell=bash
# Shared helpers of the kubectl-based Jobs (image: an OpenShift CLI image with kubectl and bash).
# Secret values only ever travel through files in $WORK (an emptyDir) or through pipes, never through
# command lines or logs.

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

WORK=${WORK:-$(mktemp -d)}
umask 077

# Percent-encodes a string for the userinfo part of a URL (RFC 3986 unreserved characters pass).
urlencode() {
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# Kind/namespace/name=uid of each EVIDENCE_TARGETS entry (the objects the step wrote), comma-separated; an
# object that cannot be read is left out, with a warning.
evidence_targets() {
  local entry kind ns name uid out=''
  for entry in ${EVIDENCE_TARGETS:-}; do
    IFS=/ read -r kind ns name <<<"$entry"
    case "$kind" in
      Secret | PersistentVolumeClaim | Deployment | StatefulSet) ;;
      *) die "EVIDENCE_TARGETS: unknown kind '$kind' in '$entry' (expected Secret, PersistentVolumeClaim, Deployment or StatefulSet)" ;;
    esac
    if uid=$(kubectl -n "$ns" get "$kind" "$name" -o 'jsonpath={.metadata.uid}' 2>/dev/null) && [ -n "$uid" ]; then
      out="${out:+$out,}$kind/$ns/$name=$uid"
    else
      log "WARNING: could not read $kind $ns/$name for the evidence record"
    fi
  done
  printf '%s' "$out"
}

# Records that this step finished, in the evidence ConfigMap of the Job's namespace, with the same keys
# as lib/evidence.sh of the data scripts (`<step>.phase` Succeeded, `.inputsChecksum`, `.finishedAt`,
# `.result`, and `.targets` with EVIDENCE_TARGETS). `diff` reads it, because finished Jobs can be deleted by
# TTL or hook policies.
#   record_evidence <one-line summary> <checksum of the non-secret inputs>
record_evidence() {
  local summary=$1 checksum=$2 step=${EVIDENCE_STEP:?} cm=${EVIDENCE_CONFIGMAP:?}
  local now targets
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  # shellcheck disable=SC1003 # '\\' is tr's backslash, not a quote escape
  summary=$(printf '%s' "$summary" | tr -d '\000-\037"\\' | cut -c1-512)
  targets=$(evidence_targets)
  kubectl -n "${NAMESPACE:?}" create configmap "$cm" >/dev/null 2>&1 || true
  printf '{"data":{"%s.phase":"Succeeded","%s.inputsChecksum":"%s","%s.finishedAt":"%s","%s.result":"%s"%s}}' \
    "$step" "$step" "$checksum" "$step" "$now" "$step" "$summary" "${targets:+,\"$step.targets\":\"$targets\"}" >"$WORK/evidence.json"
  kubectl -n "$NAMESPACE" patch configmap "$cm" --type merge --patch-file "$WORK/evidence.json" >/dev/null
  log "evidence recorded: $step Succeeded"
}

# label_json KEY=VALUE: the label as a JSON member, "KEY":"VALUE" (the on-cluster contract passes labels as
# MANAGED_BY_LABEL=key=value; keys and values of labels need no JSON escaping).
label_json() { printf '"%s":"%s"' "${1%%=*}" "${1#*=}"; }

# sha256 of stdin, hex.
checksum() { sha256sum | cut -d' ' -f1; }
