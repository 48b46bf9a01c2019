/**
 * Specification of charts/template-upgrade/routes-chart.ts: the deployment options through the Account
 * Management API (token by Secret reference), the deletion of the 2.5 routes, then the Zync resync.
 */
import { describe, expect, test } from 'vitest';
import * as routes from '../../../charts/template-upgrade/routes-chart.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { validateManifests } from '../../../src/validate/validate-manifest.js';
import { renderChart } from '../../support/charts.js';
import { find, refs, templateExample } from '../../support/plans.js';

const container = (job: KubeObject) => (job.spec as any).template.spec.containers[0];
const wave = (job: KubeObject) => job.metadata.annotations?.['argocd.argoproj.io/sync-wave'];

describe('routes chart', () => {
  test('GIVEN the example WHEN rendered THEN three Jobs: deployment options and route deletions first, the resync after', () => {
    const { objects } = renderChart(routes as never, templateExample() as never, 'routes');
    const jobs = objects.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(['delete-2-5-routes', 'set-deployment-options', 'zync-resync']);
    expect(Number(wave(find(objects, 'Job', 'zync-resync')))).toBeGreaterThan(Number(wave(find(objects, 'Job', 'set-deployment-options'))));
    expect(validateManifests(objects)).toEqual([]);
  });

  test('GIVEN the example WHEN rendered THEN the API Job reads the token from the Secret reference only, and nothing renders a Secret', () => {
    const { objects } = renderChart(routes as never, templateExample() as never, 'routes');
    const env = container(find(objects, 'Job', 'set-deployment-options')).env as any[];
    expect(env.find((e) => e.name === 'ACCESS_TOKEN')).toEqual({ name: 'ACCESS_TOKEN', valueFrom: { secretKeyRef: { name: 'threescale-admin-token', key: 'ACCESS_TOKEN' } } });
    expect(env.find((e) => e.name === 'SERVICES').value).toBe('https://3scale-admin.apps.example.com 2 self_managed');
    expect(refs(objects).filter((r) => r.startsWith('Secret'))).toEqual([]);
  });

  test('GIVEN no service whose option changes WHEN rendered THEN there is no API Job', () => {
    const loaded = templateExample((raw) => {
      raw.spec.routes.serviceDeploymentOptions = [];
      delete raw.spec.routes.accessTokenSecret;
    });
    expect(renderChart(routes as never, loaded as never, 'routes').objects.filter((o) => o.kind === 'Job').map((j) => j.metadata.name).sort()).toEqual(['delete-2-5-routes', 'zync-resync']);
  });

  test('GIVEN the example WHEN rendered THEN the resync Job may only read pods and exec into them', () => {
    const { objects } = renderChart(routes as never, templateExample() as never, 'routes');
    const rules = find(objects, 'Role', 'zync-resync').rules as { resources: string[]; verbs: string[] }[];
    expect(rules.flatMap((r) => r.resources).filter((r) => r !== 'configmaps').sort()).toEqual(['pods', 'pods/exec']);
    expect(container(find(objects, 'Job', 'zync-resync')).env).toContainEqual({ name: 'SIDEKIQ_SELECTOR', value: 'deploymentconfig=system-sidekiq' });
  });
});
