import { REDIS_ROLES } from '../../plan/plan-facts.js';
import type { Plan } from '../../plan/plan-schema.js';
import { databaseMover } from './database-movers/registry.js';
import { redisSwitchOver } from './redis-movers/registry.js';
import type { Retired } from './retired-servers.js';
import type { ExternalFlag, SecretRewrite, SwitchOver, SwitchSlot } from './switch-over.js';

/** The lines of the cut-over in their order: 3scale pointed at the servers the plan created, then at existing ones. */
export const SWITCH_SLOTS: readonly SwitchSlot[] = ['new-servers', 'existing-servers'];

/** What the cut-over switches, one object per component: the System database, then the backend and system Redis. */
export function cutoverSwitches(plan: Plan): SwitchOver[] {
  return [databaseMover(plan).switchOver(plan), ...REDIS_ROLES.map((role) => redisSwitchOver(plan, role))];
}

/** The switches of one slot, in component order. */
export function switchesIn(plan: Plan, slot: SwitchSlot): SwitchOver[] {
  return cutoverSwitches(plan).filter((s) => s.slot === slot);
}

/** The connection Secret keys the cut-over's Job writes, slot by slot. */
export function secretRewrites(plan: Plan): SecretRewrite[] {
  return SWITCH_SLOTS.flatMap((slot) => switchesIn(plan, slot).flatMap((s) => s.rewrites));
}

/** The APIManager flags the cut-over turns on (its rollback turns them off). */
export function externalFlagsOf(plan: Plan): ExternalFlag[] {
  return cutoverSwitches(plan).flatMap((s) => (s.external ? [s.external] : []));
}

/** The old servers the cut-over stops (its rollback starts them again), slot by slot. */
export function stoppedServers(plan: Plan): string[] {
  return SWITCH_SLOTS.flatMap((slot) => switchesIn(plan, slot).flatMap((s) => s.stops));
}

/**
 * Whether the plan changes anything that needs 3scale stopped: some mover switches something at the
 * cut-over (a connection Secret, an APIManager flag, an old server). The window's phases apply then.
 */
export function needsWindow(plan: Plan): boolean {
  return cutoverSwitches(plan).some((s) => s.external !== undefined || s.rewrites.length > 0 || s.stops.length > 0);
}

/**
 * What the cleanup phase deletes, component by component: the System database's old server, then the old
 * Redis servers (those the plan replaced with servers it created first), the Redis configuration when no old
 * Redis is left to read it.
 */
export function retiredByCleanup(plan: Plan): Retired[] {
  const [database, ...redis] = cutoverSwitches(plan);
  const oldRedis = SWITCH_SLOTS.flatMap((slot) => redis.filter((s) => s.slot === slot).flatMap((s) => (s.retires ? [s.retires] : [])));
  const config: Retired[] = oldRedis.length === REDIS_ROLES.length ? [{ words: ['ConfigMap redis-config'], objects: [`${plan.spec.threescale.namespace} configmap/redis-config`] }] : [];
  return [...(database?.retires ? [database.retires] : []), ...oldRedis, ...config];
}
