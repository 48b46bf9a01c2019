import type { VersionRequirementsPolicy } from '../../plan/plan-schema.js';

/**
 * Minimum server versions for 3scale 2.16, in the two tables that disagree (seed chapter 1, "Components
 * and minimum version requirements", against the `rht_*_requirements` annotations of the upstream 2.16
 * operator CSV). The version-check Jobs and `diff` compare against the table the plan's
 * `spec.preflight.versionRequirements` names.
 */

/** Minimum OpenShift version of the vendor's prerequisites (seed chapter 1: "at least version 4.12"). */
export const MIN_OPENSHIFT = '4.12';

/**
 * The OpenShift minor versions seed chapter 1 lists for 3scale 2.16 ("4.12, 4.14, 4.16, 4.17, 4.18, 4.19 or
 * 4.20"): 4.13 and 4.15 are not among them, nor anything after 4.20.
 */
export const SUPPORTED_OPENSHIFT: readonly string[] = ['4.12', '4.14', '4.16', '4.17', '4.18', '4.19', '4.20'];

/** The supported versions in words: `4.12, 4.14, … or 4.20`. */
export const SUPPORTED_OPENSHIFT_TEXT = `${SUPPORTED_OPENSHIFT.slice(0, -1).join(', ')} or ${SUPPORTED_OPENSHIFT.at(-1)}`;

/**
 * Whether an OpenShift version (`4.16.12`) is one the vendor lists, and if not, what to do; undefined when
 * it is not a version.
 */
export function openshiftSupport(version: string): { readonly ok: boolean; readonly detail: string } | undefined {
  const m = /^(\d+)\.(\d+)(?:\.|$|[-+])/.exec(version.trim());
  if (!m) return undefined;
  const minor = `${Number(m[1])}.${Number(m[2])}`;
  if (SUPPORTED_OPENSHIFT.includes(minor)) return { ok: true, detail: 'supported' };
  if (meetsMinimum(version, MIN_OPENSHIFT) === false) return { ok: false, detail: `upgrade OpenShift to ${SUPPORTED_OPENSHIFT_TEXT} before upgrading 3scale` };
  const next = SUPPORTED_OPENSHIFT.find((v) => meetsMinimum(v, minor) === true);
  return next
    ? { ok: false, detail: `OpenShift ${minor} is not among the versions the vendor lists for 3scale 2.16; upgrade OpenShift to ${next} before upgrading 3scale` }
    : { ok: false, detail: `OpenShift ${minor} is newer than the versions the vendor lists for 3scale 2.16 (up to ${SUPPORTED_OPENSHIFT.at(-1)}); check the vendor's current support matrix before upgrading 3scale` };
}

/** The server kinds whose version 3scale 2.16 checks (Oracle is not checked, and is refused anyway). */
export type ServerKind = 'postgresql' | 'mysql' | 'redis';

/** One requirements table. */
export interface VersionRequirements {
  /** Which table. */
  readonly policy: VersionRequirementsPolicy;
  /** Minimum version per server kind, as the source writes it. */
  readonly minimum: Readonly<Record<ServerKind, string>>;
  /**
   * Whether a MariaDB server passes the MySQL requirement. The operator compares the number only (MariaDB
   * 10.x is above 8.0); the vendor supports MySQL, which MariaDB is not.
   */
  readonly mariadbAccepted: boolean;
  /** Where the figures come from, for messages and the README. */
  readonly source: string;
}

export const VERSION_REQUIREMENTS: Readonly<Record<VersionRequirementsPolicy, VersionRequirements>> = {
  vendor: {
    policy: 'vendor',
    minimum: { mysql: '8.0.0', postgresql: '15.0', redis: '7.2' },
    mariadbAccepted: false,
    source: 'vendor documentation (Migrating 3scale 2.16, chapter 1)',
  },
  operator: {
    policy: 'operator',
    minimum: { mysql: '8.0.0', postgresql: '13.0.0', redis: '7.0.0' },
    mariadbAccepted: true,
    source: 'upstream 3scale operator 2.16 CSV (rht_*_requirements)',
  },
};

/** The requirements table of a policy. */
export function versionRequirements(policy: VersionRequirementsPolicy): VersionRequirements {
  return VERSION_REQUIREMENTS[policy];
}

/**
 * The numeric `major.minor.patch` at the start of a version string, missing parts as 0 (`15.20 (Debian…)`
 * → [15, 20, 0], `10.11.19-MariaDB-0+deb12u1` → [10, 11, 19]); undefined when it does not start with a number.
 * Like the operator's tolerant semver comparison, anything after the numbers is ignored.
 */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** Whether `found` is at least `minimum`; undefined when either is not a version. */
export function meetsMinimum(found: string, minimum: string): boolean | undefined {
  const a = parseVersion(found);
  const b = parseVersion(minimum);
  if (!a || !b) return undefined;
  for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! > b[i]!;
  return true;
}
