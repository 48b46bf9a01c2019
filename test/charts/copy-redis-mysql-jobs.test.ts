/**
 * Specification of the Redis copy Jobs (charts/jobs/redis-jobs.ts) and the managed MySQL copy
 * (charts/jobs/copy-to-managed-job.ts): `spec.jobs.resetTarget` reaches their scripts as TARGET_RESET, so a
 * rerun after the source changed copies again only when the plan allows it.
 */
import { describe, expect, test } from 'vitest';
import * as copyDataChart from '../../charts/copy-data-chart.js';
import { renderChart } from '../support/charts.js';
import { examplePlanWith, find } from '../support/plans.js';

const envOf = (job: any): Record<string, unknown> =>
  Object.fromEntries((job.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));

/** mysql-in-place-and-redis with the System database moved to a managed MySQL, and resetTarget as given. */
const plan = (resetTarget?: boolean) =>
  examplePlanWith('mysql-in-place-and-redis', (p) => {
    p.spec.systemDatabase = { kind: 'mysql', strategy: 'managed', managed: { host: 'mysql.example.internal', databaseName: 'threescale', credentials: { secretName: 'rds-mysql' } } };
    if (resetTarget !== undefined) p.spec.jobs = { ...(p.spec.jobs ?? {}), resetTarget };
  });

describe('Redis and MySQL copy Jobs', () => {
  for (const [resetTarget, expected] of [
    [undefined, 'false'],
    [false, 'false'],
    [true, 'true'],
  ] as const) {
    test(`GIVEN spec.jobs.resetTarget ${String(resetTarget)} WHEN copy-data renders THEN copy-backend-redis, copy-system-redis and copy-system-database run with TARGET_RESET=${expected}`, () => {
      // GIVEN / WHEN
      const { objects } = renderChart(copyDataChart, plan(resetTarget), 'copy-data');
      // THEN
      for (const name of ['copy-backend-redis', 'copy-system-redis', 'copy-system-database']) {
        expect(envOf(find(objects, 'Job', name) as any).TARGET_RESET, name).toBe(expected);
      }
      expect(envOf(find(objects, 'Job', 'copy-backend-redis') as any).RDB_FILENAME).toBeUndefined();
    });
  }
});
