import type { VersionRequirementsPolicy } from '../plan/plan-schema.js';

/**
 * Minimum server versions for 3scale 2.16, in the two tables that disagree (seed chapter 1, "Components
 * and minimum version requirements", against the `rht_*_requirements` annotations of the upstream 2.16
 * operator CSV). The version-check Jobs and `diff` compare against the table the plan's
 * `spec.preflight.versionRequirements` names.
 */

/** Minimum OpenShift version of the vendor's prerequisites (seed chapter 1: "at least version 4.12"). */
export const MIN_OPENSHIFT = '4.12';

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
