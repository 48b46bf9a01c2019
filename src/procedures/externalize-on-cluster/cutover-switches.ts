import { REDIS_ROLES } from '../../plan/plan-facts.js';
import type { Plan } from '../../plan/plan-schema.js';
import { databaseMover } from './database-movers/registry.js';
import { redisSwitchOver } from './redis-movers/registry.js';
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
