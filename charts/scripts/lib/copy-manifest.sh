# shellcheck shell=bash
# copy-manifest.sh: what a copy step proved equal, kept so that a later step can prove it again. Sourced, never
# executed; needs lib/common.sh and lib/evidence.sh.
#
# A manifest is a text of sorted lines "<key>\t<value>": one per table (its row count, its checksum), per part
# of the schema and settings, per Redis database (key counts, digest), plus "mode <name>" lines saying how the
# values were computed. It holds names, counts and digests, never a value of the data or a credential.
# The copy step sets EVIDENCE_MANIFEST to the file before its Succeeded record; evidence.sh stores it as
# <step>.manifest (gzip, then base64 without padding: one line in both sinks, about 60 bytes a table).
#
# A verify step rebuilds the manifest from the live servers, with the copy's own functions, and compares:
#   manifest_findings RECORDED ACTUAL SIDE   one line per key that differs, naming it and both values.

# manifest_encode FILE: the evidence value of a manifest (gzip -9n, base64 without padding or line breaks).
manifest_encode() {
  gzip -9nc <"$1" | base64 -w0 | tr -d '='
}

# manifest_read STEP OUT: the manifest the evidence of STEP records, into OUT; fails when there is none.
manifest_read() {
  local value pad
  value="$(EVIDENCE_STEP="$1" evidence_get manifest)"
  [ -n "$value" ] || return 1
  case "$value" in *[!A-Za-z0-9+/]*) return 1 ;; esac
  pad=$(((4 - ${#value} % 4) % 4))
  { printf '%s' "$value"; head -c "$pad" /dev/zero | tr '\0' '='; } | base64 -d 2>/dev/null | gzip -dc >"$2" 2>/dev/null
}

# manifest_value FILE KEY: the value of KEY in a manifest (empty when absent).
manifest_value() {
  awk -F '\t' -v k="$2" '$1 == k { print $2; exit }' "$1"
}

# manifest_findings RECORDED ACTUAL SIDE: "<SIDE>: <key>: <recorded> at the copy, <actual> now" per key whose
# value differs or that only one of them has ("none" for a missing one). Digests are shortened to 12 hex digits.
# "mode" lines are not compared (they say how to compute, not what).
manifest_findings() {
  LC_ALL=C awk -F '\t' -v side="$3" '
    function short(v) { return (v ~ /^sha[0-9]*:[0-9a-f]+$/) ? substr(v, 1, index(v, ":") + 12) : v }
    $1 ~ /^mode / { next }
    NR == FNR { rec[$1] = $2; order[++n] = $1; next }
    { act[$1] = $2; if (!($1 in rec)) order[++n] = $1 }
    END {
      for (i = 1; i <= n; i++) {
        k = order[i]
        if (k in seen) continue
        seen[k] = 1
        r = (k in rec) ? short(rec[k]) : "none"
        a = (k in act) ? short(act[k]) : "none"
        if (!(k in rec) || !(k in act) || rec[k] != act[k]) print side ": " k ": " r " at the copy, " a " now"
      }
    }' "$1" "$2"
}

# manifest_keys_like FILE PATTERN: the lines of a manifest whose key matches the awk regular expression PATTERN.
manifest_keys_like() {
  awk -F '\t' -v p="$2" '$1 ~ p' "$1"
}

# verify_copy_on_exit: the EXIT trap of a verify step: a Failed record naming the first difference (or the
# error) when the step fails, then WORK removed. Needs WORK and INPUTS_CHECKSUM.
verify_copy_on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    evidence_write Failed "${INPUTS_CHECKSUM:-}" "failed (exit $rc): ${TSM_LAST_ERROR:-see Job log}" || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}

# verify_copy_finish FINDINGS SUMMARY: fail naming the first difference when the findings file is not empty
# (all of them, up to 60, in the log), else record Succeeded with SUMMARY. Needs COPY_STEP and INPUTS_CHECKSUM.
verify_copy_finish() {
  local findings="$1" n
  n="$(wc -l <"$findings")"
  if [ "$n" -gt 0 ]; then
    log "$n difference(s) from what copy step $COPY_STEP recorded:"
    sed -n '1,60p' "$findings" | sed 's/^/  /' >&2
    die "the data differs from what copy step $COPY_STEP copied: $(head -n 1 "$findings")$([ "$n" -gt 1 ] && printf ' (and %s more)' "$((n - 1))")"
  fi
  evidence_write Succeeded "$INPUTS_CHECKSUM" "$2" || die "could not write the evidence record"
  log "$2"
}

# verify_copy_source DESC ANSWERS_FN READ_FN RECORDED STOPPED_HINT: the old server, compared with the source lines of
# the manifest RECORDED when ANSWERS_FN says it answers (its errors on stderr); READ_FN prints its manifest. The
# differences go to FINDINGS, named as writes the target lacks. Sets SOURCE_WORD: unchanged, changed, not reachable.
# shellcheck disable=SC2034,SC2153 # SOURCE_WORD is read, FINDINGS and WORK set, by the calling verify step
verify_copy_source() {
  local desc="$1" answers="$2" read_fn="$3" recorded="$4" before
  if ! "$answers" 2>"$WORK/source.err"; then
    log "source $desc does not answer ($5): $(tr '\n' ' ' <"$WORK/source.err" | cut -c1-200); only the target is compared"
    SOURCE_WORD="not reachable"
    return 0
  fi
  "$read_fn" >"$WORK/actual.src" 2>"$WORK/source.err" ||
    die "cannot read the state of source $desc: $(tr '\n' ' ' <"$WORK/source.err" | cut -c1-300)"
  before="$(wc -l <"$FINDINGS")"
  manifest_findings "$recorded" "$WORK/actual.src" "source $desc (written to after the copy: those writes are not on the target)" >>"$FINDINGS"
  SOURCE_WORD="unchanged"
  [ "$(wc -l <"$FINDINGS")" -eq "$before" ] || SOURCE_WORD="changed"
}
