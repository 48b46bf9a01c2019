import type { JsonPatchStep } from '../../../patches/json-patch-steps.js';
import type { Plan } from '../../../plan/plan-schema.js';
import type { CreatedObject } from '../created-objects.js';
import type { DiscoveredDatabase, LiveInstall } from '../live-install.js';
import type { SwitchOver } from '../switch-over.js';

/** The System database component of a plan. */
export type SystemDatabase = Plan['spec']['systemDatabase'];

/** One strategy of the System database: `<kind>/<strategy>`, or `oracle` (refused before anything renders). */
export type DatabaseStrategy =
  | 'postgresql/upgrade-on-cluster'
  | 'postgresql/managed'
  | 'postgresql/already-external'
  | 'mysql/keep-in-place'
  | 'mysql/managed'
  | 'mysql/already-external'
  | 'oracle';

/** The phases of the externalization where a System database mover can have work. */
export type DatabasePhase = 'prepare' | 'copy-data' | 'cutover' | 'verify';

/**
 * Where a mover's lines go among the lines of its phase: `new-servers` (a server the plan creates in the
 * cluster), `existing-servers` (a server the plan does not create), `detach` (the objects it leaves in place),
 * `checks` (read-only proofs, after everything else).
 */
export type DatabaseSlot = 'new-servers' | 'existing-servers' | 'detach' | 'checks';

/** The System database a verify Job reads, where 3scale now reaches it. */
export interface VerifyTarget {
  readonly kind: 'postgresql' | 'mysql';
  readonly host: string;
  /** Absent: the client's default. */
  readonly port?: number;
  readonly database: string;
  /** The client image. */
  readonly image: string;
  /** The credentials Secret (in the 3scale namespace) and its keys; absent: DB_USER and DB_PASSWORD of the connection Secret. */
  readonly credentials?: { readonly secretName: string; readonly userKey: string; readonly passwordKey: string };
}

/** A Job a mover contributes: its name (the evidence step `diff` expects done) and how the chart builds it. */
export interface DatabaseJob {
  readonly build: 'copy-postgresql' | 'copy-to-managed' | 'detach-mysql' | 'verify-copy' | 'check-managed-database' | 'copy-database-credentials' | 'verify-database';
  readonly name: string;
  /** The namespace the Job writes into, where it is not the 3scale one (the credentials copy: the new server's). */
  readonly namespace?: string;
  /** What a `verify-database` Job reads. */
  readonly target?: VerifyTarget;
}

/** A server a mover creates: the new PostgreSQL (Deployment, PVC, Service, ServiceAccount) in its namespace. */
export interface DatabaseServer {
  readonly build: 'postgresql-server';
  readonly namespace: string;
}

/**
 * What the mover does in one phase, as one object: the phase's words (plan view, PHASE.md), the Jobs its
 * chart renders, and what `diff` expects of it beyond the rendered objects (the guarded patches its Job
 * applies to objects the tool does not own, checked on the live objects from this phase on).
 */
export interface DatabaseWork {
  readonly words: Partial<Record<DatabaseSlot, readonly string[]>>;
  readonly jobs: readonly DatabaseJob[];
  readonly patches: readonly JsonPatchStep[];
  /** The servers the phase's chart creates for it; absent: none. */
  readonly servers?: readonly DatabaseServer[];
  /** What the phase creates for it that the rollback of the phase deletes; absent: nothing. */
  readonly creates?: readonly CreatedObject[];
}

/** No work in a phase. */
export const NO_DATABASE_WORK: DatabaseWork = { words: {}, jobs: [], patches: [] };

/** One System database strategy: what it does in each phase, and what it switches at the cut-over. */
export interface DatabaseMover {
  readonly strategy: DatabaseStrategy;
  work(plan: Plan, phase: DatabasePhase): DatabaseWork;
  /** What the cut-over changes for 3scale's System database (its connection Secret, its APIManager flag, the old server); {@link NO_SWITCH} when nothing. */
  switchOver(plan: Plan): SwitchOver;
  /**
   * Discovery asks every mover whether the live System database is its own (the APIManager's flag, the
   * connection Secret's URL, the internal workloads): the component it would move, or undefined. Exactly one
   * answers; a mover that recognises its state but finds it broken or refused throws a UserError naming it.
   */
  discover(live: LiveInstall): DiscoveredDatabase | undefined;
}
