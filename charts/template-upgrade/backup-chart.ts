import type { Construct } from 'constructs';
import type { RenderContext } from '../../src/phases/phase.js';
import { BACKUP_PREFIX, backupObjects, type ObjectLine } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-facts.js';
import type { TemplateUpgradePlan } from '../../src/procedures/template-2.5-to-2.6/template-upgrade-plan-schema.js';
import { grant, type Verb } from '../constructs/grant.js';
import type { JobAccess } from '../constructs/migration-job.js';
import { kubeJob } from '../jobs/kube-job.js';
import type { PhaseChart } from '../phase-chart.js';
import { templateChart } from './template-chart.js';

/** Name of the backup copy of one object. */
export function backupName(o: ObjectLine): string {
  return `${BACKUP_PREFIX}-${o.resource.split('.')[0]}-${o.name}`;
}

/** Role rules allowing `verbs` on exactly the listed objects, one rule per resource. */
export function rulesOn(objects: readonly ObjectLine[], verbs: readonly Verb[]): JobAccess['rules'] {
  const byResource = new Map<string, string[]>();
  for (const o of objects) byResource.set(o.resource, [...(byResource.get(o.resource) ?? []), o.name]);
  return [...byResource.entries()].map(([types, names]) => grant({ types, names: [...names].sort() }, verbs));
}

/**
 * Backup (seed 2.1): a Job copies each object the upgrade changes into a ConfigMap of the same
 * namespace (a Secret into a Secret), without its server-maintained fields, so the rollbacks can put it
 * back. Nothing leaves the cluster; the seed's files on a workstation would hold the system-redis
 * credentials.
 */
export function render(scope: Construct, id: string, context: RenderContext<TemplateUpgradePlan>): PhaseChart<TemplateUpgradePlan> {
  const chart = templateChart(scope, id, context);
  const namespace = context.plan.spec.threescale.namespace;
  const objects = backupObjects(context.plan);
  const secrets = objects.filter((o) => o.resource === 'secret').map(backupName);
  const configMaps = objects.filter((o) => o.resource !== 'secret').map(backupName);
  kubeJob(chart, 'Backup', {
    name: 'backup-objects',
    namespace,
    script: 'backup-objects.sh',
    wave: 0,
    env: [
      { name: 'OBJECTS', value: objects.map((o) => `${o.resource} ${o.name}`).join('\n') },
      { name: 'BACKUP_PREFIX', value: BACKUP_PREFIX },
    ],
    access: [
      {
        namespace,
        rules: [
          ...rulesOn(objects, ['get']),
          grant({ types: 'configmap', names: configMaps.sort() }, ['get']),
          grant({ types: 'secret', names: secrets.sort() }, ['get']),
          // create cannot be limited to names; the script creates only the backup names above.
          grant({ types: ['configmap', 'secret'] }, ['create']),
        ],
      },
    ],
  });
  return chart;
}
