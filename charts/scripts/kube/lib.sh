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

# Records that this step finished, in the evidence ConfigMap of the Job's namespace. `diff` reads it,
# because finished Jobs can be deleted by TTL or hook policies.
#   record_evidence <result> <checksum of the non-secret inputs>
record_evidence() {
  local result=$1 checksum=$2 step=${EVIDENCE_STEP:?} cm=${EVIDENCE_CONFIGMAP:-threescale-migrate-evidence}
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  kubectl -n "${NAMESPACE:?}" create configmap "$cm" >/dev/null 2>&1 || true
  printf '{"data":{"%s.phase":"%s","%s.inputsChecksum":"%s","%s.finishedAt":"%s","%s.result":"%s","%s.planSha256":"%s"}}' \
    "$step" "${PHASE:-}" "$step" "$checksum" "$step" "$now" "$step" "$result" "$step" "${PLAN_SHA256:-}" >"$WORK/evidence.json"
  kubectl -n "$NAMESPACE" patch configmap "$cm" --type merge --patch-file "$WORK/evidence.json" >/dev/null
  log "evidence recorded: $step $result"
}

# sha256 of stdin, hex.
checksum() { sha256sum | cut -d' ' -f1; }
