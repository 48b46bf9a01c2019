/**
 * The shape of the preflight part of the diff report (`diff -o json` prints it), whichever procedure's checks
 * fill it (a procedure declares them as `report.preflight`).
 */

/** Outcome of one check. */
export type PreflightCheckStatus = 'passed' | 'failed' | 'unknown';

/** One check, as `diff -o json` prints it. */
export interface PreflightCheck {
  /** Stable id, e.g. `openshift-version`, `operator-csv:3scale-operator`, `server-version:system-redis`. */
  readonly id: string;
  /** One line: what is checked. */
  readonly title: string;
  readonly status: PreflightCheckStatus;
  /** What the cluster shows (null when nothing could be read). */
  readonly found: string | null;
  /** What 3scale 2.16 needs. */
  readonly needed: string;
  /** Where `found` comes from (object and field, or the evidence record). */
  readonly source: string;
  /** The phase of this plan that fixes a failure, or null when it is fixed outside this tool. */
  readonly fixedBy: string | null;
  /** One sentence: how to fix a failure, or why the check is unknown. */
  readonly detail: string;
}

/** The preflight part of the diff report. */
export interface PreflightReport {
  /** The requirements table the versions are compared with (`spec.preflight.versionRequirements` or the flag). */
  readonly requirements: 'vendor' | 'operator';
  /** Every check, in a fixed order. */
  readonly checks: readonly PreflightCheck[];
  /** Ids of the failed checks. */
  readonly failed: readonly string[];
}
