/**
 * Specification of the PostgreSQL copy Jobs (charts/jobs/copy-postgresql-job.ts, copy-to-managed-job.ts):
 * `spec.jobs.resetTarget` reaches the script as TARGET_RESET, and the script's state library goes along.
 */
import { describe, expect, test } from 'vitest';
import * as copyDataChart from '../../charts/copy-data-chart.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find, loadExample } from '../support/plans.js';

const envOf = (job: any): Record<string, unknown> =>
  Object.fromEntries((job.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));

const scriptsOf = (objects: any[], job: any): string[] => {
  const volume = (job.spec.template.spec.volumes as { configMap?: { name: string } }[]).find((v) => v.configMap)!;
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name);
  return Object.keys(cm.data).sort();
};

describe('PostgreSQL copy Jobs', () => {
  for (const example of ['postgresql-and-redis', 'managed-rds-and-elasticache'] as const) {
    test(`GIVEN ${example} without spec.jobs.resetTarget WHEN copy-data renders THEN copy-system-database runs with TARGET_RESET=false and pg-copy.sh's state library`, () => {
      // GIVEN / WHEN
      const { objects } = renderChart(copyDataChart, loadExample(example), 'copy-data');
      // THEN
      const job = find(objects, 'Job', 'copy-system-database') as any;
      expect(envOf(job).TARGET_RESET).toBe('false');
      expect(scriptsOf(objects, job)).toEqual(['lib.common.sh', 'lib.copy-manifest.sh', 'lib.evidence.sh', 'lib.pg-clients.sh', 'lib.pg-state.sh', 'lib.progress.sh', 'lib.workers.sh', 'pg-copy.sh']);
    });

    test(`GIVEN ${example} with spec.jobs.resetTarget: true WHEN copy-data renders THEN TARGET_RESET=true`, () => {
      // GIVEN
      const loaded = examplePlanWith(example, (p) => {
        p.spec.jobs = { ...(p.spec.jobs ?? {}), resetTarget: true };
      });
      // WHEN
      const { objects } = renderChart(copyDataChart, loaded, 'copy-data');
      // THEN
      expect(envOf(find(objects, 'Job', 'copy-system-database') as any).TARGET_RESET).toBe('true');
    });
  }
});
