import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { BACKUP_PREFIX, restoredBy } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { grant } from '../constructs/grant.js';
import { kubeJob } from '../jobs/kube-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { backupName, rulesOn } from './backup-chart.js';
import { templateChart } from './template-chart.js';

/**
 * Rollback of a template-upgrade phase: a Job puts every object the phase patched or deleted back as the
 * backup phase copied it (replaced when it exists, created when the phase deleted it).
 */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  const namespace = context.plan.spec.threescale.namespace;
  const objects = restoredBy(context.plan, context.phase.id);
  if (!objects.length) return chart;
  const secrets = objects.filter((o) => o.resource === 'secret').map(backupName);
  const configMaps = objects.filter((o) => o.resource !== 'secret').map(backupName);
  const rules = [...rulesOn(objects, ['get', 'update'])];
  const resources = [...new Set(objects.map((o) => o.resource))].sort();
  rules.push(...resources.map((types) => grant({ types }, ['create'])));
  if (configMaps.length) rules.push(grant({ types: 'configmap', names: configMaps.sort() }, ['get']));
  if (secrets.length) rules.push(grant({ types: 'secret', names: secrets.sort() }, ['get']));
  kubeJob(chart, 'Restore', {
    name: `restore-${context.phase.id}`,
    namespace,
    script: 'restore-objects.sh',
    wave: 0,
    env: [
      { name: 'OBJECTS', value: objects.map((o) => `${o.resource} ${o.name}`).join('\n') },
      { name: 'BACKUP_PREFIX', value: BACKUP_PREFIX },
    ],
    access: [{ namespace, rules }],
  });
  return chart;
}
