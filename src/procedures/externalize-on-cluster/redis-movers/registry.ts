import type { Plan, RedisComponent, RedisStrategy } from '../../../plan/plan-schema.js';
import { type RedisRole, REDIS_ROLES, redisComponent } from '../../../plan/plan-facts.js';
import { alreadyExternalMover } from './already-external-mover.js';
import { managedMover } from './managed-mover.js';
import type { CreatedObject } from '../created-objects.js';
import { type DiscoveredRedis, type LiveInstall, oneClaim } from '../live-install.js';
import type { SwitchOver } from '../switch-over.js';
import type { LivenessCheck, RedisConstruct, RedisMover, RedisOf, RedisPhase, RedisSlot, RedisWork, RoleOf } from './mover.js';
import { onClusterMover } from './on-cluster-mover.js';
import { sentinelMover } from './sentinel-mover.js';

/** Every Redis strategy's mover, in the order their work is said and rendered; the types require one per strategy of the schema. */
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

/** What the cut-over switches for one Redis role, from the mover of its strategy. */
export function redisSwitchOver(plan: Plan, role: RedisRole): SwitchOver {
  return withMover(redisComponent(plan, role), (m, r) => m.switchOver(plan, role, r));
}

/** The work of every mover of the plan in one phase, each mover once with the roles of its strategy (backend first). */
export function redisWork(plan: Plan, phase: RedisPhase): RedisWork[] {
  return (Object.keys(MOVERS) as RedisStrategy[]).flatMap((strategy) => {
    const roles = REDIS_ROLES.flatMap((role) => {
      const redis = redisComponent(plan, role);
      return redis.strategy === strategy ? [{ role, redis }] : [];
    });
    return roles.length ? [(MOVERS[strategy] as RedisMover).work(plan, roles as RoleOf<RedisStrategy>[], phase)] : [];
  });
}

/** The lines of one slot of a phase, from every mover's work. */
export function redisWords(plan: Plan, phase: RedisPhase, slot: RedisSlot): string[] {
  return redisWork(plan, phase).flatMap((w) => w.words[slot] ?? []);
}

/** What the phase's chart renders for the Redis movers. */
export function redisConstructs(plan: Plan, phase: RedisPhase): RedisConstruct[] {
  return redisWork(plan, phase).flatMap((w) => w.constructs);
}

/** Whether some Redis mover has work in a phase (it renders something there). */
export function redisHasWork(plan: Plan, phase: RedisPhase): boolean {
  return redisConstructs(plan, phase).length > 0;
}

/** What the Redis movers create in a phase that the rollback of the phase deletes. */
export function redisCreates(plan: Plan, phase: RedisPhase): CreatedObject[] {
  return redisWork(plan, phase).flatMap((w) => w.creates ?? []);
}

/** The Redis of a role of a live install, as the one mover that recognises it says: every mover is asked, exactly one must answer. */
export function discoverRedis(live: LiveInstall, role: RedisRole): DiscoveredRedis {
  return oneClaim(`the ${role} Redis`, (Object.values(MOVERS) as RedisMover[]).flatMap((m) => {
    const found = m.discover(live, role);
    return found ? [{ strategy: m.strategy, found }] : [];
  }));
}

/** The Redis servers verify checks for the liveness-probe key, in the movers' order (the order they are said in). */
export function redisLivenessChecks(plan: Plan): LivenessCheck[] {
  return redisWork(plan, 'verify').flatMap((w) => w.livenessChecks ?? []);
}
