# shellcheck shell=bash
# Evidence records: a small, secret-free record of what a step did, so that the orchestrator (and a
# rerun of the same step) can tell whether the work is already done.
#
# A record is five keys per step:
#   <step>.phase           Running | Succeeded | Failed
#   <step>.inputsChecksum  sha256 of the non-secret inputs (hosts, ports, database names, counts)
#   <step>.jobSha256       digest of the Job's inputs as synthesized from the plan (JOB_SHA256; empty outside a
#                          Job), so `status` can tell a step done with inputs an edit of the plan changed since
#   <step>.finishedAt      UTC time stamp (empty while Running)
#   <step>.result          one-line human summary
# and, for the copy steps, two more when the step sets them:
#   <step>.sourceFingerprint  EVIDENCE_SOURCE_FINGERPRINT: a digest of the source's data as copied, which changes
#                             with any write to it (each copy step says how it computes it)
#   <step>.targetBaseline     EVIDENCE_TARGET_BASELINE: where the target stood before this step first wrote to
#                             it, so a reset can prove which objects the step created (PostgreSQL: a transaction id)
#   <step>.manifest           EVIDENCE_MANIFEST: a file listing what the copy proved equal, table by table or database
#                             by database (lib/copy-manifest.sh), so a verify step can prove it again
#   <step>.targets         only with EVIDENCE_TARGETS: Kind/namespace/name=uid of every object the step
#                          fills (the PVC or Deployment it copied into), read from the API when the record
#                          is written, so `status` can tell that one was recreated since (its data gone)
#
# Sinks (either, both or none):
#   EVIDENCE_FILE       a key=value file; records of other steps in the same file are preserved.
#   EVIDENCE_CONFIGMAP  a ConfigMap written by server-side apply through the Kubernetes API with curl,
#                       when the service account token exists (KUBE_TOKEN_FILE). Needs RBAC verbs
#                       get + patch (+ create for the first apply) on configmaps in NAMESPACE.
#
# Server-side apply detail: a field manager owns exactly the fields of its last apply, and fields it
# stops sending are deleted. Several steps sharing one ConfigMap under one field manager would delete
# each other's keys (and race when Jobs run in parallel), so each step applies under its own manager,
# "threescale-migrate-job.<step>" (override with EVIDENCE_FIELD_MANAGER).
#
# EVIDENCE_TARGETS: space-separated Kind/namespace/name (PersistentVolumeClaim, Deployment, StatefulSet) of
# the objects the step fills; needs RBAC get on them. An object that cannot be read is left out (warned).
#
# Requires lib/common.sh to be sourced first.

KUBE_TOKEN_FILE="${KUBE_TOKEN_FILE:-/var/run/secrets/kubernetes.io/serviceaccount/token}"
KUBE_API="${KUBE_API:-https://kubernetes.default.svc}"
KUBE_CA="${KUBE_CA:-/var/run/secrets/kubernetes.io/serviceaccount/ca.crt}"

# evidence_init DEFAULT_STEP: choose the step name (EVIDENCE_STEP wins) and validate it, because it
# becomes part of ConfigMap keys ([-._a-zA-Z0-9]+) and of a sed pattern.
evidence_init() {
  EVIDENCE_STEP="${EVIDENCE_STEP:-$1}"
  case "$EVIDENCE_STEP" in
    '' | [!A-Za-z0-9]* | *[!A-Za-z0-9._-]*)
      die "EVIDENCE_STEP must match [A-Za-z0-9][A-Za-z0-9._-]* (got '$EVIDENCE_STEP')"
      ;;
  esac
  # shellcheck disable=SC2034 # used by log() in common.sh
  TSM_STEP="$EVIDENCE_STEP"
  EVIDENCE_FIELD_MANAGER="${EVIDENCE_FIELD_MANAGER:-threescale-migrate-job.$EVIDENCE_STEP}"
}

# The step name as a sed regular expression (only '.' needs escaping after validation).
_evidence_step_re() {
  printf '%s' "$EVIDENCE_STEP" | sed 's/\./\\./g'
}

_evidence_configmap_enabled() {
  [ -n "${EVIDENCE_CONFIGMAP:-}" ] || return 1
  if [ ! -r "$KUBE_TOKEN_FILE" ]; then
    warn "EVIDENCE_CONFIGMAP is set but no service account token at $KUBE_TOKEN_FILE: ConfigMap evidence skipped"
    return 1
  fi
  if [ -z "${NAMESPACE:-}" ]; then
    local ns_file
    ns_file="$(dirname "$KUBE_TOKEN_FILE")/namespace"
    [ -r "$ns_file" ] && NAMESPACE="$(cat "$ns_file")"
  fi
  [ -n "${NAMESPACE:-}" ] || die "EVIDENCE_CONFIGMAP is set but NAMESPACE is unknown"
  return 0
}

# _kube_curl METHOD URL OUT_FILE [BODY_FILE CONTENT_TYPE]: prints the HTTP status code.
# The bearer token goes to curl as a config line on stdin (-K -), so it never shows in the process list.
_kube_curl() {
  local method="$1" url="$2" out="$3" body="${4:-}" ctype="${5:-}" token
  local args=(-sS -X "$method" -o "$out" -w '%{http_code}' --connect-timeout 10 --max-time 30
    --retry 3 --retry-delay 2 --retry-connrefused)
  if [ -r "$KUBE_CA" ]; then
    args+=(--cacert "$KUBE_CA")
  fi
  if [ -n "$body" ]; then
    args+=(-H "Content-Type: $ctype" --data-binary "@$body")
  fi
  token="$(tr -d '\r\n' <"$KUBE_TOKEN_FILE")"
  printf 'header = "Authorization: Bearer %s"\n' "$token" | curl -K - "${args[@]}" "$url"
}

_configmap_url() {
  printf '%s/api/v1/namespaces/%s/configmaps/%s' "${KUBE_API%/}" "$NAMESPACE" "$EVIDENCE_CONFIGMAP"
}

# _json_string VALUE: VALUE as a JSON string literal (control characters dropped).
_json_string() {
  printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

# evidence_get KEY: print <step>.KEY from the file sink, else from the ConfigMap; empty when unknown.
evidence_get() {
  local key="$1" step_re value="" tmp code
  step_re="$(_evidence_step_re)"
  if [ -n "${EVIDENCE_FILE:-}" ] && [ -r "$EVIDENCE_FILE" ]; then
    value="$(sed -n "s/^${step_re}\\.${key}=//p" "$EVIDENCE_FILE" | tail -n 1)"
  fi
  if [ -z "$value" ] && _evidence_configmap_enabled; then
    tmp="$(mktemp)"
    code="$(_kube_curl GET "$(_configmap_url)" "$tmp" || true)"
    case "$code" in
      200)
        # Compact JSON, or indented (kube-apiserver indents for curl's User-Agent): "key": "value". Our values
        # never contain quotes or backslashes. (Escaped copies inside annotations look like \"key\":\"v\" and
        # do not match.)
        value="$(sed -n "s/.*\"${step_re}\\.${key}\": *\"\\([^\"\\\\]*\\)\".*/\\1/p" "$tmp" | head -n 1)"
        ;;
      404) ;;
      *) warn "could not read evidence ConfigMap $EVIDENCE_CONFIGMAP (HTTP ${code:-none})" ;;
    esac
    rm -f "$tmp"
  fi
  printf '%s' "$value"
}

# _evidence_copy_keys: "key=value" lines of the copy keys the step set (values reduced to [0-9A-Za-z/:._-]; the
# manifest is base64 without padding). Needs lib/copy-manifest.sh when the step sets EVIDENCE_MANIFEST.
_evidence_copy_keys() {
  local v
  v="$(printf '%s' "${EVIDENCE_SOURCE_FINGERPRINT:-}" | tr -cd '0-9A-Za-z/:._-' | cut -c1-128)"
  if [ -n "$v" ]; then printf 'sourceFingerprint=%s\n' "$v"; fi
  v="$(printf '%s' "${EVIDENCE_TARGET_BASELINE:-}" | tr -cd '0-9A-Za-z/:._-' | cut -c1-128)"
  if [ -n "$v" ]; then printf 'targetBaseline=%s\n' "$v"; fi
  if [ -n "${EVIDENCE_MANIFEST:-}" ] && [ -s "$EVIDENCE_MANIFEST" ]; then
    v="$(manifest_encode "$EVIDENCE_MANIFEST")"
    # A ConfigMap holds 1 MiB in all; a System database's manifest is a few kB.
    if [ "${#v}" -le 262144 ]; then printf 'manifest=%s\n' "$v"; else warn "the manifest of this copy (${#v} bytes encoded) is too large for the evidence record; a later verify cannot prove the copy again"; fi
  fi
}

# _evidence_copy_json: the copy keys as JSON members, each preceded by a comma.
_evidence_copy_json() {
  local key value
  _evidence_copy_keys | while IFS='=' read -r key value; do
    printf ',%s:%s' "$(_json_string "$EVIDENCE_STEP.$key")" "$(_json_string "$value")"
  done
}

# _evidence_targets: Kind/namespace/name=uid of each EVIDENCE_TARGETS entry, comma-separated (empty without
# EVIDENCE_TARGETS or an API token).
_evidence_targets() {
  local entry kind ns name path tmp code uid out=""
  [ -n "${EVIDENCE_TARGETS:-}" ] && [ -r "$KUBE_TOKEN_FILE" ] || return 0
  for entry in $EVIDENCE_TARGETS; do
    IFS=/ read -r kind ns name <<<"$entry"
    case "$kind" in
      PersistentVolumeClaim) path="api/v1/namespaces/$ns/persistentvolumeclaims/$name" ;;
      Deployment) path="apis/apps/v1/namespaces/$ns/deployments/$name" ;;
      StatefulSet) path="apis/apps/v1/namespaces/$ns/statefulsets/$name" ;;
      *) die "EVIDENCE_TARGETS: unknown kind '$kind' in '$entry' (expected PersistentVolumeClaim, Deployment or StatefulSet)" ;;
    esac
    tmp="$(mktemp)"
    code="$(_kube_curl GET "${KUBE_API%/}/$path" "$tmp" || true)"
    # The first "uid" of the answer is metadata.uid (ownerReferences come after it). kube-apiserver indents
    # its JSON for curl's User-Agent, hence the optional blank.
    uid="$(grep -o '"uid": *"[A-Za-z0-9-]*"' "$tmp" | head -n 1 | cut -d'"' -f4 || true)"
    rm -f "$tmp"
    if [ "$code" = 200 ] && [ -n "$uid" ]; then
      out="${out:+$out,}$kind/$ns/$name=$uid"
    else
      warn "could not read $kind $ns/$name for the evidence record (HTTP ${code:-none})"
    fi
  done
  printf '%s' "$out"
}

# _evidence_file_put KEYS: replaces this step's lines whose key matches KEYS (a sed alternative: '[^=]*' for all) in
# EVIDENCE_FILE by the lines read from stdin, atomically. Returns non-zero when the file could not be written.
_evidence_file_put() {
  local keys="$1" dir tmp
  dir="$(dirname "$EVIDENCE_FILE")"
  mkdir -p "$dir"
  tmp="$(mktemp "$dir/.evidence.XXXXXX")"
  if [ -f "$EVIDENCE_FILE" ]; then
    sed -e "/^$(_evidence_step_re)\\.\\($keys\\)=/d" "$EVIDENCE_FILE" >"$tmp"
  fi
  cat >>"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$EVIDENCE_FILE"
}

# _evidence_configmap_send QUERY CONTENT_TYPE BODY_FILE WHAT: PATCHes BODY_FILE (then removed) to the evidence
# ConfigMap with QUERY; on an answer other than 200 or 201 logs the API's message after "WHAT ... failed" and
# returns non-zero.
_evidence_configmap_send() {
  local query="$1" ctype="$2" body="$3" what="$4" out code rc=0
  out="$(mktemp)"
  code="$(_kube_curl PATCH "$(_configmap_url)?$query" "$out" "$body" "$ctype" || true)"
  case "$code" in
    200 | 201) ;;
    *)
      # The API's error body is a Status object without secrets; show its message for diagnosis.
      log "ERROR: $what evidence ConfigMap $NAMESPACE/$EVIDENCE_CONFIGMAP failed (HTTP ${code:-none}): $(tr -d '\n' <"$out" | cut -c1-300)"
      rc=1
      ;;
  esac
  rm -f "$body" "$out"
  return "$rc"
}

# _evidence_job_sha: JOB_SHA256 as hex digits only (it goes unescaped into the key=value file and the JSON body).
_evidence_job_sha() {
  printf '%s' "${JOB_SHA256:-}" | tr -cd '0-9a-f' | cut -c1-64
}

# _evidence_clean_result TEXT: TEXT as one line of at most 512 bytes free of characters that would need escaping
# anywhere (control characters, double quote, backslash).
_evidence_clean_result() {
  # shellcheck disable=SC1003 # '\\' is tr's backslash, not a quote escape
  printf '%s' "$1" | tr -d '\000-\037"\\' | cut -c1-512
}

# evidence_write PHASE INPUTS_CHECKSUM RESULT: write the record to every configured sink.
# Returns non-zero when a configured sink could not be written.
evidence_write() {
  local phase="$1" checksum="$2" result="$3" finished="" rc=0 plan targets
  plan="$(_evidence_job_sha)"
  if [ "$phase" != "Running" ]; then
    finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  fi
  result="$(_evidence_clean_result "$result")"
  targets="$(_evidence_targets)"

  if [ -n "${EVIDENCE_FILE:-}" ]; then
    {
      printf '%s.phase=%s\n' "$EVIDENCE_STEP" "$phase"
      printf '%s.inputsChecksum=%s\n' "$EVIDENCE_STEP" "$checksum"
      printf '%s.jobSha256=%s\n' "$EVIDENCE_STEP" "$plan"
      printf '%s.finishedAt=%s\n' "$EVIDENCE_STEP" "$finished"
      printf '%s.result=%s\n' "$EVIDENCE_STEP" "$result"
      _evidence_copy_keys | while IFS='=' read -r key value; do printf '%s.%s=%s\n' "$EVIDENCE_STEP" "$key" "$value"; done
      [ -z "$targets" ] || printf '%s.targets=%s\n' "$EVIDENCE_STEP" "$targets"
    } | _evidence_file_put '[^=]*' || rc=1
  fi

  if _evidence_configmap_enabled; then
    local body
    body="$(mktemp)"
    # JSON is valid YAML, so the apply-patch+yaml content type accepts it. Only data keys are sent: no
    # labels or annotations, so a chart/GitOps tool that owns the ConfigMap's metadata is not disturbed.
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%s,"namespace":%s},"data":{%s:%s,%s:%s,%s:%s,%s:%s,%s:%s%s%s}}\n' \
      "$(_json_string "$EVIDENCE_CONFIGMAP")" "$(_json_string "$NAMESPACE")" \
      "$(_json_string "$EVIDENCE_STEP.phase")" "$(_json_string "$phase")" \
      "$(_json_string "$EVIDENCE_STEP.inputsChecksum")" "$(_json_string "$checksum")" \
      "$(_json_string "$EVIDENCE_STEP.jobSha256")" "$(_json_string "$plan")" \
      "$(_json_string "$EVIDENCE_STEP.finishedAt")" "$(_json_string "$finished")" \
      "$(_json_string "$EVIDENCE_STEP.result")" "$(_json_string "$result")" "$(_evidence_copy_json)" \
      "${targets:+,$(_json_string "$EVIDENCE_STEP.targets"):$(_json_string "$targets")}" >"$body"
    _evidence_configmap_send "fieldManager=${EVIDENCE_FIELD_MANAGER}&force=true" 'application/apply-patch+yaml' "$body" applying || rc=1
  fi

  if [ "$rc" -eq 0 ] && [ "$phase" != "Running" ]; then
    log "evidence: $EVIDENCE_STEP.phase=$phase $EVIDENCE_STEP.inputsChecksum=$checksum"
  fi
  return "$rc"
}

# evidence_confirm RESULT: a rerun found the step's work still done (a copy whose source is unchanged and whose
# target still matches) while its record does not say Succeeded (a rollback marked it Undone: kube/retire-jobs.sh).
# Sets phase Succeeded, jobSha256, finishedAt and result again and leaves every other key of the record as it is
# (the fingerprint, baseline, manifest and targets of the copy that stands): the file's lines are replaced, the
# ConfigMap gets a JSON merge patch of those four keys only (a server-side apply without the copy keys would
# delete them). Returns non-zero when a configured sink could not be written.
evidence_confirm() {
  local result="$1" finished plan rc=0
  finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  plan="$(_evidence_job_sha)"
  result="$(_evidence_clean_result "$result")"
  if [ -n "${EVIDENCE_FILE:-}" ] && [ -f "$EVIDENCE_FILE" ]; then
    {
      printf '%s.phase=Succeeded\n' "$EVIDENCE_STEP"
      printf '%s.jobSha256=%s\n' "$EVIDENCE_STEP" "$plan"
      printf '%s.finishedAt=%s\n' "$EVIDENCE_STEP" "$finished"
      printf '%s.result=%s\n' "$EVIDENCE_STEP" "$result"
    } | _evidence_file_put 'phase\|jobSha256\|finishedAt\|result' || rc=1
  fi
  if _evidence_configmap_enabled; then
    local body
    body="$(mktemp)"
    printf '{"data":{%s:%s,%s:%s,%s:%s,%s:%s}}\n' \
      "$(_json_string "$EVIDENCE_STEP.phase")" '"Succeeded"' \
      "$(_json_string "$EVIDENCE_STEP.jobSha256")" "$(_json_string "$plan")" \
      "$(_json_string "$EVIDENCE_STEP.finishedAt")" "$(_json_string "$finished")" \
      "$(_json_string "$EVIDENCE_STEP.result")" "$(_json_string "$result")" >"$body"
    _evidence_configmap_send "fieldManager=${EVIDENCE_FIELD_MANAGER}" 'application/merge-patch+json' "$body" patching || rc=1
  fi
  [ "$rc" -ne 0 ] || log "evidence: $EVIDENCE_STEP.phase=Succeeded again (the earlier copy stands)"
  return "$rc"
}

# handle_nonempty_target WHAT TARGET_MATCHES_FN RESET_HINT: what a copy step does when its target already holds
# data (WHAT names it, e.g. "target x already holds 12 relations"). The evidence record of this step tells:
#   * Succeeded, same inputs, same source fingerprint, and TARGET_MATCHES_FN (a predicate) says the target still
#     equals the source: exit 0, nothing to do;
#   * Succeeded, same inputs, but the source changed since (its fingerprint differs: 3scale wrote to it again,
#     e.g. after a rollback) or the target no longer matches: with TARGET_RESET=true reset and copy again, else
#     refuse, naming spec.jobs.resetTarget;
#   * Running or Failed with the same inputs: the partial result is this step's own, reset and restart;
#   * no record of this step with these inputs: refuse. With TARGET_RESET=true a step that defines
#     refuse_unproven_reset calls it (it dies naming the objects no evidence proves the step created); other
#     steps reset.
# Needs INPUTS_CHECKSUM (the step's endpoints and options), EVIDENCE_SOURCE_FINGERPRINT (may be empty: the step
# has none, its INPUTS_CHECKSUM carries the source's state), TARGET_RESET and a reset_target function (which
# removes only what the step's evidence proves it created). Sets TARGET_TOUCHED.
handle_nonempty_target() {
  local what="$1" matches_fn="$2" reset_hint="$3" prev_phase prev_checksum prev_fingerprint reason
  prev_phase="$(evidence_get phase)"
  prev_checksum="$(evidence_get inputsChecksum)"
  prev_fingerprint="$(evidence_get sourceFingerprint)"
  if [ "$prev_checksum" != "$INPUTS_CHECKSUM" ] || [ -z "$prev_phase" ]; then
    if ! is_true "$TARGET_RESET"; then
      die "$what and no evidence says it comes from this source; refusing. Set TARGET_RESET=true (spec.jobs.resetTarget) to $reset_hint"
    fi
    if declare -F refuse_unproven_reset >/dev/null; then
      refuse_unproven_reset "$what"
    fi
    log "$what and TARGET_RESET=true"
    TARGET_TOUCHED=1
    reset_target
    return 0
  fi
  case "$prev_phase" in
    Running | Failed)
      log "target holds the partial result of an earlier attempt of this step with the same inputs (phase $prev_phase); restarting it cleanly"
      TARGET_TOUCHED=1
      reset_target
      return 0
      ;;
  esac
  if [ "${EVIDENCE_SOURCE_FINGERPRINT:-}" != "$prev_fingerprint" ]; then
    reason="the source changed since this step copied it (fingerprint ${prev_fingerprint:-none} then, ${EVIDENCE_SOURCE_FINGERPRINT:-none} now: something wrote to it again, e.g. 3scale after a rollback)"
  elif "$matches_fn"; then
    log "already done: the evidence shows this source was copied to this target, the source is unchanged (fingerprint ${prev_fingerprint:-none}) and the target still matches it; nothing to do"
    # A record a rollback marked Undone says Succeeded again: this run proved the copy still stands.
    if [ "$prev_phase" != Succeeded ]; then
      evidence_confirm "already done (the record read $prev_phase): source unchanged since the copy (fingerprint ${prev_fingerprint:-none}), target still equal" ||
        die "could not write the evidence record"
    fi
    exit 0
  else
    reason="the evidence shows an earlier successful copy from this source, but the target no longer matches it (was it used since?)"
  fi
  if ! is_true "$TARGET_RESET"; then
    die "$reason; refusing to overwrite the target. Set spec.jobs.resetTarget: true in the plan (TARGET_RESET=true) to $reset_hint"
  fi
  log "$reason; TARGET_RESET=true: resetting the target and copying again"
  TARGET_TOUCHED=1
  reset_target
}

# copy_step_init: the scratch folder of a copy step, and an EXIT trap that records a Failed evidence record
# once the step has started changing its target (TARGET_TOUCHED=1), then removes the scratch folder.
# Sets WORK, TARGET_TOUCHED=0 and INPUTS_CHECKSUM="" for the step to fill in.
# shellcheck disable=SC2034 # TARGET_TOUCHED and INPUTS_CHECKSUM are read by the calling step
copy_step_init() {
  WORK="$(make_workdir)"
  TARGET_TOUCHED=0
  INPUTS_CHECKSUM=""
  trap _copy_step_on_exit EXIT
}

_copy_step_on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ "$TARGET_TOUCHED" -eq 1 ]; then
    evidence_write Failed "$INPUTS_CHECKSUM" "failed (exit $rc): ${TSM_LAST_ERROR:-see Job log}" || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
