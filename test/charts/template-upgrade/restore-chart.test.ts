/**
 * Specification of charts/template-upgrade/restore-chart.ts: the rollback of a phase is one Job putting
 * back, from the backup copies, what that phase patched or deleted.
 */
import { describe, expect, test } from 'vitest';
import * as restore from '../../../charts/template-upgrade/restore-chart.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { renderChart } from '../../support/charts.js';
import { find, templateExample } from '../../support/plans.js';

const env = (job: KubeObject) => Object.fromEntries(((job.spec as any).template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));

describe('restore chart', () => {
  test('GIVEN the rollback of routes WHEN rendered THEN the Job restores the six deleted routes and may create Routes again', () => {
    const { objects } = renderChart(restore as never, templateExample() as never, 'routes', true);
    const job = find(objects, 'Job', 'restore-routes');
    expect(env(job).OBJECTS!.split('\n')).toHaveLength(6);
    expect(env(job).BACKUP_PREFIX).toBe('threescale-migrate-backup');
    const rules = find(objects, 'Role', 'restore-routes').rules as { resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    expect(rules).toContainEqual({ apiGroups: ['route.openshift.io'], resources: ['routes'], verbs: ['create'] });
    expect(rules.filter((r) => r.resources[0] === 'configmaps').flatMap((r) => r.resourceNames ?? [])).toContain('threescale-migrate-backup-route-system-master');
  });

  test('GIVEN the rollback of redis-secret WHEN rendered THEN the copy is read from a Secret, never a ConfigMap', () => {
    const { objects } = renderChart(restore as never, templateExample() as never, 'redis-secret', true);
    const rules = find(objects, 'Role', 'restore-redis-secret').rules as { resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    expect(rules.find((r) => r.resources[0] === 'secrets' && r.verbs[0] === 'get' && r.resourceNames?.includes('threescale-migrate-backup-secret-system-redis'))).toBeDefined();
    expect(rules.filter((r) => r.resources[0] === 'configmaps').flatMap((r) => r.resourceNames ?? []).filter((n) => n.startsWith('threescale-migrate-backup'))).toEqual([]);
  });

  test('GIVEN a phase that changes nothing WHEN its rollback is rendered THEN the chart is empty', () => {
    expect(renderChart(restore as never, templateExample() as never, 'new-objects', true).objects).toEqual([]);
  });
});
