import type { Retired } from './retired-servers.js';

/**
 * What a mover switches at the cut-over, as one object: the cut-over's Secret rewrite Job, its APIManager
 * overlay, the old servers it stops and the lines of its PHASE.md and plan view all read it, and the rollback
 * of the cut-over undoes exactly it (Secrets from their backups, flags back to false, old servers started).
 */

/** One rewrite of a connection Secret key: `{KEY}` in the template is a key of the same Secret, `{secret/key}` a key of a credentials Secret. */
export interface SecretRewrite {
  readonly secret: string;
  readonly key: string;
  readonly template: string;
}

/** `{secret/key}`: a placeholder for a key of a credentials Secret (in the 3scale namespace), filled in the cluster. */
export const secretRef = (secret: string, key: string) => `{${secret}/${key}}`;

/** A component flag of the APIManager's `spec.externalComponents`. */
export type ExternalFlag = 'system.database' | 'backend.redis' | 'system.redis';

/**
 * Which line of the cut-over a switch joins: `new-servers` (3scale is pointed at a server the plan created)
 * or `existing-servers` (at a server the plan does not create: managed, behind sentinels).
 */
export type SwitchSlot = 'new-servers' | 'existing-servers';

/** What one mover changes for 3scale at the cut-over (for one component). */
export interface SwitchOver {
  readonly slot: SwitchSlot;
  /** The connection Secret keys the cut-over's Job writes, in order; empty when 3scale keeps its connection. */
  readonly rewrites: readonly SecretRewrite[];
  /** The rewrite in words (a part of the Job's line), or undefined when it rewrites nothing. */
  readonly rewriteWords?: string;
  /** The APIManager flag it turns on (its rollback turns it off); absent when the component is external already. */
  readonly external?: ExternalFlag;
  /** The old servers (3scale workloads) it stops, so nothing writes to a copy no longer used; its rollback starts them again. */
  readonly stops: readonly string[];
  /** Whether its rollback puts `spec.system.database.postgresql: {}` back (the operator removed it once the database was external). */
  readonly restoresInternalPostgresql?: boolean;
  /** What its rollback leaves to the operator, in words. */
  readonly rollbackWords?: readonly string[];
  /** What the cleanup phase deletes once the switch is verified (the old server 3scale no longer reads); absent: nothing. */
  readonly retires?: Retired;
}

/** A component the cut-over leaves as it is. */
export const NO_SWITCH: SwitchOver = { slot: 'new-servers', rewrites: [], stops: [] };
