import type { Plan } from '../../../plan/plan-schema.js';
import { UserError } from '../../../errors.js';
import { imageOf, markedExternal, workload } from '../live-install.js';
import { mysqlDetachSteps } from '../mysql-detach.js';
import { INTERNAL_DATABASE_DEPLOYMENTS } from '../../../plan/deployments.js';
import { serviceHost } from '../../../plan/plan-facts.js';
import { detachList } from './detach-list.js';
import { verifyDatabaseWork } from './verify-database.js';
import { runsInternalPostgresql } from './on-cluster-postgresql-mover.js';
import { NO_DATABASE_WORK, type DatabaseMover } from './mover.js';

/**
 * What the MySQL detach Job does for this plan, read from the steps it renders (the plan's detach list,
 * discovered or the operator's defaults): each object with its removals, or that no Job is rendered.
 */
function detachSummary(plan: Plan): string {
  const steps = mysqlDetachSteps(plan);
  if (steps.length === 0) {
    return 'no detach Job: spec.systemDatabase.detach records no APIManager ownerReference and no 3scale label on the MySQL objects, so nothing is removed (check that the operator does not own them: deleting the APIManager would delete what it owns)';
  }
  const byObject = new Map<string, { owner: boolean; labels: number; podLabels: number }>();
  for (const step of steps) {
    const key = `${step.kind} ${step.name}`;
    const entry = byObject.get(key) ?? { owner: false, labels: 0, podLabels: 0 };
    if (step.removedPath.startsWith('/metadata/ownerReferences/')) entry.owner = true;
    else if (step.removedPath.startsWith('/spec/template/')) entry.podLabels += 1;
    else entry.labels += 1;
    byObject.set(key, entry);
  }
  const parts = [...byObject].map(([object, e]) => {
    const what = [e.owner ? 'the APIManager ownerReference' : '', e.labels ? `${e.labels} label${e.labels === 1 ? '' : 's'}` : '', e.podLabels ? `${e.podLabels} pod template label${e.podLabels === 1 ? '' : 's'}` : ''].filter(Boolean);
    return `${object} (${what.join(', ')})`;
  });
  return `Job detach-system-mysql removes, each removal guarded by a JSON patch test, from ${parts.join(', ')}: ${steps.length} removal${steps.length === 1 ? '' : 's'} (spec.systemDatabase.detach; any other object stays as it is)`;
}

/**
 * `mysql/keep-in-place`: `system-mysql` stays where it is; at the cut-over a Job removes, each removal
 * guarded by a JSON patch test, what ties it to the operator, and `diff` checks those removals live.
 */
export const keepInPlaceMover: DatabaseMover = {
  strategy: 'mysql/keep-in-place',
  work(plan, phase) {
    const ns = plan.spec.threescale.namespace;
    if (phase === 'verify') return verifyDatabaseWork({ kind: 'mysql', host: serviceHost(INTERNAL_DATABASE_DEPLOYMENTS.mysql, ns), database: 'system', image: plan.spec.jobs.mysqlImage });
    if (phase !== 'cutover') return NO_DATABASE_WORK;
    const patches = mysqlDetachSteps(plan);
    return { words: { detach: [detachSummary(plan)] }, jobs: patches.length ? [{ build: 'detach-mysql', name: 'detach-system-mysql' }] : [], patches };
  },
  // 3scale keeps its connection; the database only becomes external, and the operator re-attaches it once it is internal again.
  switchOver: () => ({
    slot: 'new-servers',
    rewrites: [],
    external: 'system.database',
    stops: [],
    rollbackWords: ['the operator re-adds its ownerReference and labels to the MySQL objects once it runs'],
  }),
  discover: (live) => {
    if (markedExternal(live, 'system', 'database') || runsInternalPostgresql(live)) return undefined;
    const d = workload(live, 'system-mysql');
    if (!d) throw new UserError(`${live.sourceLabel}: ${live.workloadKind} ${live.namespace}/system-mysql is missing and the System database is not external; expected the internal MySQL of ${live.release}.`);
    return {
      component: { kind: 'mysql', strategy: 'keep-in-place', detach: detachList(live) },
      note: `System database: internal MySQL, image ${imageOf(d)}, kept in place and detached from the operator`,
    };
  },
};
