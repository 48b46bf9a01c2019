import type { JsonPatchStep } from '../../../patches/json-patch-steps.js';
import type { Plan } from '../../../plan/plan-schema.js';
import type { CreatedObject } from '../created-objects.js';
import { type DiscoveredDatabase, type LiveInstall, oneClaim } from '../live-install.js';
import { externalMysqlMover, externalPostgresqlMover, oracleMover } from './already-external-mover.js';
import { keepInPlaceMover } from './keep-in-place-mover.js';
import { managedMysqlMover, managedPostgresqlMover } from './managed-mover.js';
import type { DatabaseJob, DatabaseMover, DatabasePhase, DatabaseServer, DatabaseSlot, DatabaseStrategy, SystemDatabase } from './mover.js';
import { onClusterPostgresqlMover } from './on-cluster-postgresql-mover.js';

/**
 * Every System database strategy's mover; the types require one per strategy of the schema. Discovery asks
 * them in this order (Oracle first: refused whatever else the install looks like).
 */
const MOVERS: { readonly [S in DatabaseStrategy]: DatabaseMover } = {
  oracle: oracleMover,
  'postgresql/upgrade-on-cluster': onClusterPostgresqlMover,
  'postgresql/managed': managedPostgresqlMover,
  'postgresql/already-external': externalPostgresqlMover,
  'mysql/keep-in-place': keepInPlaceMover,
  'mysql/managed': managedMysqlMover,
  'mysql/already-external': externalMysqlMover,
};

/** The strategy of a System database. */
function strategyOf(db: SystemDatabase): DatabaseStrategy {
  if (db.kind === 'postgresql') return `postgresql/${db.strategy}`;
  return db.kind === 'mysql' ? `mysql/${db.strategy}` : 'oracle';
}

/** The mover of the plan's System database. */
export function databaseMover(plan: Plan): DatabaseMover {
  return MOVERS[strategyOf(plan.spec.systemDatabase)];
}

/** The lines of one slot of a phase from the System database's mover. */
export function databaseWords(plan: Plan, phase: DatabasePhase, slot: DatabaseSlot): readonly string[] {
  return databaseMover(plan).work(plan, phase).words[slot] ?? [];
}

/** The Jobs the System database's mover contributes to a phase. */
export function databaseJobs(plan: Plan, phase: DatabasePhase): readonly DatabaseJob[] {
  return databaseMover(plan).work(plan, phase).jobs;
}

/** Whether the System database's mover has work in a phase (a Job or a server to render). */
export function databaseHasWork(plan: Plan, phase: DatabasePhase): boolean {
  const work = databaseMover(plan).work(plan, phase);
  return work.jobs.length > 0 || (work.servers?.length ?? 0) > 0;
}

/** The servers the System database's mover creates in a phase. */
export function databaseServers(plan: Plan, phase: DatabasePhase): readonly DatabaseServer[] {
  return databaseMover(plan).work(plan, phase).servers ?? [];
}

/** What `diff` checks on live objects it does not own once the phase is applied: the mover's guarded patches. */
export function databasePatches(plan: Plan, phase: DatabasePhase): readonly JsonPatchStep[] {
  return databaseMover(plan).work(plan, phase).patches;
}

/** What the System database's mover creates in a phase that the rollback of the phase deletes. */
export function databaseCreates(plan: Plan, phase: DatabasePhase): readonly CreatedObject[] {
  return databaseMover(plan).work(plan, phase).creates ?? [];
}

/**
 * The System database of a live install, as the one mover that recognises it says: every mover is asked (a
 * refusal, such as Oracle's, ends discovery), and exactly one must answer.
 */
export function discoverDatabase(live: LiveInstall): DiscoveredDatabase {
  return oneClaim('the System database', Object.values(MOVERS).flatMap((m) => {
    const found = m.discover(live);
    return found ? [{ strategy: m.strategy, found }] : [];
  }));
}
