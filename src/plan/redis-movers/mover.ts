import type { Plan, RedisComponent, RedisStrategy } from '../plan-schema.js';

import type { RedisRole } from '../plan-facts.js';

/** One rewrite of a connection Secret key: `{KEY}` in the template is a key of the same Secret, `{secret/key}` a key of a credentials Secret. */
export interface SecretRewrite {
  readonly secret: string;
  readonly key: string;
  readonly template: string;
}

/** The component of one role narrowed to one strategy. */
export type RedisOf<S extends RedisStrategy> = Extract<RedisComponent, { strategy: S }>;

/**
 * One Redis strategy: how it moves the data of a role, the connection Secret keys it writes at the cut-over
 * and the words the plan view and PHASE.md use for that (read from this object, which the Jobs also read).
 */
export interface RedisMover<S extends RedisStrategy = RedisStrategy> {
  readonly strategy: S;
  /** The connection Secret keys the cut-over writes for this role; empty when 3scale keeps its connection. */
  secretRewrites(plan: Plan, role: RedisRole, redis: RedisOf<S>): SecretRewrite[];
  /** The cut-over's rewrite in words, or undefined when it rewrites nothing. */
  describeRewrite(plan: Plan, role: RedisRole, redis: RedisOf<S>): string | undefined;
}
