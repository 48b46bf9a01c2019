import type { Plan, RedisComponent, RedisStrategy } from '../plan-schema.js';
import { type RedisRole, redisComponent } from '../plan-facts.js';
import { alreadyExternalMover } from './already-external-mover.js';
import { managedMover } from './managed-mover.js';
import type { RedisMover, RedisOf, SecretRewrite } from './mover.js';
import { onClusterMover } from './on-cluster-mover.js';
import { sentinelMover } from './sentinel-mover.js';

/** Every Redis strategy's mover; the types require one per strategy of the schema. */
const MOVERS: { readonly [S in RedisStrategy]: RedisMover<S> } = {
  'upgrade-on-cluster': onClusterMover,
  managed: managedMover,
  sentinel: sentinelMover,
  'already-external': alreadyExternalMover,
};

/** Calls one method of the mover of a component with the component narrowed to its strategy. */
function withMover<T>(redis: RedisComponent, call: <S extends RedisStrategy>(mover: RedisMover<S>, redis: RedisOf<S>) => T): T {
  return call(MOVERS[redis.strategy] as RedisMover, redis);
}

/** The connection Secret keys the cut-over writes for one Redis role. */
export function redisSecretRewrites(plan: Plan, role: RedisRole): SecretRewrite[] {
  return withMover(redisComponent(plan, role), (m, r) => m.secretRewrites(plan, role, r));
}

/** The cut-over's rewrite of one Redis role in words, or undefined. */
export function describeRedisRewrite(plan: Plan, role: RedisRole): string | undefined {
  return withMover(redisComponent(plan, role), (m, r) => m.describeRewrite(plan, role, r));
}
