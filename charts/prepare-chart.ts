import type { MigrationPlan } from '../src/plan/plan-schema.js';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { RenderContext } from '../src/phases/phase.js';
import { targetNamespaces } from '../src/plan/plan-facts.js';
import { keepAnnotations, ownLabels } from './constructs/metadata.js';
import { copyManagedCredentialsJobs } from './jobs/copy-managed-credentials-job.js';
import { renderDatabaseWork } from './database-mover-work.js';
import { PhaseChart } from './phase-chart.js';
import { renderRedisWork } from './redis-mover-work.js';

/**
 * Prepare (before the window): everything that can exist while 3scale still runs. The new PostgreSQL
 * starts empty; the new Redis servers stay at 0 replicas, already with the persistence configuration, until
 * copy-data has placed the old data in their volume (as the base file of their AOF). Managed targets are checked from inside the cluster while 3scale still
 * runs (seed 6.2.4, done there inside the window), after their credential Secrets are copied into the 3scale
 * namespace; a managed Redis seeded from an RDB export gets the volume the export goes to.
 */
export function render(scope: Construct, id: string, context: RenderContext<MigrationPlan>): PhaseChart<MigrationPlan> {
  const chart = new PhaseChart(scope, id, context);
  const { plan } = context;
  const migration = plan.metadata.name;

  if (plan.spec.targets.createNamespace) {
    for (const ns of targetNamespaces(plan)) {
      if (ns === plan.spec.threescale.namespace) continue;
      new k8s.KubeNamespace(chart, `Namespace-${ns}`, { metadata: { name: ns, labels: ownLabels(migration), annotations: keepAnnotations() } });
    }
  }

  copyManagedCredentialsJobs(chart, 0);
  renderDatabaseWork(chart, 'prepare');
  renderRedisWork(chart, 'prepare');
  return chart;
}
