import type { Plan, RedisComponent, RedisStrategy } from '../../../plan/plan-schema.js';

import type { RedisRole } from '../../../plan/plan-facts.js';
import type { CreatedObject } from '../created-objects.js';
import type { DiscoveredRedis, LiveInstall } from '../live-install.js';
import type { SwitchOver } from '../switch-over.js';
import type { SentinelJob } from './sentinel-jobs.js';

/** The component of one role narrowed to one strategy. */
export type RedisOf<S extends RedisStrategy> = Extract<RedisComponent, { strategy: S }>;

/** One role of a plan whose Redis uses strategy `S`. */
export interface RoleOf<S extends RedisStrategy> {
  readonly role: RedisRole;
  readonly redis: RedisOf<S>;
}

/** The phases (and rollbacks) of the externalization where a Redis mover can have work. */
export type RedisPhase = 'prepare' | 'copy-data' | 'load-redis' | 'load-redis-rollback' | 'cutover' | 'verify';

/**
 * Where a mover's lines go among the lines of its phase, which lays the slots out around the other
 * components' lines: `new-servers` (servers the plan creates in the cluster), `existing-servers` (servers
 * the plan does not create: managed, behind sentinels), `checks` (read-only checks, after everything else).
 */
export type RedisSlot = 'new-servers' | 'existing-servers' | 'checks';

/** A Job a mover contributes to a phase: its name (the evidence step `diff` expects done) and how the chart builds it. */
export type RedisJob =
  | { readonly build: 'copy-redis' | 'check-load' | 'export-rdb'; readonly name: string; readonly role: RedisRole }
  | { readonly build: 'verify-copy'; readonly name: string; readonly role: RedisRole; readonly wave: number }
  | { readonly build: 'check-targets'; readonly name: string; readonly prefix: string; readonly roles: readonly RedisRole[]; readonly requireLivenessKey: boolean; readonly wave: number }
  | { readonly build: 'sentinel'; readonly name: string; readonly job: SentinelJob; readonly wave: number };

/** What the chart of a phase renders for a mover: its Jobs and the objects it sets. */
export type RedisConstruct =
  | { readonly kind: 'job'; readonly job: RedisJob }
  /** The new servers of these roles (Deployment, PVC, Service, ServiceAccount) at a replica count, and the configuration ConfigMap of their namespaces. */
  | { readonly kind: 'new-servers'; readonly roles: readonly RedisRole[]; readonly replicas: number }
  /** The old, operator-made server of a role at a replica count. */
  | { readonly kind: 'old-server'; readonly role: RedisRole; readonly replicas: number }
  /** The volume the RDB export of a role's old server goes to. */
  | { readonly kind: 'rdb-export-volume'; readonly role: RedisRole };

/**
 * What one mover does in one phase for the roles of its strategy, as one object: the phase's words (plan
 * view and PHASE.md) and the constructs its chart renders are both read from it.
 */
export interface RedisWork {
  /** Its lines in the phase's description, by slot. */
  readonly words: Partial<Record<RedisSlot, readonly string[]>>;
  /** What the phase's chart renders for it, in order. */
  readonly constructs: readonly RedisConstruct[];
  /** What the phase creates for it that the rollback of the phase deletes; absent: nothing. */
  readonly creates?: readonly CreatedObject[];
  /** Verify: the Redis servers whose liveness-probe key the one `verify-redis` Job looks for; absent: none. */
  readonly livenessChecks?: readonly LivenessCheck[];
}

/** One Redis the `verify-redis` Job reads: where, how it is said, and the password it needs (a key of the credentials Secret). */
export interface LivenessCheck {
  readonly role: RedisRole;
  readonly words: string;
  /** `host:port`. */
  readonly endpoint: string;
  readonly password?: { readonly secret: string; readonly key: string };
}

/** No work in a phase. */
export const NO_WORK: RedisWork = { words: {}, constructs: [] };

/**
 * One Redis strategy: how it moves the data of a role, phase by phase ({@link work}), and what it switches
 * for that role at the cut-over ({@link switchOver}: the connection Secret keys, the APIManager flag, the old
 * server it stops, and the words for them).
 */
export interface RedisMover<S extends RedisStrategy = RedisStrategy> {
  readonly strategy: S;
  /** What it does in a phase for the roles that use it (never called with no role); {@link NO_WORK} when nothing. */
  work(plan: Plan, roles: readonly RoleOf<S>[], phase: RedisPhase): RedisWork;
  /** What the cut-over changes for 3scale's Redis of this role; {@link NO_SWITCH} when nothing. */
  switchOver(plan: Plan, role: RedisRole, redis: RedisOf<S>): SwitchOver;
  /**
   * Discovery asks every mover whether the live Redis of a role is its own (the APIManager's flag, the
   * connection Secret, the internal workload): the component it would move, or undefined. Exactly one answers.
   */
  discover(live: LiveInstall, role: RedisRole): DiscoveredRedis | undefined;
}
